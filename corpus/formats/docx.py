"""Word `.docx` minutes: paragraphs and tables in document order, headings marked, to the segmenter.

Word keeps no agenda structure of its own beyond heading styles, so its lines go to the general
segmenter like a text file's; a heading style (`Heading 2`, `Overskrift 2`) marks the line as a heading.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

from ..model import Meeting
from ..readers import Line, ReadError, join_hyphenated
from ..split import split_meeting
from .common import Source

FORMAT = "docx"


def sniff(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and b"word/" in data[:65536]


def read(source: Source) -> Meeting:
    lines = docx_lines(source.data)
    meeting = split_meeting(source.path, source.digest, join_hyphenated(lines), source.registry)
    return replace(meeting, source_format=FORMAT)


_HEADING_STYLE = re.compile(r"(?:heading|overskrift)\s*(\d)|^title$|^titel$", re.I)


def docx_lines(data: bytes) -> list[Line]:
    """Body paragraphs and table rows in order (cells joined by tabs), headings with their level."""
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"not a Word document (a .docx is a zip with word/document.xml: {exc})") from None
    except Exception as exc:  # python-docx and lxml raise many kinds on damaged parts
        raise ReadError(f"damaged Word document ({type(exc).__name__}: {exc})") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            for text in block.text.replace("\r", "\n").split("\n"):
                lines.append(Line(" ".join(text.split()), heading=_level(block)))
        elif isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(" ".join(c.text.split()) for c in row.cells))
                lines.append(Line("\t".join(c for c in cells if c)))
            lines.append(Line(""))
    if not any(line.text for line in lines):
        raise ReadError("empty Word document")
    return lines


def _level(paragraph) -> int:
    name = paragraph.style.name if paragraph.style is not None else ""
    match = _HEADING_STYLE.search(name or "")
    if not match or not paragraph.text.strip():
        return 0
    return int(match.group(1)) if match.group(1) else 1
