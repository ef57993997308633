"""Result sets and ranking in numpy (search.docsets) agree with Whoosh's own matchers, phrases included,
on an index of several segments with deleted items."""
import numpy as np
import pytest
from whoosh import index as windex
from whoosh.query import And, Or, Phrase, Term

from indexer.engines.whoosh.schema import build_schema
from indexer.engines.whoosh.writers import Writer
from search.engines.whoosh import RANKING
from search.engines.whoosh.docsets import DocSets
from search.engines.whoosh.queries import MinimumMatch
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


def test_the_live_documents_are_whooshs_after_deletions(searcher):
    live = DocSets(searcher).live
    assert live.tolist() == sorted(searcher.reader().all_doc_ids())
    assert 0 < len(live) < searcher.reader().doc_count_all()


def test_the_live_documents_come_from_each_segments_deleted_set(searcher, monkeypatch):
    """Not from asking Whoosh document by document (300,000 calls in a one-shot search at 300K items)."""
    expected = sorted(searcher.reader().all_doc_ids())
    for segment, _ in searcher.reader().leaf_readers():
        monkeypatch.setattr(segment, "is_deleted", lambda docnum: pytest.fail("asked document by document"))
    assert DocSets(searcher).live.tolist() == expected


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


@pytest.mark.parametrize("fieldname", ["title", "sagsfremstilling", "participants"])
def test_the_lengths_of_a_few_documents_are_read_where_they_are_and_the_same(searcher, fieldname):
    """A one-shot search's words read their documents' lengths segment by segment (no whole column) until
    one in FEW of the documents was read so; then the whole column, once."""
    from search.engines.whoosh.docsets import FEW

    whole = DocSets(searcher).lengths(searcher, fieldname)
    sets = DocSets(searcher)
    few = np.arange(0, sets.doc_count, 3 * FEW)  # every segment, deleted documents too
    assert sets.lengths_of(searcher, fieldname, few).tolist() == whole[few].tolist()
    assert "\0len:" + fieldname not in sets._columns
    while "\0len:" + fieldname not in sets._columns:
        assert sets.lengths_of(searcher, fieldname, few).tolist() == whole[few].tolist()
    assert sets.lengths_of(searcher, fieldname, few[:0]).tolist() == []


@pytest.mark.parametrize("start,end", [(2020, 2022), (None, 2021), (2023, None), (1990, 1995)])
def test_a_year_range_without_the_whole_column_finds_what_the_column_finds(searcher, start, end):
    """A one-shot search's `--year` filters each segment's numbers (the first DIRECT_COUNTS times); the
    documents are those of the whole column's codes, an item without a year in no range."""
    from whoosh.query import NumericRange

    from search.engines.whoosh.docsets import DIRECT_COUNTS

    node = NumericRange("year", start, end)
    sets = DocSets(searcher)
    direct = [sets._docs(searcher, node).tolist() for _ in range(DIRECT_COUNTS)]
    assert "year" not in sets._columns
    whole = sets._docs(searcher, node).tolist()
    assert "year" in sets._columns
    assert direct == [whole] * DIRECT_COUNTS
    codes, values = sets.column(searcher, "year")
    assert whole == [d for d, c in enumerate(codes.tolist()) if c >= 0 and (start is None or values[c] >= start)
                     and (end is None or values[c] <= end)]
    assert (start, end) == (1990, 1995) or whole


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
    """search.engines.whoosh.finding.top partitions before it sorts; the page must be the full sort's,
    ties by document."""
    import numpy as np

    from search.engines.whoosh.finding import top as _top

    rng = np.random.default_rng(7)
    for size in (3, 40, 5000):
        ids = np.sort(rng.choice(10**6, size, replace=False))
        score = rng.integers(0, 12, size).astype(float)  # many ties
        for count in (1, 10, 25):
            assert _top(ids, score, count).tolist() == np.lexsort((ids, -score))[:count].tolist()


