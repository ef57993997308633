"""The generation's lexicon (indexer.engines.opensearch.lexicon) holds exactly what the cluster counts: after
a first build and after reindexes that change, delete and add meetings, every count it gives (items per
term and text field, at the term's own position, stacked, either; items per field; the items) equals the
cluster's, and it holds every term an item has (the same rows as a lexicon counted afresh from every item).
A damaged lexicon is ignored by searches (the cluster answers, with the same results), reported by
`referat check` and derived again by `--repair`."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

import indexer
import search
from corpus.model import Attachment
from indexer.engines.opensearch import lexicon
from indexer.engines.opensearch.mapping import STACK, text_fields
from indexer.meetings import pack_attachments
from indexer.schema import unpack_sections
from search.cli import main as cli

from .conftest import _committee_meetings, drop_index, opensearch_config
from .opensearch_support import drop, engine, items, rows_of_fields, write_generation, write_minutes

BATCH = 300


def _cluster_counts(writer, queries: list[dict]) -> list[int]:
    out: list[int] = []
    for start in range(0, len(queries), BATCH):
        lines: list[dict] = []
        for query in queries[start:start + BATCH]:
            lines += [{"index": writer.alias}, {"query": query, "size": 0, "track_total_hits": True}]
        out += [r["hits"]["total"]["value"] for r in writer.client.msearch(body=lines)["responses"]]
    return out


def assert_exact(writer, index_dir: Path) -> lexicon.Lexicon:
    """Every count of the committed generation's lexicon is the cluster's, and it has every row."""
    generation = writer.generation()
    found = lexicon.open_lexicon(index_dir, generation)
    assert found is not None, sorted(p.name for p in index_dir.iterdir())
    assert lexicon.is_sound(index_dir, generation)
    rows = list(found.rows())
    afresh = lexicon.derive(writer.stored_items())
    assert afresh is not None
    assert sorted((k, v) for k, v in rows) == sorted((f"{k}\t".encode(), v) for k, v in afresh.rows.items() if v[2])
    assert found.docs == {k: v for k, v in afresh.docs.items()}
    assert found.anywhere
    queries: list[dict] = []
    expected: list[int] = []
    for key, (main, stacked, either) in rows:
        name, term = key.decode().split("\t")[:2]
        names = lexicon.counted_texts() if name == lexicon.ANYWHERE else (name,)
        own = [{"term": {n: term}} for n in names]
        stack = [{"term": {n + STACK: term}} for n in names]
        queries += [{"bool": {"should": own}}, {"bool": {"should": stack}}, {"bool": {"should": own + stack}}]
        expected += [main, stacked, either]
    for name, count in found.docs.items():
        if name == lexicon.ANYWHERE:
            queries.append({"bool": {"should": [{"exists": {"field": n + suffix}} for n in lexicon.counted_texts()
                                                for suffix in ("", STACK)]}})
        else:
            queries.append({"exists": {"field": name}} if name else {"match_all": {}})
        expected.append(count)
    assert _cluster_counts(writer, queries) == expected
    assert found.items == writer.doc_count()
    return found


@pytest.fixture
def minutes_index(tmp_path, opensearch_url):
    name = f"oslex-test-{uuid.uuid4().hex[:10]}"
    yield tmp_path, opensearch_config(opensearch_url, name)
    drop_index(opensearch_url, name)


def test_the_lexicon_is_the_clusters_counts_after_a_build_and_reindexes(minutes_index):
    root, config = minutes_index
    folder = root / "minutes"
    write_minutes(folder, range(12))
    _committee_meetings(folder / "udvalg")
    index_dir = root / "ix"
    assert not indexer.build(index_dir, [folder], engine=config).failed
    from indexer.engines.opensearch import OpenSearchWriteEngine

    writer = OpenSearchWriteEngine(index_dir, config)
    try:
        before = assert_exact(writer, index_dir).items
        write_minutes(folder, range(3, 6), version="revideret udgave med hjemmesygeplejerske")  # changed
        for gone in (folder / "referat-0007.txt", folder / "referat-0008.txt"):  # deleted
            gone.unlink()
        write_minutes(folder, range(40, 43))  # added
        report = indexer.reindex(index_dir, [folder])
        assert not report.failed and report.committed
        after = assert_exact(writer, index_dir)
        assert after.items == before + 3  # two meetings of three items went, three came
        assert (index_dir / lexicon.LEXICON_FILE.format(generation=writer.generation() - 1)).exists()
        assert after.counts("title", "hjemmesygeplejersk")[2] == 9
        assert indexer.reindex(index_dir, [folder]).committed is False  # nothing changed: nothing written
        assert_exact(writer, index_dir)
    finally:
        writer.close()


def _with_ocr_and_bilag(docs: list[dict]) -> list[dict]:
    """The items as indexer.build writes those of a scanned meeting (`ocr`) with a bilag's text."""
    out = []
    for n, doc in enumerate(docs):
        doc = dict(doc)
        sections = unpack_sections(doc.get("content"))
        if n % 2:
            doc["ocr"] = doc["title"] + "\n" + "\n".join(sections.values())
        if n % 3 == 0:
            bilag = Attachment("Bilag 1", 1, pages=(f"Økonomisk oversigt {n} for plejeboliger", "side to"))
            doc["attachments"] = pack_attachments([bilag])
            doc["attachment"] = bilag.text
        out.append(doc)
    return out


