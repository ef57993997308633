"""The OpenSearch engine answers Find questions as the Whoosh path does: the same items, totals, facet
counts, `within` counts and groups, and the same order where the scores are apart.

The Find-level tests take an Engine (the `engine` fixture): the OpenSearch engine and the Whoosh engine
(search.engines.whoosh), each compared with the reference, the Whoosh engine over the same items.
"""
from __future__ import annotations

from itertools import pairwise

import pytest

from search.engines import Find, Found
from search.query import FIELD_BOOSTS, FIELD_TIEBREAK
from search.tree import (
    And,
    AndNot,
    DisMax,
    Every,
    Exact,
    MinimumMatch,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Range,
    Term,
)

TEXT = ("title", "indstilling", "sagsfremstilling", "beslutning", "tekst", "referat", "bilag")


def word(text: str, fields=TEXT) -> Node:
    """One analysed word over the text fields, its best field whole (as search.query makes it)."""
    return DisMax(tuple(Term(f, text, FIELD_BOOSTS.get(f, 1.0)) for f in fields), FIELD_TIEBREAK)


def phrase(*words: str) -> Node:
    return Or(tuple(Phrase(f, words, 1, FIELD_BOOSTS.get(f, 1.0)) for f in TEXT))


# -- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(twin_indexes):
    """What the engines are compared with: the Whoosh engine."""
    from search.engines.whoosh import open_engine

    opened = open_engine(twin_indexes[0], None)
    yield opened
    opened.close()


@pytest.fixture(scope="module", params=["opensearch", "whoosh"])
def engine(request, twin_indexes):
    """Each engine over the same items (the Whoosh engine once search.engines.whoosh is there)."""
    from search.engines import open_engine

    folder, config = twin_indexes
    if request.param == "whoosh":
        from indexer.engine import EngineConfig

        config = EngineConfig()
    opened = open_engine(folder, config)
    yield opened
    opened.close()


def ids(found: Found) -> list[str]:
    return [h.document["id"] for h in found.hits]


def counted(found: Found) -> dict[str, dict[str, int]]:
    """Facet counts with their values as text (a year is a number in one engine's answer, text in
    another's: search.facets shows them as text)."""
    return {f: {str(k): v for k, v in values.items()} for f, values in found.facets.items()}


def ranked(found: Found) -> list[tuple[str, float | None]]:
    return [(h.document["id"], h.score) for h in found.hits]


def same_ranking(got: Found, want: Found, close: float = 0.05) -> None:
    """The same items in the same order, except where the reference's scores are within `close` of
    each other (relative): there the order may differ (length encodings differ between the engines)."""
    assert sorted(ids(got)) == sorted(ids(want)) or len(want.hits) == len(got.hits)
    wanted = [(i, score or 0.0) for i, score in ranked(want)]
    position = {i: n for n, (i, _) in enumerate(ranked(got))}
    for (a, sa), (b, sb) in pairwise(wanted):
        if a in position and b in position and sa - sb > close * max(abs(sa), 1e-9):
            assert position[a] < position[b], f"{a} ({sa:.3f}) should rank before {b} ({sb:.3f})"


# -- questions -----------------------------------------------------------------------------------------
FACETS = ("cluster", "body", "year", "municipality", "body_kind")
RANKED: dict[str, Node] = {
    "one word": word("genoptraening"),
    "a common word": word("borg"),
    "two words, graded": MinimumMatch((word("hjemmeplej"), word("sygefravae")), 1),
    "three words, graded": MinimumMatch((word("udskriv"), word("demens"), word("genoptraening")), 2),
    "all words": And((word("udskriv"), word("demens"))),
    "a phrase": phrase("kronisk", "obstruktiv"),
    "a word but not another": AndNot(word("udskriv"), word("demens")),
    "any word (scaled)": Or((word("plejebo"), word("kvalitetsstandard"), word("rehabilit")), scale=0.9),
    "a formality's words (weighing half)": MinimumMatch((word("godkend"), word("dagsord")), 1),
    "a hyphenated word's part": word("tel"),
    "a phrase onto a part": phrase("samarbejd", "tel"),
    "a phrase of the parts": phrase("tel", "kol"),
    "a phrase of three words": phrase("kronisk", "obstruktiv", "lungesygdom"),
    "best of alternatives": DisMax((word("hjemmeplej"), Or(tuple(Term(f, "hjemmeplejen", 0.35) for f in TEXT)))),
}


@pytest.mark.parametrize("name", RANKED)
def test_ranked_questions_find_and_rank_as_whoosh(engine, reference, name):
    find = Find(RANKED[name], count=8, facets=FACETS)
    got, want = engine.find(find), reference.find(find)
    assert want.total, "the question must match something to compare"
    assert got.total == want.total and counted(got) == counted(want)
    same_ranking(got, want)