# -- the query tree (search.tree) through the Whoosh engine's compiler: numpy and Whoosh's matchers ----
# One way for every shape: compile the tree, then ask numpy (DocSets) and Whoosh's own matchers for the
# live documents and their scores. What numpy ranks differently by design is left out: one word in several
# fields (best field whole, the others by FIELD_TIEBREAK; Whoosh's Or sums them), tested above.
FIELDS = ("sagsfremstilling", "title", "beslutning")


def _agree(searcher, node, scored: bool = True) -> int:
    """Assert that numpy and Whoosh find the same live documents for the tree `node` and, when numpy
    ranks it (`scored`), give them the same scores (1e-6 relative); the number of documents found."""
    from search.engines.whoosh.queries import compile_query

    query = compile_query(node, searcher.schema)
    sets = DocSets(searcher)
    expected = sorted(searcher.docs_for_query(query))
    assert sets.docs(searcher, query).tolist() == expected, node
    ranked = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    assert sorted(ranked) == expected, node
    found = sets.scores(searcher, RANKING, query)
    assert (found is not None) == scored, node
    if found is not None:
        ids, scores = found
        live = sets.mask(sets.live)[ids]
        ids, scores = ids[live], scores[live]
        assert ids.tolist() == expected, node
        assert scores.tolist() == pytest.approx([ranked[d] for d in ids.tolist()], rel=1e-6), node
    return len(expected)


def _words(searcher) -> list[str]:
    from tests.indexer.test_postings import WORDS

    return sorted({stem for word in WORDS for stem in _stems(searcher, word)})


def _random_tree(rng, words: list[str], depth: int = 0):
    """A random query of terms and phrases under And, Or, DisMax and MinimumMatch, each word in one
    field of a branch (a word in several fields is numpy's by-design difference)."""
    from search import tree

    if depth >= 2 or rng.random() < 0.35:
        field = rng.choice(FIELDS)
        boost = rng.choice((1.0, 1.0, 0.4, 1.6, 4.0))
        if field == "sagsfremstilling" and rng.random() < 0.25:
            return tree.Phrase(field, tuple(rng.sample(words, 2)), slop=rng.choice((1, 2)), boost=boost)
        return tree.Term(field, rng.choice(words), boost=boost)
    kids = tuple(_random_tree(rng, words, depth + 1) for _ in range(rng.randrange(2, 5)))
    kind = rng.choice(("and", "or", "dismax", "graded", "graded"))
    if kind == "and":
        return tree.And(kids)
    if kind == "or":
        return tree.Or(kids, boost=rng.choice((1.0, 0.35)))
    if kind == "dismax":
        return tree.DisMax(kids, boost=rng.choice((1.0, 0.5)))
    return tree.MinimumMatch(kids, rng.randrange(1, len(kids) + 1), boost=rng.choice((1.0, 2.0)))


def _one_word_in_fields(node) -> bool:
    from search import tree

    return any(isinstance(n, tree.Or) and len({k.field for k in n.children if isinstance(k, tree.Term)}) > 1
               and len({k.text for k in n.children if isinstance(k, tree.Term)}) == 1
               and all(isinstance(k, tree.Term) for k in n.children) for n in tree.walk(node))


def test_random_trees_of_graded_dismax_and_boolean_queries_agree(searcher):
    import random

    rng, words = random.Random(23), _words(searcher)
    found: list[int] = []
    tried = 0
    while len(found) < 80:
        node = _random_tree(rng, words)
        if _one_word_in_fields(node):
            continue
        tried += 1
        found.append(_agree(searcher, node))
    assert sum(1 for n in found if n) >= 50 and max(found) > 100  # the comparison has documents to compare


