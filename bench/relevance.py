"""`python -m bench.relevance`: referat against a plain BM25 baseline on the judged query sets.

One run indexes each set's documents with referat, builds the baseline over the very same items (bm25s
with Snowball Danish and a Danish stop-word list over title + text: what a developer would set up in an
afternoon), runs every judged query through both and prints nDCG@10, MRR and Recall@10 per set and system
(per query with -v). The quality tests use the same loaders and measures (tests/search/evaluation.py).

The sets: the development set of ../shared (queries-dev.tsv over ../shared/corpus, keys FILE#POSITION)
and the archive set of bench/data/archive (needs over ../shared/archive/greve, keys PUBLISHER-ID#NUMBER,
see its GUIDE.md).
"""
from __future__ import annotations

import argparse
import math
import re
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARCHIVE_DATA = HERE / "data" / "archive"
K = 10


@dataclass(frozen=True)
class Judged:
    id: str
    query: str
    options: dict
    relevant: dict[str, int]  # item key -> grade (2 about it, 1 treats it in passing)
    feature: str = ""
    need: str = ""


@dataclass(frozen=True)
class JudgedSet:
    name: str
    queries: list[Judged]
    roots: list[Path]  # the documents the set is judged over
    key: Callable  # hit (search.Hit or a stored item) -> the key its judgements use


def parse_options(text: str) -> dict:
    """`--year 2023 --body "Økonomiudvalget"` -> {'year': '2023', 'body': 'Økonomiudvalget'}."""
    args = shlex.split(text)
    return {args[i].lstrip("-").replace("-", "_"): args[i + 1] for i in range(0, len(args), 2)}


def parse_judgements(text: str) -> dict[str, int]:
    return {key: int(grade) for key, grade in (j.rsplit(":", 1) for j in text.split())}


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def load_dev(path: Path) -> list[Judged]:
    """../shared/eval/queries-dev.tsv: id, query, options, judgements."""
    return [Judged(qid, query, parse_options(options), parse_judgements(judgements))
            for qid, query, options, judgements in _rows(path)]


def load_features(path: Path) -> list[Judged]:
    """tests/data/eval/queries.tsv: id, feature, query, options, judgements."""
    return [Judged(qid, query, parse_options(options), parse_judgements(judgements), feature)
            for qid, feature, query, options, judgements in _rows(path)]


def load_archive(folder: Path = ARCHIVE_DATA) -> list[Judged]:
    """needs.tsv (id, need, query, options) and judgements.tsv (id, item key, grade, title)."""
    relevant: dict[str, dict[str, int]] = {}
    for row in _rows(folder / "judgements.tsv"):
        if int(row[2]) > 0:
            relevant.setdefault(row[0], {})[row[1]] = int(row[2])
    return [Judged(qid, query, parse_options(options), relevant.get(qid, {}), need=need)
            for qid, need, query, options in _rows(folder / "needs.tsv")]


def file_key(hit) -> str:
    """FILE#POSITION with FILE the file name up to its first '_' (the keys of the tests' own set)."""
    return Path(_get(hit, "path")).name.split("_")[0] + f"#{_get(hit, 'position')}"


def dev_key(hit) -> str:
    """FILE#POSITION with FILE the first three characters of the file name (../shared/eval)."""
    return Path(_get(hit, "path")).name[:3] + f"#{_get(hit, 'position')}"


def archive_key(hit) -> str:
    """PUBLISHER-ID#NUMBER: the publisher's meeting id that ends the file name (FirstAgenda's agenda id,
    `greve_<committee>_<date>_<id>.json`) and the item's number in that meeting; both survive reindexing,
    a changed merge of meetings and a changed reading of the item's text."""
    stem = Path(_get(hit, "path")).stem
    number = _get(hit, "number") or f"p{_get(hit, 'position')}"
    return f"{stem.rsplit('_', 1)[-1]}#{number}"


def _get(hit, name: str):
    return hit[name] if isinstance(hit, dict) else getattr(hit, name)


