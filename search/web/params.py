"""The search form as data: the query string of a search page, checked and bounded, and back to URLs.

Every page that searches (`/`, `/feed`, `/api/search`) reads its parameters here, so the limits and
the filters are declared once. A parameter that cannot be used is a `BadRequest` with a message for
the user (shown with status 400), never a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import quote_plus, urlencode

from indexer.facets import FACETS

from .labels import text

MAX_QUERY_CHARS = 500
MAX_VALUE_CHARS = 200
MAX_VALUES = 20  # values of one filter (OR-ed), e.g. cluster=A&cluster=B
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
MAX_PAGE = 200


class BadRequest(ValueError):
    """A parameter the search cannot use; the message (search/web/labels.py, by code) is shown to the user."""

    def __init__(self, code: str, **params):
        super().__init__(text(code, **params))
        self.code, self.params = code, params


# Facets whose values are OR-ed when several are chosen (cluster=A&cluster=B); a year or a section replaces.
MULTIPLE = frozenset(f.name for f in FACETS if f.kind in ("name", "text"))

SORTS = {"relevance": "Relevans", "-date": "Nyeste først", "date": "Ældste først"}


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    limit: int = DEFAULT_LIMIT
    all_appearances: bool = False  # `appearances=all`: each appearance of a case a hit of its own

    def search_kwargs(self) -> dict:
        """Keyword arguments for `Index.search`."""
        kwargs: dict = {"sort": self.sort, "page": self.page, "limit": self.limit,
                        "all_appearances": self.all_appearances}
        for name, values in self.filters.items():
            kwargs[name] = list(values) if name in MULTIPLE else values[0]
        if self.date_from:
            kwargs["date_from"] = self.date_from
        if self.date_to:
            kwargs["date_to"] = self.date_to
        return kwargs

    def pairs(self) -> list[tuple[str, str]]:
        """The form as query-string pairs, defaults left out so URLs stay short."""
        out = [("q", self.q)]
        for name, values in self.filters.items():
            out += [(name, v) for v in values]
        if self.date_from:
            out.append(("from", self.date_from))
        if self.date_to:
            out.append(("to", self.date_to))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.limit != DEFAULT_LIMIT:
            out.append(("limit", str(self.limit)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.all_appearances:
            out.append(("appearances", "all"))
        return out

    def query_string(self) -> str:
        return urlencode(self.pairs())

    def with_query(self, q: str) -> SearchForm:
        return replace(self, q=q, page=1)

    def with_page(self, page: int) -> SearchForm:
        return replace(self, page=page)

    def adding(self, name: str, value: str) -> SearchForm:
        """The form narrowed by one facet value, from the first page."""
        current = self.filters.get(name, ())
        values = (*current, value) if name in MULTIPLE and value not in current else (value,)
        return replace(self, filters={**self.filters, name: values}, page=1)

    def removing(self, name: str, value: str) -> SearchForm:
        """The form without one facet value, from the first page (the other filters keep their order)."""
        rest = tuple(v for v in self.filters.get(name, ()) if v != value)
        filters = {k: rest if k == name else v for k, v in self.filters.items() if k != name or rest}
        return replace(self, filters=filters, page=1)

    def toggling(self, name: str, values) -> dict[str, str]:
        """For each of `values` of facet `name`, the query string of `removing` it when chosen, else of
        `adding` it: the same strings, the rest of the form encoded once for all of them (a result page
        links dozens of facet values)."""
        names = [*self.filters, *([] if name in self.filters else [name])]
        at = names.index(name)
        head = urlencode([("q", self.q)] + [(n, v) for n in names[:at] for v in self.filters[n]])
        tail = urlencode([(n, v) for n in names[at + 1:] for v in self.filters[n]]
                         + [pair for pair in replace(self, filters={}, q="", page=1).pairs()[1:]])
        current = self.filters.get(name, ())
        key = quote_plus(name) + "="
        kept = [key + quote_plus(v) for v in current]
        out = {}
        for value in values:
            if value in current:
                chosen = [pair for v, pair in zip(current, kept, strict=True) if v != value]
            elif name in MULTIPLE:
                chosen = [*kept, key + quote_plus(value)]
            else:
                chosen = [key + quote_plus(value)]
            out[value] = "&".join(part for part in (head, *chosen, tail) if part)
        return out

    def active(self) -> list[tuple[str, str]]:
        return [(name, v) for name, values in self.filters.items() for v in values]


def meetings_kwargs(form: SearchForm) -> dict:
    """Keyword arguments for `Index.meetings` from a search form: its filters, dates and paging (no words)."""
    if form.q:
        raise BadRequest("meetings_no_words")
    kwargs: dict = {"sort": "date" if form.sort == "date" else "-date", "page": form.page, "limit": form.limit}
    for name, values in form.filters.items():
        kwargs[name] = values[0] if name == "year" else list(values)
    if form.date_from:
        kwargs["date_from"] = form.date_from
    if form.date_to:
        kwargs["date_to"] = form.date_to
    return kwargs


def _one(params, name: str, default: str = "") -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadRequest("repeated", field=name)
    value = (values[0] if values else default).strip()
    limit = MAX_QUERY_CHARS if name == "q" else MAX_VALUE_CHARS
    if len(value) > limit:
        raise BadRequest("too_long", field=name, limit=limit)
    return value


def _number(params, name: str, default: int, highest: int) -> int:
    text = _one(params, name, str(default))
    if not text.isdigit() or not 1 <= int(text) <= highest:
        raise BadRequest("bad_whole_number", field=name, highest=highest)
    return int(text)


def parse_form(params) -> SearchForm:
    """The SearchForm of a request's query parameters (a Starlette QueryParams or any multi-dict)."""
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        name = facet.name
        values = [v.strip() for v in params.getlist(name) if v.strip()]
        if not values:
            continue
        if len(values) > (MAX_VALUES if name in MULTIPLE else 1):
            raise BadRequest("too_many_values", field=name)
        if any(len(v) > MAX_VALUE_CHARS for v in values):
            raise BadRequest("value_too_long", field=name, limit=MAX_VALUE_CHARS)
        filters[name] = tuple(dict.fromkeys(values))
    sort = _one(params, "sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise BadRequest("bad_sort", value=sort)
    appearances = _one(params, "appearances")
    if appearances not in ("", "all", "case"):
        raise BadRequest("bad_appearances", value=appearances)
    return SearchForm(
        q=_one(params, "q"), filters=filters, date_from=_one(params, "from"), date_to=_one(params, "to"), sort=sort,
        page=_number(params, "page", 1, MAX_PAGE), limit=_number(params, "limit", DEFAULT_LIMIT, MAX_LIMIT),
        all_appearances=appearances == "all",
    )
