"""One search from request to Result: filters, the query, typo retry, fallback, notes, facet counts, hits
and snippets. The index's engine (search.engines) answers the questions (Find); search.index.Index
supplies it and the per-generation caches."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from indexer.cases import formality
from indexer.facets import BY_NAME
from indexer.meetings import unpack_attachments, unpack_sources, versions_of
from indexer.schema import ATTACHMENT_FIELD, SECTION_FIELDS, SECTION_SCOPES, unpack_sections

from .engines import Engine, Find, Found
from .expand import FEATURES, apply_corrections, corrections, expand_compounds, suggested
from .facets import COLUMN_COUNTED, build_filters, counts, section_name, stored_facets
from .meetings import item_of, meeting_name
from .query import QueryError, parse, section_prefixes
from .result import SORTS, Hit, ItemView, Message, Result, Stats
from .snippets import could_match, matches, snippet
from .tree import MinimumMatch, Node, Or, Range, Term, positive_terms


def parse_day(value: str, option: str) -> str:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise QueryError(f"invalid date for {option}: '{value}' (use YYYY-MM-DD)", "bad_date", field=option, value=value)


def _as_list(value) -> list[str]:
    if value is None or value == "" or value == ():
        return []
    return [str(value)] if isinstance(value, (str, int)) else [str(v) for v in value if v not in (None, "")]


@dataclass(frozen=True)
class Request:
    query: str
    filters: dict[str, list[str]]  # facet name (indexer.facets) -> values the user gave
    date_from: str | None
    date_to: str | None
    sort: str
    limit: int
    page: int
    registry_file: str | None
    only_ids: list[str] | None
    features: frozenset[str]
    all_appearances: bool = False  # every item its own hit, not one hit per case (search.grouping)

    @classmethod
    def make(cls, query: str = "", *, date_from=None, date_to=None, sort="relevance", limit=10, page=1,
             registry_file=None, only_ids=None, features=FEATURES, all_appearances=False,
             **facet_values) -> Request:
        """`facet_values` are keyed by facet name (cluster=, year=, body=, person=, section=, ...);
        `all_appearances` shows each appearance of a case as a hit of its own."""
        unknown = sorted(set(facet_values) - set(BY_NAME))
        if unknown:
            raise TypeError(f"unknown search option(s): {', '.join(unknown)}")
        if sort not in SORTS:
            raise QueryError(f"invalid sort '{sort}': one of {', '.join(SORTS)}", "bad_sort", value=sort)
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be at least 1")
        filters = {name: _as_list(v) for name, v in facet_values.items() if _as_list(v)}
        return cls(query or "", filters, date_from, date_to, sort, limit, page, registry_file, only_ids,
                   frozenset(features), bool(all_appearances))


def _filters(index, request: Request, parsed) -> list[Node]:
    values = {name: list(v) for name, v in request.filters.items() if name != "section"}
    for name, given in parsed.filters.items():
        if name != "section":
            values.setdefault(name, []).extend(given)
    filters = build_filters(values, index.known_values, request.registry_file, index.analysis_settings)
    if request.date_from or request.date_to:
        lo = parse_day(request.date_from, "--from") if request.date_from else None
        hi = parse_day(request.date_to, "--to") if request.date_to else None
        filters.append(Range("date", lo, hi))
    if request.only_ids is not None:
        filters.append(Or(tuple(Term("id", i) for i in request.only_ids)))
    return filters


def execute(index, request: Request) -> Result:
    """One search. The engine matches, ranks, counts and pages (search.engines.Find); this side decides
    what to ask: the query's fields and filters, the fallbacks when nothing matches, the notes."""
    engine: Engine = index.engine
    if not engine.doc_count():  # an index with nothing in it yet is an index: no match, and no error
        return Result(request.query, 0, False, [], {}, request.page, request.limit, empty_index=True)
    features = request.features
    text = request.query if request.query.strip() else "*"
    # The section is known before parsing (it decides the fields), whether given as option or in the query.
    sections = request.filters.get("section", []) + section_prefixes(text)
    if len(sections) > 1:
        raise QueryError("give one section, either --section or section: in the query", "two_sections")
    section = section_name(sections[0]) if sections else None
    parsed = parse(text, _fields(section, features), features=features, settings=index.analysis_settings)
    filters = tuple(_filters(index, request, parsed))
    sort = request.sort
    listing = not positive_terms(parsed.query)
    if sort == "relevance" and listing:
        sort = "-date"  # no words to rank by (filters alone, `*`, NOT word): newest first
    compound_map = index.compound_map() if "compounds" in features else {}
    text_fields = set(_fields(section, frozenset()))
    vocabulary = index.vocabulary_for(sorted(text_fields))
    first = (request.page - 1) * request.limit
    ahead = None
    if parsed.case_numbers and sort == "relevance":  # the items of a pasted case number first, then the text
        ahead = Or(tuple(Term("case_numbers", n.lower()) for n in parsed.case_numbers))

    def expanded(query: Node) -> Node:
        return expand_compounds(query, compound_map, vocabulary, text_fields) if compound_map else query

    def count(query: Node, given: tuple[Node, ...] = filters) -> int:
        return engine.find(Find(expanded(query), given, sort=sort, hits=False)).total

    def matching(query: Node) -> tuple[Node, Found]:
        """The query with its compounds, and the engine's answer: the page, the counts, the marks."""
        query = expanded(query)
        terms = positive_terms(query)
        keys = _highlight_words(terms)[1]
        within = {f"section:{name}": node for name, node in _section_nodes(terms, section).items()}
        if ahead is not None:
            within["ahead"] = ahead
        return query, engine.find(Find(
            query, filters, sort=sort, start=first, count=request.limit,
            group=None if request.all_appearances else "case", ahead=ahead,
            facets=(*(f.field for f in COLUMN_COUNTED), *(() if terms else ("section_mask",))),
            within=within, marks={"ocr": Or(tuple(Term("ocr", k) for k in sorted(keys)))} if keys else {},
            every_word=isinstance(query, MinimumMatch)))

    query, found = matching(parsed.query)
    fallback, suggestion, notes = False, None, list(parsed.notes)
    if not found.total and not listing and (filters or section):
        elsewhere = count(parse(text, _fields(None, features), features=features,
                                settings=index.analysis_settings).query, ())
        if elsewhere:
            given = ", ".join(_given_filters(request, parsed, section))
            notes.append(Message(f"{elsewhere} items match {text!r}, but none with {given}", "filtered_away",
                                 count=elsewhere, query=text))
            return Result(request.query, 0, False, [], counts(lambda field: {}, {}), request.page,
                          request.limit, notes)
    if not found.total and "typos" in features:
        known = index.vocabulary_for(sorted(_fields(None, FEATURES)))
        fixes, fixed_words = corrections(index.dir, text, known)
        if fixes:
            fixed_query, fixed = matching(apply_corrections(parsed.query, fixes))
            if fixed.total:
                query, found = fixed_query, fixed
                suggestion = suggested(text, fixed_words)
                notes.append(Message(f"nothing matches {text!r}; showing results for {suggestion!r}", "corrected",
                                     query=text, suggestion=suggestion))
    if not found.total and not parsed.has_operators and parsed.terms > 1:
        any_word = parse(text, _fields(section, features), any_word=True, features=features,
                         settings=index.analysis_settings)
        query, found = matching(any_word.query)
        fallback = bool(found.total)
        if fallback:
            notes.append(Message("no item has all the words; showing items with any of them", "any_word"))
    elif found.total and isinstance(query, MinimumMatch) and not found.every_word:
        fallback = True  # graded: the items shown lack a word; say so, as the any-word fallback does
        most = query.minimum > 1
        notes.append(Message("no item has all the words; showing items with "
                             + ("most of them" if most else "any of them"), "most_words" if most else "any_word"))
    if parsed.expansions and found.total and not fallback and not suggestion:
        plain = parse(text, _fields(section, features), features=features - {"synonyms"},
                      settings=index.analysis_settings)
        added = found.total - count(plain.query)
        if added > 0:
            expansions = "; ".join(parsed.expansions)
            notes.append(Message(f"also searched for {expansions} ({added} more items)", "expanded",
                                 expansions=expansions, count=added))
    if ahead is not None and found.within.get("ahead"):
        notes.append(Message(f"the items of case {', '.join(parsed.case_numbers)} come first", "case_number",
                             number=", ".join(parsed.case_numbers)))
    terms = positive_terms(query)
    words = _highlight_words(terms)
    hits = []
    for found_hit in found.hits:
        stored = found_hit.document
        hit = _hit(stored, found_hit.score, words if "ocr" in found_hit.marks else (words[0], frozenset()), section)
        if found.groups is not None and stored.get("case"):
            hit = replace(hit, case=case_of(stored["case"], found_hit.members))
        hits.append(hit)
    if section:
        matched: dict[str, int] | None = {section: found.total} if found.total else {}
    elif not terms:
        matched = None
    else:
        matched = {name[len("section:"):]: n for name, n in found.within.items() if name.startswith("section:")}
    return Result(request.query, found.total, fallback, hits,
                  counts(lambda field: found.facets.get(field, {}), matched),
                  request.page, request.limit, notes, suggestion, found.groups)


