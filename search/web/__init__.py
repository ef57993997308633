"""The browser interface of `referat serve`: search, items and sources as HTML, an Atom feed and a JSON API.

A thin layer over the search library (`search.open()`); nothing here writes to the index.
"""
from .app import create_app

__all__ = ["create_app"]