def test_a_formality_weighs_less_than_a_substantive_item_with_the_same_words(engine, reference):
    """indexer.build gives a formality half the weight (Whoosh's document boost); both engines rank it
    below an item with the same words in the same places."""
    find = Find(word("godkend"), count=100)
    for found in (engine.find(find), reference.find(find)):
        scores: dict[str, list[float]] = {}
        for h in found.hits:
            scores.setdefault(h.document["title"], []).append(h.score or 0.0)
        assert max(scores["Godkendelse af dagsorden"]) < 0.8 * min(scores["Godkendelse af tillægsbevilling"])


UNRANKED: dict[str, Node] = {
    "every item": Every(),
    "not a word": Not(word("borg")),
    "a prefix": Or(tuple(Prefix(f, "hjemmepl") for f in TEXT)),
    "an exact form": Exact(word("godkend"), "godkendt"),
    "a word in a date range": And((word("udskriv"), Range("date", "2023-02-20", "2023-12-31"))),
}


@pytest.mark.parametrize("sort", ["-date", "date"])
@pytest.mark.parametrize("name", [*UNRANKED, *RANKED])
def test_sorted_by_date_the_same_items_in_the_same_order_and_pages(engine, reference, name, sort):
    query = {**UNRANKED, **RANKED}[name]
    for start in (0, 3):
        find = Find(query, sort=sort, start=start, count=4, facets=FACETS)
        got, want = engine.find(find), reference.find(find)
        assert (got.total, ids(got), counted(got)) == (want.total, ids(want), counted(want))
        assert all(h.score is None for h in got.hits)


def test_an_exact_form_is_the_form_as_written(engine):
    decided = engine.find(Find(Exact(word("godkend"), "godkendt"), sort="-date", count=100))
    stemmed = engine.find(Find(word("godkend"), sort="-date", count=100))
    assert 0 < decided.total < stemmed.total
    assert all("godkendt" in (h.document["title"] + str(h.document.get("content"))).lower() for h in decided.hits)


def test_filters_match_without_ranking_and_facets_count_every_match(engine, reference):
    year = Range("year", 2023, 2023)
    find = Find(word("borg"), filters=(year,), count=3, facets=FACETS)
    got, want = engine.find(find), reference.find(find)
    assert got.total == want.total and counted(got) == counted(want)
    assert [h.score for h in got.hits] == pytest.approx([h.score for h in engine.find(
        Find(word("borg"), count=50)).hits if h.document.get("year") == 2023][:3], rel=1e-6)
    assert set(counted(got)["year"]) == {"2023"}


def test_within_counts_and_marks_on_the_page(engine, reference):
    marks = {"decided": word("godkend"), "council": Term("body", "Byråd")}
    within: dict[str, Node] = {"council": Term("body", "Byråd"), "2023": Range("year", 2023, 2023)}
    find = Find(word("genoptraening"), count=10, within=within, marks=marks)
    got, want = engine.find(find), reference.find(find)
    assert got.within == want.within and got.within["council"] > 0
    assert {h.document["id"]: h.marks for h in got.hits} == {h.document["id"]: h.marks for h in want.hits}
    assert any("council" in h.marks for h in got.hits)


def test_totals_alone_and_whether_some_match_has_every_word(engine, reference):
    graded = MinimumMatch((word("hjemmeplej"), word("sygefravae"), word("demens")), 2)
    find = Find(graded, hits=False, every_word=True, facets=("body",))
    got, want = engine.find(find), reference.find(find)
    assert got.hits == [] and (got.total, counted(got), got.every_word) == (want.total, counted(want), want.every_word)
    assert got.every_word is False and got.total > 0
    both = MinimumMatch((word("hjemmeplej"), word("sygefravae")), 1)
    assert engine.find(Find(both, hits=False, every_word=True)).every_word is True


GROUPED = {"relevance": word("genoptraening"), "-date": Or((word("genoptraening"), word("hjemmeplej"), word("demens")))}


@pytest.mark.parametrize("sort", ["relevance", "-date"])
def test_one_hit_per_case_the_newest_shown_members_listed(engine, reference, sort):
    pages, start = [], 0
    while True:
        find = Find(GROUPED[sort], sort=sort, start=start, count=2, group="case", facets=("body",))
        got, want = engine.find(find), reference.find(find)
        assert (got.total, got.groups, counted(got)) == (want.total, want.groups, counted(want))
        assert [[m["id"] for m in h.members] for h in got.hits] == [[m["id"] for m in h.members] for h in want.hits]
        assert ids(got) == ids(want)
        if not got.hits:
            break
        pages += got.hits
        start += 2
    travelled = [h for h in pages if len(h.members) == 3]
    assert travelled and all(h.document["body"] == "Byråd" for h in travelled), "the newest appearance is shown"
    shown = [m["id"] for h in pages for m in h.members]
    assert len(pages) == got.groups and len(shown) == len(set(shown)) == got.total