def test_hand_made_graded_and_dismax_queries_agree(searcher):
    from search import tree

    demens, laege, paaroer, godkend = (_stems(searcher, w)[0] for w in ("demens", "lægevagt", "pårørende",
                                                                         "godkendt"))
    tele_kol = tuple(_stems(searcher, "Tele-KOL"))
    graded = tree.MinimumMatch((tree.Term("sagsfremstilling", demens), tree.Term("title", laege, 4.0),
                                tree.Phrase("sagsfremstilling", tele_kol), tree.Term("beslutning", godkend, 1.6)), 3)
    assert _agree(searcher, graded) > 5
    alternatives = tree.DisMax((tree.Term("sagsfremstilling", paaroer),
                                tree.Or((tree.Term("title", demens), tree.Term("title", paaroer)), boost=0.35),
                                tree.Phrase("sagsfremstilling", tele_kol, boost=0.5)))
    assert _agree(searcher, alternatives) > 20
    assert _agree(searcher, tree.And((graded, alternatives))) > 5
    assert _agree(searcher, tree.MinimumMatch((alternatives, tree.Term("beslutning", godkend)), 2, boost=2.0)) > 5
    # A word no item has: a graded query still finds the items with the others.
    assert _agree(searcher, tree.MinimumMatch((tree.Term("sagsfremstilling", "ikkeetord"),
                                               tree.Term("sagsfremstilling", demens)), 1)) > 5


@pytest.mark.parametrize("form, field, child_words", [
    ("demens", "sagsfremstilling", ("demens",)),
    ("Tele-KOL", "sagsfremstilling", ("Tele-KOL",)),
    ("lænde-rygsmerter", "sagsfremstilling", ("lænde-rygsmerter",)),
    ("taget til efterretning", "beslutning", ("taget til efterretning",)),
    ("Godkendt", "beslutning", ("godkendt",)),
    ("godkendes", "beslutning", ("godkendes",)),  # the stem of Godkendt, a form no item has
    ("Status på demens", "title", ("Status på demens",)),
])
def test_an_exact_form_finds_the_items_holding_it_ranked_as_its_stemmed_query(searcher, form, field, child_words):
    """Exact: the items the stemmed query finds whose stored text holds the form as written (found
    here from the stored text itself), ranked as the stemmed query ranks them (numpy's scores)."""
    from search import tree
    from search.engines.whoosh.queries import compile_query, form_pattern, has_form

    stems = tuple(s for w in child_words for s in _stems(searcher, w))
    child = tree.Term(field, stems[0]) if len(stems) == 1 else tree.Phrase(field, stems)
    node = tree.Exact(child, form)
    n = _agree(searcher, node)
    sets = DocSets(searcher)
    child_docs = sets.docs(searcher, compile_query(child, searcher.schema)).tolist()
    pattern = form_pattern(form)
    expected = [d for d in child_docs if has_form(searcher.stored_fields(d), pattern)]
    assert sorted(searcher.docs_for_query(compile_query(node, searcher.schema))) == expected
    assert (n == 0) == (form == "godkendes") and len(child_docs) > 0
    scored = sets.scores(searcher, RANKING, compile_query(child, searcher.schema))
    assert scored is not None
    ids, scores = scored
    child_scores = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    ranked = {hit.docnum: hit.score for hit in searcher.search(compile_query(node, searcher.schema), limit=None)}
    assert sorted(ranked) == expected
    assert [ranked[d] for d in expected] == pytest.approx([child_scores[d] for d in expected], rel=1e-6)