def case_of(key: str, members: list[dict]) -> dict:
    """A grouped hit's case: its key and its appearances among the matching items, newest first."""
    ordered = sorted(members, key=lambda d: (d.get("date") or "", d["id"]), reverse=True)
    return {"key": key, "appearances": [
        {"id": d["id"], "date": d.get("date"), "meeting": d.get("meeting"), "number": d.get("number", ""),
         "title": d.get("title", ""), "name": meeting_name(d.get("body"), d.get("forum"), d.get("cluster"))}
        for d in ordered]}


def _given_filters(request: Request, parsed, section: str | None) -> list[str]:
    given = [f"{BY_NAME[name].cli_option} {' / '.join(values)}" for name, values in request.filters.items()
             if name != "section"]
    given += [f"{name}:{' / '.join(values)}" for name, values in parsed.filters.items() if name != "section"]
    if section:
        given.append(f"--section {section}")
    if request.date_from or request.date_to:
        given.append("the date range")
    if request.only_ids is not None:
        given.append("the items asked for")
    return given


def ranked_fields() -> list[str]:
    """Every field a query's words can be found in (and ranked by)."""
    return _fields(None, FEATURES)


def _fields(section: str | None, features: frozenset[str] = FEATURES) -> list[str]:
    if section is None:
        return ["title", *SECTION_FIELDS, "participants", ATTACHMENT_FIELD] + (["ocr"] if "ocr" in features else [])
    return list(SECTION_SCOPES.get(section, (section,)))