def test_ahead_ranks_its_matches_first(engine, reference):
    ahead = Term("case_numbers", "23-001122")
    query = Or((word("udskriv"), word("demens")))
    plain = engine.find(Find(query, count=3))
    assert "23-001122" not in plain.hits[0].document.get("case_numbers", ""), "ahead must change the order"
    for group in (None, "case"):
        find = Find(query, ahead=ahead, count=3, group=group)
        got, want = engine.find(find), reference.find(find)
        assert ids(got) == ids(want) and got.total == want.total
        assert "23-001122" in got.hits[0].document.get("case_numbers", "")
    later = Find(query, ahead=ahead, start=2, count=3)
    assert ids(engine.find(later)) == ids(reference.find(later))


def test_values_and_term_lookups(engine, reference):
    every = reference.find(Find(Every(), sort="date", count=1000, facets=("body",)))
    assert engine.values("body") == sorted(counted(every)["body"])
    for field, term in (("title", "genoptraening"), ("beslutning", "godkend"), ("title", "nowhere")):
        assert engine.doc_frequency(field, term) == reference.find(Find(Term(field, term), hits=False)).total
        assert engine.has_term(field, term) == (term != "nowhere")
    assert engine.doc_count() == every.total
    assert {d["id"] for d in engine.documents("case", ["23-003344"])} == \
        {h.document["id"] for h in reference.find(Find(Term("case", "23-003344"), sort="date", count=10)).hits}
    assert len(list(engine.all_documents())) == engine.doc_count()


def test_refresh_follows_the_generation_marker(tmp_path, opensearch_url):
    """Term statistics are counted once per generation; refresh() moves to a newer one when the writer
    has committed it, and only then do counts change."""
    from search.engines import open_engine
    from tests.engines.conftest import built_twice, drop_index, opensearch_config
    from tests.firstagenda import write_meeting

    index = f"osr-test-refresh-{tmp_path.name[-8:].lower()}"
    write_meeting(tmp_path / "a" / "1.json", "Byråd", "2024-01-10",
                  [("1", "Genoptræning i eget hjem", "", "Godkendt.")])
    write_meeting(tmp_path / "b" / "2.json", "Byråd", "2024-02-14", [("1", "Genoptræning på center", "", "Godkendt.")])
    try:
        built_twice(tmp_path / "ix1", [tmp_path / "a"], opensearch_url, index)
        engine = open_engine(tmp_path / "ix1", opensearch_config(opensearch_url, index))
        assert engine.generation() == 1 and engine.refresh() is False  # opened on the newest, as Whoosh
        assert engine.doc_frequency("title", "genoptraening") == 1
        built_twice(tmp_path / "ix2", [tmp_path / "b"], opensearch_url, index)
        assert engine.doc_frequency("title", "genoptraening") == 1, "counted once per generation"
        assert engine.refresh() is True and engine.generation() == 2
        assert engine.doc_frequency("title", "genoptraening") == 2
        assert engine.find(Find(word("genoptraening"))).total == 2
        engine.close()
    finally:
        drop_index(opensearch_url, index)


COORDINATED: dict[str, Node] = {
    "graded, any word": MinimumMatch((word("hjemmeplej"), word("sygefravae"), word("udskriv")), 1),
    "graded, two words": MinimumMatch((word("hjemmeplej"), word("sygefravae"), word("udskriv")), 2),
    "any word (scaled)": Or((word("plejebo"), word("kvalitetsstandard"), word("rehabilit")), scale=0.9),
}


