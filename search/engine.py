"""One search from request to Result on a given searcher: filters, the query, typo retry, fallback,
facet counts, hits and snippets. search.index.Index supplies the searcher and the per-generation caches."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from whoosh import scoring
from whoosh.query import And, AndNot, Not, Or, Phrase, Term, TermRange

from indexer import SECTION_FIELDS
from indexer.cases import formality
from indexer.facets import BY_NAME
from indexer.meetings import unpack_attachments, unpack_sources, versions_of
from indexer.schema import ATTACHMENT_FIELD, SECTION_SCOPES, unpack_sections

from .expand import FEATURES, MinimumMatch, apply_corrections, corrections, expand_compounds, suggested
from .facets import build_filters, counts, section_name, stored_facets
from .grouping import group_page, newest
from .meetings import meeting_name
from .query import QueryError, parse, section_prefixes
from .result import SORTS, Hit, ItemView, Message, Result, Stats
from .snippets import could_match, matches, snippet

RANKING = scoring.BM25F()  # field weights are query boosts (search.query.FIELD_BOOSTS)


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


def _filters(index, slot, request: Request, parsed) -> list:
    values = {name: list(v) for name, v in request.filters.items() if name != "section"}
    for name, given in parsed.filters.items():
        if name != "section":
            values.setdefault(name, []).extend(given)
    filters = build_filters(values, lambda field: index.known_values(slot, field), request.registry_file,
                            slot.searcher.schema)
    if request.date_from or request.date_to:
        lo = parse_day(request.date_from, "--from") if request.date_from else None
        hi = parse_day(request.date_to, "--to") if request.date_to else None
        filters.append(TermRange("date", lo, hi))
    if request.only_ids is not None:
        filters.append(Or([Term("id", i) for i in request.only_ids]))
    return filters


def execute(index, slot, request: Request) -> Result:
    """One search. Which items match, how many, and the facet counts come from numpy sets of document
    numbers (search.docsets); Whoosh ranks only the page asked for."""
    searcher = slot.searcher
    if not searcher.doc_count():  # an index with nothing in it yet is an index: no match, and no error
        return Result(request.query, 0, False, [], {}, request.page, request.limit, empty_index=True)
    schema = searcher.schema
    features = request.features
    docsets = index.docsets(slot)
    text = request.query if request.query.strip() else "*"
    # The section is known before parsing (it decides the fields), whether given as option or in the query.
    sections = request.filters.get("section", []) + section_prefixes(text)
    if len(sections) > 1:
        raise QueryError("give one section, either --section or section: in the query", "two_sections")
    section = section_name(sections[0]) if sections else None
    parsed = parse(text, schema, _fields(section, features), features=features)
    filters = _filters(index, slot, request, parsed)
    allowed = docsets.docs(searcher, And(filters)) if filters else None
    sort = request.sort
    listing = not positive_terms(parsed.query)
    if sort == "relevance" and listing:
        sort = "-date"  # no words to rank by (filters alone, `*`, NOT word): newest first
    compound_map = index.compound_map(slot) if "compounds" in features else {}
    text_fields = set(_fields(section, frozenset()))
    vocabulary = slot.vocabulary_for(sorted(text_fields))

    def expanded(query):
        return expand_compounds(query, compound_map, vocabulary, text_fields) if compound_map else query

    def matching(query):
        """(the query with its compounds, the documents it matches, their BM25F scores when it is ranked
        in numpy: then its documents are those it scores, and the tree is walked once)."""
        query = expanded(query)
        scored = docsets.scores(searcher, RANKING, query, complete) if sort == "relevance" else None
        found = docsets.docs(searcher, query) if scored is None else docsets.intersect(scored[0], docsets.live)
        return query, (found if allowed is None else docsets.intersect(found, allowed)), scored

    complete: list = []  # the documents with every word of a graded query (DocSets.scores)
    query, docs, scored = matching(parsed.query)
    fallback, suggestion, notes = False, None, list(parsed.notes)
    if not len(docs) and not listing and (allowed is not None or section):
        unfiltered = expanded(parse(text, schema, _fields(None, features), features=features).query)
        elsewhere = len(docsets.docs(searcher, unfiltered))
        if elsewhere:
            given = ", ".join(_given_filters(request, parsed, section))
            notes.append(Message(f"{elsewhere} items match {text!r}, but none with {given}", "filtered_away",
                                 count=elsewhere, query=text))
            return Result(request.query, 0, False, [], _counts(docsets, searcher, docs, {}), request.page,
                          request.limit, notes)
    if not len(docs) and "typos" in features:
        known = slot.vocabulary_for(sorted(_fields(None, FEATURES)))
        fixes, fixed_words = corrections(index.dir, text, known)
        if fixes:
            fixed_query, fixed, fixed_scores = matching(apply_corrections(parsed.query, fixes))
            if len(fixed):
                query, docs, scored = fixed_query, fixed, fixed_scores
                suggestion = suggested(text, fixed_words)
                notes.append(Message(f"nothing matches {text!r}; showing results for {suggestion!r}", "corrected",
                                     query=text, suggestion=suggestion))
    if not len(docs) and not parsed.has_operators and parsed.terms > 1:
        any_word = parse(text, schema, _fields(section, features), any_word=True, features=features)
        query, docs, scored = matching(any_word.query)
        fallback = bool(len(docs))
        if fallback:
            notes.append(Message("no item has all the words; showing items with any of them", "any_word"))
    elif (len(docs) and isinstance(query, MinimumMatch)
          and not _has_every_word(docsets, searcher, query, docs, complete)):
        fallback = True  # graded: the items shown lack a word; say so, as the any-word fallback does
        most = query.minimum > 1
        notes.append(Message("no item has all the words; showing items with "
                             + ("most of them" if most else "any of them"), "most_words" if most else "any_word"))
    if parsed.expansions and len(docs) and not fallback and not suggestion:
        plain = parse(text, schema, _fields(section, features), features=features - {"synonyms"})
        added = len(docs) - len(matching(plain.query)[1])
        if added > 0:
            expansions = "; ".join(parsed.expansions)
            notes.append(Message(f"also searched for {expansions} ({added} more items)", "expanded",
                                 expansions=expansions, count=added))
    words = _highlight_words(query)
    first = (request.page - 1) * request.limit
    case = None
    if parsed.case_numbers and sort == "relevance":  # the items of a pasted case number first, then the text
        case = docsets.intersect(docs, docsets.docs(searcher, Or([Term("case_numbers", n.lower())
                                                                  for n in parsed.case_numbers])))
        if len(case):
            notes.append(Message(f"the items of case {', '.join(parsed.case_numbers)} come first", "case_number",
                                 number=", ".join(parsed.case_numbers)))
    if not request.all_appearances and len(docs) and searcher.reader().has_column("case"):
        groups, hits = _grouped(docsets, searcher, query, docs, scored, sort, allowed, first, request.limit,
                                words, section, case)
        matched = _matched_sections(docsets, searcher, query, docs, section)
        return Result(request.query, int(len(docs)), fallback, hits, _counts(docsets, searcher, docs, matched),
                      request.page, request.limit, notes, suggestion, groups)

    def ranked(subset, start: int, count: int) -> list:
        """(document number, score) of the `count` best of `subset` (of `docs`) from rank `start`."""
        if not len(subset) or start >= len(subset) or count <= 0:
            return []
        if scored is not None:
            ids, score = scored  # BM25F of every matching item, in numpy: exact, and no collector
            keep = docsets.mask(subset)[ids]
            ids, score = ids[keep], score[keep]
            best = _top(ids, score, start + count)[start:]
            return [(int(ids[i]), float(score[i])) for i in best]
        if sort == "relevance":  # phrases, exact forms: Whoosh's matchers know positions and stored text
            chosen = None if allowed is None and len(subset) == docsets.live.size else set(subset.tolist())
            found = searcher.search(query, filter=chosen, limit=start + count)
            return [(hit.docnum, hit.score) for hit in found[start:start + count]]
        order = docsets.by_date(searcher, subset, newest_first=sort == "-date")
        return [(int(d), None) for d in order[start:start + count]]

    if case is not None:
        rest = np.setdiff1d(docs, case, assume_unique=True)
        page = ranked(case, first, request.limit)
        page += ranked(rest, max(0, first - len(case)), request.limit - len(page))
    else:
        page = ranked(docs, first, request.limit)
    scanned = _scanned(docsets, searcher, words[1], [docnum for docnum, _ in page])
    hits = [_hit(searcher.stored_fields(docnum), score, words if docnum in scanned else (words[0], frozenset()),
                 section) for docnum, score in page]
    matched = _matched_sections(docsets, searcher, query, docs, section)
    return Result(request.query, int(len(docs)), fallback, hits, _counts(docsets, searcher, docs, matched),
                  request.page, request.limit, notes, suggestion)


def _grouped(docsets, searcher, query, docs, scored, sort: str, allowed, first: int, limit: int, words,
             section: str | None, ahead=None) -> tuple[int, list[Hit]]:
    """(the number of cases the matching items make, the page of hits, one per case: search.grouping);
    the items of `ahead` (a pasted case number's) rank before the others."""
    codes, _ = docsets.column(searcher, "case")
    if scored is not None and (ahead is None or not len(ahead)):
        ids, score = scored
        keep = docsets.mask(docs)[ids]
        total, page, scores = _grouped_ranked(codes, ids[keep], score[keep], first, limit)
    else:
        if scored is not None:
            ids, score = scored
            keep = docsets.mask(docs)[ids]
            ids, score = ids[keep], score[keep]
            best = np.lexsort((ids, -score))
            order, scores = ids[best], dict(zip(ids[best].tolist(), score[best].tolist()))
        elif sort == "relevance":
            chosen = None if allowed is None and len(docs) == docsets.live.size else set(docs.tolist())
            ranked = searcher.search(query, filter=chosen, limit=None)
            scores = {hit.docnum: hit.score for hit in ranked}
            order = np.array([hit.docnum for hit in ranked], dtype=np.int64)
        else:
            order, scores = docsets.by_date(searcher, docs, newest_first=sort == "-date"), {}
        order = np.asarray(order, dtype=np.int64)
        if ahead is not None and len(ahead):
            first_ones = np.isin(order, ahead)
            order = np.concatenate([order[first_ones], order[~first_ones]])
        total, page = group_page(order, codes, first, limit)
    hits = []
    scanned = _scanned(docsets, searcher, words[1], [int(d) for members in page for d in members])
    for members in page:
        stored = [searcher.stored_fields(int(d)) for d in members]
        shown = newest(stored)
        docnum = int(members[shown])
        hit = _hit(stored[shown], scores.get(docnum), words if docnum in scanned else (words[0], frozenset()),
                   section)
        if stored[shown].get("case"):
            hit = replace(hit, case=case_of(stored[shown]["case"], stored))
        hits.append(hit)
    return total, hits


def _grouped_ranked(codes: np.ndarray, ids: np.ndarray, score: np.ndarray, first: int,
                    limit: int) -> tuple[int, list[np.ndarray], dict[int, float]]:
    """`group_page` of items ranked by `score`, without sorting them all: the best are taken in growing
    prefixes (search._top) until they make the page's groups, whose other members are then found among
    every matching item. (groups in all, the page's members in rank order, their scores)."""
    keys = codes[ids]
    cased = keys[keys >= 0]
    total = int(np.count_nonzero(np.bincount(cased))) if len(cased) else 0
    total += int(np.count_nonzero(keys < 0))
    count = max(4 * (first + limit), 64)
    while True:
        best = _top(ids, score, min(count, len(ids)))
        _, page = group_page(ids[best], codes, first, limit)
        if len(page) >= limit or count >= len(ids):
            break
        count *= 4
    wanted = np.array([codes[members[0]] for members in page if codes[members[0]] >= 0], dtype=keys.dtype)
    others = np.flatnonzero(np.isin(keys, wanted)) if len(wanted) else np.empty(0, dtype=np.int64)
    members_of = {}
    for at in others[np.lexsort((ids[others], -score[others]))]:
        members_of.setdefault(int(keys[at]), []).append(at)
    full = [ids[members_of[int(codes[m[0]])]] if codes[m[0]] >= 0 else m for m in page]
    scores_of = {int(ids[at]): float(score[at]) for group in members_of.values() for at in group}
    scores_of.update({int(ids[at]): float(score[at]) for at in best if keys[at] < 0})  # items of no case
    return total, full, scores_of


def case_of(key: str, members: list[dict]) -> dict:
    """A grouped hit's case: its key and its appearances among the matching items, newest first."""
    ordered = sorted(members, key=lambda d: (d.get("date") or "", d["id"]), reverse=True)
    return {"key": key, "appearances": [
        {"id": d["id"], "date": d.get("date"), "meeting": d.get("meeting"), "number": d.get("number", ""),
         "title": d.get("title", ""), "name": meeting_name(d.get("body"), d.get("forum"), d.get("cluster"))}
        for d in ordered]}


def _scanned(docsets, searcher, keys: frozenset[str], page: list[int]) -> set[int]:
    """The items of `page` whose OCR-key field has one of the query's `keys`: only there is a word
    marked by its OCR key (and the snippet spared an OCR key per word of every other item)."""
    if not keys or not page:
        return set()
    having = docsets.mask(docsets.union([docsets.term(searcher, "ocr", key) for key in keys]))
    return {docnum for docnum in page if having[docnum]}


def _top(ids: np.ndarray, score: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` best scores, ties by document number: the candidates at or above the
    count-th best score are partitioned out first (linear), so graded queries, which match many items,
    sort only those."""
    if len(score) > 4 * count:
        threshold = -np.partition(-score, count - 1)[count - 1]
        candidates = np.flatnonzero(score >= threshold)
        return candidates[np.lexsort((ids[candidates], -score[candidates]))][:count]
    return np.lexsort((ids, -score))[:count]


def _has_every_word(docsets, searcher, query, docs, complete: list) -> bool:
    """Whether some item of `docs` has every word of the graded `query`: from what its ranking found
    (`complete`), else (sorted by date) from the words' documents."""
    having = complete[-1] if complete else docsets.docs(searcher, And(list(query.clauses)))
    return bool(len(docsets.intersect(having, docs)))


def _counts(docsets, searcher, docs, matched: dict[str, int] | None) -> dict[str, dict[str, int]]:
    return counts(lambda field: docsets.counts(searcher, field, docs), matched)


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


def positive_terms(query) -> list[tuple[str, str]]:
    """(field, text) of every term the query looks for, leaving out what it excludes (NOT)."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
            return
        if isinstance(node, Term):
            found.append((node.fieldname, node.text.decode("utf-8") if isinstance(node.text, bytes) else node.text))
        elif isinstance(node, Phrase):
            found.extend((node.fieldname, w) for w in node.words)
        else:
            for child in node.children():
                walk(child)

    walk(query)
    return found


def _matched_sections(docsets, searcher, query, docs, section: str | None) -> dict[str, int] | None:
    """Per section, how many items of the result set have a query word there; None for a query without
    words (a listing), whose items match in no section in particular."""
    if section:
        return {section: int(len(docs))} if len(docs) else {}
    terms = positive_terms(query)
    if not terms:
        return None
    section_of = {f: name for name, scope in SECTION_SCOPES.items() for f in scope}
    by_section: dict[str, list[tuple[str, str]]] = {}
    for fieldname, text in terms:
        if fieldname in SECTION_FIELDS or fieldname in section_of:
            by_section.setdefault(section_of.get(fieldname, fieldname), []).append((fieldname, text))
    out = {}
    for name, field_terms in by_section.items():  # items, not pages or fields, are counted
        having = docsets.union([docsets.term(searcher, f, t) for f, t in dict.fromkeys(field_terms)])
        out[name] = int(len(docsets.intersect(having, docs)))
    return out


def _highlight_words(query) -> tuple[frozenset[str], frozenset[str]]:
    """(terms of the stemmed fields, OCR keys of the `ocr` field) that the query looks for."""
    words, keys = set(), set()
    for fieldname, text in positive_terms(query):
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
    if section:
        text = content.get(section, "")
    else:
        text = "\n".join(content.values())
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


def item_view(searcher, item_id: str) -> ItemView:
    stored = searcher.document(id=item_id.strip())
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


def stats_of(searcher) -> Stats:
    """Items by cluster and year, and by body kind, body and year (a municipal committee has no cluster)."""
    from .names import body_name

    table: dict[str, dict[str, int]] = {}
    bodies: dict[str, dict[str, dict[str, int]]] = {}
    described: dict[str, dict] = {}
    paths, meetings = set(), set()
    for stored in searcher.all_stored_fields():
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
    return Stats(searcher.doc_count(), len(paths), dict(sorted(table.items())), len(meetings - {None}),
                 by_body=by_body, bodies=per_body)
