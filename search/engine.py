"""One search from request to Result on a given searcher: filters, the query, typo retry, fallback,
facet counts, hits and snippets. search.index.Index supplies the searcher and the per-generation caches."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from whoosh import highlight, scoring, sorting
from whoosh.query import And, NumericRange, Or, Term, TermRange

from corpus import load_registry
from corpus.outcome import OUTCOMES
from indexer import SECTION_FIELDS
from indexer.analysis import danish_analyzer
from indexer.schema import unpack_sections

from .expand import FEATURES, apply_corrections, corrections, expand_compounds
from .names import UnknownName, resolve
from .query import QueryError, parse
from .result import Hit, ItemView, Result, Stats

FACETS = ("cluster", "year", "forum", "section", "outcome")
RANKING = scoring.BM25F()  # field weights are query boosts (search.query.FIELD_BOOSTS)
SORTS = ("relevance", "date", "-date")
SNIPPET_CHARS = 240


def parse_years(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:(?:-|–|\.\.)\s*(\d{4}))?\s*", value or "")
    if not m:
        raise QueryError(f"invalid year '{value}': use YYYY or a range YYYY-YYYY")
    start, end = int(m[1]), int(m[2] or m[1])
    if start > end:
        raise QueryError(f"invalid year range '{value}': the first year is after the second")
    return start, end


def parse_day(value: str, option: str) -> str:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise QueryError(f"invalid date for {option}: '{value}' (use YYYY-MM-DD)")


def _as_list(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class Request:
    query: str
    cluster: list[str]
    region: list[str]
    forum: list[str]
    outcome: list[str]
    year: str | None
    date_from: str | None
    date_to: str | None
    section: str | None
    sort: str
    limit: int
    page: int
    registry_file: str | None
    only_ids: list[str] | None
    features: frozenset[str]

    @classmethod
    def make(cls, query: str = "", *, cluster=None, region=None, forum=None, outcome=None, year=None,
             date_from=None, date_to=None, section=None, sort="relevance", limit=10, page=1, registry_file=None,
             only_ids=None, features=FEATURES) -> Request:
        if sort not in SORTS:
            raise QueryError(f"invalid sort '{sort}': one of {', '.join(SORTS)}")
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be at least 1")
        return cls(query or "", _as_list(cluster), _as_list(region), _as_list(forum), _as_list(outcome), year,
                   date_from, date_to, section, sort, limit, page, registry_file, only_ids, frozenset(features))


def _name_filter(index, slot, kind: str, values: list[str], registry_file: str | None) -> list[str]:
    known = list(index.known_values(slot, kind))
    if kind == "cluster":
        known += [b.name for b in load_registry(registry_file).clusters()]
    elif kind == "region":
        known += list(load_registry(registry_file).regions)
    elif kind == "outcome":
        known += [name for name, _ in OUTCOMES]
    try:
        return [resolve(kind, v, sorted(set(known))) for v in values]
    except UnknownName as exc:
        raise QueryError(str(exc)) from None


def _filters(index, slot, request: Request, parsed) -> list:
    filters = []
    for kind in ("cluster", "region", "forum", "outcome"):
        wanted = getattr(request, kind) + parsed.filters.get(kind, [])
        if wanted:
            names = _name_filter(index, slot, kind, wanted, request.registry_file)
            filters.append(Or([Term(kind, n) for n in names]))
    for y in ([request.year] if request.year else []) + parsed.filters.get("year", []):
        start, end = parse_years(y)
        filters.append(NumericRange("year", start, end))
    if request.date_from or request.date_to:
        lo = parse_day(request.date_from, "--from") if request.date_from else None
        hi = parse_day(request.date_to, "--to") if request.date_to else None
        filters.append(TermRange("date", lo, hi))
    if request.only_ids is not None:
        filters.append(Or([Term("id", i) for i in request.only_ids]))
    return filters


_FACETS = {
    "cluster": "cluster", "year": "year", "forum": "forum", "section": "section_mask", "outcome": "outcome",
}


def execute(index, slot, request: Request) -> Result:
    searcher = slot.searcher
    schema = searcher.schema
    features = request.features
    section = request.section
    text = request.query if request.query.strip() else "*"
    parsed = parse(text, schema, _fields(section, features), features=features)
    if parsed.filters.get("section"):
        if section:
            raise QueryError("give the section once, either --section or section: in the query")
        section = parsed.filters["section"][0]
        text = re.sub(r"(?i)\b(section|sektion):\S+", " ", text)
        parsed = parse(text, schema, _fields(section, features), features=features)
    filters = _filters(index, slot, request, parsed)
    filt = And(filters) if filters else None
    facets = {name: sorting.FieldFacet(field, maptype=sorting.Count) for name, field in _FACETS.items()}
    sort = request.sort
    if sort == "relevance" and not request.query.strip():
        sort = "-date"  # a listing by filters alone: newest first
    sortedby = None
    if sort != "relevance":
        sortedby = [sorting.FieldFacet("date", reverse=sort == "-date"), sorting.FieldFacet("path"),
                    sorting.FieldFacet("order")]
    compound_map = index.compound_map(slot) if "compounds" in features else {}
    text_fields = set(_fields(section, frozenset()))
    vocabulary = slot.vocabulary_for(sorted(text_fields))

    def search(query):
        if compound_map:
            query = expand_compounds(query, compound_map, vocabulary, text_fields)
        found = searcher.search(query, filter=filt, limit=request.page * request.limit, groupedby=facets,
                                sortedby=sortedby)
        return query, found

    query, results = search(parsed.query)
    fallback, suggestion, notes = False, None, list(parsed.notes)
    if results.is_empty() and "typos" in features:
        fixes, fixed_words = corrections(index.dir, text, vocabulary)
        if fixes:
            fixed_query, fixed = search(apply_corrections(parsed.query, fixes))
            if not fixed.is_empty():
                query, results = fixed_query, fixed
                suggestion = " ".join(fixed_words.get(w, w) for w in text.split())
                notes.append(f"nothing matches {text!r}; showing results for {suggestion!r}")
    if results.is_empty() and not parsed.has_operators and parsed.terms > 1:
        any_word = parse(text, schema, _fields(section, features), any_word=True, features=features)
        query, results = search(any_word.query)
        fallback = not results.is_empty()
        if fallback:
            notes.append("no item has all the words; showing items with any of them")
    words = _highlight_words(query)
    first = (request.page - 1) * request.limit
    hits = [_hit(r, words, section) for r in results[first : first + request.limit]]
    facet_counts = {name: _facet(results, name) for name in FACETS}
    facet_counts["section"] = _section_counts(facet_counts["section"])
    return Result(request.query, len(results), fallback, hits, facet_counts, request.page, request.limit, notes,
                  suggestion)


def _fields(section: str | None, features: frozenset[str] = FEATURES) -> list[str]:
    if section is None:
        return ["title", *SECTION_FIELDS, "participants"] + (["ocr"] if "ocr" in features else [])
    name = section.strip().lower()
    aliases = {"det indstilles": "indstilling", "beskrivelse af sagen": "sagsfremstilling"}
    name = aliases.get(name, name)
    if name not in SECTION_FIELDS:
        raise QueryError(f"unknown section '{section}'; one of {', '.join(SECTION_FIELDS)}")
    return [name]


def _facet(results, name: str) -> dict[str, int]:
    try:
        groups = results.groups(name)
    except (KeyError, ValueError):
        return {}
    clean = {str(k): v for k, v in groups.items() if k not in (None, "", b"")}
    return dict(sorted(clean.items(), key=lambda kv: (-kv[1], kv[0])))


def _section_counts(by_mask: dict[str, int]) -> dict[str, int]:
    """Per-section counts from the counts of each combination of sections."""
    counts: dict[str, int] = {}
    for mask, n in by_mask.items():
        for name, bit in zip(SECTION_FIELDS, mask):
            if bit == "1":
                counts[name] = counts.get(name, 0) + n
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _highlight_words(query) -> set[str]:
    words = set()
    for fieldname, text in query.iter_all_terms():
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        words.add(text)
    return words


class _StarFormatter(highlight.Formatter):
    """Matched words between ** markers; the CLI turns them into colour or drops them."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return "**" + highlight.get_text(text, token, replace) + "**"