@pytest.mark.parametrize("name", COORDINATED)
def test_coordinated_ranking_is_exact_however_the_coordination_is_applied(twin_indexes, monkeypatch, name):
    """The coordination factor applied by the cluster (function_score: one search), or here to
    candidates fetched in growing batches (an item whose score falls below the best score not yet
    fetched is never shown before it): the same page, whatever the first batch's size, with the same
    scores but for the cluster's float32."""
    import search.engines.opensearch as opensearch
    from search.engines import open_engine

    def same(got: Found, want: Found) -> None:
        assert ids(got) == ids(want)
        assert [h.score for h in got.hits] == pytest.approx([h.score for h in want.hits], rel=1e-6)

    query = COORDINATED[name]
    engine = open_engine(*twin_indexes)
    whole = engine.find(Find(query, count=12))
    assert len(whole.hits) >= 3 and len({h.score for h in whole.hits}) >= 2
    monkeypatch.setattr(opensearch, "RESCORE_IN_CLUSTER", False)
    here = engine.find(Find(query, count=12))
    same(here, whole)
    assert [h.score for h in here.hits] != [h.score for h in whole.hits], "float32 and float64 differ"
    monkeypatch.setattr(opensearch, "FIRST_CANDIDATES", 1)
    for in_cluster in (False, True):
        monkeypatch.setattr(opensearch, "RESCORE_IN_CLUSTER", in_cluster)
        for start, count in ((0, 1), (0, 5), (3, 4)):
            page = engine.find(Find(query, start=start, count=count))
            same(page, Found(whole.total, whole.hits[start:start + count]))
    monkeypatch.setattr(opensearch, "RESCORE_IN_CLUSTER", True)
    if isinstance(query, MinimumMatch):  # more sets of words than the cluster is given: rescored here
        monkeypatch.setattr(opensearch, "MAX_WORD_SETS", 0)
        same(engine.find(Find(query, start=2, count=5)), Found(whole.total, whole.hits[2:7]))
    engine.close()


def test_an_index_the_cluster_lacks_is_one_clear_error(tmp_path, opensearch_url):
    from indexer.engines.opensearch.client import ClusterError
    from search.engines import open_engine
    from tests.engines.conftest import opensearch_config

    engine = open_engine(tmp_path, opensearch_config(opensearch_url, f"osr-test-absent-{tmp_path.name[-6:].lower()}"))
    assert engine.refresh() is True and engine.generation() == 0
    with pytest.raises(ClusterError) as raised:
        engine.find(Find(word("genoptraening")))
    assert "osr-test-absent" in str(raised.value) and "\n" not in str(raised.value)
    engine.close()


PHRASES = {**{n: q for n, q in RANKED.items() if isinstance(q, Or) and isinstance(q.children[0], Phrase)},
           "two words out of order": phrase("obstruktiv", "kronisk"),
           "three words, the last two out of order": phrase("kronisk", "lungesygdom", "obstruktiv")}


@pytest.mark.parametrize("name", PHRASES)
def test_a_phrase_is_looked_up_in_the_pairs_of_an_index_that_has_them(twin_indexes, reference, name):
    """On a generation whose items all have their pairs (indexer.engines.opensearch.mapping), a phrase
    of two words is a term of the pairs, its positions never placed; of three, the pairs first and the
    positions after; the answer as the Whoosh engine's."""
    import json

    from search.engines import open_engine
    from search.engines.opensearch import OpenSearchEngine

    folder, config = twin_indexes
    engine = open_engine(folder, config)
    assert isinstance(engine, OpenSearchEngine)
    try:
        sent: list[str] = []
        real = engine.client.msearch

        def msearch(body, **options):
            sent.append(json.dumps(body))
            return real(body=body, **options)

        engine.client.msearch = msearch
        query = PHRASES[name]
        found = engine.find(Find(query, count=20))
        want = reference.find(Find(query, count=20))
        assert (found.total, sorted(ids(found))) == (want.total, sorted(ids(want)))
        asked = "".join(sent)
        assert "_pairs" in asked
        first = query.children[0] if isinstance(query, Or) else None
        assert isinstance(first, Phrase)
        words = len(first.words)
        assert ("span_near" in asked) == (words > 2), asked[:300]
    finally:
        engine.close()


def spied(engine, monkeypatch) -> list[dict]:
    """The bodies of the searches `engine` sends to the cluster from now on, as it sends them."""
    asked: list[dict] = []
    msearch, search = engine._msearch, engine._search

    def many(bodies: list[dict]) -> list[dict]:
        asked.extend(bodies)
        return msearch(bodies)

    def one(body: dict) -> dict:
        asked.append(body)
        return search(body)

    monkeypatch.setattr(engine, "_msearch", many)
    monkeypatch.setattr(engine, "_search", one)
    return asked


COMMON = ("a common word", "one word", "all words", "a phrase", "a word but not another", "best of alternatives")


