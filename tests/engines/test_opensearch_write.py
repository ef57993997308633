"""The OpenSearch engine's writing side against a real cluster (the `opensearch_url` fixture):
generations, deletes, what a document holds, positions as Whoosh's, and a kill -9 mid-bulk."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid

import pytest
from whoosh import index as windex

import indexer
import search
from indexer.analysis import danish_analyzer, exact_analyzer
from indexer.engine import EngineConfig, WriteEngine, open_write_engine
from indexer.engines.opensearch import ClusterError, OpenSearchWriteEngine, WriteFailed
from indexer.engines.opensearch.documents import slots, source
from indexer.engines.opensearch.mapping import PAIRS, STACK, text_fields
from indexer.engines.whoosh.schema import build_schema
from indexer.schema import form_field
from tests.conftest import ROOT
from tests.engines.opensearch_support import (
    by_meeting,
    contents,
    drop,
    engine,
    items,
    normalised,
    write_generation,
    write_minutes,
)
from tests.indexer.faults import wait_for


@pytest.fixture
def corpus_docs(tmp_path) -> list[dict]:
    return items(write_minutes(tmp_path / "minutes", range(6)))


@pytest.fixture
def os_engine(opensearch_url, tmp_path):
    made = engine(opensearch_url, tmp_path / "ix")
    made.create()
    yield made
    drop(made)


def test_a_generation_is_visible_only_after_its_commit(os_engine, corpus_docs, tmp_path):
    assert all(isinstance(e, WriteEngine) for e in (os_engine, open_write_engine(tmp_path, os_engine.config)))
    assert os_engine.exists() and os_engine.generation() == 0 and os_engine.doc_count() == 0
    with os_engine.writer(1) as writer:
        for doc in corpus_docs:
            writer.add(doc)
        assert os_engine.doc_count() == 0 and os_engine.generation() == 0  # written, not committed
        assert writer.commit() == 1
    assert os_engine.generation() == 1 and os_engine.doc_count() == len(corpus_docs) == 18
    with pytest.raises(RuntimeError), os_engine.writer(1) as writer:  # left without a commit
        writer.delete_meeting(corpus_docs[0]["meeting"])
        raise RuntimeError("stopped")
    assert os_engine.generation() == 1 and os_engine.doc_count() == 18
    assert [aliased for _, aliased in os_engine._generations().values()] == [False, True]  # g0 kept, g2 gone


def test_stored_fields_are_whooshs(os_engine, corpus_docs, tmp_path):
    """documents() and all_documents() give what Whoosh's stored fields give for the same items."""
    whoosh_dir = tmp_path / "whoosh"
    whoosh_dir.mkdir()
    ix = windex.create_in(str(whoosh_dir), build_schema())
    with ix.writer() as w:
        for doc in corpus_docs:
            w.add_document(**doc)
    with ix.searcher() as s:
        whoosh = {d["id"]: normalised(d) for d in s.all_stored_fields()}
    write_generation(os_engine, corpus_docs)
    assert {d["id"]: d for d in os_engine.all_documents()} == whoosh
    first = corpus_docs[0]
    for field in ("id", "meeting", "path", "case"):
        expected = sorted(i for i, d in whoosh.items() if d.get(field) == first[field])
        assert sorted(d["id"] for d in os_engine.documents(field, [first[field]])) == expected
    number = first["case_numbers"].split(",")[0]
    assert [d["id"] for d in os_engine.documents("case_numbers", [number.upper()])] == [first["id"]]
    assert os_engine.documents("meeting", []) == [] and os_engine.documents("id", ["no such item"]) == []


def test_delete_and_reindex_a_meeting(os_engine, corpus_docs, tmp_path):
    write_generation(os_engine, corpus_docs)
    meetings = by_meeting(corpus_docs)
    gone, changed = list(meetings)[:2]
    new_text = items(write_minutes(tmp_path / "changed", [1], version="revideret"))
    assert {d["meeting"] for d in new_text} == {changed}
    with os_engine.writer(1) as writer:
        writer.delete_meeting(gone)
        writer.delete_meeting(changed)
        for doc in new_text:
            writer.add(doc)
        assert writer.commit() == 2
    assert os_engine.documents("meeting", [gone]) == []
    assert sorted(d["title"] for d in os_engine.documents("meeting", [changed])) == sorted(
        d["title"] for d in new_text)
    assert os_engine.doc_count() == 18 - 3
    # adding an item again under its id replaces it (idempotent), it is never doubled
    write_generation(os_engine, new_text)
    assert os_engine.doc_count() == 15 and os_engine.generation() == 3


