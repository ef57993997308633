"""A search through search.open() on the OpenSearch engine makes a few HTTP requests, whatever its words:
the compound and typo look-ups of a query and its term statistics come from the generation's lexicon
(indexer.engines.opensearch.lexicon), the counts with the ranking's first page in one request, and the
generation is read once per Index and again only on refresh(). Without a lexicon the look-ups are asked
together (Engine.has_terms) and the statistics in one _msearch. Each request is a round trip to the
cluster: their number is a search's cost."""
from __future__ import annotations

import os
import uuid
from collections import Counter

import pytest

import search
from search.engines.opensearch import OpenSearchEngine
from tests.conftest import SAMPLE

from .conftest import _committee_meetings, drop_index, opensearch_config

# Each shape with words no earlier search of the test's Index asked (nothing learnt yet), and the most
# requests it may make with the generation's lexicon: the counts with the ranking's first page, and a
# grouped page's members (one hit per case); a graded query's words that the lexicon cannot count are
# counted with its counts, and its page asked after (their counts weigh the cluster's coordination), so a
# misspelt two-word query, graded twice (as typed, then corrected), makes three; without the lexicon,
# also the look-ups of its words (one round for most words) and their statistics. Asked again, the words
# and their statistics are known: WARM at most. One request per term (the old way) makes dozens.
SHAPES = {
    "single word": ({"query": "genoptræning"}, 2, 4),
    "compound": ({"query": "hjemmeplejen"}, 2, 4),
    "2-3 word AND": ({"query": "udskrivelse borgere demens"}, 2, 6),
    "phrase": ({"query": '"Tele-KOL"'}, 2, 4),
    "filters and facets": ({"query": "kvalitetsstandard", "year": "2023"}, 2, 4),
    "listing": ({"query": "", "year": "2023"}, 2, 3),
    "long question": ({"query": "hvordan går det med udskrivelse af borgere med demens i forhold til "
                                "samarbejdet"}, 2, 6),
    "typo": ({"query": "plejeboliger karlslunnde"}, 3, 6),
}
WARM = 3


@pytest.fixture(scope="module", params=["lexicon", "no lexicon"])
def index(request, tmp_path_factory, opensearch_url):
    """An Index over the sample minutes and committee meetings with cases, in a cluster index of its own;
    with the generation's lexicon as the writer leaves it, or with it removed (searches ask the cluster)."""
    import indexer

    root = tmp_path_factory.mktemp("requests")
    _committee_meetings(root / "udvalg")
    name = f"osr-test-{uuid.uuid4().hex[:10]}"
    try:
        report = indexer.build(root / "ix", [SAMPLE, root / "udvalg"], engine=opensearch_config(opensearch_url, name))
        assert not report.failed
        written = sorted((root / "ix").glob("lexicon-*.txt"))
        assert len(written) == 1, written
        if request.param == "no lexicon":
            written[0].unlink()
        opened = search.open(root / "ix")
        yield opened
        opened.close()
    finally:
        drop_index(opensearch_url, name)


class Requests:
    """Every HTTP request the engine's client sends, by path, while counting."""

    def __init__(self, opened):
        self.made: list[str] = []
        transport = opened.engine.client.transport
        real = transport.perform_request

        def counted(method, url, *args, **kwargs):
            self.made.append(url.split("?")[0])
            return real(method, url, *args, **kwargs)

        transport.perform_request = counted

    def during(self, action) -> Counter:
        self.made.clear()
        action()
        return Counter(path.rsplit("/", 1)[-1] for path in self.made)


@pytest.fixture(scope="module")
def requests(index) -> Requests:
    return Requests(index)


def _search(index, shape: dict):
    options = {k: v for k, v in shape.items() if k != "query"}
    return lambda: index.search(shape["query"], limit=10, **options)


