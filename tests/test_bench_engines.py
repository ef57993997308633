"""`python -m bench --engine`: what the harness measures of an OpenSearch index (its store, its nodes'
memory) and that it leaves nothing on the cluster. No timing is asserted."""
import json
import subprocess
import sys
import urllib.request
import uuid

import indexer
import search
from bench.__main__ import Cluster
from bench.generate import generate
from bench.worker import NodeSampler
from indexer.engine import EngineConfig
from tests.conftest import ROOT


def _indices(url: str, pattern: str) -> list[str]:
    with urllib.request.urlopen(f"{url.split(',')[0]}/_cat/indices/{pattern}?format=json", timeout=30) as answer:
        return [entry["index"] for entry in json.load(answer)]


def test_an_opensearch_index_measured_and_dropped(tmp_path, opensearch_url):
    index = f"benchx-test-{uuid.uuid4().hex[:10]}"
    config = EngineConfig("opensearch", opensearch_url, index=index)
    generate(tmp_path / "corpus", 30, seed=3)
    cluster = Cluster(config)
    try:
        with NodeSampler(config) as nodes:
            report = indexer.build(tmp_path / "ix", [tmp_path / "corpus"], engine=config)
        assert report.items >= 30
        store = cluster.store()
        assert store["index"].startswith(index + "-g") and 0 < store["primary_mb"] <= store["total_mb"]
        with search.open(tmp_path / "ix") as ix:
            assert ix.search("", limit=1).total == report.items
        assert all(mb > 100 for mb in nodes.result()["nodes_peak_rss_mb"].values())  # a JVM's, not nothing
    finally:
        cluster.drop()
    assert _indices(opensearch_url, f"{config.index}-g*") == []


def test_an_unknown_engine_is_refused():
    result = subprocess.run([sys.executable, "-m", "bench", "--engine", "lucene", "--no-readme"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and "unknown engine lucene" in result.stderr
    assert "Traceback" not in result.stderr
