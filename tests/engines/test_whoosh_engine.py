"""The Whoosh engine through the seam's own door (search.engines.open_engine, Find, Found), over the
sample minutes: what search.engine relies on when it asks for counts, marks, groups and ordering."""
import pytest

from search.engines import Engine, Find, open_engine
from search.query import analyse
from search.tree import And, MinimumMatch, Or, Term


def _term(field: str, word: str) -> Term:
    return Term(field, analyse([field], word)[field][0])


def _word(word: str) -> Or:
    fields = ["title", "sagsfremstilling", "indstilling", "beslutning"]
    return Or(tuple(_term(f, word) for f in fields))


@pytest.fixture(scope="module")
def engine(sample_index):
    found = open_engine(sample_index)
    yield found
    found.close()


def test_the_whoosh_engine_is_an_engine_and_reads_the_items(engine):
    assert isinstance(engine, Engine) and engine.name == "whoosh"
    everything = list(engine.all_documents())
    assert len(everything) == engine.doc_count() == 17
    some = [d["id"] for d in everything[:3]]
    assert sorted(d["id"] for d in engine.documents("id", some)) == sorted(some)
    assert engine.documents("id", ["no-such-item"]) == []
    clusters = engine.values("cluster")
    assert clusters and all(any(d.get("cluster") == c for d in everything) for c in clusters)
    word = analyse(["title"], "telekol")["title"][0]
    assert engine.has_term("sagsfremstilling", word) or engine.has_term("title", word)
    assert not engine.has_term("title", "ikkeetordnogensteder")


def test_counts_within_and_a_count_only_question(engine):
    query = _word("børn")
    full = engine.find(Find(query, facets=("cluster", "year"), within={"title": _word("børn").children[0]}))
    alone = engine.find(Find(query, hits=False, facets=("cluster",)))
    assert alone.total == full.total > 0 and alone.hits == [] and len(full.hits) == min(10, full.total)
    assert alone.facets["cluster"] == full.facets["cluster"]
    assert sum(full.facets["cluster"].values()) <= full.total
    both = engine.find(Find(And((query, _word("børn").children[0])), hits=False)).total
    assert full.within["title"] == both


def test_marks_say_which_hits_match_and_filters_only_match(engine):
    marker = _term("beslutning", "godkendt")
    found = engine.find(Find(_word("aftale"), marks={"decided": marker}, count=50))
    marked = {d["id"] for d in engine.documents("id", [h.document["id"] for h in found.hits])
              if engine.find(Find(And((Term("id", d["id"]), marker)), hits=False)).total}
    assert {h.document["id"] for h in found.hits if "decided" in h.marks} == marked
    some = found.hits[0].document["id"]
    only = engine.find(Find(_word("aftale"), filters=(Term("id", some),)))
    assert [h.document["id"] for h in only.hits] == [some] and only.hits[0].score == found.hits[0].score


def test_ahead_ranks_its_matches_first(engine):
    ranked = engine.find(Find(_word("aftale"), count=50))
    last = ranked.hits[-1].document["id"]
    ahead = engine.find(Find(_word("aftale"), ahead=Term("id", last), count=50))
    assert ahead.hits[0].document["id"] == last and ahead.total == ranked.total
    assert [h.document["id"] for h in ahead.hits[1:]] == [h.document["id"] for h in ranked.hits[:-1]]


def test_order_lists_a_meetings_items_as_printed(engine):
    meeting = next(iter(engine.all_documents()))["meeting"]
    found = engine.find(Find(Term("meeting", meeting), sort="order", count=50))
    positions = [h.document["position"] for h in found.hits]
    assert len(positions) > 1 and positions == sorted(positions) and all(h.score is None for h in found.hits)


@pytest.fixture(scope="module")
def cased(tmp_path_factory):
    """Three meetings of one municipality, one case going through all three (tests/search/test_case_groups)."""
    from tests.search.test_case_groups import build

    folder = tmp_path_factory.mktemp("cased")
    build(folder)
    found = open_engine(folder / "ix")
    yield found
    found.close()


def test_grouping_by_case_shows_the_newest_member_and_counts_groups(cased):
    query = _word("svømmehallen")
    grouped = cased.find(Find(query, group="case", count=2))
    rest = cased.find(Find(query, group="case", start=2, count=2))
    flat = cased.find(Find(query, count=50))
    assert (grouped.total, grouped.groups, flat.total, flat.groups) == (6, 4, 6, None)
    members = [m["id"] for hit in grouped.hits + rest.hits for m in hit.members]
    assert sorted(members) == sorted(h.document["id"] for h in flat.hits), "every match in one group, once"
    for hit in grouped.hits + rest.hits:
        assert hit.document in hit.members
        assert len({m.get("case") or m["id"] for m in hit.members}) == 1
        assert hit.document.get("date") == max(m.get("date") for m in hit.members)
    [case] = [h for h in grouped.hits + rest.hits if len(h.members) == 3]
    assert case.document["date"] == "2023-03-13"


def test_a_pasted_case_numbers_items_come_first_also_in_groups(cased):
    query = _word("svømmehallen")
    last = cased.find(Find(query, count=50)).hits[-1].document
    number = Term("case_numbers", last["case_numbers"].split(",")[0].lower())
    for group in (None, "case"):
        plain = cased.find(Find(query, group=group, count=50)).hits[0]
        assert last["id"] not in [m["id"] for m in (plain.members or [plain.document])]
        found = cased.find(Find(query, ahead=number, group=group, count=50, within={"ahead": number}))
        assert found.within["ahead"] >= 1
        assert last["id"] in [m["id"] for m in (found.hits[0].members or [found.hits[0].document])]


def test_every_word_says_whether_some_match_has_every_child(engine):
    words = (_word("aftale"), _word("ikkeetordnogensteder"))
    assert engine.find(Find(MinimumMatch(words, 1), every_word=True)).every_word is False
    assert engine.find(Find(MinimumMatch((words[0], _word("aftale")), 1), every_word=True)).every_word is True
