"""Shared fixtures: the repository's sample minutes, a built index, and ../shared when present."""
from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
SHARED = ROOT.parent / "shared"


@functools.cache
def referat_command() -> str:
    """The `referat` command next to this Python (else on PATH), checked to run this checkout's code, so
    tests in a subprocess test the same code as tests in process (README installs with `pip install -e`)."""
    beside = Path(sys.executable).parent / "referat"
    found = str(beside) if beside.exists() else shutil.which("referat")
    if not found:
        pytest.fail("no 'referat' command installed; install the project first (see README)")
    python = Path(found).parent / "python"
    probe = subprocess.run([str(python) if python.exists() else sys.executable, "-c",
                            "import search, indexer, corpus; print(search.__file__, indexer.__file__, corpus.__file__)"],
                           capture_output=True, text=True, cwd="/", check=False)
    if any(not Path(f).resolve().is_relative_to(ROOT) for f in probe.stdout.split()) or probe.returncode:
        pytest.fail(f"{found} does not run this checkout's code ({probe.stdout.strip() or probe.stderr.strip()}); "
                    f"install it editable: pip install -e '.[test]'")
    return found


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; its absence is a skip locally and a failure under CI."""
    if not (SHARED / "corpus").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {SHARED} is missing: the shared checks must run in CI")
        pytest.skip(f"{SHARED} not present beside the checkout (the shared corpus and checks live there)")
    return SHARED


@pytest.fixture
def tesseract():
    """Tesseract with its Danish model: a skip without it locally, a failure under CI (.ci/run installs it)."""
    if shutil.which("tesseract") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Tesseract is missing: .ci/run installs tesseract-ocr tesseract-ocr-dan")
        pytest.skip("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-dan)")


@pytest.fixture
def ocr_cache(tmp_path, monkeypatch) -> Path:
    """A fresh OCR cache of this test's own (in process and in the subprocesses it starts)."""
    cache = tmp_path / "ocr-cache"
    monkeypatch.setenv("REFERAT_OCR_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, engine_name) -> Path:
    import indexer

    index_dir = tmp_path_factory.mktemp("index") / "ix"
    with engine_env(engine_name):
        report = indexer.build(index_dir, [SAMPLE])
    assert report.failed == [] and report.files == 4
    return index_dir


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


OPENSEARCH_URL_ENV = "REFERAT_OPENSEARCH_URL"


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    """The OpenSearch cluster of the tests (REFERAT_OPENSEARCH_URL, default http://127.0.0.1:9200; .ci/run
    starts one): a skip when no node answers, a failure under CI=true."""
    import httpx

    url = os.environ.get(OPENSEARCH_URL_ENV, "http://127.0.0.1:9200")
    problems = []
    for node in url.split(","):
        try:
            health = httpx.get(node.strip().rstrip("/") + "/_cluster/health", timeout=5).json()
            if health.get("status") in ("green", "yellow"):
                return url
            problems.append(f"{node}: status {health.get('status')}")
        except (httpx.HTTPError, ValueError) as exc:
            problems.append(f"{node}: {exc}")
    message = f"no OpenSearch cluster answers at {url} ({'; '.join(problems)}); contrib/opensearch-cluster.sh starts one"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


# -- both engines ---------------------------------------------------------------------------------------
# A module marked `pytestmark = BOTH_ENGINES` runs each of its tests on Whoosh and on OpenSearch: the
# session-scoped `engine_name` fixture is parametrised by pytest_generate_tests, and while a test runs on
# OpenSearch the environment names that engine (REFERAT_ENGINE, REFERAT_OPENSEARCH_URL), so every index it
# makes (indexer.build in process, `referat index` in a subprocess) is an OpenSearch one. Fixtures of a
# wider scope build with `engine_env(engine_name)` around them. Tests about Whoosh itself are left unmarked.
ENGINE_NAMES = ("whoosh", "opensearch")
BOTH_ENGINES = [pytest.mark.engines, pytest.mark.usefixtures("engine_name")]


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "engines: run the test on every engine (the `engine_name` fixture)")
    # A suite started as a background job (`cmd &` in a script, nohup) inherits SIGINT ignored, and so
    # would every `referat` it starts: the Ctrl-C tests interrupt runs as a terminal does, so the suite
    # takes SIGINT's usual handler (a handler, unlike "ignored", is reset to the default in a child).
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_generate_tests(metafunc) -> None:
    """Marked tests on both engines; an unmarked one whose fixtures ask for `engine_name` on Whoosh alone."""
    if "engine_name" in metafunc.fixturenames:
        names = ENGINE_NAMES if metafunc.definition.get_closest_marker("engines") else ENGINE_NAMES[:1]
        metafunc.parametrize("engine_name", names, indirect=True, scope="session")