@pytest.mark.parametrize("name", COMMON)
def test_a_question_most_items_match_is_counted_from_the_items_it_does_not_match(twin_indexes, reference,
                                                                                 monkeypatch, name):
    """Counted as the items under the filters less those the question does not match (COMPLEMENT_SHARE,
    here lowered so that every question is): the same total, facets in the same order, and `within`
    counts as counted directly and as Whoosh counts them, with and without a filter, with a page and
    without."""
    import search.engines.opensearch as opensearch
    from search.engines import open_engine

    engine = open_engine(*twin_indexes)
    asked = spied(engine, monkeypatch)
    within: dict[str, Node] = {"council": Term("body", "Byråd"), "2023": Range("year", 2023, 2023),
                               "decided": word("godkend")}
    for filters in ((), (Range("year", 2023, 2024),)):
        for hits in (True, False):
            find = Find(RANKED[name], count=5, facets=FACETS, within=within, filters=filters, hits=hits)
            monkeypatch.setattr(opensearch, "COMPLEMENT_SHARE", 2.0)
            asked.clear()
            direct = engine.find(find)
            assert not any("must_not" in body["query"].get("bool", {}) for body in asked)
            monkeypatch.setattr(opensearch, "COMPLEMENT_SHARE", 0.0)
            asked.clear()
            complement = engine.find(find)
            assert any("must_not" in body["query"].get("bool", {}) for body in asked), "counted from the others"
            want = reference.find(find)
            assert complement.total == direct.total == want.total > 0
            assert {f: list(v.items()) for f, v in complement.facets.items()} == \
                {f: list(v.items()) for f, v in direct.facets.items()}
            assert counted(complement) == counted(want)
            assert complement.within == direct.within == want.within
            assert ids(complement) == ids(direct)
    engine.close()


def test_a_facet_of_one_value_every_item_has_is_counted_without_an_aggregation(tmp_path, opensearch_url,
                                                                               monkeypatch):
    """Over the sample minutes alone every item is a cluster forum's and none a municipality's: those
    facets are the total and nothing, asked of no aggregation, as Whoosh counts them, filtered to no
    match too."""
    import uuid

    from indexer.engine import EngineConfig
    from search.engines import open_engine
    from tests.conftest import SAMPLE

    from .conftest import built_twice, drop_index, opensearch_config

    name = f"osr-test-{uuid.uuid4().hex[:10]}"
    try:
        folder = built_twice(tmp_path / "ix", [SAMPLE], opensearch_url, name)
        engine = open_engine(folder, opensearch_config(opensearch_url, name))
        reference = open_engine(folder, EngineConfig())
        asked = spied(engine, monkeypatch)
        assert engine.values("body_kind") == ["cluster forum"] and engine.values("municipality") == []
        totals = []
        for find in (Find(word("klyng"), facets=FACETS), Find(Every(), sort="-date", facets=FACETS),
                     Find(word("klyng"), filters=(Range("year", 1990, 1990),), facets=FACETS)):
            asked.clear()
            got, want = engine.find(find), reference.find(find)
            totals.append(got.total)
            assert counted(got) == counted(want) and got.total == want.total
            assert got.facets["body_kind"] == ({"cluster forum": got.total} if got.total else {})
            assert got.facets["municipality"] == {}
            aggregated = [field for body in asked for agg in body.get("aggs", {}).values()
                          if (field := agg.get("terms", {}).get("field"))]
            assert "cluster" in aggregated and "body_kind" not in aggregated and "municipality" not in aggregated
        assert totals[0] > 0 and totals[1] > 0 and totals[2] == 0
        engine.close()
        reference.close()
    finally:
        drop_index(opensearch_url, name)


def test_a_sections_count_of_a_words_own_terms_comes_from_the_lexicon(twin_indexes, reference, monkeypatch):
    """A `within` node whose every match the question matches (a section's words of a word over the
    fields), with no filter, is counted by the generation's lexicon where it can tell (one field), no
    aggregation asked: the counts Whoosh gives. Another node, or any node under a filter, is counted with
    the matches."""
    from search.engines import open_engine

    engine = open_engine(*twin_indexes)
    asked = spied(engine, monkeypatch)
    sections: dict[str, Node] = {"decision": Term("beslutning", "godkend"),
                                 "case": Or((Term("sagsfremstilling", "godkend"), Term("indstilling", "godkend"))),
                                 "council": Term("body", "Byråd")}
    for filters in ((), (Range("year", 2023, 2024),)):
        asked.clear()
        find = Find(word("godkend"), count=5, within=sections, filters=filters)
        got, want = engine.find(find), reference.find(find)
        assert got.within == want.within and got.total == want.total
        assert min(got.within.values()) > 0 and got.within["case"] < got.total
        aggregated = {name for body in asked for name in body.get("aggs", {})}
        assert ("within:council" in aggregated) and (("within:decision" in aggregated) == bool(filters))
        assert "within:case" in aggregated  # a union of two fields that both have it: the lexicon cannot tell
    engine.close()
