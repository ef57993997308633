"""What the templates and the feed show: Danish dates, labels, and snippets marked safely.

Pure functions; the Jinja2 environment (autoescape on) is made here so the app and the tests
render with the same filters.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from corpus.dates import MONTHS

from .labels import case_numbers, facet_label, say, text, value_label
from .params import SORTS
from .public import source_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The full Danish name of each month, derived from the date parser's table (its longest spelling).
MONTH_NAMES = {n: max((name for name, m in MONTHS.items() if m == n), key=len) for n in set(MONTHS.values())}
_MARKED = re.compile(r"\*\*(.+?)\*\*")


def danish_date(iso: str | None) -> str:
    """'2024-03-14' as '14. marts 2024'; anything else as it is."""
    try:
        day = dt.date.fromisoformat(iso or "")
    except ValueError:
        return iso or ""
    return f"{day.day}. {MONTH_NAMES[day.month]} {day.year}"


def marked(snippet: str | None) -> Markup:
    """A snippet's **word** marks as <mark>, after escaping everything else: the text is untrusted."""
    safe = str(escape(snippet or ""))
    return Markup(_MARKED.sub(r"<mark>\1</mark>", safe))


def plain(snippet: str | None) -> str:
    """A snippet without its marks (feed summaries, titles)."""
    return _MARKED.sub(r"\1", snippet or "")


def filename(path: str | None) -> str:
    return Path(path or "").name


def environment() -> jinja2.Environment:
    """The templates, loaded once: without auto_reload Jinja2 stats every template file on each page."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, auto_reload=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(danish_date=danish_date, marked=marked, plain=plain, filename=filename, facet_label=facet_label,
                       value_label=value_label)
    env.globals.update(SORTS=SORTS, say=say, text=text, case_numbers=case_numbers, source_url=source_url)
    return env
