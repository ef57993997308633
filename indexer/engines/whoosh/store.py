"""Opening a Whoosh index folder: its files read through memory maps, a concurrent commit retried."""
from __future__ import annotations

import io
import mmap
import os
import time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import EmptyIndexError

from ...store import IndexMissing, read_meta
from .private import INDEX_NAME


def has_toc(index_dir: str | os.PathLike) -> bool:
    """Whether a Whoosh table of contents is there at all (damaged or not)."""
    path = Path(index_dir)
    return path.is_dir() and any(path.glob(f"_{INDEX_NAME}_*.toc"))


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


def open_index(index_dir: str | os.PathLike, attempts: int = 5, check_schema: bool = True):
    """Open the latest generation; a commit by a concurrent writer in the middle is retried, not an error.
    `check_schema`: an index the meta file says an older referat wrote is refused (searches); the
    writer reads it anyway (the items of a rebuild that are not new)."""
    from ...schema import SCHEMA_VERSION

    path = Path(index_dir)
    if check_schema and has_toc(path):
        meta = read_meta(path, required=True)
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexMissing(f"the index at {path} was written by an older referat; rebuild it with: "
                               f"referat reindex --index {path}")
    for attempt in range(attempts):
        if not has_toc(path):
            raise IndexMissing(f"no index at {path}; build one with: referat index --index {path} FOLDER")
        try:
            return MappedStorage(str(path)).open_index(INDEX_NAME)
        except EmptyIndexError:
            raise IndexMissing(f"no index at {path}; build one with: referat index --index {path} FOLDER") from None
        except FileNotFoundError:
            if attempt + 1 < attempts:
                time.sleep(0.05 * (attempt + 1))
                continue
            raise IndexMissing(
                f"the index at {path} is missing files; rebuild it with: referat index --index {path} FOLDER"
            ) from None
        except Exception as exc:  # a damaged table of contents fails in unpickling, struct or IO code alike
            raise IndexMissing(
                f"the index at {path} is damaged ({type(exc).__name__}); "
                f"rebuild it with: referat index --index {path} FOLDER"
            ) from None
