"""Where the index lives and what is recorded beside it (the roots it was built from)."""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from whoosh import index as windex
from whoosh.index import EmptyIndexError

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


def open_index(index_dir: str | os.PathLike, attempts: int = 5):
    """Open the latest generation; a commit by a concurrent writer in the middle is retried, not an error."""
    path = Path(index_dir)
    from .schema import SCHEMA_VERSION

    if has_index(path) and read_meta(path).get("schema") != SCHEMA_VERSION:
        raise IndexMissing(f"the index at {path} was written by an older referat; rebuild it with: "
                           f"referat reindex --index {path}")
    for attempt in range(attempts):
        if not has_index(path):
            raise IndexMissing(f"no index at {path}; build one with: referat index --index {path} FOLDER")
        try:
            return windex.open_dir(str(path))
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


def read_meta(index_dir: str | os.PathLike) -> dict:
    try:
        return json.loads((Path(index_dir) / META_FILE).read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def write_atomic(target: Path, text: str) -> None:
    """Written to a temporary file and renamed into place, so a crash never leaves half a file."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, target)


def write_meta(index_dir: str | os.PathLike, meta: dict) -> None:
    write_atomic(Path(index_dir) / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1))