def _section_nodes(terms: list[tuple[str, str]], section: str | None) -> dict[str, Node]:
    """Per section, the query's words (`terms`: tree.positive_terms) looked for there: how many matching items
    have one of them in that section is the section's count (items, not pages or fields, are counted). None
    with --section (every match is in it) or for a query without words (a listing, whose sections are those
    the items have)."""
    if section:
        return {}
    section_of = {f: name for name, scope in SECTION_SCOPES.items() for f in scope}
    by_section: dict[str, list[tuple[str, str]]] = {}
    for fieldname, text in terms:
        if fieldname in SECTION_FIELDS or fieldname in section_of:
            by_section.setdefault(section_of.get(fieldname, fieldname), []).append((fieldname, text))
    return {name: Or(tuple(Term(f, t) for f, t in dict.fromkeys(terms))) for name, terms in by_section.items()}


def _highlight_words(terms: list[tuple[str, str]]) -> tuple[frozenset[str], frozenset[str]]:
    """(terms of the stemmed fields, OCR keys of the `ocr` field) that the query looks for."""
    words: set[str] = set()
    keys: set[str] = set()
    for fieldname, text in terms:
        (keys if fieldname == "ocr" else words).add(text)
    return frozenset(words), frozenset(keys)


def attachment_passage(attachments, words: tuple[frozenset[str], frozenset[str]]) -> tuple[dict, str] | None:
    """Where the query's words are in the attachments: the first page holding one (with its passage),
    and under `matching` every attachment and page that holds one. A page is listed when a query stem
    starts a word on it (snippets.could_match, a pattern search); pages are analysed word by word
    (snippets.matches) only until the one whose passage is shown: every page of every hit cost tens of ms."""
    stems, keys = words
    first, matching = None, []
    for n, a in enumerate(attachments, start=1):
        candidates = [page for page, text in enumerate(a.pages, start=1)
                      if text and (a.ocr or could_match(text, stems))]
        sure = next((page for page in candidates
                     if matches(a.pages[page - 1], stems, keys if a.ocr else frozenset())), None)
        if sure is None:
            continue
        pages = [page for page in candidates if page >= sure]
        place = attachment_place(a, sure, n)
        matching.append({"number": place["number"], "label": a.label, "pages": pages})
        if first is None:
            first = place, snippet(a.pages[sure - 1], words)
    if first is None:
        return None
    first[0]["matching"] = matching
    return first


def attachment_place(a, page: int | None, n: int) -> dict:
    """An attachment page as hits and items show it: `Bilag 2 – Handleplan 2024, s. 14`, with the file;
    `n` is its place among the item's attachments (its number when it has none)."""
    where = f"{a.label}, s. {page}" if page else a.label
    uri = Path(a.source).absolute().as_uri() if a.source else None
    if uri and page and a.source.lower().endswith(".pdf"):
        uri += f"#page={page}"
    return {"number": a.number or n, "name": a.name, "label": a.label, "page": page, "where": where, "uri": uri,
            "pages": len(a.pages)}


