"""Search quality on referat's own judged queries, and proof that each Danish-search feature is live:
switching it off lowers the scores of the queries written for it."""
from dataclasses import replace
from statistics import mean

import pytest

import indexer
from search.expand import FEATURES
from tests.conftest import ROOT, SAMPLE
from tests.search.evaluation import evaluate, load

EVAL_DOCS = ROOT / "tests" / "data" / "eval"
JUDGED = load()
QUERY_FEATURES = sorted(FEATURES)
INDEX_FEATURES = {"folding": {"fold": False}, "exceptions": {"exceptions": False}}


@pytest.fixture(scope="module")
def indexes(tmp_path_factory, shared_dir):
    built = {}
    for name, analysis in [("all", None), *INDEX_FEATURES.items()]:
        target = tmp_path_factory.mktemp(f"quality-{name}") / "ix"
        report = indexer.build(target, [SAMPLE, EVAL_DOCS, shared_dir / "corpus"], analysis=analysis)
        assert not report.failed
        built[name] = target
    return built


@pytest.fixture(scope="module")
def table(indexes):
    """feature -> (mean nDCG@10 of its queries with everything on, with that feature off)."""
    full = evaluate(indexes["all"], JUDGED)
    rows = {}
    for feature in sorted({j.feature for j in JUDGED}):
        mine = [j for j in JUDGED if j.feature == feature]
        if feature in QUERY_FEATURES:
            off = evaluate(indexes["all"], mine, features=FEATURES - {feature})
        elif feature in INDEX_FEATURES:
            off = evaluate(indexes[feature], mine)
        elif feature == "outcome":
            off = evaluate(indexes["all"], [replace(j, options={}) for j in mine])
        else:
            off = {j.id: full[j.id] for j in mine}
        rows[feature] = (mean(full[j.id] for j in mine), mean(off.values()), len(mine))
    print("\nfeature      queries  nDCG@10 on  nDCG@10 off")
    for feature, (on, without, n) in rows.items():
        print(f"{feature:12} {n:7}  {on:10.3f}  {without:11.3f}")
    print(f"{'all':12} {len(JUDGED):7}  {mean(full.values()):10.3f}")
    return rows, full


def test_the_judged_set_is_large_enough():
    assert len(JUDGED) >= 60
    assert {j.feature for j in JUDGED} >= set(QUERY_FEATURES) | set(INDEX_FEATURES) | {
        "outcome", "graded", "coordinated", "participants", "browsing", "regression"}


def test_overall_quality(table):
    _, full = table
    assert mean(full.values()) >= 0.9
    assert sum(1 for score in full.values() if score == 0.0) <= 2


@pytest.mark.parametrize("feature", ["graded", "coordinated", "participants", "browsing", "regression"])
def test_the_search_mechanisms_of_issue_12_rank_their_queries_well(table, feature):
    rows, _ = table
    on, _, _ = rows[feature]
    assert on >= 0.9, f"{feature}: {on:.3f}"


@pytest.mark.parametrize("feature", QUERY_FEATURES + sorted(INDEX_FEATURES) + ["outcome"])
def test_switching_a_feature_off_hurts_its_queries(table, feature):
    rows, _ = table
    on, off, _ = rows[feature]
    assert on > off, f"{feature}: {on:.3f} with it, {off:.3f} without"