# -- measures -------------------------------------------------------------------------------------
def ndcg(hits: list[str], relevant: dict[str, int], k: int = K) -> float:
    gains = [relevant.get(h, 0) for h in hits[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def reciprocal_rank(hits: list[str], relevant: dict[str, int]) -> float:
    return next((1 / (i + 1) for i, h in enumerate(hits) if relevant.get(h, 0) > 0), 0.0)


def recall(hits: list[str], relevant: dict[str, int], k: int = K) -> float:
    wanted = {key for key, grade in relevant.items() if grade > 0}
    return len(wanted & set(hits[:k])) / len(wanted) if wanted else 0.0


@dataclass(frozen=True)
class Scores:
    ndcg: float
    mrr: float
    recall: float


def measure(hits: list[str], relevant: dict[str, int], cases: dict[str, str] | None = None) -> Scores:
    """The scores of a ranking; with `cases` (item key -> case key, `case_keys`) at the level of cases:
    a case counts once, at its first rank, with the best grade of its judged appearances, as a reader
    sees one hit per case (search groups the appearances of a case, #19)."""
    if cases is not None:
        hits = list(dict.fromkeys(cases.get(h, h) for h in hits))
        graded: dict[str, int] = {}
        for key, grade in relevant.items():
            case = cases.get(key, key)
            graded[case] = max(grade, graded.get(case, 0))
        relevant = graded
    return Scores(ndcg(hits, relevant), reciprocal_rank(hits, relevant), recall(hits, relevant))


def case_keys(index_dir, key: Callable) -> dict[str, str]:
    """Item key -> the key of its case (the stored `case` search groups by; the item's own key when it
    belongs to no case), for every item of the index."""
    import indexer

    with indexer.open_index(index_dir).searcher() as searcher:
        return {key(d): d.get("case") or key(d) for d in searcher.all_stored_fields()}


def summary(per_query: dict[str, Scores]) -> Scores:
    rows = list(per_query.values())
    return Scores(mean(s.ndcg for s in rows), mean(s.mrr for s in rows), mean(s.recall for s in rows))


# -- the systems ----------------------------------------------------------------------------------
def referat_hits(index_dir, judged: Judged, key: Callable, limit: int = K, features=None,
                 grouped: bool = False) -> list[str]:
    """The keys of referat's hits: one per case when `grouped` (as users see them), else every appearance."""
    import search
    from search.expand import FEATURES

    try:
        result = search.run(index_dir, judged.query, limit=limit, all_appearances=not grouped,
                            features=FEATURES if features is None else features, **judged.options)
    except search.QueryError:
        return []
    return [key(h) for h in result.hits]


def run_referat(index_dir, judged: list[Judged], key: Callable = file_key, features=None,
                cases: dict[str, str] | None = None) -> dict[str, Scores]:
    """Scores per query id of referat's top ten: of every appearance, or with `cases` of its hits as
    users see them, one per case, scored at the level of cases (`measure`)."""
    return {j.id: measure(referat_hits(index_dir, j, key, features=features, grouped=cases is not None),
                          j.relevant, cases) for j in judged}


class Baseline:
    """Plain BM25 (bm25s: Lucene's BM25, k1 1.5, b 0.75) over title + text of every item of a referat
    index, Snowball Danish stems (PyStemmer), a Danish stop-word list; filters are referat's, so both
    systems rank the same items."""

    def __init__(self, index_dir, key: Callable):
        import bm25s
        import Stemmer

        import indexer

        self.index_dir = index_dir
        self.key = key
        self.stemmer = Stemmer.Stemmer("danish")
        with indexer.open_index(index_dir).searcher() as searcher:
            stored = sorted(searcher.all_stored_fields(), key=lambda d: d["id"])
        self.ids = [d["id"] for d in stored]
        self.keys = [key(d) for d in stored]
        texts = [" ".join([d.get("title", ""), *dict(d.get("content") or {}).values()]) for d in stored]
        self.model = bm25s.BM25()
        self.model.index(self._tokens(texts), show_progress=False)

    def _tokens(self, texts: list[str], ids: bool = True):
        import bm25s

        return bm25s.tokenize(texts, stopwords="da", stemmer=self.stemmer, show_progress=False, return_ids=ids)

    def ranking(self, judged: Judged, limit: int = K) -> list[str]:
        import numpy as np

        import search

        words = [t for t in self._tokens([re.sub(r'["()]', " ", judged.query)], ids=False)[0]
                 if t in self.model.vocab_dict]
        scores = self.model.get_scores(words) if words else np.zeros(len(self.ids))
        if judged.options:
            listed = search.run(self.index_dir, "", limit=len(self.ids), all_appearances=True, **judged.options)
            allowed = {h.id for h in listed.hits}
            scores = scores * np.array([i in allowed for i in self.ids])
        order = [i for i in np.lexsort((np.arange(len(scores)), -scores)) if scores[i] > 0]
        return [self.keys[i] for i in order[:limit]]

    def run(self, judged: list[Judged], cases: dict[str, str] | None = None) -> dict[str, Scores]:
        """Scores per query id; with `cases`, of its whole ranking taken one case at a time (`measure`), as
        if it grouped its hits as referat does."""
        if cases is None:
            return {j.id: measure(self.ranking(j), j.relevant) for j in judged}
        return {j.id: measure(self.ranking(j, limit=len(self.ids)), j.relevant, cases) for j in judged}


# -- the sets -------------------------------------------------------------------------------------
def judged_sets(shared: Path) -> list[JudgedSet]:
    """The sets whose documents are present."""
    sets = []
    if (shared / "eval" / "queries-dev.tsv").exists():
        sets.append(JudgedSet("dev", load_dev(shared / "eval" / "queries-dev.tsv"), [shared / "corpus"], dev_key))
    if (shared / "archive" / "greve").is_dir():
        sets.append(JudgedSet("archive", load_archive(), [shared / "archive" / "greve"], archive_key))
    return sets


def build_index(judged_set: JudgedSet, target: Path) -> Path:
    import indexer

    report = indexer.build(target, [*judged_set.roots])
    if report.failed:
        raise SystemExit(f"indexing the {judged_set.name} set failed: {report.failed[:3]}")
    return target


def pool(index_dir, judged_set: JudgedSet, depth: int = 20, judged_only_new: bool = True) -> None:
    """Print, per query, the pooled top `depth` of referat and of the baseline that is not judged yet:
    key, ranks (referat/baseline), date, body, title and the start of the item's text, for the judge."""
    import indexer

    baseline = Baseline(index_dir, judged_set.key)
    judged_keys = _judged_keys(judged_set)
    with indexer.open_index(index_dir).searcher() as searcher:
        stored = {judged_set.key(d): d for d in searcher.all_stored_fields()}
    for j in judged_set.queries:
        ours = referat_hits(index_dir, j, judged_set.key, limit=depth)
        theirs = baseline.ranking(j, limit=depth)
        keys = list(dict.fromkeys(ours + theirs))
        new = [k for k in keys if k not in judged_keys.get(j.id, set())] if judged_only_new else keys
        if not new:
            continue
        print(f"\n## {j.id} {j.query!r} {j.options or ''}: {j.need}")
        shown: dict[tuple, str] = {}
        for k in new:
            d = stored.get(k, {})
            rank = f"{ours.index(k) + 1 if k in ours else '-'}/{theirs.index(k) + 1 if k in theirs else '-'}"
            sections = dict(d.get("content") or {})
            resume = " ".join(sections.get("resume", "").split())
            head = f"{k:12} {rank:6} {d.get('date', '')} {d.get('body', '')[:16]:16} | {d.get('title', '')[:100]}"
            copy = shown.setdefault((d.get("title"), resume), k)
            if copy != k:  # the same case in another committee's meeting: judged alike
                print(f"{head} (copy of {copy})")
                continue
            context = _in_context(baseline, j.query, " ".join(sections.values()))
            print(f"{head}\n    resume: {resume[:180]}\n    {context}")


def _in_context(baseline: Baseline, query: str, text: str, width: int = 75) -> str:
    """How often the query's stems occur in `text`, and the first occurrence in its context."""
    stems = set(baseline._tokens([query], ids=False)[0])
    words = list(re.finditer(r"\w+", text))
    found = [m for m in words if baseline.stemmer.stemWord(m.group().lower()) in stems]
    if not found:
        return "(no query word)"
    at = found[0].start()
    return f"{len(found)}x: …{' '.join(text[max(0, at - width):at + width].split())}…"


def _judged_keys(judged_set: JudgedSet) -> dict[str, set[str]]:
    """Every key judged for a query, 0 included (the archive set keeps its zeros)."""
    if judged_set.name != "archive":
        return {j.id: set(j.relevant) for j in judged_set.queries}
    out: dict[str, set[str]] = {}
    for row in _rows(ARCHIVE_DATA / "judgements.tsv"):
        out.setdefault(row[0], set()).add(row[1])
    return out


def _line(name: str, s: Scores) -> str:
    return f"{name:24} {s.ndcg:8.3f} {s.mrr:6.3f} {s.recall:10.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the ../shared folder")
    parser.add_argument("--work", type=Path, help="keep the indexes here (reused when present)")
    parser.add_argument("--set", action="append", help="only these sets (dev, archive)")
    parser.add_argument("-v", "--verbose", action="store_true", help="scores per query")
    parser.add_argument("--pool", type=int, metavar="DEPTH",
                        help="print the pooled top DEPTH of both systems not judged yet, for judging")
    args = parser.parse_args(argv)
    sets = [s for s in judged_sets(args.shared) if not args.set or s.name in args.set]
    if not sets:
        print(f"no judged set found under {args.shared}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        for judged_set in sets:
            target = work / f"ix-{judged_set.name}"
            if not (target.exists() and args.work):
                build_index(judged_set, target)
            if args.pool:
                pool(target, judged_set, args.pool)
                continue
            baseline = Baseline(target, judged_set.key)
            cases = case_keys(target, judged_set.key)
            for view, grouping in (("cases: one hit per case, as search shows them", cases),
                                   ("items: every appearance (--all-appearances)", None)):
                ours = run_referat(target, judged_set.queries, judged_set.key, cases=grouping)
                theirs = baseline.run(judged_set.queries, cases=grouping)
                print(f"\n{judged_set.name}, {view}: {len(judged_set.queries)} queries")
                if args.verbose:
                    print(f"{'id':6} {'referat':>7} {'base':>7}  query")
                    for j in judged_set.queries:
                        print(f"{j.id:6} {ours[j.id].ndcg:7.3f} {theirs[j.id].ndcg:7.3f}  {j.query} "
                              f"{' '.join(f'--{k} {v}' for k, v in j.options.items())}")
                print(f"{'system':24} {'nDCG@10':>8} {'MRR':>6} {'Recall@10':>10}")
                print(_line("referat", summary(ours)))
                print(_line("BM25 baseline (bm25s)", summary(theirs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
