"""Reading minutes: files in, `Meeting`s with their agenda items out. Never imports whoosh."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from .model import AgendaItem, Meeting, Section, SECTION_NAMES
from .readers import SUPPORTED_SUFFIXES, ReadError, read_lines
from .registry import RegistryError
from .registry import load as load_registry
from .split import split_meeting

__all__ = [
    "AgendaItem", "Meeting", "Section", "SECTION_NAMES", "SUPPORTED_SUFFIXES", "ReadError", "RegistryError",
    "read", "read_bytes", "iter_files", "load_registry",
]


def read(path: str | os.PathLike, registry_file: str | None = None) -> Meeting:
    """Read one file of minutes. Raises ReadError with a one-line reason when it cannot."""
    p = Path(path)
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ReadError(f"unsupported file type {p.suffix or '(none)'}; referat reads {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    return read_bytes(str(p), data, registry_file)


def read_bytes(path: str, data: bytes, registry_file: str | None = None) -> Meeting:
    lines = read_lines(Path(path), data)
    digest = hashlib.sha256(data).hexdigest()
    return split_meeting(path, digest, lines, load_registry(registry_file))


def iter_files(paths: list[str | os.PathLike]) -> Iterator[Path]:
    """Files under the given paths (folders recursively, sorted), hidden files and folders skipped."""
    for root in paths:
        root = Path(root)
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if not name.startswith("."):
                        yield Path(dirpath) / name
        else:
            yield root