def test_the_writer_follows_ocr_and_bilag_and_a_rewritten_meeting(tmp_path, opensearch_url):
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    folder = tmp_path / "minutes"
    writer = engine(opensearch_url, index_dir, replicas=0)
    try:
        writer.create()
        write_generation(writer, _with_ocr_and_bilag(items(write_minutes(folder, range(6)))))
        assert_exact(writer, index_dir)
        changed = _with_ocr_and_bilag(items(write_minutes(folder, range(2, 4), version="ny tekst om telemedicin")))
        write_generation(writer, changed)
        assert_exact(writer, index_dir)
        with writer.writer(1) as generation:  # a meeting written twice in one generation: counted afresh
            for _ in range(2):
                meeting = changed[0]["meeting"]
                generation.delete_meeting(meeting)
                for doc in changed:
                    if doc["meeting"] == meeting:
                        generation.add(doc)
            generation.commit()
        assert_exact(writer, index_dir)
    finally:
        drop(writer)


def test_a_damaged_lexicon_is_ignored_reported_and_repaired(minutes_index):
    root, config = minutes_index
    folder = root / "minutes"
    write_minutes(folder, range(6))
    index_dir = root / "ix"
    assert not indexer.build(index_dir, [folder], engine=config).failed
    queries = ["plan", "tele-kol borgere", "demens og pårørende i hjemmeplejen", '"IV-behandling"']

    def answers() -> list[str]:
        with search.open(index_dir) as opened:
            return [json.dumps(opened.search(q, limit=10).to_json(), sort_keys=True) for q in queries]

    whole = answers()
    (file,) = index_dir.glob("lexicon-*.txt")
    file.write_bytes(file.read_bytes()[:-40])  # cut short
    assert answers() == whole  # the cluster counts what the lexicon cannot
    checked = CliRunner().invoke(cli, ["check", "--index", str(index_dir)], catch_exceptions=False)
    assert checked.exit_code == 3 and file.name in checked.output, checked.output
    repaired = CliRunner().invoke(cli, ["check", "--index", str(index_dir), "--repair"], catch_exceptions=False)
    assert repaired.exit_code == 6, repaired.output
    from indexer.engines.opensearch import OpenSearchWriteEngine

    writer = OpenSearchWriteEngine(index_dir, config)
    try:
        assert_exact(writer, index_dir)
    finally:
        writer.close()
    assert answers() == whole