def test_deletes_and_adds_of_one_generation_apply_in_their_order(os_engine, corpus_docs):
    """An item moved to another meeting survives its old meeting's delete; one added and then deleted
    with its meeting is gone; a meeting deleted in one bulk and written again in a later one is whole."""
    write_generation(os_engine, corpus_docs)
    meetings = by_meeting(corpus_docs)
    a, b, c = list(meetings)[:3]
    moved = {**meetings[a][0], "meeting": b}
    with os_engine.writer(1) as writer:
        writer.delete_meeting(a)
        writer.add(moved)
        writer.add({**meetings[c][0], "id": "added-then-deleted"})
        writer.delete_meeting(c)
        writer._flush()  # a bulk boundary between the delete and the meeting written again
        for doc in meetings[c]:
            writer.add(doc)
        writer.commit()
    assert [d["id"] for d in os_engine.documents("meeting", [a])] == []
    assert sorted(d["id"] for d in os_engine.documents("meeting", [b])) == sorted(
        [moved["id"], *(d["id"] for d in meetings[b])])
    assert sorted(d["id"] for d in os_engine.documents("meeting", [c])) == sorted(d["id"] for d in meetings[c])
    assert os_engine.documents("id", ["added-then-deleted"]) == []
    assert os_engine.doc_count() == 18 - 3 + 1


def _termvector_slots(os_engine, document: dict, field: str) -> tuple[list[list[str]], list[str]]:
    """(terms per position as OpenSearch indexed them: the field's, then its stack's aligned one; the
    stack's overflow terms), from the term vectors of `document` analysed by the live index."""
    body = source(document)
    response = os_engine.client.termvectors(index=os_engine.alias, body={
        "doc": {k: v for k, v in body.items() if k in (field, field + STACK)}, "positions": True,
        "term_statistics": False, "field_statistics": False})
    vectors = response["term_vectors"]

    def positions(name):
        return sorted((t["position"], term) for term, info in vectors.get(name, {}).get("terms", {}).items()
                      for t in info["tokens"])

    main = positions(field)
    found: list[list[str]] = [[] for _ in range(len(main))]
    for pos, term in main:
        found[pos].append(term)
    stack = body.get(field + STACK)
    aligned = len((stack[0] if isinstance(stack, list) else stack or "").split())
    overflow = []
    for pos, term in positions(field + STACK):
        if pos < aligned:
            if term != "·":
                found[pos].append(term)
        else:
            overflow.append(term)
    return found, overflow


def test_positions_are_whooshs(os_engine):
    """Each term at the position Whoosh's writer gives it: stop words leave no gap, a hyphenated
    word's parts one apart, a suspended modifier's full forms at its place; a phrase then matches in
    the cluster where it matches in Whoosh."""
    text = ("Status på Tele-KOL og IV-behandling: tvangs- og genindlæggelser i social-, sundheds- og "
            "ældreområdet, en plan for de ældre")
    document = {"id": "x", "meeting": "m", "title": text}
    expected = slots(danish_analyzer(), text)
    # slots() agrees with the positions the Whoosh writer indexes (DanishTokenizer.positions)
    writer_positions = danish_analyzer().positions(text)
    assert {t: sorted(p) for t, p in writer_positions.items()} == {
        t: sorted(p for p, terms in enumerate(expected) for x in terms if x == t) for t in writer_positions}
    found, overflow = _termvector_slots(os_engine, document, "title")
    assert [sorted(terms) for terms in found] == [sorted(terms[:2]) for terms in expected]
    assert sorted(overflow) == sorted(t for terms in expected for t in terms[2:])
    assert any(len(terms) > 2 for terms in expected)  # the overflow was exercised