def test_generation_read_once_per_index_and_again_on_refresh(index, requests):
    first = requests.during(lambda: index.search("plan"))
    again = requests.during(lambda: index.search("direktør"))
    assert first["_mapping"] <= 1 and not first["_alias"]
    assert not again["_mapping"] and not again["_alias"] and not again["_count"], again
    refreshed = requests.during(index.refresh)
    assert sum(refreshed.values()) == 1, refreshed  # the alias's mapping: its index and generation at once


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_search_makes_a_few_requests_not_one_per_term(index, requests, shape):
    index.search("plan")  # what every search of the generation shares (facet values, counts) is loaded
    index.search("", year="2022")  # and what every listing does (the sections' values)
    query, with_lexicon, without = SHAPES[shape]
    bound = with_lexicon if any(index.dir.glob("lexicon-*.txt")) else without
    made = requests.during(_search(index, query))
    result = _search(index, query)()
    assert result.total > 0, f"{shape}: the shape must find something to be measured"
    assert sum(made.values()) <= bound, f"{shape}: {sum(made.values())} requests ({dict(made)})"
    repeated = requests.during(_search(index, query))
    assert sum(repeated.values()) <= WARM, f"{shape}, asked again: {dict(repeated)}"


@pytest.mark.parametrize("query", ["udskrivelse borgere demens", "hvordan går det med genoptræning efter "
                                   "udskrivelse fra hospitalet"])
def test_a_rescored_page_read_bare_is_the_page_read_whole(index, requests, query, monkeypatch):
    """Where items carry attachments, a rescored ranking's candidates come without their stored fields
    and the page's after (at most one mget): the same page, documents and scores as when every candidate
    brings its stored fields, as it does where items are small."""
    import search.engines.opensearch as engine

    assert not index.engine._large_documents(), "no attachment text in the sample and committee meetings"
    whole = requests.during(lambda: index.search(query, limit=5, all_appearances=True))
    assert not whole["_mget"], whole
    got = index.search(query, limit=5, all_appearances=True).to_json()
    monkeypatch.setattr(type(index.engine), "_large_documents", lambda self: True)
    bare = requests.during(lambda: index.search(query, limit=5, all_appearances=True))
    assert bare["_mget"] <= 1, bare
    assert index.search(query, limit=5, all_appearances=True).to_json() == got
    monkeypatch.setattr(engine, "RESCORE_IN_CLUSTER", False)  # candidates until the bound settles, all read bare
    bare = requests.during(lambda: index.search(query, limit=5, all_appearances=True))
    assert bare["_mget"] == 1, bare
    assert index.search(query, limit=5, all_appearances=True).to_json() == got
    assert got["total"] > 0


def test_candidates_are_read_bare_once_items_carry_attachment_text(tmp_path, opensearch_url):
    """Items whose attachments have text store their pages with them: a rescored ranking then reads its
    candidates without their stored fields; an index without any reads them whole (one request less)."""
    from corpus.model import Attachment
    from indexer.meetings import pack_attachments
    from search.engines.opensearch import open_engine

    from .opensearch_support import drop, engine, items, write_generation, write_minutes

    writer = engine(opensearch_url, tmp_path / "ix", replicas=0)
    try:
        writer.create()
        docs = items(write_minutes(tmp_path / "minutes", range(3)))
        write_generation(writer, docs)
        searcher = open_engine(tmp_path / "ix", writer.config)
        assert searcher._large_documents() is False
        bilag = Attachment("Bilag 1", 1, pages=("Økonomisk oversigt for plejeboliger", "side to"))
        write_generation(writer, [{**docs[0], "attachments": pack_attachments([bilag]), "attachment": bilag.text},
                                  *docs[1:]])
        assert searcher.refresh() and searcher._large_documents() is True
        searcher.close()
    finally:
        drop(writer)


