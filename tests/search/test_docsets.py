"""Result sets and ranking in numpy (search.docsets) agree with Whoosh's own matchers, phrases included,
on an index of several segments with deleted items."""
import numpy as np
import pytest
from whoosh import index as windex
from whoosh.query import And, Or, Phrase, Term

from indexer.schema import build_schema
from indexer.writers import Writer
from search.docsets import DocSets
from search.engine import RANKING
from search.expand import MinimumMatch
from search.query import FIELD_TIEBREAK
from tests.indexer.test_postings import _documents


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docsets")
    ix = windex.create_in(str(folder), build_schema())
    for seed in (1, 2, 3):  # three segments of 180 items: common words span several blocks (flat postings)
        writer = Writer(ix, compound=False)
        if seed == 3:
            for n in range(0, 60, 3):
                writer.delete_by_term("meeting", _documents(60, seed=1)[3 * n]["meeting"])
        for doc in _documents(60, seed=seed):
            writer.add_document(**doc)
        writer.commit(merge=False)
    with ix.searcher(weighting=RANKING) as s:
        assert len(s.reader().leaf_readers()) == 3 and s.reader().has_deletions()
        flats = DocSets(s).flat_postings(s)
        assert all(f is not None and f.get("sagsfremstilling", _stems(s, "demens")[0]) for f in flats)
        yield s


def _scores(sets: DocSets, searcher, query) -> tuple[np.ndarray, np.ndarray]:
    """DocSets' scores of a query it computes itself (None would leave the query to Whoosh)."""
    found = sets.scores(searcher, RANKING, query)
    assert found is not None, query
    return found


def _stems(searcher, text: str) -> list[str]:
    return [t.text for t in searcher.schema["sagsfremstilling"].analyzer(text, mode="query")]


PHRASES = [
    ("sagsfremstilling", "lægevagt pårørende", 1),
    ("sagsfremstilling", "demens økonomi genoptræning", 1),
    ("sagsfremstilling", "demens demens", 1),  # a word after itself
    ("sagsfremstilling", "udskrivning hjemmesygepleje", 2),  # within two positions
    ("sagsfremstilling", "tele kol", 1),  # the parts of Tele-KOL, one position apart
    ("sagsfremstilling", "samarbejdsaftale ukendtord", 1),  # a word the index lacks
    ("title", "status på demens", 1),
    ("beslutning", "taget efterretning", 1),
]


@pytest.mark.parametrize("fieldname, text, slop", PHRASES)
def test_a_phrase_finds_and_ranks_the_documents_whooshs_matcher_does(searcher, fieldname, text, slop):
    phrase = Phrase(fieldname, _stems(searcher, text), slop=slop)
    sets = DocSets(searcher)
    whoosh_docs = sorted(searcher.docs_for_query(phrase))
    assert sets.docs(searcher, phrase).tolist() == whoosh_docs
    ids, scores = _scores(sets, searcher, phrase)
    ranked = {hit.docnum: hit.score for hit in searcher.search(phrase, limit=None)}
    assert ids.tolist() == sorted(ranked)
    assert scores.tolist() == pytest.approx([ranked[d] for d in ids.tolist()], rel=1e-9)


def test_enough_phrases_match_for_the_comparison_to_mean_something(searcher):
    matched = [len(list(searcher.docs_for_query(Phrase(f, _stems(searcher, t), slop=s)))) for f, t, s in PHRASES]
    assert sum(1 for n in matched if n) >= 5 and max(matched) >= 20


def test_a_phrase_inside_a_query_tree_scores_as_whoosh_does(searcher):
    query = Or([And([Phrase("sagsfremstilling", _stems(searcher, "lægevagt pårørende"), boost=2.0),
                     Term("beslutning", _stems(searcher, "godkendt")[0])]),
                Phrase("title", _stems(searcher, "status på demens"))])
    ids, scores = _scores(DocSets(searcher), searcher, query)
    ranked = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    assert ids.tolist() == sorted(ranked) and len(ranked) > 5
    assert scores.tolist() == pytest.approx([ranked[d] for d in ids.tolist()], rel=1e-9)