def test_phrases_match_in_the_cluster_as_in_whoosh(os_engine, corpus_docs):
    write_generation(os_engine, corpus_docs)
    client, alias = os_engine.client, os_engine.alias

    def ids(query):
        return sorted(h["_id"] for h in client.search(index=alias, body={"query": query, "size": 100})["hits"]["hits"])

    def phrase(text, analyzer=None):  # the query-time terms, as the search side makes them
        return " ".join(t.text for t in (analyzer or danish_analyzer()).tokens(text, "query"))

    def with_title(words):
        return sorted(d["id"] for d in corpus_docs if words in d["title"])

    # across a dropped stop word: `omsorgsplan for ældreområdet`
    assert ids({"match_phrase": {"title": phrase("omsorgsplan for ældreområdet")}}) == with_title(
        "omsorgsplan for ældreområdet") != []
    assert ids({"match_phrase": {"title": phrase("ældreområdet omsorgsplan")}}) == []
    # `tele kol` typed apart: the hyphenated word's first part (stack) before its second (field)
    tele, kol = phrase("tele"), phrase("kol")
    span = {"span_near": {"clauses": [
        {"span_field_masking": {"query": {"span_term": {"title" + STACK: tele}}, "field": "title"}},
        {"span_term": {"title": kol}}], "slop": 0, "in_order": True}}
    assert ids(span) == with_title("Tele-KOL") != []
    # each two words next to each other are a term of the field's pairs, whichever layer holds them
    assert ids({"term": {"title" + PAIRS: f"{tele} {kol}"}}) == with_title("Tele-KOL")
    planned = phrase("omsorgsplan for ældreområdet").split()
    assert ids({"term": {"title" + PAIRS: " ".join(planned)}}) == with_title("omsorgsplan for ældreområdet")
    assert ids({"term": {"title" + PAIRS: " ".join(reversed(planned))}}) == []
    # the exact forms are indexed too, each source's in a field of its own
    forms = phrase("Tvangs- og genindlæggelser", exact_analyzer())
    assert ids({"match_phrase": {form_field("title"): forms}}) == with_title("Tvangs- og gen")
    assert ids({"match_phrase": {form_field("beslutning"): forms}}) == []


def test_a_refused_item_is_a_clear_error_and_commits_nothing(os_engine, corpus_docs):
    bad = {**corpus_docs[0], "path": "x" * 40_000}  # longer than a Lucene term may be
    with pytest.raises(WriteFailed, match=f"refused item {bad['id']} .index.: .*immense"), \
            os_engine.writer(1) as writer:
        writer.add(bad)
        writer.commit()
    assert os_engine.generation() == 0 and os_engine.doc_count() == 0


def test_an_unreachable_cluster_is_one_line(tmp_path):
    from socket import socket

    with socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    unreachable = engine(f"http://127.0.0.1:{port}", tmp_path / "ix")
    with pytest.raises(ClusterError, match=f"OpenSearch at http://127.0.0.1:{port}, index osw-test-.*: no node answers"):
        unreachable.exists()


def test_mapping_covers_every_text_field():
    """Every text field of the Whoosh schema has its two fields and its pairs (none is forgotten as the
    schema grows)."""
    from indexer.engines.opensearch.mapping import mapping

    properties = mapping(0, 0)["properties"]
    assert set(text_fields()) >= {"title", "participants", "attachment", "ocr", "exact", "beslutning"}
    for field in text_fields():
        assert properties[field]["analyzer"] == properties[field + STACK]["analyzer"] == "whitespace"
        assert properties[field + PAIRS]["type"] == "keyword"


CHILD = """
import json, sys
from indexer.engine import EngineConfig, WriteEngine, open_write_engine
from indexer.engines.opensearch import engine as module
from tests.engines.opensearch_support import engine, write_generation
module.BULK_DOCS = 4  # several bulk requests for the kill to fall between
url, name, folder, docs = sys.argv[1:5]
write_generation(engine(url, folder, name=name), json.load(open(docs)))
"""


@pytest.mark.parametrize("point", ["opensearch-bulk", "opensearch-flip"])
def test_kill_9_mid_generation_then_the_next_run_reaches_a_clean_build(opensearch_url, tmp_path, point):
    """A writer killed between bulk requests, or before its alias moves, leaves the committed
    generation as it was; writing the same generation again gives the index a clean build gives."""
    first = items(write_minutes(tmp_path / "minutes", range(4)))
    second = items(write_minutes(tmp_path / "changed", range(2, 8), version="ny"))
    killed, clean = engine(opensearch_url, tmp_path / "ix"), engine(opensearch_url, tmp_path / "clean")
    try:
        killed.create()
        write_generation(killed, first)
        before = contents(killed)
        docs_file = tmp_path / "docs.json"
        docs_file.write_text(json.dumps(second, ensure_ascii=False), "utf-8")
        marker = tmp_path / "fault.pid"
        env = {**os.environ, "REFERAT_FAULT": point, "REFERAT_FAULT_MARKER": str(marker),
               "REFERAT_FAULT_ACTION": "hang", "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen([sys.executable, "-c", CHILD, opensearch_url, killed.alias, str(tmp_path / "ix"),
                                  str(docs_file)], env=env, cwd=ROOT)
        try:
            wait_for(lambda: marker.exists() and marker.read_text(), f"the writer at {point}")
            assert child.poll() is None, "the writer must still be running when it is killed"
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
        assert child.returncode == -signal.SIGKILL
        assert killed.generation() == 1 and contents(killed) == before  # nothing of the killed run shows
        assert len(killed._generations()) == 3  # g0, g1 and the killed run's g2, dropped by the next writer
        assert write_generation(killed, second) == 2
        clean.create()
        write_generation(clean, first)
        write_generation(clean, second)
        assert contents(killed) == contents(clean)
        assert killed.doc_count() == clean.doc_count() == 3 * 8
        assert sorted(g for g in killed._generations()) == [1, 2]
    finally:
        drop(killed)
        drop(clean)


