"""A real OpenSearch cluster for the engine tests, and the same invented minutes indexed into Whoosh
(indexer.build) and into an OpenSearch index of this session's own.

Until the OpenSearch WriteEngine (indexer.engines.opensearch) exists, the OpenSearch side is written
here with bulk requests: the documents indexer.build wrote to Whoosh, captured as it wrote them, laid
out as search.engines.opensearch.layout says (stored fields, and the searched copy analysed in Python).
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import SAMPLE
from tests.firstagenda import write_meeting

OPENSEARCH_URL = os.environ.get("REFERAT_OPENSEARCH_URL", "http://127.0.0.1:9200")
BULK_DOCUMENTS = 500  # items per bulk request (attachments make items large)

# Invented meetings of one municipality's committees: cases that travel committee -> Økonomiudvalget ->
# Byråd (grouping), words in titles and decisions (field weights), and items without a case.
ROUTE = (("Social- og Sundhedsudvalget", "2023-02-15"), ("Økonomiudvalget", "2023-03-01"),
         ("Byråd", "2023-03-13"))
CASES = (("Genoptræning efter udskrivelse fra hospitalet", "23-001122", "Anbefales med tilføjelse om genoptræning."),
         ("Demensvenlig plejebolig i Karlslunde", "23-003344", "Godkendt."),
         ("Rehabilitering og hjemmepleje: ny kvalitetsstandard", "23-005566",
          "Kvalitetsstandarden for hjemmepleje godkendes."))


def _committee_meetings(folder: Path) -> None:
    for n, (committee, when) in enumerate(ROUTE):
        items = [(str(k + 1), title, case, decision) for k, (title, case, decision) in enumerate(CASES[:n + 1])]
        items.append((str(len(items) + 1), f"Orientering om sygefravær i hjemmeplejen ({committee})", "",
                      "Taget til efterretning." if n else None))
        items.append((str(len(items) + 1), "Udskrivelse af borgere med demens: status på samarbejdet", "",
                      "Drøftet; genoptræning tages op igen."))
        write_meeting(folder / f"udvalg-{n}.json", committee, when, items,
                      participants=("Hanne Lykke", "Peter Dam"))


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    """The cluster's address; no cluster answering is a skip locally and a failure under CI=true."""
    try:
        health = httpx.get(f"{OPENSEARCH_URL}/_cluster/health", timeout=3.0).json()
    except (httpx.HTTPError, ValueError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no OpenSearch cluster answers at {OPENSEARCH_URL}: {exc}")
        pytest.skip(f"no OpenSearch cluster answers at {OPENSEARCH_URL} (contrib/opensearch-cluster.sh start)")
    if health.get("status") not in ("green", "yellow"):
        pytest.fail(f"the OpenSearch cluster at {OPENSEARCH_URL} is {health.get('status')}")
    return OPENSEARCH_URL


def opensearch_mapping(shards: int = 2, replicas: int = 1) -> dict:
    """The index layout of search.engines.opensearch.layout: Whoosh's BM25 parameters, text fields of
    whitespace-separated analysed terms, keywords, numbers; stored fields kept in _source unindexed."""
    from search.engines.opensearch.layout import (
        BM25_B,
        BM25_K1,
        KEYWORD_FIELDS,
        NUMBER_FIELDS,
        SEARCHED,
        SIMILARITY,
        TEXT_FIELDS,
    )

    searched = {name: {"type": "text", "analyzer": "whitespace", "similarity": SIMILARITY} for name in TEXT_FIELDS}
    searched.update({name: {"type": "keyword"} for name in KEYWORD_FIELDS})
    searched.update({name: {"type": "integer"} for name in NUMBER_FIELDS})
    return {"settings": {"number_of_shards": shards, "number_of_replicas": replicas,
                         "similarity": {SIMILARITY: {"type": "BM25", "k1": BM25_K1, "b": BM25_B}}},
            "mappings": {"dynamic": False, "_meta": {"generation": 0},
                         "properties": {SEARCHED: {"properties": searched}}}}


def opensearch_document(doc: dict, schema) -> dict:
    """An item as indexer.build gives it to Whoosh, as the OpenSearch layout holds it."""
    from indexer.analysis import exact_analyzer
    from indexer.schema import unpack_sections
    from search.engines.opensearch.layout import KEYWORD_FIELDS, NUMBER_FIELDS, SEARCHED, TEXT_FIELDS

    stored = {k: v for k, v in doc.items() if k in schema.stored_names()}
    searched: dict = {}
    for name in TEXT_FIELDS:
        if doc.get(name):
            searched[name] = " ".join(t.text for t in schema[name].analyzer(doc[name], mode="index"))
    written = doc.get("title", "") + "\n" + "\n".join(unpack_sections(doc.get("content")).values())
    searched["exact"] = " ".join(t.text for t in exact_analyzer()(written, mode="index"))
    for name in KEYWORD_FIELDS:
        if doc.get(name) not in (None, ""):
            searched[name] = doc[name]
    if doc.get("case_numbers"):
        searched["case_numbers"] = [c.lower() for c in doc["case_numbers"].split(",") if c]
    for name in NUMBER_FIELDS:
        if doc.get(name) is not None:
            searched[name] = int(doc[name])
    return {**stored, SEARCHED: searched}


def load_opensearch(url: str, index: str, documents: list[dict], schema, generation: int = 1) -> None:
    """Bulk requests, the generation marker set, refreshed: what a build leaves (the first one
    makes the index)."""
    client = httpx.Client(base_url=url, timeout=60.0)
    if generation == 1:
        answer = client.put(f"/{index}", json=opensearch_mapping())
        assert answer.status_code == 200, answer.text
    for first in range(0, len(documents), BULK_DOCUMENTS):
        lines = []
        for doc in documents[first:first + BULK_DOCUMENTS]:
            lines += [json.dumps({"index": {"_index": index, "_id": doc["id"]}}),
                      json.dumps(opensearch_document(doc, schema), ensure_ascii=False)]
        answer = client.post("/_bulk", content=("\n".join(lines) + "\n").encode("utf-8"),
                             headers={"Content-Type": "application/x-ndjson"})
        assert answer.status_code == 200 and not answer.json()["errors"], answer.text[:500]
    assert client.post(f"/{index}/_refresh").status_code == 200
    assert client.put(f"/{index}/_mapping", json={"_meta": {"generation": generation}}).status_code == 200
    client.close()


def drop_index(url: str, index: str) -> None:
    httpx.delete(f"{url}/{index}", timeout=30.0)


def built_twice(folder: Path, sources: list[Path], url: str, index: str, generation: int = 1) -> Path:
    """indexer.build of `sources` into `folder` (Whoosh), and the documents it wrote into `index`."""
    import importlib

    import indexer
    from indexer.schema import build_schema

    build = importlib.import_module("indexer.build")  # the module (the package exports the function)

    written: list[dict] = []
    real = build.merged_documents

    def capture(meeting):
        docs = real(meeting)
        written.extend(docs)
        return docs

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "merged_documents", capture)
        report = indexer.build(folder, sources)
    assert not report.failed, report.failed
    load_opensearch(url, index, written, build_schema(), generation)
    return folder


@pytest.fixture(scope="session")
def twin_indexes(tmp_path_factory, opensearch_url):
    """(Whoosh index folder, OpenSearch EngineConfig) holding the same items: the repository's sample
    minutes and invented committee meetings whose cases travel to the city council."""
    from indexer.engine import EngineConfig

    root = tmp_path_factory.mktemp("twins")
    _committee_meetings(root / "udvalg")
    index = f"osr-test-{uuid.uuid4().hex[:10]}"
    try:
        folder = built_twice(root / "ix", [SAMPLE, root / "udvalg"], opensearch_url, index)
        yield folder, EngineConfig("opensearch", opensearch_url, index)
    finally:
        drop_index(opensearch_url, index)
