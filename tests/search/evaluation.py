"""Judged relevance of referat's own query set (tests/data/eval/queries.tsv), feature by feature."""
from __future__ import annotations

import math
import shlex
from dataclasses import dataclass
from pathlib import Path

import search
from search.expand import FEATURES

QUERIES = Path(__file__).resolve().parents[1] / "data" / "eval" / "queries.tsv"


@dataclass(frozen=True)
class Judged:
    id: str
    feature: str
    query: str
    options: dict
    relevant: dict[str, int]


def load(path: Path = QUERIES) -> list[Judged]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        qid, feature, query, options, judgments = line.split("\t")
        args = shlex.split(options)
        opts = {args[i].lstrip("-").replace("-", "_"): args[i + 1] for i in range(0, len(args), 2)}
        relevant = {key: int(grade) for key, grade in (j.rsplit(":", 1) for j in judgments.split())}
        out.append(Judged(qid, feature, query, opts, relevant))
    return out


def key(hit) -> str:
    return Path(hit.path).name.split("_")[0] + f"#{hit.position}"


def ndcg(hits: list[str], relevant: dict[str, int], k: int = 10) -> float:
    gains = [relevant.get(h, 0) for h in hits[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def evaluate(index_dir, judged: list[Judged], features=FEATURES) -> dict[str, float]:
    """nDCG@10 per query id."""
    scores = {}
    for j in judged:
        try:
            result = search.run(index_dir, j.query, limit=10, features=features, **j.options)
            hits = [key(h) for h in result.hits]
        except search.QueryError:
            hits = []
        scores[j.id] = ndcg(hits, j.relevant)
    return scores