def test_the_facet_values_come_with_the_generation(index):
    """A commit lists each facet's values in the index's _meta: a newly opened Index reads them with the
    generation (no search of every item), the values the cluster counts; an index whose commit did not
    list them (an older referat's) has them asked of the cluster, the same."""
    from indexer.engines.opensearch.engine import distinct_values
    from indexer.schema import VALUED_FIELDS
    from search.engines.opensearch import OpenSearchEngine

    opened = search.open(index.dir)
    try:
        made = Requests(opened).during(lambda: [opened.engine.values(field) for field in VALUED_FIELDS])
        assert set(made) == {"_mapping"}, made
        engine = opened.engine
        assert isinstance(engine, OpenSearchEngine) and engine._index
        counted = distinct_values(engine._search, VALUED_FIELDS)
        listed = {field: engine.values(field) for field in VALUED_FIELDS}
        assert listed == {field: sorted(str(v) for v in found) for field, found in counted.items()}
        assert listed["cluster"] and listed["year"] and listed["section_mask"]
        client, physical = engine.client, engine._index
        meta = client.indices.get_mapping(index=physical)[physical]["mappings"]["_meta"]
        client.indices.put_mapping(index=physical, body={"_meta": {"referat": {
            k: v for k, v in meta["referat"].items() if k != "values"}}})
    finally:
        opened.close()
    older = search.open(index.dir)
    try:
        asked = Requests(older).during(lambda: [older.engine.values(field) for field in VALUED_FIELDS])
        assert asked["_search"] == len(VALUED_FIELDS), asked  # one per field asked
        assert {field: older.engine.values(field) for field in VALUED_FIELDS} == listed
    finally:
        older.close()
        client.indices.put_mapping(index=physical, body={"_meta": meta})


@pytest.mark.parametrize("index", ["lexicon"], indirect=True)
def test_a_graded_querys_words_are_counted_by_the_lexicon_as_the_cluster_counts_them(index, requests, monkeypatch):
    """The words of a graded query, each a term over the text fields (and its OCR form): the lexicon
    counts them (its rows of a term in any field) as the cluster does, so its counts and the ranking's
    first page are one request (then the members of the page's cases), none a count of its words."""
    from search.engines.opensearch import OpenSearchEngine
    from search.engines.opensearch.compile import Context, compile_node
    from search.tree import MinimumMatch

    engine = index.engine
    assert isinstance(engine, OpenSearchEngine)
    asked = []
    real = engine.find

    def find(request):
        asked.append(request.query)
        return real(request)

    monkeypatch.setattr(engine, "find", find)
    query = "udskrivelse demens genoptræning"
    index.search("plan")  # what every search of the generation shares is loaded
    asked.clear()
    sent: list[list[dict]] = []
    real_msearch = engine.client.msearch

    def msearch(body, **options):
        sent.append(body)
        return real_msearch(body=body, **options)

    monkeypatch.setattr(engine.client, "msearch", msearch)
    made = requests.during(lambda: index.search(query, limit=10))
    graded = [q for q in asked if isinstance(q, MinimumMatch)]
    assert graded and index.search(query, limit=10).total > 0
    assert made["_msearch"] == 1 and sum(made.values()) <= 2, made
    searches = [body for line in sent for body in line[1::2]]
    assert not [body for body in searches if body.get("size") == 0 and not body.get("aggs")], "a word counted"
    words = [child for q in graded for child in q.children]
    counted = [engine._from_lexicon(("count", word)) for word in words]
    assert None not in counted
    assert counted == engine._counts([compile_node(word, Context.plain()) for word in words])
    assert all(counted), "words some items have"


def _cache_hits(opened) -> int:
    """How many searches the request cache of the generation's index answered (its copies searched)."""
    engine = opened.engine
    stats = engine.client.indices.stats(index=engine._index, metric="request_cache")
    return stats["_all"]["total"]["request_cache"]["hit_count"]


@pytest.mark.parametrize("query", ["udskrivelse borgere demens", '"Tele-KOL"', "genoptræning"])
def test_a_search_asked_again_has_its_counts_from_the_request_cache(index, requests, query):
    """A committed generation's index never changes, so the cluster's request cache may keep a search's
    answers: asked again, its counting search (each of two shards) is answered from it, the same. Each
    node keeps the answers of its own copies, and the client sends each request to either node in turn:
    of four askings, at most the first on each node is not answered from the cache."""
    first = index.search(query, limit=10).to_json()
    before = _cache_hits(index)
    asked = requests.during(lambda: [_search(index, {"query": query})() for _ in range(4)])
    assert asked["_msearch"] + asked["_search"] >= 4
    assert _cache_hits(index) - before >= 2 * 2, asked
    assert index.search(query, limit=10).to_json() == first


