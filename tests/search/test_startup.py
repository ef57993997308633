"""`referat --version` and `--help` must start fast: loading the CLI imports none of the heavy libraries
that only one command or one document format needs (the ≤ 250 ms figure is measured by `python -m bench`)."""
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import BOTH_ENGINES

pytestmark = BOTH_ENGINES

HEAVY = ("numpy", "whoosh", "httpx", "lxml", "docx", "pypdfium2", "PIL", "bs4", "starlette", "indexer.build",
         "corpus.formats", "corpus.fetch.client", "search.engine")


def test_loading_the_cli_imports_no_heavy_library():
    probe = f"import sys, search.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_the_package_exports_still_resolve_to_the_library():
    probe = ("import corpus, indexer, search, corpus.fetch, indexer.build, search.run;"
             "print(callable(indexer.build), callable(search.run), '.pdf' in corpus.SUPPORTED_SUFFIXES,"
             " callable(corpus.fetch.fetch), search.open.__module__, indexer.IndexLocked.__module__)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "True", "True", "search.index", "indexer.lock"]


def test_every_name_a_package_exports_is_declared_for_its_lazy_import():
    """corpus.lazy reads each package's `if TYPE_CHECKING:` imports: every name of `__all__` resolves."""
    probe = ("import corpus, corpus.fetch, indexer, search;"
             "print([f'{p.__name__}.{n}' for p in (corpus, corpus.fetch, indexer, search) for n in p.__all__"
             " if not hasattr(p, n)])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_meetings_listing_loads_no_set_arithmetic_and_a_search_then_does(sample_index):
    """A one-shot `referat meetings` on the Whoosh engine reads the meeting table: numpy and the query
    machinery are loaded by the first search, not by opening the index."""
    probe = ("import sys, search; ix = search.open(sys.argv[1]); rows = ix.meetings().rows; loaded = lambda: "
             "[m for m in ('numpy', 'search.engines.whoosh.docsets') if m in sys.modules]; before = loaded();"
             "ix.search('dagsorden'); print(ix.engine.name, len(rows) > 0, before, loaded())")
    out = subprocess.run([sys.executable, "-c", probe, str(sample_index)], capture_output=True, text=True,
                         check=True).stdout.split(maxsplit=2)
    if out[0] != "whoosh":
        pytest.skip("the sample index is not a Whoosh one (REFERAT_ENGINE)")
    assert out[1:] == ["True", "[] ['numpy', 'search.engines.whoosh.docsets']\n"]


def test_a_one_shot_search_on_segments_with_deleted_items_runs_no_unused_module(tmp_path, engine_name):
    """Deleted items (a file indexed again) are read from each segment's deleted set without running
    asyncio, which Whoosh's reader would (its cached_property package), nor asking document by document."""
    import shutil

    import indexer
    from tests.conftest import SAMPLE

    if engine_name != "whoosh":
        pytest.skip("segments are the Whoosh engine's")
    folder = tmp_path / "minutes"
    shutil.copytree(SAMPLE, folder)
    ix = tmp_path / "ix"
    assert indexer.build(ix, [folder]).failed == []
    changed = next(folder.glob("*.txt"))
    changed.write_bytes(changed.read_bytes() + b"\nTilfoejet senere.\n")
    assert len(indexer.reindex(ix).updated) == 1
    with indexer.open_index(ix).reader() as reader:
        assert any(segment.has_deletions() for segment, _ in reader.leaf_readers())
    probe = ("import sys, types, atexit; from search.cli import main; sys.argv[0] = 'referat';"
             "atexit.register(lambda: print('\\nRAN', [m for m in ('asyncio', 'concurrent.futures')"
             " if type(sys.modules.get(m)) is types.ModuleType]));"
             "main()")
    done = subprocess.run([sys.executable, "-c", probe, "search", "--index", str(ix), "dagsorden", "--format", "json"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    output, _, ran = done.stdout.rpartition("\nRAN ")
    assert json.loads(output)["total"] > 0
    assert ran.strip() == "[]"


def test_a_one_shot_search_loads_only_its_own_command_and_runs_no_unused_module(sample_index, engine_name):
    """`referat search` imports its own command's module, not the others', nor the format readers; the
    modules Whoosh imports and a search never uses (search.cli.DEFERRED_IMPORTS) are made but never run,
    and one the output does use (csv, for --format csv) still runs when it is used."""
    probe = ("import sys, types, atexit; from search.cli import main; sys.argv[0] = 'referat';"
             "ran = lambda names: [m for m in names if type(sys.modules.get(m)) is types.ModuleType];"
             "atexit.register(lambda: print('\\nRAN', ran(('search.cli_search', 'search.cli_index', 'search.cli_fetch',"
             " 'search.cli_serve', 'search.cli_watch', 'search.cli_check', 'corpus.readers', 'corpus.formats',"
             " 'indexer.build', 'logging', 'asyncio', 'email.parser', 'zipfile', 'subprocess', 'csv', 'ssl',"
             " 'http.client', 'urllib.request', 'whoosh.lang.morph_en', 'whoosh.lang.porter', 'whoosh.highlight',"
             " 'tempfile'))));"
             "main()")
    if engine_name != "whoosh":
        pytest.skip("the modules a search needs are the Whoosh engine's")
    env = {**os.environ, "REFERAT_INDEX": str(sample_index)}
    runs = {}
    for fmt in ("json", "csv"):
        done = subprocess.run([sys.executable, "-c", probe, "search", "dagsorden", "--format", fmt], env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        output, _, ran = done.stdout.rpartition("\nRAN ")
        runs[fmt] = (output, ran.strip())
    assert json.loads(runs["json"][0])["total"] > 0
    assert runs["json"][1] == "['search.cli_search']"
    assert runs["csv"][0].splitlines()[0].startswith("id,")
    assert runs["csv"][1] == "['search.cli_search', 'csv']"


DEFERRING = """
import sys, types
sys.path.insert(0, sys.argv[1])
from corpus.lazy import defer_imports
defer_imports(("plain",), {"named": ("helper",)})
import user                      # takes `helper` from `named` by name, and imports `plain`
import plain                     # a second import of a deferred module does not run it
ran = lambda: [m for m in ("plain", "named") if type(sys.modules[m]) is types.ModuleType]
print(ran(), user.helper.__name__)
print(user.helper(2), ran())     # the stand-in runs its module, then the module's own function
print(plain.VALUE, ran(), sys.modules["named"].helper is not user.helper)
"""


def test_a_deferred_module_runs_at_its_first_use_and_a_stand_in_runs_it_when_called(tmp_path):
    """corpus.lazy.defer_imports: a module imported (twice) and not used never runs; a function taken
    from a module by name (`from named import helper`) is a stand-in that runs the module when called."""
    (tmp_path / "plain.py").write_text("VALUE = 7\n")
    (tmp_path / "named.py").write_text("def helper(n):\n    return n * 21\n")
    (tmp_path / "user.py").write_text("import plain\nfrom named import helper\n")
    out = subprocess.run([sys.executable, "-c", DEFERRING, str(tmp_path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[] helper", "42 ['named']", "7 ['plain', 'named'] True"]


def test_a_one_shot_search_compiles_none_of_the_parsers_regular_expressions(sample_index, engine_name):
    """The corpus modules a search imports for a table or one small function (the facets' body kinds and
    outcomes, a query's characters and case numbers) compile their parsing patterns at first use only."""
    probe = ("import sys, atexit; from search.cli import main; sys.argv[0] = 'referat';"
             "import re, corpus.labels, corpus.hygiene, corpus.bodies, corpus.outcome, corpus.metadata;"
             "getters = [(m.__name__ + '.' + n, g) for m in (corpus.labels, corpus.hygiene, corpus.bodies,"
             " corpus.outcome, corpus.metadata) for n, g in vars(m).items() if hasattr(g, 'cache_info') and"
             " (getattr(getattr(g, '__wrapped__', None), 'func', None) is re.compile"
             " or n in ('_by_rank', '_kind_patterns'))];"
             "atexit.register(lambda: print('\\nCOMPILED', len(getters) > 20,"
             " sorted(n for n, g in getters if g.cache_info().currsize)));"
             "main()")
    if engine_name != "whoosh":
        pytest.skip("the modules a search needs are the Whoosh engine's")
    done = subprocess.run([sys.executable, "-c", probe, "search", "--index", str(sample_index), "status Dagsorden",
                           "21-014446", "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    output, _, compiled = done.stdout.rpartition("\nCOMPILED ")
    assert json.loads(output)["query"]
    assert compiled.strip() == "True ['corpus.metadata._BARE_CASE_NUMBER']"


def test_a_one_shot_search_on_opensearch_loads_no_numpy(tmp_path, engine_name):
    """The OpenSearch engine groups a case's appearances over its short ranked prefix in plain Python
    (search.grouping.group_ranked): a one-shot search, grouped, does not import numpy (~70 ms)."""
    import indexer
    from tests.firstagenda import write_meeting

    if engine_name != "opensearch":
        pytest.skip("the Whoosh engine's columns are numpy arrays")
    for n, (committee, when) in enumerate((("Økonomiudvalget", "2023-03-01"), ("Byråd", "2023-03-13"))):
        write_meeting(tmp_path / "docs" / f"{n}.json", committee, when,
                      [("1", "Renovering af svømmehallen", "23-004455", "Anbefales."),
                       ("2", f"Svømmehallens åbningstider ({committee})", f"23-00{n}999", "Drøftet.")])
    assert indexer.build(tmp_path / "ix", [tmp_path / "docs"]).failed == []
    probe = ("import sys, json, search; ix = search.open(sys.argv[1]); result = ix.search('svømmehallen');"
             "print(json.dumps([result.total, result.groups, 'numpy' in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "ix")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [4, 3, False]  # a case in two meetings is one group of two
