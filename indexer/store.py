"""Where the index lives and what is recorded beside it (the roots it was built from, its engine)."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from corpus.files import fsync_dir, write_atomic  # noqa: F401  (used here and by indexer's modules)

META_FILE = "referat.json"
STAGING_DIR = ".rebuild"  # an engine that rebuilds an index in the folder writes it here, then swaps it in


class IndexMissing(Exception):
    """No usable index at the location; the message says how to build one."""


class IndexWriteFailed(Exception):
    """A run stopped by an operating-system error (disk full, permission denied, a read-only index);
    the message names the path, the cause and what became of the index."""


class Interrupted(KeyboardInterrupt):
    """A run stopped by SIGINT or SIGTERM; `committed` says whether its new generation became current."""

    def __init__(self, signum: int = signal.SIGINT, committed: bool = False):
        super().__init__(signum, committed)
        self.signum = signum
        self.committed = committed

    def __str__(self) -> str:
        if self.committed:
            return ("interrupted after the index was updated; the next reindex completes its side files "
                    "and reports its saved-search matches")
        return "interrupted; nothing was written, the index is as it was before this run"


STAMP = "#generation\t"  # the first line of a generation's side file (the spelling list, OCR keys, term counts)


def write_stamped(path: Path, generation: int, rows: list[str], end: str) -> None:
    """A side file of `generation`: its stamp, `rows` (each a line) and last `end` with their number, so
    that a truncated file is known as such."""
    write_atomic(path, f"{STAMP}{generation}\n{''.join(rows)}{end}{len(rows)}\n")


def read_stamped(path: Path, stamp: str, end: str) -> list[str] | None:
    """The rows of a side file whose first line is `stamp` (write_stamped), or None when it is another
    generation's or not whole (missing, truncated, unreadable)."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 2 or lines[0] != stamp or lines[-1] != f"{end}{len(lines) - 2}":
        return None
    return lines[1:-1]


def parse_counts(lines: list[str]) -> dict[str, int] | None:
    """Rows of a word or term, a tab and a number, as a dict; None when one is not such a row."""
    counts = {}
    for line in lines:
        word, _, number = line.partition("\t")
        if not word or not number.isdigit():
            return None
        counts[word] = int(number)
    return counts


def os_error_text(exc: OSError, where: str | os.PathLike) -> str:
    """`path: cause` for an OSError, naming `where` when the error carries no file name."""
    return f"{exc.filename or where}: {exc.strerror or exc}"


def default_index_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("referat", appauthor=False)) / "index"


def has_index(index_dir: str | os.PathLike) -> bool:
    """Whether an index is there at all (damaged or not): the files of the engine in the folder
    (Whoosh's table of contents), or a meta file that names an engine keeping them elsewhere (a cluster
    is not asked: whether it still holds them is for opening the index to say)."""
    path = Path(index_dir)
    if not path.is_dir():
        return False
    from .engine import DEFAULT_ENGINE, EngineConfig, open_write_engine

    try:
        config = EngineConfig.from_json(json.loads((path / META_FILE).read_text("utf-8")).get("engine"))
    except (OSError, ValueError, AttributeError, TypeError):
        config = EngineConfig()
    if config.name != DEFAULT_ENGINE:
        return True
    return open_write_engine(path, config).exists()


def meta_problem(index_dir: str | os.PathLike) -> str | None:
    """What is wrong with the meta file, or None when it is sound (or absent beside no index)."""
    target = Path(index_dir) / META_FILE
    try:
        text = target.read_text("utf-8")
    except FileNotFoundError:
        return "it is missing" if has_index(index_dir) else None
    except (OSError, UnicodeDecodeError) as exc:
        return f"it cannot be read: {getattr(exc, 'strerror', None) or exc}"
    if not text.strip():
        return "it is empty"
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"it is not valid JSON ({exc.msg} at line {exc.lineno})"
    if not isinstance(meta, dict):
        return "it is not a JSON object"
    if not isinstance(meta.get("schema"), int):
        return "it records no schema version"
    if not isinstance(meta.get("roots", []), list):
        return "its roots are not a list"
    return None


def read_meta(index_dir: str | os.PathLike, required: bool = False) -> dict:
    """The meta file: {} when there is none (and `required` is false); a damaged one is an error that
    says so, never taken for an empty or an older index (a reindex would then rebuild over it)."""
    problem = meta_problem(index_dir)
    if problem == "it is missing" and not required:
        return {}
    if problem:
        where = Path(index_dir)
        raise IndexMissing(f"the index metadata {where / META_FILE} is damaged: {problem}; the index is kept. "
                           f"Repair it with: referat check --repair --index {where}")
    try:
        return json.loads((Path(index_dir) / META_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return {}


def write_meta(index_dir: str | os.PathLike, meta: dict) -> None:
    write_atomic(Path(index_dir) / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1))
