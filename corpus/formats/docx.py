"""Word `.docx` minutes: paragraphs and tables in document order, headings marked, to the segmenter.

Word keeps no agenda structure of its own beyond heading styles, so its lines go to the general
segmenter like a text file's; a heading style (`Heading 2`, `Overskrift 2`) marks the line as a heading,
and Word's automatic numbering (`1.` in front of an item, kept outside the paragraph's text) is put back.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

from ..hygiene import clean_line
from ..model import Meeting
from ..readers import Line, ReadError, join_hyphenated
from ..split import split_meeting
from .common import Source
from .plain import meeting_or_refuse

FORMAT = "docx"


def sniff(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and b"word/" in data[:65536]


def read(source: Source) -> Meeting:
    lines = docx_lines(source.data)
    meeting = split_meeting(source.path, source.digest, join_hyphenated(lines), source.registry,
                            source.place)
    return meeting_or_refuse(replace(meeting, source_format=FORMAT), "a Word document")


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

    numbering = _Numbering(document)
    lines: list[Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            label = numbering.label(block)
            for n, text in enumerate(block.text.replace("\r", "\n").split("\n")):
                text = f"{label} {text}" if label and n == 0 else text
                lines.append(Line(" ".join(clean_line(text).split()), heading=_level(block)))
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


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


class _Numbering:
    """Word's automatic numbering (`1.`, `2.1`) as printed: not in a paragraph's text, only in its
    numbering properties (`w:numPr`, on the paragraph or its style) and numbering.xml's level formats."""

    def __init__(self, document) -> None:
        try:
            self._root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self._root = None
        self._counters: dict[str, dict[int, int]] = {}

    def label(self, paragraph) -> str:
        """`3.` for the third paragraph of a decimal list level; '' for bullets and plain paragraphs."""
        if self._root is None:
            return ""
        num_id, level = _num_pr(paragraph)
        if num_id is None or num_id == "0":
            return ""
        levels = self._levels(num_id)
        if level not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][1] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        fmt, _, text = levels[level]
        if fmt != "decimal":
            return ""

        def value(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            return str(counters.get(k, levels.get(k, ("", 1, ""))[1]))

        return re.sub(r"%(\d)", value, text)

    def _levels(self, num_id: str) -> dict[int, tuple[str, int, str]]:
        """ilvl -> (numFmt, start, lvlText) of the list a numId points to."""
        abstract = _xpath(self._root, f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        if not abstract:
            return {}
        levels = {}
        for lvl in _xpath(self._root, f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl'):
            fmt = (_xpath(lvl, "./w:numFmt/@w:val") or ["decimal"])[0]
            start = int((_xpath(lvl, "./w:start/@w:val") or ["1"])[0])
            text = (_xpath(lvl, "./w:lvlText/@w:val") or [""])[0]
            levels[int(lvl.get(f"{{{_NS['w']}}}ilvl"))] = (fmt, start, text)
        return levels


def _xpath(element, path: str) -> list:
    from lxml import etree

    return etree._Element.xpath(element, path, namespaces=_NS)


def _num_pr(paragraph) -> tuple[str | None, int]:
    """(numId, ilvl) from the paragraph's own properties, else from its style's."""
    for owner in (paragraph._p, paragraph.style.element if paragraph.style is not None else None):
        ppr = owner.pPr if owner is not None else None
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is not None and num_pr.numId is not None:
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            return str(num_pr.numId.val), int(level)
    return None, 0
