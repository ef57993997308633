"""The general readers: text, HTML and PDF without a publisher's structure go to the general segmenter.

Their lines come from corpus.readers; the segmenter (corpus.split) finds the items. A PDF or HTML page in
which the segmenter finds no agenda item at all is not a meeting (an attachment, a list of cases).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..model import Meeting
from ..readers import Line, decode_text, html_lines, join_hyphenated, text_lines
from ..split import split_meeting
from .common import NotAMeeting, Source

FORMAT_TEXT = "txt"
FORMAT_HTML = "html"
FORMAT_PDF = "pdf"


def anything(data: bytes) -> bool:
    return True


def sniff_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def read_text(source: Source) -> Meeting:
    return _split(source, join_hyphenated(text_lines(decode_text(source.data))), FORMAT_TEXT)


def read_html(source: Source) -> Meeting:
    meeting = _split(source, join_hyphenated(html_lines(decode_text(source.data, html=True))), FORMAT_HTML)
    return meeting_or_refuse(meeting, "an HTML page")


def read_pdf(source: Source) -> Meeting:
    from ..pdf import pdf_text

    text = pdf_text(source.data, Path(source.path).name)
    meeting = _split(source, join_hyphenated(text.lines), FORMAT_PDF)
    return replace(meeting_or_refuse(meeting, "a PDF"), ocr=text.ocr)


def _split(source: Source, lines: list[Line], fmt: str) -> Meeting:
    meeting = split_meeting(source.path, source.digest, lines, source.registry, source.place)
    return replace(meeting, source_format=fmt)


def meeting_or_refuse(meeting: Meeting, what: str) -> Meeting:
    """A publisher's document in which the segmenter found no agenda item is not minutes."""
    if not meeting.items or any(w.startswith(("no agenda items", "not a meeting")) for w in meeting.warnings):
        raise NotAMeeting(f"{what} without agenda items (an attachment or a list?)")
    return meeting