def test_open_and_look_up_cost_nothing_like_a_parse(tmp_path):
    """A lexicon of 200,000 rows opens by its header and last line, and finds any row by binary search."""
    delta = lexicon.Delta()
    for n in range(200_000):
        delta.rows[f"{text_fields()[n % 3]}\tt{n:07d}"] = [n % 5 + 1, n % 2, n % 5 + 1 + n % 2]
    delta.docs.update({"": 200_000, "title": 200_000})
    lexicon.write(tmp_path, 7, None, delta)
    found = lexicon.open_lexicon(tmp_path, 7)
    assert found is not None and found.items == 200_000 and found.rows_count == 200_000
    for n in (0, 1, 99_999, 199_999):
        assert found.counts(text_fields()[n % 3], f"t{n:07d}") == (n % 5 + 1, n % 2, n % 5 + 1 + n % 2)
    assert found.counts("title", "t0000001") == (0, 0, 0)  # in another field
    assert found.counts("title", "zzz") == (0, 0, 0) and found.counts("aaa", "") == (0, 0, 0)
    assert lexicon.open_lexicon(tmp_path, 8) is None  # another generation's
    found.close()


def _body(file: Path) -> bytes:
    """A lexicon file but its first line (the generation)."""
    return file.read_bytes().split(b"\n", 1)[1]


def test_items_of_an_older_referat_keep_a_lexicon_through_a_reindex_and_a_repair(minutes_index, opensearch_url,
                                                                                   monkeypatch):
    """Items stored without what a deleted item's terms are subtracted from (an older referat wrote them):
    a reindex that replaces some subtracts them but for their participants, which the cluster counts;
    the lexicon has the rows and counts of one a build of today's referat writes of the same files, and
    `referat check --repair` writes it again the same when it is lost."""
    from indexer.engines.opensearch import documents

    root, config = minutes_index
    folder = root / "minutes"
    write_minutes(folder, range(4))
    _committee_meetings(folder / "udvalg")
    index_dir = root / "ix"
    real = documents.stored_source
    with monkeypatch.context() as patch:
        patch.setattr(documents, "stored_source",
                      lambda document: {k: v for k, v in real(document).items() if k != documents.INDEXED})
        assert not indexer.build(index_dir, [folder], engine=config).failed
    with search.open(index_dir) as opened:
        whole = opened.search("tele-kol borgere", limit=10).to_json()
    write_minutes(folder, range(1), version="ændret af Grethe Mogensen")
    assert indexer.reindex(index_dir, [folder]).committed
    today = f"oslex-test-{uuid.uuid4().hex[:10]}"
    try:
        assert not indexer.build(root / "today", [folder], engine=opensearch_config(opensearch_url, today)).failed
        file = lexicon.path(index_dir, 2)
        # the cluster counted the older items' participants: no rows of a term in any field
        older, made_today = lexicon.open_lexicon(index_dir, 2), lexicon.open_lexicon(root / "today", 1)
        assert older is not None and made_today is not None
        assert not older.anywhere and made_today.anywhere
        older.close()
        made_today.close()
        assert rows_of_fields(_body(file)) == rows_of_fields(_body(lexicon.path(root / "today", 1)))
    finally:
        drop_index(opensearch_url, today)
    with search.open(index_dir) as opened:
        assert opened.search("tele-kol borgere", limit=10).to_json()["total"] == whole["total"]
    written = file.read_bytes()
    file.unlink()
    checked = CliRunner().invoke(cli, ["check", "--index", str(index_dir), "--json"], catch_exceptions=False)
    assert checked.exit_code == 3, checked.output
    assert any(f["subject"] == file.name for f in json.loads(checked.output)["findings"]), checked.output
    repaired = CliRunner().invoke(cli, ["check", "--index", str(index_dir), "--repair"], catch_exceptions=False)
    assert repaired.exit_code == 6, repaired.output
    assert file.read_bytes() == written
