"""Searches in four processes while twenty reindex runs commit: none fails, and each result is of one
generation (its total, its hits and its facet counts agree, and a process never goes back in time)."""
import json
import subprocess
import sys

import indexer
from tests.conftest import ROOT
from tests.indexer.faults import indexed, one_item_minutes, wait_for

SEARCHER = """
import json, os, sys
import search
index, ready, stop = sys.argv[1:4]
open(ready, "w").close()
while True:
    last = os.path.exists(stop)
    try:
        r = search.run(index, "kvartal", limit=1000)
        print(json.dumps({"total": r.total, "hits": len({h.id for h in r.hits}),
                          "years": sum(r.facets.get("year", {}).values())}), flush=True)
    except Exception as exc:
        import traceback
        traceback.print_exc()
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
    if last:
        break
"""


def test_searches_in_four_processes_during_twenty_commits_never_fail_or_mix_generations(tmp_path):
    folder, ix = indexed(tmp_path, 30, word="kvartal")
    stop = tmp_path / "stop"
    procs = []
    for n in range(4):
        ready = tmp_path / f"ready-{n}"
        procs.append(subprocess.Popen([sys.executable, "-c", SEARCHER, str(ix), str(ready), str(stop)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT))
        wait_for(ready.exists, f"searcher {n} to start")
    for commit in range(20):
        one_item_minutes(folder, 1, start=100 + commit, word="kvartal")
        if commit % 5 == 4:
            (folder / f"m{commit:05d}.txt").unlink()  # some commits also remove an item
        assert indexer.reindex(ix).failed == []
    stop.touch()
    final = 30 + 20 - 4
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        rows = [json.loads(line) for line in out.splitlines()]
        assert len(rows) > 1 and not [r for r in rows if "error" in r], err
        for row in rows:
            assert row["total"] == row["hits"] == row["years"], row  # one generation per result
        assert rows[-1]["total"] == final
