"""Reading minutes: files in, `Meeting`s with their agenda items out. Never imports whoosh.

The exports are imported on first use (corpus.lazy): a search that needs the model and the registry
does not load the readers.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .lazy import lazy_exports

if TYPE_CHECKING:  # the exports, imported on first use (corpus.lazy)
    from .formats import FORMATS, SUPPORTED_SUFFIXES
    from .model import SECTION_NAMES, AgendaItem, Attachment, Meeting, Section
    from .readers import NotAMeeting, ReadError
    from .registry import RegistryError
    from .registry import load as load_registry

lazy_exports(__name__)

__all__ = [
    "AgendaItem", "Attachment", "Meeting", "Section", "SECTION_NAMES", "SUPPORTED_SUFFIXES", "FORMATS",
    "NotAMeeting", "ReadError", "RegistryError",
    "read", "read_bytes", "read_document", "iter_files", "load_registry",
]


def read(path: str | os.PathLike, registry_file: str | None = None, place: str | None = None) -> Meeting:
    """Read one file of minutes in any format of corpus.formats, chosen by its suffix and content.
    `place` is the municipality the file's source belongs to, when known (corpus.fetch.sources.places).

    Raises ReadError with a one-line reason when it cannot, `not a meeting: ...` for a file that holds
    none (a meeting list, an attachment).
    """
    from .readers import ReadError

    p = Path(path)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    return read_bytes(str(p), data, registry_file, place)


def read_bytes(path: str, data: bytes, registry_file: str | None = None, place: str | None = None) -> Meeting:
    """Read minutes already in memory; `path` names them and gives the suffix."""
    import hashlib

    from .formats import SUPPORTED_SUFFIXES, Source, choose
    from .readers import ReadError
    from .registry import load as load_registry

    suffix = Path(path).suffix
    fmt = choose(suffix, data)
    if fmt is None:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; referat reads {', '.join(SUPPORTED_SUFFIXES)}")
    digest = hashlib.sha256(data).hexdigest()
    return fmt.read(Source(path, data, digest, load_registry(registry_file), place))


def read_document(path: str, data: bytes, registry_file: str | None = None,
                  place: str | None = None) -> Meeting | Attachment:
    """A meeting, or an attachment (corpus.attachments): a file named as one (`Bilag 2 - ….pdf`), or a
    PDF or Word file that holds no meeting. An attachment is never parsed for agenda items."""
    from .attachments import ATTACHMENT_SUFFIXES, looks_like_attachment, read_attachment
    from .readers import NotAMeeting

    if looks_like_attachment(path):
        return read_attachment(path, data)
    try:
        return read_bytes(path, data, registry_file, place)
    except NotAMeeting:
        if Path(path).suffix.lower() not in ATTACHMENT_SUFFIXES:
            raise
        return read_attachment(path, data)


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
