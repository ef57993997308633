"""Where the index lives and what is recorded beside it (the roots it was built from)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from whoosh import index as windex
from whoosh.index import EmptyIndexError

META_FILE = "referat.json"


class IndexMissing(Exception):
    """No usable index at the location; the message says how to build one."""


def default_index_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("referat", appauthor=False)) / "index"


def open_index(index_dir: str | os.PathLike):
    path = Path(index_dir)
    if not path.is_dir() or not windex.exists_in(str(path)):
        raise IndexMissing(f"no index at {path}; build one with: referat index --index {path} FOLDER")
    try:
        return windex.open_dir(str(path))
    except (EmptyIndexError, OSError, EOFError, ValueError, KeyError) as exc:
        raise IndexMissing(
            f"the index at {path} is damaged ({type(exc).__name__}); rebuild it with: referat index --index {path} FOLDER"
        ) from None
    except Exception as exc:  # an unpickling error of a truncated TOC comes as many types
        raise IndexMissing(
            f"the index at {path} is damaged ({type(exc).__name__}); rebuild it with: referat index --index {path} FOLDER"
        ) from None


def read_meta(index_dir: str | os.PathLike) -> dict:
    try:
        return json.loads((Path(index_dir) / META_FILE).read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def write_meta(index_dir: str | os.PathLike, meta: dict) -> None:
    """Written to a temporary file and renamed, so a crash never leaves half a file."""
    target = Path(index_dir) / META_FILE
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, target)
