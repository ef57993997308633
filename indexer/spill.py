"""Parsed documents set aside on disk while a run plans, and read back one meeting at a time as it writes.

A run must read every file before it writes the first meeting (meetings merge across files), but it
need not hold their text meanwhile: the plan keeps what grouping reads (metadata, item titles, listed
attachments) and each document's text waits here. The file is unnamed (made unlinked in the index
folder, on the disk the user chose for the index), so a run killed at any point leaves nothing behind.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

Ref = tuple[int, int]  # (offset, length) of one object in the file


class Spill:
    """Objects pickled to an unnamed temporary file, read back by their Ref."""

    def __init__(self, folder: str | os.PathLike):
        Path(folder).mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(dir=str(folder))  # noqa: SIM115 (closed by close(), the run's with-block)
        self._end = 0

    def put(self, obj: Any) -> Ref:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        ref = (self._end, len(data))
        self._end += len(data)
        return ref

    def get(self, ref: Ref) -> Any:
        self._file.seek(ref[0])
        return pickle.loads(self._file.read(ref[1]))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