def test_a_graded_query_scores_as_its_whoosh_matcher_does(searcher):
    """The coordination of search.expand.MinimumMatch is the same in numpy and in Whoosh."""
    words = _stems(searcher, "demens lægevagt pårørende godkendt")
    query = MinimumMatch([Term("sagsfremstilling", w) for w in words], 2)
    sets = DocSets(searcher)
    ids, scores = _scores(sets, searcher, query)
    live = sets.mask(sets.live)[ids]
    ids, scores = ids[live], scores[live]
    ranked = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    assert ids.tolist() == sorted(ranked) and len(ranked) > 5
    assert scores.tolist() == pytest.approx([ranked[d] for d in ids.tolist()], rel=1e-9)


def test_one_word_in_several_fields_counts_its_best_field_whole_and_the_others_by_the_tiebreak(searcher):
    word = _stems(searcher, "demens")[0]
    fields = ["title", "sagsfremstilling", "beslutning"]
    terms = [Term(f, word, boost=2.0 if f == "title" else 1.0) for f in fields]
    sets = DocSets(searcher)
    ids, scores = _scores(sets, searcher, Or(terms))
    per_field = [dict(zip(*(a.tolist() for a in _scores(sets, searcher, term)), strict=True)) for term in terms]
    several = 0
    for doc, score in zip(ids.tolist(), scores.tolist(), strict=True):
        found = [p[doc] for p in per_field if doc in p]
        several += len(found) > 1
        assert score == pytest.approx(max(found) + FIELD_TIEBREAK * (sum(found) - max(found)), rel=1e-9)
    assert several > 5


COLUMNS = ["cluster", "region", "forum", "outcome", "year", "date", "order", "path", "section_mask"]


@pytest.mark.parametrize("fieldname", COLUMNS)
def test_a_column_read_whole_gives_whooshs_value_of_every_document(searcher, fieldname):
    """Whoosh's value, document by document; none for a document without one (Whoosh reads a numeric
    column's default there: an undated item is not of the year 2147483647)."""
    codes, values = DocSets(searcher).column(searcher, fieldname)
    expected = []
    for segment, offset in searcher.reader().leaf_readers():
        column = segment.column_reader(fieldname) if segment.has_column(fieldname) else {}
        for d in range(segment.doc_count_all()):
            given = fieldname not in searcher.schema.stored_names() or fieldname in searcher.stored_fields(offset + d)
            value = column[d] if column and given else None
            expected.append(value if value not in (None, "", b"") else None)
    assert [values[c] if c >= 0 else None for c in codes.tolist()] == expected
    if fieldname == "year":
        assert None in expected and len(set(expected)) > 3


@pytest.mark.parametrize("fieldname", ["title", "sagsfremstilling", "beslutning", "participants"])
def test_field_lengths_read_whole_are_whooshs(searcher, fieldname):
    lengths = DocSets(searcher).lengths(searcher, fieldname)
    assert lengths.tolist() == [float(searcher.doc_field_length(d, fieldname, 1) or 1)
                                for d in range(searcher.doc_count_all())]


def test_terms_left_out_of_the_flat_postings_are_read_from_whooshs(tmp_path):
    docs = _documents(10, seed=8)
    docs[1]["sagsfremstilling"] = "ord " * 70_000 + "sjældenhed lægevagt"  # positions past uint16
    ix = windex.create_in(str(tmp_path), build_schema())
    writer = Writer(ix, compound=False)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    with ix.searcher(weighting=RANKING) as s:
        sets = DocSets(s)
        for words in (["ord"], _stems(s, "sjældenhed lægevagt"), _stems(s, "ord sjældenhed")):
            query = Phrase("sagsfremstilling", words) if len(words) > 1 else Term("sagsfremstilling", words[0])
            assert sets.docs(s, query).tolist() == sorted(s.docs_for_query(query)) != []
            assert sets.has_term(s, "sagsfremstilling", words[0])
        assert not sets.has_term(s, "sagsfremstilling", "ikkeetord")


def test_the_best_of_many_scores_are_those_a_full_sort_gives_ties_included():
    """search.engine._top partitions before it sorts; the page must be the full sort's, ties by document."""
    import numpy as np

    from search.engine import _top

    rng = np.random.default_rng(7)
    for size in (3, 40, 5000):
        ids = np.sort(rng.choice(10**6, size, replace=False))
        score = rng.integers(0, 12, size).astype(float)  # many ties
        for count in (1, 10, 25):
            assert _top(ids, score, count).tolist() == np.lexsort((ids, -score))[:count].tolist()
