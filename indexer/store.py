"""Where the index lives and what is recorded beside it (the roots it was built from)."""
from __future__ import annotations

import io
import json
import mmap
import os
import signal
import time
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import EmptyIndexError

from corpus.files import fsync_dir, write_atomic  # noqa: F401  (used here and by indexer's modules)

META_FILE = "referat.json"


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


def os_error_text(exc: OSError, where: str | os.PathLike) -> str:
    """`path: cause` for an OSError, naming `where` when the error carries no file name."""
    return f"{exc.filename or where}: {exc.strerror or exc}"


def default_index_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("referat", appauthor=False)) / "index"


def has_index(index_dir: str | os.PathLike) -> bool:
    """Whether a Whoosh table of contents is there at all (damaged or not)."""
    path = Path(index_dir)
    return path.is_dir() and any(path.glob("_MAIN_*.toc"))


class MappedFile(StructFile):
    """An index file read through a memory map: a read at a position is a slice of the mapping, where
    Whoosh's file does a seek and a read (two system calls) for each of the thousands of small reads of
    a search. Index files are never changed in place (each commit writes new ones), and a mapping stays
    valid after its file is deleted."""

    def __init__(self, path: str, name: str):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(f.fileno()).st_size else None
        super().__init__(self._map if self._map is not None else io.BytesIO(b""), name=name)
        self.is_real = False

    def get(self, position: int, length: int) -> bytes:
        return self._map[position:position + length] if self._map is not None else b""


class MappedStorage(FileStorage):
    """Whoosh's file storage, its files read through memory maps (MappedFile)."""

    def open_file(self, name, **kwargs):
        return MappedFile(self._fpath(name), name)


def open_index(index_dir: str | os.PathLike, attempts: int = 5):
    """Open the latest generation; a commit by a concurrent writer in the middle is retried, not an error."""
    path = Path(index_dir)
    from .schema import SCHEMA_VERSION

    if has_index(path):
        meta = read_meta(path, required=True)
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexMissing(f"the index at {path} was written by an older referat; rebuild it with: "
                               f"referat reindex --index {path}")
    for attempt in range(attempts):
        if not has_index(path):
            raise IndexMissing(f"no index at {path}; build one with: referat index --index {path} FOLDER")
        try:
            return MappedStorage(str(path)).open_index(windex._DEF_INDEX_NAME)
        except EmptyIndexError:
            raise IndexMissing(f"no index at {path}; build one with: referat index --index {path} FOLDER") from None
        except FileNotFoundError:
            if attempt + 1 < attempts:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise IndexMissing(f"the index at {path} is missing files; rebuild it with: referat index --index {path} FOLDER") from None
        except Exception as exc:  # a damaged table of contents fails in unpickling, struct or IO code alike
            raise IndexMissing(
                f"the index at {path} is damaged ({type(exc).__name__}); rebuild it with: referat index --index {path} FOLDER"
            ) from None


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
