"""The publisher formats referat reads, declared once: each is a reader that returns the same `Meeting`.

`choose()` picks by suffix and content: a format whose suffix matches and whose content test passes
first; for an unknown suffix, any structured format whose content test passes (a saved export with an
odd name); failing that, the general reader for the suffix (plain text, HTML, PDF), whose lines go to the general
segmenter. Everything else (supported suffixes, the messages) derives from this table.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Meeting
from . import docx, edoc_html, firstagenda, plain, xml
from .common import NotAMeeting, Source


@dataclass(frozen=True)
class Format:
    name: str  # Meeting.source_format
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]  # does the content look like this format?
    read: Callable[[Source], Meeting]
    structured: bool = True  # False: the general reader for its suffixes, chosen last


FORMATS: tuple[Format, ...] = (
    Format(firstagenda.FORMAT_JSON, (".json",), firstagenda.sniff_json, firstagenda.read_json),
    Format(firstagenda.FORMAT_PAGE, (".html", ".htm"), firstagenda.sniff_page, firstagenda.read_page),
    Format(edoc_html.FORMAT, (".html", ".htm"), edoc_html.sniff, edoc_html.read),
    Format(xml.FORMAT_EDOC, (".xml",), xml.sniff_edoc, xml.read_edoc),
    Format(xml.FORMAT_SBSYS, (".xml",), xml.sniff_sbsys, xml.read_sbsys),
    Format(xml.FORMAT_ACADRE, (".xml",), xml.sniff_acadre, xml.read_acadre),
    Format(docx.FORMAT, (".docx",), docx.sniff, docx.read),
    Format(plain.FORMAT_PDF, (".pdf",), plain.sniff_pdf, plain.read_pdf, structured=False),
    Format(plain.FORMAT_HTML, (".html", ".htm"), plain.anything, plain.read_html, structured=False),
    Format(plain.FORMAT_TEXT, (".txt",), plain.anything, plain.read_text, structured=False),
    Format("xml", (".xml",), plain.anything, xml.read_unknown, structured=False),
    Format("json", (".json",), plain.anything, firstagenda.read_json, structured=False),
    Format(docx.FORMAT, (".docx",), plain.anything, docx.read, structured=False),
)

SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(dict.fromkeys(s for f in FORMATS for s in f.suffixes))


def choose(suffix: str, data: bytes) -> Format | None:
    suffix = suffix.lower()
    for fmt in FORMATS:
        if fmt.structured and suffix in fmt.suffixes and fmt.sniff(data):
            return fmt
    if suffix not in SUPPORTED_SUFFIXES:
        return next((fmt for fmt in FORMATS if fmt.structured and fmt.sniff(data)), None)
    return next((fmt for fmt in FORMATS if not fmt.structured and suffix in fmt.suffixes), None)


__all__ = ["FORMATS", "SUPPORTED_SUFFIXES", "Format", "NotAMeeting", "Source", "choose"]