def test_columns_read_whole_give_whooshs_values_for_every_document(tmp_path):
    """DocSets reads a facet column's table of values in one slice of its file (not through Whoosh's
    reader): every document's value is still Whoosh's, a value of more than 127 bytes (its length
    takes two bytes) and one with æøå included, and the stored fields read one at a time likewise."""
    ix = windex.create_in(str(tmp_path), build_schema())
    for seed in (4, 5):
        writer = Writer(ix, compound=False)
        for n, doc in enumerate(_documents(12, seed=seed)):
            if n % 5 == 0:
                doc["path"] = f"/arkiv/{'udvalg-for-sundhed-og-ældre-' * 6}{seed}-{n}/referat.pdf"
            writer.add_document(**doc)
        writer.commit(merge=False)
    with ix.searcher(weighting=RANKING) as s:
        sets = DocSets(s)
        stored = list(s.reader().all_stored_fields())
        assert len(stored) == s.reader().doc_count_all()
        assert any(len(d["path"].encode()) > 127 for d in stored)
        for fieldname in ("path", "date", "cluster", "order"):
            codes, values = sets.column(s, fieldname)
            whooshs = [v for segment, _ in s.reader().leaf_readers()
                       for v in segment.column_reader(fieldname, translate=True)]
            ours = [values[c] if c >= 0 else None for c in codes.tolist()]
            assert ours == [v if v not in ("", b"") else None for v in whooshs], fieldname
        codes, values = sets.column(s, "path")
        assert [d["path"] for d in stored] == [values[c] for c in codes.tolist()]


def test_a_facet_of_a_few_items_is_counted_without_its_whole_column_and_the_same(searcher):
    """A one-shot search counts the facets of a few items segment by segment (no whole column read);
    the counts are the whole column's, and a long-lived DocSets reads the column after DIRECT_COUNTS
    such counts and counts on it from then on."""
    from search.engines.whoosh.docsets import DIRECT_COUNTS

    live = DocSets(searcher).live
    few = live[::9]  # spread over the three segments, deleted items left out
    for fieldname in ("cluster", "region", "year", "section_mask"):
        sets = DocSets(searcher)
        counted = [sets.counts(searcher, fieldname, few) for _ in range(DIRECT_COUNTS)]
        assert fieldname not in sets._columns
        whole = sets.counts(searcher, fieldname, few)
        assert fieldname in sets._columns
        assert counted == [whole] * DIRECT_COUNTS and sum(whole.values()) > 0, fieldname
        assert sets.counts(searcher, fieldname, live) == DocSets(searcher).counts(searcher, fieldname, live)


def test_a_few_items_sort_by_date_as_the_whole_columns_sort_them(searcher):
    """A one-shot listing of a few items ranks their dates, files and places among their own values (no
    whole column): the order is the one the whole columns' ranks give, oldest and newest first."""
    live = DocSets(searcher).live
    few = live[::7]
    for newest_first in (False, True):
        direct = DocSets(searcher)
        whole = DocSets(searcher)
        for fieldname in ("date", "path", "order"):
            whole.rank(searcher, fieldname)
        assert direct.by_date(searcher, few, newest_first).tolist() == whole.by_date(searcher, few, newest_first).tolist()
        assert "\0rank:date" not in direct._columns and "\0rank:date" in whole._columns


def test_a_long_lived_index_reads_a_column_whole_once_and_then_only_counts(sample_index, monkeypatch):
    """A long-lived Index (the web app warms it; the watch loop does not) reads no column again once it has
    it whole: after `warm()` no search reads one, and without it the searches after the first
    DIRECT_COUNTS (which read only their items' slices) read none."""
    import search
    from search.engines.whoosh import docsets as module
    from search.engines.whoosh.docsets import DIRECT_COUNTS

    reads = []
    real = module._column_of

    def counted(segment, name, *rest):
        reads.append(name)
        return real(segment, name, *rest)

    monkeypatch.setattr(module, "_column_of", counted)
    searches = [("telemedicin", "relevance"), ("hjemmepleje", "-date"), ("dagsorden", "-date")]  # 1, 2, 4 of 17
    with search.open(sample_index) as ix:
        if ix.engine.name != "whoosh":
            pytest.skip("the sample index is not a Whoosh one (REFERAT_ENGINE)")
        ix.warm()
        warmed = len(reads)
        for query, sort in searches:
            assert ix.search(query, sort=sort).total
        assert len(reads) == warmed
    with search.open(sample_index) as ix:
        for _ in range(DIRECT_COUNTS + 1):
            for query, sort in searches:
                ix.search(query, sort=sort)
        read = len(reads)
        for query, sort in searches:
            ix.search(query, sort=sort)
        assert len(reads) == read
