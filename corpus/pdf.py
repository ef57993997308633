"""PDF text as publishers make it: the text layer page by page, running headers and footers dropped.

A PDF without a text layer is a scan: its pages go through OCR (corpus.scan) when Tesseract is there.
"""
from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

from .readers import Line, ReadError


@dataclass(frozen=True)
class PdfText:
    lines: list[Line]
    ocr: bool  # the text came from OCR of page images, not from a text layer


_PAGE_NUMBER = re.compile(
    r"^(?:side|page|s\.)?\s*\d{1,4}\s*(?:(?:af|of|/)\s*\d{1,4})?$", re.I
)


def pdf_text(data: bytes, path: str = "") -> PdfText:
    pages = page_texts(data)
    ocr = False
    if not any(p.strip() for p in pages):
        raise ReadError("PDF has no text layer (scanned image?); run OCR first, e.g. ocrmypdf")
    return PdfText(page_lines(pages), ocr)


def page_texts(data: bytes) -> list[str]:
    """The text layer of each page (pypdf)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ReadError("encrypted PDF (needs a password)")
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError(f"encrypted PDF that cannot be opened ({exc})") from None
        return [(page.extract_text() or "") for page in reader.pages]
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise ReadError(f"damaged or truncated PDF ({exc})") from None
    except Exception as exc:  # pypdf raises a wide range of errors on broken files
        raise ReadError(f"damaged or truncated PDF ({type(exc).__name__}: {exc})") from None


def page_lines(pages: list[str]) -> list[Line]:
    """Lines of all pages, running headers/footers and page numbers removed."""
    split = [[" ".join(l.split()) for l in page.split("\n")] for page in pages]
    running = _running_lines(split)
    lines: list[Line] = []
    for page_number, page in enumerate(split, start=1):
        for text in page:
            if text in running or _PAGE_NUMBER.match(text):
                continue
            lines.append(Line(text, page=page_number))
    return lines


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines that open or close at least half of the pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    edges: Counter[str] = Counter()
    for page in pages:
        nonblank = [l for l in page if l]
        edges.update(set(nonblank[:2] + nonblank[-2:]))
    return {line for line, n in edges.items() if n >= max(2, len(pages) // 2) and len(line) < 200}