def _cluster_indices(url: str) -> set[str]:
    import httpx

    node = url.split(",")[0].strip().rstrip("/")
    return {row["index"] for row in httpx.get(f"{node}/_cat/indices?format=json&expand_wildcards=all",
                                              timeout=30).json()}


_MADE: set[str] = set()  # the alias of every OpenSearch engine made in this process (_recording_aliases)


@contextlib.contextmanager
def _recording_aliases() -> Iterator[None]:
    """Every OpenSearch engine made in this process records its alias in _MADE as it is made, so that
    cleaning up after a test needs no walk through the folders it made."""
    from indexer.engines.opensearch import engine as module

    real = module.OpenSearchWriteEngine.__init__

    def recording(self, *args, **kwargs) -> None:
        real(self, *args, **kwargs)
        _MADE.add(self.alias)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module.OpenSearchWriteEngine, "__init__", recording)
        yield


def _drop_new_indices(url: str, before: set[str], under: Path | None) -> None:
    """Delete the indices made since `before` whose alias this process made (_MADE) or belongs to an
    index folder under `under` (a `referat` subprocess's: an index's alias is made from its folder, or
    named in its meta file): never another run's indices."""
    import httpx

    from indexer.engine import EngineConfig
    from indexer.engines.opensearch import index_name

    new = _cluster_indices(url) - before
    if not new:
        return
    aliases = set(_MADE)
    for folder, _, files in os.walk(under) if under is not None else ():
        aliases.add(index_name(folder, EngineConfig("opensearch")))
        if "referat.json" in files:  # an index's meta file, or a document a test happened to name so
            from indexer.engine import engine_config

            with contextlib.suppress(Exception):
                aliases.add(engine_config(folder).index or "")
    node = url.split(",")[0].strip().rstrip("/")
    for name in new:
        if name.rsplit("-g", 1)[0] in aliases:
            httpx.delete(f"{node}/{name}", timeout=60)


def _environment(engine: str, url: str | None) -> dict[str, str]:
    from indexer.engine import ENGINE_ENV

    return {ENGINE_ENV: engine, OPENSEARCH_URL_ENV: url} if engine == "opensearch" and url else {ENGINE_ENV: engine}


@pytest.fixture(scope="session")
def engine_name(request, tmp_path_factory) -> Iterator[str]:
    """The engine a test runs on ("whoosh" or "opensearch"). OpenSearch needs the cluster of the
    `opensearch_url` fixture (a skip locally without one, a failure under CI=true); when its tests are
    done, the indices the fixtures of a wider scope made are deleted."""
    name = getattr(request, "param", ENGINE_NAMES[0])
    if name != "opensearch":
        yield name
        return
    url = request.getfixturevalue("opensearch_url")
    _ENGINE_URLS[name] = url
    before = _cluster_indices(url)
    with _recording_aliases():
        yield name
    _drop_new_indices(url, before, tmp_path_factory.getbasetemp())


_ENGINE_URLS: dict[str, str] = {}


@contextlib.contextmanager
def engine_env(engine: str) -> Iterator[None]:
    """The environment of `engine` for a while: what a fixture of a wider scope builds inside is made there."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in _environment(engine, _ENGINE_URLS.get(engine)).items():
            patch.setenv(key, value)
        yield


@pytest.fixture(autouse=True)
def _engine_of_the_test(request) -> Iterator[None]:
    """While a test runs on OpenSearch, the environment names it; the indices the test made go after it."""
    callspec = getattr(request.node, "callspec", None)
    name = callspec.params.get("engine_name") if callspec else None
    if name != "opensearch":
        yield
        return
    url = _ENGINE_URLS[name]
    before = _cluster_indices(url)
    with engine_env(name):
        yield
    # the indices this process made are recorded; a subprocess's are found in the test's own folder
    _drop_new_indices(url, before, request.node.funcargs.get("tmp_path"))