def _hit(hit: dict, score, words: tuple[frozenset[str], frozenset[str]], section: str | None) -> Hit:
    content = unpack_sections(hit.get("content"))
    text = content.get(section, "") if section else "\n".join(content.values())
    passage, attachment = snippet(text, words), None
    own = "**" in passage or bool(matches(hit.get("title", ""), *words))
    if hit.get("attachments") and any(words) and (section == "bilag" or not own):
        found = attachment_passage(unpack_attachments(hit), words)
        if found:  # a word found in an attachment (only there, unless --in bilag): the passage is its page's
            attachment, passage = found
            attachment["only"] = not own
    return Hit(
        id=hit["id"],
        path=hit["path"],
        position=hit["position"],
        number=hit.get("number", ""),
        title=hit.get("title", ""),
        date=hit.get("date"),
        score=round(float(score), 4) if isinstance(score, (int, float)) else None,
        snippet=passage,
        sections=[s for s in (hit.get("sections") or "").split(",") if s],
        facets=stored_facets(hit),
        meeting=hit.get("meeting"),
        versions=list(versions_of(sources := unpack_sources(hit))),
        sources=sources,
        attachment=attachment,
    )


def item_view(engine: Engine, item_id: str) -> ItemView:
    stored = item_of(engine, item_id)
    if not stored:
        raise QueryError(f"no item with id '{item_id}' (ids are shown by referat search)")
    return ItemView(
        id=stored["id"], path=stored["path"], number=stored.get("number", ""), position=stored["position"],
        title=stored.get("title", ""), time=stored.get("time"), presenter=stored.get("presenter"),
        date=stored.get("date"), case_numbers=[c for c in (stored.get("case_numbers") or "").split(",") if c],
        sections=unpack_sections(stored.get("content")), facets=stored_facets(stored),
        marks=dict(stored.get("marks") or {}),
        meeting=stored.get("meeting"),
        versions=list(versions_of(sources := unpack_sources(stored))), sources=sources,
        formality=formality(stored.get("title", "")),
        attachments=[attachment_place(a, None, n) for n, a in enumerate(unpack_attachments(stored), start=1)],
    )


NO_CLUSTER, NO_BODY, NO_DATE = "(no cluster)", "(no body)", "(no date)"


def stats_of(engine: Engine) -> Stats:
    """Items by cluster and year, and by body kind, body and year (a municipal committee has no cluster)."""
    from .names import body_name

    table: dict[str, dict[str, int]] = {}
    bodies: dict[str, dict[str, dict[str, int]]] = {}
    described: dict[str, dict] = {}
    paths, meetings = set(), set()
    count = 0
    for stored in engine.all_documents():
        count += 1
        paths.add(stored["path"])
        paths.update(source.path for source in unpack_sources(stored))
        paths.update(a.source for a in unpack_attachments(stored) if a.source)
        meetings.add(stored.get("meeting"))
        year = str(stored.get("year") or NO_DATE)
        row = table.setdefault(stored.get("cluster") or NO_CLUSTER, {})
        row[year] = row.get(year, 0) + 1
        name = meeting_name(stored.get("body"), stored.get("forum"), stored.get("cluster")) or "(unknown)"
        entry = described.setdefault(name, {"kind": stored.get("body_kind"), "municipality": stored.get("municipality"),
                                            "periods": set(), "meetings": set(), "items": 0})
        entry["items"] += 1
        entry["meetings"].add(stored.get("meeting"))
        entry["periods"].add(stored.get("period"))
        body = body_name(stored["body"]) if stored.get("body") else NO_BODY
        if stored.get("municipality") and stored["municipality"].lower() not in body.lower():
            body += f" ({stored['municipality']})"
        row = bodies.setdefault(stored.get("body_kind") or "other", {}).setdefault(body, {})
        row[year] = row.get(year, 0) + 1
    by_body = {kind: dict(sorted(rows.items())) for kind, rows in sorted(bodies.items())}
    per_body = {name: {"kind": b["kind"], "municipality": b["municipality"],
                       "periods": sorted(p for p in b["periods"] if p), "meetings": len(b["meetings"]),
                       "items": b["items"]} for name, b in sorted(described.items())}
    return Stats(count, len(paths), dict(sorted(table.items())), len(meetings - {None}),
                 by_body=by_body, bodies=per_body)
