"""PDF text as publishers make it: lines in reading order with their layout, page furniture dropped.

The text layer is read with PDFium (pypdfium2), chosen by measuring it against pypdf, pdfplumber and
pdfminer.six on published minutes (README "Formats"): the same items and titles as the best of them at a
fraction of the time per page. Each line keeps what the layout says and plain text loses:
- pieces printed on one baseline (`Dato:` in one column, `6. oktober 2016` in the next) are one line,
  read top to bottom;
- a vertical gap wider than the line spacing is a paragraph break (a blank line for the segmenter);
- a bold or larger line is a heading, and a heading wrapped over two lines is joined into one;
- lines repeated at one place at the top or bottom of most pages (running headers and footers, with the
  page's number or date or without, `Side 2 af 7`) are dropped (corpus.hygiene).
A PDF without a text layer is a scan: its pages go through OCR (corpus.scan).
"""
from __future__ import annotations

import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from .hygiene import PAGE_NUMBER, clean_line, furniture_key, running_lines, running_texts
from .labels import match_label
from .readers import Line, ReadError


@dataclass(frozen=True)
class PdfText:
    lines: list[Line]
    ocr: bool  # the text came from OCR of page images, not from a text layer


@dataclass(frozen=True)
class TextLine:
    """One printed line: its text, vertical extent (PDF points, up is larger), font size and boldness."""

    text: str
    top: float
    bottom: float
    left: float
    right: float
    size: float
    bold: bool


_BOLD_NAME = re.compile(rb"bold|black|heavy|semibold|demi", re.I)
_FORCE_BOLD = 1 << 18  # PDF font descriptor flag


_LETTER = re.compile(r"[^\W\d_]")
MIN_PAGE_TEXT = 40  # letters a page's text layer needs, page numbers and stamps aside, to be text


def pdf_text(data: bytes, name: str = "") -> PdfText:
    """The lines of a PDF: from its text layer, or, for a scan, from OCR of its pages.

    A scan is a PDF most of whose pages have no text of their own: none at all, or only what a scanner
    or an archive stamps on the image (`Side 2 af 9`, a case number); a typed cover sheet in front of
    scanned pages does not make it a text PDF.
    """
    pages = read_pages(data)
    if not _is_scan(pages):
        return PdfText(page_lines(pages), False)
    from .scan import ocr_pages

    texts = ocr_pages(data, list(range(len(pages))), name)
    if not any(text.strip() for text in texts.values()):
        raise ReadError("scanned PDF in which OCR found no text (blank or unreadable pages)")
    return PdfText(scanned_page_lines([texts[n] for n in range(len(pages))]), True)


def open_pdf(data: bytes):
    """The PDFium document; a password or damage is a ReadError with a one-line reason."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("encrypted PDF (needs a password)") from None
        raise ReadError(f"damaged or truncated PDF ({exc})") from None


def read_pages(data: bytes) -> list[list[TextLine]]:
    """The text layer of every page as printed lines, top to bottom."""
    import pypdfium2 as pdfium

    document = open_pdf(data)
    try:
        pages = []
        for index in range(len(document)):
            try:
                pages.append(_page_lines(document[index]))
            except pdfium.PdfiumError as exc:
                raise ReadError(f"damaged PDF page {index + 1} ({exc})") from None
        return pages
    finally:
        document.close()


def page_texts(data: bytes, name: str = "") -> PdfText:
    """The plain text of each page (one Line per page), for a document whose layout does not matter (an
    attachment): PDFium's own text of the page, an order of magnitude faster than reading its layout; a
    scan goes through OCR as in pdf_text."""
    import pypdfium2 as pdfium

    document = open_pdf(data)
    try:
        texts = []
        for index in range(len(document)):
            try:
                textpage = document[index].get_textpage()
                texts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            except pdfium.PdfiumError as exc:
                raise ReadError(f"damaged PDF page {index + 1} ({exc})") from None
    finally:
        document.close()
    bare = sum(len(_LETTER.findall(furniture_key(text))) < MIN_PAGE_TEXT for text in texts)
    if not texts or 2 * bare <= len(texts):
        return PdfText([Line(text.strip(), page=n) for n, text in enumerate(texts, start=1)], False)
    from .scan import ocr_pages

    found = ocr_pages(data, list(range(len(texts))), name)
    if not any(text.strip() for text in found.values()):
        raise ReadError("scanned PDF in which OCR found no text (blank or unreadable pages)")
    return PdfText([Line(found[n].strip(), page=n + 1) for n in range(len(texts))], True)


def _is_scan(pages: list[list[TextLine]]) -> bool:
    def letters(page: list[TextLine]) -> int:
        return sum(ch.isalpha() for line in page for ch in furniture_key(line.text))

    bare = sum(letters(page) < MIN_PAGE_TEXT for page in pages)
    return bool(pages) and 2 * bare > len(pages)


def _page_lines(page) -> list[TextLine]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    handle = textpage.raw
    pieces: list[TextLine] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    sizes: list[float] = []
    first = -1
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()

    def flush() -> None:
        text = " ".join(clean_line("".join(chars)).split())
        if text and boxes:
            raw.FPDFText_GetFontInfo(handle, first, name, len(name), ctypes.byref(flags))
            weight = raw.FPDFText_GetFontWeight(handle, first)
            bold = bool(_BOLD_NAME.search(name.value) or flags.value & _FORCE_BOLD or weight >= 600)
            pieces.append(TextLine(text, max(b[0] for b in boxes), min(b[1] for b in boxes),
                                   min(b[2] for b in boxes), max(b[3] for b in boxes), statistics.median(sizes), bold))
        chars.clear()
        boxes.clear()
        sizes.clear()

    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(handle, i)
        if code in (10, 13):
            if code == 10:
                flush()
            continue
        if code in (2, 0xFFFE):  # PDFium's mark for a hyphen it removed at a line end
            code = ord("-")
        if chr(code).strip():
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            if boxes and not _overlaps((max(b[0] for b in boxes), min(b[1] for b in boxes)), (top, bottom)):
                flush()  # a new baseline that PDFium ran on (after a line-end hyphen, say)
            if not boxes:
                first = i
            boxes.append((top, bottom, left, right))
            sizes.append(round(raw.FPDFText_GetFontSize(handle, i), 1))
        chars.append(chr(code))
    flush()
    textpage.close()
    return _rows(pieces)


def _rows(pieces: list[TextLine]) -> list[TextLine]:
    """Pieces on one baseline (table cells, label and value columns) joined left to right, rows top down."""
    rows: list[list[TextLine]] = []
    for piece in sorted(pieces, key=lambda p: (-p.top, p.left)):
        row = rows[-1] if rows else None
        if row and _same_row(row[0], piece):
            row.append(piece)
        else:
            rows.append([piece])
    out = []
    for row in rows:
        row.sort(key=lambda p: p.left)
        head = row[0]
        out.append(TextLine(" ".join(p.text for p in row), max(p.top for p in row), min(p.bottom for p in row),
                            head.left, max(p.right for p in row), max(p.size for p in row), all(p.bold for p in row)))
    return out


def _same_row(a: TextLine, b: TextLine) -> bool:
    return _overlaps((a.top, a.bottom), (b.top, b.bottom))


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two (top, bottom) extents share most of the smaller one: they stand on one baseline."""
    return min(a[0], b[0]) - max(a[1], b[1]) > 0.6 * min(a[0] - a[1], b[0] - b[1])


