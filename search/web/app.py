"""The web app of `referat serve`: server-rendered pages, an Atom feed and a JSON API over `search.open()`.

Read-only by construction: every route is GET. The index is opened on first use and followed to each
new generation on every request (`Index.refresh()` only lists the directory when nothing changed), so
a reindex that commits is seen by the next page. Errors are pages with a message: 400 for parameters
the search cannot use, 404 for an unknown item, 503 with the command that builds a missing index.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import mimetypes
import os
import threading
from collections import OrderedDict
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

import search
from corpus.registry import fold
from indexer import IndexMissing

from ..query import QueryError
from .feed import atom
from .labels import FACETS as LABELS
from .labels import facet_label, say, text, value_label
from .params import MAX_PAGE, MAX_QUERY_CHARS, MAX_VALUE_CHARS, BadRequest, SearchForm, meetings_kwargs, parse_form
from .public import is_html, public
from .render import environment
from .sources import served_html

STATIC = Path(__file__).resolve().parent / "static"
FACET_VALUES_SHOWN = 12  # the rest of a long facet folds into "Vis alle"
FEED_ITEMS = 50
RESULTS_KEPT = 256  # searches remembered per index generation
log = logging.getLogger("referat.web")


PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# A source file is shown as it was published, but never runs on this origin: HTML sources are sandboxed.
SOURCE_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff",
                  "Referrer-Policy": "no-referrer"}


class NotFound(LookupError):
    """An item, meeting, case or body the index does not hold; the message is shown with status 404."""

    def __init__(self, code: str, **params):
        super().__init__(text(code, **params))


class Library:
    """The index the app serves: opened on first use, refreshed per request, reopened after it went missing."""

    def __init__(self, index_dir: str | os.PathLike):
        self.dir = Path(index_dir)
        self._lock = threading.Lock()
        self._ix: search.Index | None = None
        self._results: OrderedDict[tuple, object] = OrderedDict()
        self._results_generation = None
        self._pages: dict[str, str] = {}
        self._pages_stamp: int | None = None

    def index(self):
        with self._lock:
            ix = self._ix
            if ix is None:
                self._ix = ix = search.open(self.dir)
                return ix
        try:
            ix.refresh()
        except (IndexMissing, OSError) as exc:
            with self._lock:
                if self._ix is ix:
                    self._ix = None
            ix.close()
            if isinstance(exc, IndexMissing):
                raise
            raise IndexMissing(f"no index at {self.dir}; build one with: referat index --index {self.dir} FOLDER") \
                from None
        return ix

    def search(self, query: str, **options):
        """`Index.search`, answered from memory when the same search ran on the same generation before:
        feed readers poll one URL, users page back and forth. A new generation forgets every answer."""
        ix = self.index()
        key = (query, *sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
        with self._lock:
            if self._results_generation != ix.generation:
                self._results.clear()
                self._results_generation = ix.generation
            elif key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = ix.search(query, **options)
        with self._lock:
            if self._results_generation == ix.generation:
                self._results[key] = result
                while len(self._results) > RESULTS_KEPT:
                    self._results.popitem(last=False)
        return result

    def warm(self) -> None:
        """Open the index and load what its searches share (Index.warm) before the first visitor comes;
        a missing index is left for the pages to explain."""
        with contextlib.suppress(IndexMissing, OSError):
            self.index().warm()

    def item(self, item_id: str):
        return self._find("item", item_id, lambda key: self.index().show(key))

    def meeting(self, meeting_id: str):
        return self._find("meeting", meeting_id, lambda key: self.index().meeting(key))

    @staticmethod
    def _find(what: str, key: str, find):
        try:
            if len(key) > MAX_VALUE_CHARS:
                raise QueryError(key)
            return find(key)
        except QueryError:
            raise NotFound(f"not_found_{what}", id=key[:MAX_VALUE_CHARS]) from None

    def case_of(self, key: str):
        """The case of an item id or a case number, for the case page."""
        return self._find("case", key, lambda k: self.index().case(k))

    def case(self, item):
        """The case history of an item: None for a formality ('Eventuelt'), an item of no case, or a case
        that appears nowhere else."""
        if item.formality:
            return None
        try:
            case = self.index().case(item.id)
        except QueryError:
            return None
        return case if len(case.appearances) > 1 else None

    def publisher(self, path: str) -> str | None:
        """The publisher's page of a fetched file (`referat fetch` records which portal meeting each
        file is), None for a file that was not fetched. Read again when the sources file changes."""
        from corpus.fetch import SourceError, load_sources
        from corpus.fetch.sources import SOURCES_FILE
        from corpus.fetch.store import published_pages

        try:
            stamp = (self.dir / SOURCES_FILE).stat().st_mtime_ns
        except OSError:
            return None
        with self._lock:
            known = self._pages if self._pages_stamp == stamp else None
        if known is None:
            try:
                listed = load_sources(self.dir)
                known = published_pages(listed.folder, {s.name: s.url for s in listed.sources}) \
                    if listed.folder else {}
            except (SourceError, OSError, ValueError):
                known = {}
            with self._lock:
                self._pages, self._pages_stamp = known, stamp
        return known.get(str(Path(path).resolve()))

    def close(self) -> None:
        with self._lock:
            ix, self._ix = self._ix, None
        if ix is not None:
            ix.close()


def create_app(index_dir: str | os.PathLike) -> Starlette:
    """The ASGI app serving the index at `index_dir` (which may not exist yet: its pages say how to build it)."""
    library = Library(index_dir)
    templates = Jinja2Templates(env=environment())

    def page(request: Request, name: str, status_code: int = 200, **context) -> Response:
        context.setdefault("form", SearchForm())
        return templates.TemplateResponse(request, name, context, status_code=status_code, headers=PAGE_HEADERS)

    def run_search(form: SearchForm, **override):
        kwargs = form.search_kwargs()
        kwargs.update(override)
        return library.search(form.q, **kwargs)

    def search_page(request: Request) -> Response:
        form = parse_form(request.query_params)
        result = run_search(form)
        return page(request, "search.html", form=form, result=result, facets=_facets(form, result),
                    chips=_chips(form, result),
                    pages=_pages(form, result), first=(form.page - 1) * form.limit + 1)

    def item_page(request: Request) -> Response:
        item = library.item(request.path_params["item_id"])
        meeting = library.meeting(item.meeting) if item.meeting else None
        return page(request, "item.html", item=item, meeting=meeting, case=library.case(item))

    def meeting_page(request: Request) -> Response:
        return page(request, "meeting.html", meeting=library.meeting(request.path_params["meeting_id"]))

    def meetings_page(request: Request) -> Response:
        form = parse_form(request.query_params)
        listing = library.index().meetings(**meetings_kwargs(form))
        return page(request, "meetings.html", form=form, listing=listing, pages=_pages(form, listing),
                    first=(form.page - 1) * form.limit + 1)

    def bodies_page(request: Request) -> Response:
        """Every body that met, by municipality (`/kommune/NAME`: one municipality's)."""
        wanted = request.path_params.get("name")
        groups = _body_groups(library.index().bodies())
        if wanted is not None:
            groups = [g for g in groups if g["municipality"] and fold(g["municipality"]) == fold(wanted)]
            if not groups:
                raise NotFound("not_found_municipality", id=wanted[:MAX_VALUE_CHARS])
        return page(request, "bodies.html", groups=groups, municipality=groups[0]["municipality"] if wanted else None)

    def body_page(request: Request) -> Response:
        """One body's meetings by year, newest first (`?municipality=` tells two bodies of one name apart)."""
        name = request.path_params["name"]
        form = parse_form(request.query_params)
        wanted = {"body": [name], **{k: list(v) for k, v in form.filters.items() if k == "municipality"}}
        try:
            listing = library.index().meetings(limit=100000, **wanted) if len(name) <= MAX_VALUE_CHARS else None
        except QueryError:
            listing = None
        if listing is None or not listing.total:
            raise NotFound("not_found_body", id=name[:MAX_VALUE_CHARS])
        body = next(b for b in library.index().bodies() if b.name == listing.rows[0].body
                    and b.municipality == listing.rows[0].municipality)
        years: dict[str, list] = {}
        for row in listing.rows:
            years.setdefault((row.date or "")[:4] or "uden dato", []).append(row)
        return page(request, "body.html", body=body, years=years, total=listing.total)

    def case_page(request: Request) -> Response:
        return page(request, "case.html", case=library.case_of(request.path_params["case_id"]))

    def api_case(request: Request) -> Response:
        return JSONResponse(public(library.case_of(request.path_params["case_id"]).to_json(), library.publisher))

    def source(request: Request) -> Response:
        """An indexed file of an item (`?kopi=N`: its N-th source; `?bilag=N`: its attachment N): looked up
        by the item, never by a path."""
        item = library.item(request.path_params["item_id"])
        copy = request.query_params.get("kopi")
        attachment = request.query_params.get("bilag")
        if copy is not None and not (copy.isdigit() and 1 <= int(copy) <= len(item.sources)):
            raise BadRequest("bad_copy", count=len(item.sources))
        if attachment is not None:
            readable = {a["number"] for a in item.attachments if a["uri"]}
            if not (attachment.isdigit() and int(attachment) in readable):
                raise BadRequest("bad_attachment", number=attachment)
            chosen = library.index().attachment(item.id, int(attachment))
        else:
            chosen = library.index().source(item.id, int(copy) if copy else None)
        path = Path(chosen.path)
        if not path.is_file():
            raise HTTPException(404, text("source_gone", name=path.name))
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if is_html(chosen):
            body = served_html(path.read_bytes(), title=item.title, publisher=library.publisher(chosen.path))
            return Response(body, media_type="text/html; charset=utf-8", headers=SOURCE_HEADERS)
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8" if _is_utf8(path) else ""
        return FileResponse(path, media_type=media_type, headers=SOURCE_HEADERS, content_disposition_type="inline",
                            filename=path.name)

    def feed(request: Request) -> Response:
        form = parse_form(request.query_params)
        # A feed tells of every new appearance (a case reaching the council is news), as saved searches do.
        result = run_search(form, sort="-date", page=1, limit=min(FEED_ITEMS, form.limit * 5), all_appearances=True)
        query = form.query_string()
        body = atom(result, title=f"referat: {form.q or 'nye punkter'}", self_url=f"{request.url_for('feed')}?{query}",
                    page_url=f"{request.url_for('search')}?{query}",
                    item_url=lambda hit: str(request.url_for("item", item_id=hit.id)))
        return Response(body, media_type="application/atom+xml; charset=utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})

    def api_search(request: Request) -> Response:
        form = parse_form(request.query_params)
        return JSONResponse(public(run_search(form).to_json(), library.publisher))

    def api_item(request: Request) -> Response:
        return JSONResponse(public(library.item(request.path_params["item_id"]).to_json(), library.publisher))

    def api_meetings(request: Request) -> Response:
        return JSONResponse(library.index().meetings(**meetings_kwargs(parse_form(request.query_params))).to_json())

    def api_meeting(request: Request) -> Response:
        return JSONResponse(public(library.meeting(request.path_params["meeting_id"]).to_json(), library.publisher))

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error(request: Request, status: int, message: str, **context) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return page(request, "error.html", status, status=status, message=message, **context)

    def bad_request(request: Request, exc: Exception) -> Response:
        message = str(exc) if isinstance(exc, BadRequest) else say(exc, "error")
        return error(request, 400, message, form=_lenient_form(request.query_params))

    # Starlette types every handler as taking any Exception; it calls each with its key's class only.
    def not_found(request: Request, exc: Exception) -> Response:
        return error(request, 404, str(exc))

    def missing(request: Request, exc: Exception) -> Response:
        log.warning("no index at %s", library.dir)  # where: for the operator's log, not for the page
        return error(request, 503, text("no_index"), build="referat index --index INDEKSMAPPE MAPPE")

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        messages = {404: text("page_missing"), 405: text("read_only")}
        detail = exc.detail if exc.detail and exc.detail != _reason(exc.status_code) else None
        return error(request, exc.status_code, detail or messages.get(exc.status_code)
                     or text("http_error", status=exc.status_code))

    def crash(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error(request, 500, text("server_error"))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        library.warm()
        gc.freeze()  # what the warm-up loaded lives as long as the process: the collector need not scan it
        yield
        library.close()

    routes = [
        Route("/", _inline(search_page), name="search"),
        Route("/item/{item_id}", _inline(item_page), name="item"),
        Route("/source/{item_id}", source, name="source"),
        Route("/meeting/{meeting_id}", _inline(meeting_page), name="meeting"),
        Route("/meetings", _inline(meetings_page), name="meetings"),
        Route("/feed", _inline(feed), name="feed"),
        Route("/organer", _inline(bodies_page), name="bodies"),
        Route("/kommune/{name}", _inline(bodies_page), name="municipality"),
        Route("/organ/{name}", _inline(body_page), name="body"),
        Route("/case/{case_id:path}", _inline(case_page), name="case"),
        Route("/api/case/{case_id:path}", _inline(api_case), name="api_case"),
        Route("/api/search", _inline(api_search), name="api_search"),
        Route("/api/item/{item_id}", _inline(api_item), name="api_item"),
        Route("/api/meetings", _inline(api_meetings), name="api_meetings"),
        Route("/api/meeting/{meeting_id}", _inline(api_meeting), name="api_meeting"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={
        BadRequest: bad_request, QueryError: bad_request, NotFound: not_found, IndexMissing: missing,
        HTTPException: http_error, Exception: crash,
    })
    app.state.library = library
    # Links as paths (the Host header chooses nothing); only the feed, read elsewhere, has absolute URLs.
    templates.env.globals["url_for"] = _link_maker(app, routes)
    templates.env.globals["publisher"] = library.publisher
    return app


def _link_maker(app: Starlette, routes: list):
    """`url_for(name, **params)` for the templates: a route's path filled in directly (a page has dozens of
    links, and Starlette's url_path_for tries every route for each); other names (static files) as
    Starlette makes them."""
    formats = {r.name: r.path_format for r in routes if isinstance(r, Route)}

    def url_for(name: str, /, **params) -> str:
        path = formats.get(name)
        if path is None:
            return str(app.url_path_for(name, **params))
        return path.format(**{k: quote(str(v), safe="") for k, v in params.items()})

    return url_for


def _inline(endpoint):
    """Run a page in the event loop itself, not in Starlette's thread pool: a page is CPU work from start
    to end, so threads only take the interpreter from each other (and every page waits for all the
    others that started); in the loop, pages are answered one after another. A process serves as
    many pages at once as it has cores: one (`referat serve --workers N` for more)."""

    async def run(request: Request) -> Response:
        return endpoint(request)

    return run


def app_from_environment() -> Starlette:
    """The app of one worker process of `referat serve --workers N`: the index is in $REFERAT_INDEX."""
    return create_app(os.environ["REFERAT_INDEX"])


def _reason(status: int) -> str:
    return HTTPStatus(status).phrase


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _body_groups(bodies) -> list[dict]:
    """Bodies grouped by municipality (those of no municipality by cluster or region, then the rest)."""
    groups: dict[str, dict] = {}
    for b in bodies:
        label = f"{b.municipality} Kommune" if b.municipality else b.cluster or b.region or text("other_bodies")
        group = groups.setdefault(label, {"label": label, "municipality": b.municipality, "bodies": []})
        group["bodies"].append(b)
    return sorted(groups.values(), key=lambda g: (g["municipality"] is None, g["label"] == text("other_bodies"),
                                                  g["label"].lower()))


def _lenient_form(params) -> SearchForm:
    """The form as far as it can be read, for an error page that keeps what the user typed in the box."""
    try:
        return parse_form(params)
    except BadRequest:
        return SearchForm(q=(params.get("q") or "")[:MAX_QUERY_CHARS])


def _chips(form: SearchForm, result) -> list[dict]:
    """The active filters as the result names them: `Klynge: Horsens-klyngen` for `cluster=horsens` (the
    facet value the forgiving name resolved to, when the result counts it), each with the URL removing it."""
    from ..names import UnknownName, resolve

    out = []
    for name, value in form.active():
        shown = value
        known = list((result.facets.get(name) or {}) if result is not None else ())
        if known and value not in known:
            with contextlib.suppress(UnknownName):
                shown = resolve(name, value, known)
        out.append({"name": name, "value": value, "label": f"{facet_label(name)}: {value_label(name, shown)}",
                    "url": "?" + form.removing(name, value).query_string()})
    return out


def _facets(form: SearchForm, result) -> list[dict]:
    """Each facet of the result with its values, counts and the URL that adds or removes each value."""
    order = [n for n in LABELS if n in result.facets] + [n for n in result.facets if n not in LABELS]
    out = []
    for name in order:
        counts = result.facets.get(name) or {}
        if not counts:
            continue
        items = list(counts.items())
        if name == "year":
            items.sort(key=lambda kv: kv[0], reverse=True)
        chosen = set(form.filters.get(name, ()))
        urls = form.toggling(name, [value for value, _ in items])
        values = [{"value": value, "label": value_label(name, value), "count": count, "url": "?" + urls[value],
                   "active": value in chosen} for value, count in items]
        out.append({"name": name, "label": facet_label(name), "values": values[:FACET_VALUES_SHOWN],
                    "more": values[FACET_VALUES_SHOWN:]})
    return out


def _pages(form: SearchForm, result) -> dict:
    """Previous/next and a window of page numbers, as URLs of the same search."""
    shown = getattr(result, "shown_total", result.total)  # a search's pages are pages of cases
    last = min(MAX_PAGE, max(1, -(-shown // form.limit)))
    window = range(max(1, form.page - 3), min(last, form.page + 3) + 1)

    def url(n: int) -> str:
        return "?" + form.with_page(n).query_string()

    return {
        "current": form.page, "last": last, "last_url": url(last),
        "prev": url(form.page - 1) if form.page > 1 else None,
        "next": url(form.page + 1) if form.page < last else None,
        "numbers": [(n, url(n)) for n in window],
    }