def _hit(hit, words: set[str], section: str | None) -> Hit:
    content = unpack_sections(hit.get("content"))
    if section:
        text = content.get(_fields(section)[0], "")
    else:
        text = "\n".join(content.values())
    return Hit(
        id=hit["id"],
        path=hit["path"],
        position=hit["position"],
        number=hit.get("number", ""),
        title=hit.get("title", ""),
        cluster=hit.get("cluster"),
        region=hit.get("region"),
        forum=hit.get("forum"),
        date=hit.get("date"),
        score=round(float(hit.score), 4) if isinstance(hit.score, (int, float)) else None,
        snippet=snippet(text, words),
        sections=[s for s in (hit.get("sections") or "").split(",") if s],
    )


def snippet(text: str, words: set[str]) -> str:
    """The best passages around matched words, anywhere in the text (no 32,768-character cut-off)."""
    if not text:
        return ""
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70, charlimit=None)
    marked = ""
    if words:
        marked = highlight.highlight(text, frozenset(words), danish_analyzer(), fragmenter, _StarFormatter(), top=2)
    if not marked:
        marked = text[:SNIPPET_CHARS]
    return " ".join(marked.split())


def item_view(searcher, item_id: str) -> ItemView:
    stored = searcher.document(id=item_id.strip())
    if not stored:
        raise QueryError(f"no item with id '{item_id}' (ids are shown by referat search)")
    return ItemView(
        id=stored["id"], path=stored["path"], number=stored.get("number", ""), position=stored["position"],
        title=stored.get("title", ""), time=stored.get("time"), presenter=stored.get("presenter"),
        cluster=stored.get("cluster"), region=stored.get("region"), forum=stored.get("forum"),
        date=stored.get("date"), case_numbers=[c for c in (stored.get("case_numbers") or "").split(",") if c],
        sections=unpack_sections(stored.get("content")),
    )


def stats_of(searcher) -> Stats:
    table: dict[str, dict[str, int]] = {}
    paths = set()
    for stored in searcher.all_stored_fields():
        paths.add(stored["path"])
        row = table.setdefault(stored.get("cluster") or "(unknown)", {})
        year = str(stored.get("year") or "(no date)")
        row[year] = row.get(year, 0) + 1
    return Stats(searcher.doc_count(), len(paths), dict(sorted(table.items())))
