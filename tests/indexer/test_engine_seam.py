"""The engine seam, writing side: the engine an index is made with is recorded and kept, and every
private Whoosh name is listed in one module (where Whoosh may be imported: tests/engines/test_imports.py)."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import indexer
from indexer.engine import EngineConfig, WriteEngine, engine_config, open_write_engine
from search.cli import main
from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[2]


def test_the_private_whoosh_names_are_all_there_in_the_installed_whoosh():
    from indexer.engines.whoosh import private

    assert private.missing() == []
    listed = {name for _, name, _ in (*private.WRITING, *private.SEARCHING)}
    listed |= {name for _, names, _ in (*private.WRITING_INSTANCE, *private.SEARCHING_INSTANCE) for name in names}
    for path in (ROOT / "indexer").rglob("*.py"):
        if path.name == "private.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in listed and not (
                    isinstance(node.value, ast.Name) and node.value.id == "self"):
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} reads Whoosh's {node.attr} outside private.py")


def test_the_whoosh_engine_is_a_write_engine_and_writes_a_generation(tmp_path):
    engine = open_write_engine(tmp_path / "ix", EngineConfig())
    assert isinstance(engine, WriteEngine) and not engine.exists()
    engine.create()
    assert engine.exists() and engine.generation() == 0 and engine.doc_count() == 0
    docs = indexer.item_documents(__import__("corpus").read(next(iter(sorted(SAMPLE.glob("*.txt"))))))
    with engine.writer(1) as writer:
        for doc in docs:
            writer.add(doc)
    assert engine.generation() == 0 and engine.doc_count() == 0  # no commit: nothing written
    with engine.writer(1) as writer:
        for doc in docs:
            writer.add(doc)
        assert writer.commit() == 1
    assert engine.doc_count() == len(docs)
    meeting = docs[0]["meeting"]
    assert sorted(d["id"] for d in engine.documents("meeting", [meeting])) == sorted(d["id"] for d in docs)
    with engine.writer(1) as writer:
        writer.delete_meeting(meeting)
        writer.commit()
    assert engine.doc_count() == 0 and engine.generation() == 2


def test_the_first_index_records_its_engine_and_later_commands_keep_it(tmp_path):
    ix = tmp_path / "ix"
    result = CliRunner().invoke(main, ["index", "--index", str(ix), "--engine", "whoosh", "--quiet", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert json.loads((ix / "referat.json").read_text("utf-8"))["engine"] == {"name": "whoosh"}
    assert engine_config(ix) == EngineConfig("whoosh")
    again = CliRunner().invoke(main, ["index", "--index", str(ix), "--quiet", str(SAMPLE)])
    assert again.exit_code == 0, again.output
    assert engine_config(ix) == EngineConfig("whoosh")


def test_asking_for_another_engine_on_an_existing_index_is_exit_2_with_one_line(tmp_path):
    ix = tmp_path / "ix"
    indexer.build(ix, [SAMPLE])
    before = (ix / "referat.json").read_text("utf-8")
    result = CliRunner().invoke(main, ["index", "--index", str(ix), "--engine", "opensearch", "--url",
                                       "http://127.0.0.1:9200", str(SAMPLE)])
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and "whoosh" in message and "opensearch" in message
    assert (ix / "referat.json").read_text("utf-8") == before


def test_an_unknown_engine_or_a_cluster_without_its_address_is_exit_2(tmp_path, monkeypatch):
    monkeypatch.delenv("REFERAT_OPENSEARCH_URL", raising=False)  # CI names its cluster there
    unknown = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "a"), "--engine", "solr", str(SAMPLE)])
    assert unknown.exit_code == 2 and "solr" in unknown.stderr
    no_url = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "b"), "--engine", "opensearch", str(SAMPLE)])
    assert no_url.exit_code == 2 and "--url" in no_url.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_engine_this_referat_lacks_is_one_line_and_makes_nothing(tmp_path, monkeypatch):
    from indexer import engine

    monkeypatch.setitem(engine.ENGINES, "elsewhere", ("indexer.engines.elsewhere:open_engine", ""))
    with pytest.raises(engine.EngineError, match="no elsewhere engine"):
        indexer.build(tmp_path / "ix", [SAMPLE], engine=EngineConfig("elsewhere"))
    assert not (tmp_path / "ix").exists()


def test_an_index_an_older_referat_wrote_and_this_one_cannot_read_is_named_so_and_rebuilt_by_reindex(tmp_path):
    """An index whose table of contents names classes that have since moved (schema 12 and before)
    cannot be opened: `check` says an older referat wrote it and how to rebuild it, search refuses it
    with the same advice, and reindex rebuilds it."""
    from indexer.health import check, describe
    from indexer.schema import SCHEMA_VERSION

    ix = tmp_path / "ix"
    indexer.build(ix, [SAMPLE])
    meta = json.loads((ix / "referat.json").read_text("utf-8"))
    (ix / "referat.json").write_text(json.dumps({**meta, "schema": SCHEMA_VERSION - 1}), "utf-8")
    for toc in ix.glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x80\x04\x95 not a table of contents Whoosh can unpickle")
    health = check(ix)
    assert [f.problem for f in health.findings] == ["written by an older referat, whose index this one cannot read"]
    assert f"referat reindex --index {ix}" in describe(health)
    result = CliRunner().invoke(main, ["search", "--index", str(ix), "telekol"])
    assert result.exit_code == 3 and "rebuild it with: referat reindex" in result.stderr
    assert indexer.reindex(ix).added
    assert check(ix).healthy
    assert json.loads((ix / "referat.json").read_text("utf-8"))["schema"] == SCHEMA_VERSION


def test_the_field_table_declares_every_field_of_the_whoosh_schema_and_the_ranking_weights():
    """indexer.schema.FIELDS is the one declaration: the Whoosh schema is made from it, and its weights
    are the ones search ranks with (search.query.FIELD_BOOSTS reads them from here at integration)."""
    from indexer.engines.whoosh.schema import build_schema
    from indexer.schema import FIELDS, TEXT_FIELDS
    from search.query import FIELD_BOOSTS

    schema = build_schema()
    assert set(schema.names()) == {f.name for f in FIELDS}
    assert {name for name in schema.names() if schema[name].analyzer is not None and schema[name].format.supports(
        "positions")} == set(TEXT_FIELDS)
    assert {f.name for f in FIELDS if f.stored or f.kind == "stored"} == {n for n in schema.names() if schema[n].stored}
    assert {f.name for f in FIELDS if f.column} == {n for n in schema.names() if schema[n].column_type}
    assert {f.name: f.boost for f in FIELDS if f.boost != 1.0} == FIELD_BOOSTS


def test_an_index_whose_meta_file_names_an_engine_elsewhere_is_an_index_without_asking_it(tmp_path):
    """`has_index` never asks a cluster (a run must not hang on one that is down to learn whether to
    build or reindex): the meta file's record says an index is there; opening it says the rest."""
    from indexer.store import has_index

    ix = tmp_path / "ix"
    ix.mkdir()
    assert not has_index(ix)
    (ix / "referat.json").write_text(json.dumps({"schema": 13, "engine": {"name": "nowhere", "url": "http://x"}}))
    assert has_index(ix)
    result = CliRunner().invoke(main, ["reindex", "--index", str(ix)])
    assert result.exit_code == 2 and "unknown engine 'nowhere'" in result.stderr