def page_lines(pages: list[list[TextLine]]) -> list[Line]:
    """Lines of all pages for the segmenter: furniture dropped, paragraph gaps blank, headings marked
    and wrapped headings joined."""
    running = running_lines([[(line.text, line.top) for line in page] for page in pages])
    body_size = _body_size(pages)
    lines: list[Line] = []
    for number, (page, furniture) in enumerate(zip(pages, running, strict=True), start=1):
        kept = [line for k, line in enumerate(page) if k not in furniture and not PAGE_NUMBER().match(line.text)]
        step, height = _line_step(kept)
        margin = max((line.right for line in kept), default=0.0)
        previous: TextLine | None = None
        for line in kept:
            heading = 2 if line.bold or line.size >= body_size * 1.15 else 0
            if previous is not None and height and previous.bottom - line.top > step + 0.5 * height:
                lines.append(Line("", page=number))
            if (heading and previous is not None and lines and lines[-1].heading and lines[-1].page == number
                    and _wraps(previous, line, margin)):
                lines[-1] = Line(lines[-1].text + " " + line.text, heading=heading, page=number)
            else:
                lines.append(Line(line.text, heading=heading, page=number))
            previous = line
        lines.append(Line("", page=number))
    return lines


def scanned_page_lines(pages: list[str]) -> list[Line]:
    """Lines of OCR text per page (its blank lines kept), running headers and footers dropped."""
    split = [[" ".join(clean_line(line).split()) for line in page.split("\n")] for page in pages]
    running = running_texts(split)
    return [Line(text, page=number) for number, page in enumerate(split, start=1)
            for text in page if furniture_key(text) not in running and not PAGE_NUMBER().match(text)]


def _wraps(previous: TextLine, line: TextLine, margin: float) -> bool:
    """A heading line continued on the next: it ran to the right margin, the next has its style, follows
    without a gap, and is neither a label nor a new number."""
    width = margin - previous.left
    return (previous.right >= previous.left + 0.7 * width and not previous.text.endswith((".", ":"))
            and abs(previous.size - line.size) < 0.5 and previous.bold == line.bold
            and previous.bottom - line.top < 0.6 * (previous.top - previous.bottom)
            and not match_label(line.text)
            and not re.match(r"^(?:\d+(?:\.\d+)*[.):]?|pkt\.?|punkt)\s", line.text, re.I))


def _body_size(pages: list[list[TextLine]]) -> float:
    sizes = Counter(round(line.size) for page in pages for line in page for _ in range(len(line.text)))
    return float(sizes.most_common(1)[0][0]) if sizes else 0.0


def _line_step(page: list[TextLine]) -> tuple[float, float]:
    """The usual gap between one line's bottom and the next one's top on this page, and line height."""
    gaps = [a.bottom - b.top for a, b in pairwise(page) if a.bottom >= b.top]
    heights = [line.top - line.bottom for line in page]
    return (statistics.median(gaps) if gaps else 0.0), (statistics.median(heights) if heights else 0.0)