def test_a_one_shard_index_has_its_pages_from_the_request_cache_too(tmp_path, opensearch_url):
    """Of an index of one shard, a search of hits runs as any other (no dfs phase: its statistics are the
    index's), so asked again, every search of it, the ranked page too, is answered from the cache; not a
    walk of more than CACHED_HITS hits."""
    import indexer
    from indexer.engine import EngineConfig
    from search.engines.opensearch import CACHED_HITS, OpenSearchEngine

    _committee_meetings(tmp_path / "udvalg")
    name = f"osr-one-{uuid.uuid4().hex[:10]}"
    try:
        config = EngineConfig("opensearch", url=opensearch_url, index=name, shards=1, replicas=0)
        assert not indexer.build(tmp_path / "ix", [SAMPLE, tmp_path / "udvalg"], engine=config).failed
        with search.open(tmp_path / "ix") as one:
            for query in ("udskrivelse borgere demens", "genoptræning"):
                first = one.search(query, limit=10, all_appearances=True).to_json()
                before = _cache_hits(one)
                opened = Requests(one)
                asked = opened.during(lambda: one.search(query, limit=10, all_appearances=True))  # noqa: B023
                assert asked == {"_msearch": 1}, asked  # the counts and the page, two searches
                assert _cache_hits(one) - before == 2, query
                assert one.search(query, limit=10, all_appearances=True).to_json() == first
            # a walk of more hits than a page's is not kept: it would push the pages out
            engine = one.engine
            assert isinstance(engine, OpenSearchEngine)
            walk = {"query": {"match_all": {}}, "size": CACHED_HITS + 1, "sort": [{"id": "asc"}]}
            before = _cache_hits(one)
            assert engine._search(walk)["hits"] == engine._search(walk)["hits"]
            assert _cache_hits(one) == before
    finally:
        drop_index(opensearch_url, name)


def test_a_question_asked_again_by_another_client_is_answered_by_the_copy_that_kept_it(tmp_path, opensearch_url):
    """A search is sent to the node its question names (client.routed), whatever order a client lists
    the nodes in: asked again by another Index (another process), its searches are answered from the
    request cache of the copy that answered them first, the same answer. Different questions go to
    different nodes."""
    import indexer
    from indexer.engine import EngineConfig
    from indexer.store import read_meta, write_meta

    urls = [u.strip() for u in opensearch_url.split(",")]
    if len(urls) < 2:
        message = f"one node named in {opensearch_url}: the test needs two"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    _committee_meetings(tmp_path / "udvalg")
    name = f"osr-route-{uuid.uuid4().hex[:10]}"
    try:
        config = EngineConfig("opensearch", url=opensearch_url, index=name, shards=1, replicas=1)
        assert not indexer.build(tmp_path / "ix", [SAMPLE, tmp_path / "udvalg"], engine=config).failed
        searched = set()
        for query in ("udskrivelse borgere demens", "genoptræning", '"Tele-KOL"', "hjemmeplejen", "kvalitetsstandard"):
            answers, hits = [], []
            for listed in (urls, urls[::-1], urls):
                write_meta(tmp_path / "ix", {**read_meta(tmp_path / "ix"), "engine": {**config.to_json(),
                                                                                      "url": ",".join(listed)}})
                with search.open(tmp_path / "ix") as through:
                    engine = through.engine
                    assert isinstance(engine, OpenSearchEngine)
                    engine.client.cluster.health(index=engine.alias, wait_for_status="green", request_timeout=60)
                    engine.generation()  # the generation's index, whose cache is counted
                    before = _cache_hits(through)
                    answers.append(through.search(query, limit=10).to_json())
                    hits.append(_cache_hits(through) - before)
                    searched |= _searched_by(engine)
            assert answers[1] == answers[0] == answers[2]
            assert hits[1] == hits[2] >= 2, (query, hits)  # the counting search and the page at least
        assert len(searched) == 2, "the questions are spread over both nodes"
    finally:
        drop_index(opensearch_url, name)


def _searched_by(engine) -> set[str]:
    """The nodes whose copy of the engine's generation answered a search (its search stats)."""
    stats = engine.client.indices.stats(index=engine._index, metric="search", level="shards")
    copies = stats["indices"][engine._index]["shards"]["0"]
    return {copy["routing"]["node"] for copy in copies if copy["search"]["query_total"]}