def test_commands_on_an_index_whose_cluster_is_gone_say_so_in_one_line(tmp_path, opensearch_url):
    """`search`, `meetings` and `check --repair` on an index folder whose cluster does not answer: one line
    naming the cluster, exit 3, no traceback, and check does not advise a rebuild (the index may be whole)."""
    from socket import socket

    from click.testing import CliRunner

    from indexer.store import read_meta, write_meta
    from search.cli import main
    from tests.engines.conftest import drop_index, opensearch_config

    name = f"osw-test-gone-{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "minutes"
    write_minutes(folder, range(2))
    ix = tmp_path / "ix"
    try:
        assert not indexer.build(ix, [folder], engine=opensearch_config(opensearch_url, name)).failed
        with socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        meta = read_meta(ix)
        write_meta(ix, {**meta, "engine": {**meta["engine"], "url": f"http://127.0.0.1:{port}"}})
        for args in (["search", "telekol"], ["meetings"], ["check", "--repair"]):
            out = CliRunner().invoke(main, [args[0], "--index", str(ix), *args[1:]])
            assert out.exit_code == 3, (args, out.output)
            assert "Traceback" not in out.output and f"127.0.0.1:{port}" in out.output and "no node answers" in out.output
            assert "rebuild" not in out.output
    finally:
        drop_index(opensearch_url, name)


def _segments(client, alias: str) -> list[int]:
    """The searched segments of each primary shard of the index `alias` points to (a replica merges on its
    own, and is searched as such a while later)."""
    live = next(iter(client.indices.get_alias(name=alias)))
    wait_for(lambda: client.cluster.health(index=live)["status"] == "green", "every shard copy of the index")
    shards = client.indices.segments(index=live)["indices"][live]["shards"]
    return [sum(1 for s in copy["segments"].values() if s.get("search"))
            for copies in shards.values() for copy in copies if copy["routing"]["primary"]]


def test_a_generation_that_wrote_much_of_its_index_is_searched_as_one_segment(opensearch_url, tmp_path, monkeypatch):
    """A build's commit merges each shard copy into one segment (its bulks made several: here, a refresh
    after each of them, as a large build's full buffers do); a reindex that wrote less than
    MERGED_SHARE of the items keeps the segments it cloned and adds its own."""
    from indexer.engines.opensearch import engine as writer_module
    from tests.firstagenda import write_meeting

    monkeypatch.setattr(writer_module, "BULK_DOCS", 4)
    real = writer_module.OpenSearchGeneration._flush

    def flushed(self):
        real(self)
        self.client.indices.refresh(index=self.index)

    monkeypatch.setattr(writer_module.OpenSearchGeneration, "_flush", flushed)
    folder = tmp_path / "minutes"
    for n in range(12):
        write_meeting(folder / f"m{n}.json", "Social- og Sundhedsudvalget", f"2023-{n + 1:02d}-10",
                      [(str(k), f"Sag {k} om plejeboliger, møde {n}", "", "Godkendt.") for k in range(1, 4)])
    name = f"osw-merge-{uuid.uuid4().hex[:10]}"
    config = EngineConfig("opensearch", url=opensearch_url, index=name, shards=2, replicas=1)
    try:
        assert not indexer.build(tmp_path / "ix", [folder], engine=config).failed
        writer = open_write_engine(tmp_path / "ix", config)
        assert isinstance(writer, OpenSearchWriteEngine)
        client = writer.client
        assert _segments(client, name) == [1, 1]  # of each of the two shards
        write_meeting(folder / "m0.json", "Social- og Sundhedsudvalget", "2023-01-10",
                      [(str(k), f"Sag {k} om plejeboliger, møde 0 igen", "", "Udsat.") for k in range(1, 4)])
        report = indexer.reindex(tmp_path / "ix")
        assert not report.failed and report.updated
        assert max(_segments(client, name)) > 1, "a small reindex merges nothing"
        with search.open(tmp_path / "ix") as index:
            assert index.search("igen").total == 3
    finally:
        drop(OpenSearchWriteEngine(tmp_path / "ix", config))
