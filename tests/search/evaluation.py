"""Judged relevance of referat's own query set (tests/data/eval/queries.tsv), feature by feature, measured
with the project's one evaluation (bench.relevance: loaders, keys, nDCG@10)."""
from __future__ import annotations

from pathlib import Path

from bench.relevance import Judged, file_key, load_features, run_referat
from search.expand import FEATURES

QUERIES = Path(__file__).resolve().parents[1] / "data" / "eval" / "queries.tsv"
__all__ = ["Judged", "evaluate", "load"]


def load(path: Path = QUERIES) -> list[Judged]:
    return load_features(path)


def evaluate(index_dir, judged: list[Judged], features=FEATURES) -> dict[str, float]:
    """nDCG@10 per query id."""
    return {qid: s.ndcg for qid, s in run_referat(index_dir, judged, file_key, features=features).items()}
