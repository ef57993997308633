"""search.open(): one opened index serving many searches, from several threads, across new generations."""
import shutil
import threading
from typing import Any

import pytest

import indexer
import search
from search.engines.whoosh import WhooshEngine
from tests.conftest import BOTH_ENGINES, SAMPLE

pytestmark = BOTH_ENGINES


@pytest.fixture()
def own_index(tmp_path):
    corpus = tmp_path / "minutes"
    shutil.copytree(SAMPLE, corpus)
    ix = tmp_path / "ix"
    indexer.build(ix, [corpus])
    return ix, corpus


def test_the_index_object_answers_like_run(sample_index):
    with search.open(sample_index) as ix:
        cases: list[tuple[str, dict[str, Any]]] = [
            ("telekol", {}), ("*", {"cluster": "horsens"}), ("", {"year": "2023"}), ("børn OR lægevagten", {"limit": 2})]
        for query, options in cases:
            assert ix.search(query, **options) == search.run(sample_index, query, **options)
        hit = ix.search("telekol").hits[0]
        assert ix.show(hit.id) == search.show(sample_index, hit.id)
        assert ix.stats() == search.stats(sample_index)


def test_searches_reuse_one_searcher_and_the_generation_caches(sample_index, engine_name):
    pooled = engine_name == "whoosh"  # a pool of searchers is the Whoosh engine's (OpenSearch: one client)
    with search.open(sample_index) as ix:
        ix.search("aftale")
        engine = ix.engine
        slots = list(engine._idle) if isinstance(engine, WhooshEngine) else []
        assert isinstance(engine, WhooshEngine) == pooled
        caches = dict(ix._per_generation)
        ix.search("samarbejdsaftale")
        if isinstance(engine, WhooshEngine):
            assert engine._idle == slots and len(slots) == 1
        assert ix._per_generation[ix.generation]["compounds"] is caches[ix.generation]["compounds"]


def test_refresh_picks_up_a_new_generation_and_is_a_no_op_otherwise(own_index):
    ix_dir, corpus = own_index
    with search.open(ix_dir) as ix:
        before = ix.search("*").total
        assert ix.refresh() is False
        extra = corpus / "extra.txt"
        # the same group's next meeting (another date), so its items are new ones
        extra.write_bytes((SAMPLE / "2023-02-02_aarhus-klyngen_faglig-operativ-gruppe.txt").read_bytes()
                          .replace(b"Tid: 2.februar", b"Tid: 9.marts") + b"\nEkstra linje.\n")
        indexer.reindex(ix_dir)
        assert ix.search("*").total == before  # still the generation it was opened on
        assert ix.refresh() is True
        assert ix.search("*").total > before
        assert ix.refresh() is False


def test_concurrent_searches_from_threads_agree_with_serial_ones(sample_index):
    queries = ["telekol", "børn", "rekruttering", "*", "aftale", "sygeplejersker", "kronisk obstruktiv"]
    expected = {q: search.run(sample_index, q, limit=5) for q in queries}
    failures = []
    with search.open(sample_index) as ix:
        def worker(offset):
            for i in range(40):
                q = queries[(offset + i) % len(queries)]
                try:
                    if ix.search(q, limit=5) != expected[q]:
                        failures.append(q)
                except Exception as exc:
                    failures.append(repr(exc))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []


def test_a_closed_index_refuses_searches(sample_index):
    ix = search.open(sample_index)
    ix.close()
    with pytest.raises(ValueError, match="closed"):
        ix.search("telekol")


def test_opening_a_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(indexer.IndexMissing, match="referat index"):
        search.open(tmp_path / "nothing")


def test_a_warmed_index_answers_as_a_cold_one(sample_index):
    queries = [("telekol", {}), ("", {"cluster": "horsens"}), ("lægevagten", {"sort": "-date"}),
               ('"livets afslutning"', {}), ("rekrutering", {})]
    with search.open(sample_index) as cold:
        expected = [cold.search(q, **o) for q, o in queries]
    with search.open(sample_index) as warm:
        warm.warm()
        assert [warm.search(q, **o) for q, o in queries] == expected
