"""OCR of scanned PDFs with Tesseract's Danish model, cached by content so a reindex never OCRs again.

Pages without a text layer are rendered with PDFium at 300 dpi and read by Tesseract (`-l dan`,
through pytesseract). The text of each scanned file is kept in a per-user cache
(`~/.cache/referat/ocr` on Linux, or `$REFERAT_OCR_CACHE`), keyed by the file's content hash, the pages,
the language and the resolution. Without Tesseract or its Danish model, the file fails with one
line that says how to install them. On a terminal, progress is shown page by page on stderr.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from . import faults
from .files import write_atomic
from .readers import ReadError

LANGUAGE = "dan"
DPI = 300
INSTALL_HINT = "install it with: apt-get install tesseract-ocr tesseract-ocr-dan (see README, Formats)"


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """The installed Tesseract's version; ReadError when it or its Danish model is missing."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ReadError(f"scanned PDF without a text layer, and Tesseract (OCR) is not installed; {INSTALL_HINT}")
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.split("\n")[0]
    except (OSError, subprocess.SubprocessError) as exc:
        raise ReadError(f"Tesseract (OCR) cannot be run ({exc}); {INSTALL_HINT}") from None
    if LANGUAGE not in langs:
        raise ReadError(f"Tesseract has no Danish model ({LANGUAGE}); {INSTALL_HINT}")
    return version.strip()


def cache_dir() -> Path:
    override = os.environ.get("REFERAT_OCR_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("referat")) / "ocr"


def ocr_pages(data: bytes, pages: list[int], name: str = "") -> dict[int, str]:
    """Text of the given pages (0-based) of a PDF, by OCR or from the cache."""
    key = hashlib.sha256(data + repr((pages, LANGUAGE, DPI)).encode()).hexdigest()
    cached = cache_dir() / f"{key}.json"
    try:
        return {int(k): v for k, v in json.loads(cached.read_text("utf-8")).items()}
    except (OSError, ValueError):
        pass
    tesseract_version()
    texts = _recognise(data, pages, name)
    _store(cached, json.dumps({str(k): v for k, v in texts.items()}, ensure_ascii=False))
    return texts


def _recognise(data: bytes, pages: list[int], name: str) -> dict[int, str]:
    import pytesseract

    from .pdf import open_pdf

    document = open_pdf(data)
    texts: dict[int, str] = {}
    try:
        for done, index in enumerate(pages, start=1):
            _progress(f"OCR {name}: page {done}/{len(pages)}")
            image = document[index].render(scale=DPI / 72, grayscale=True).to_pil()
            faults.point("ocr")
            try:
                texts[index] = pytesseract.image_to_string(image, lang=LANGUAGE, config="--psm 4")
            except pytesseract.TesseractError as exc:
                raise ReadError(f"OCR failed on page {index + 1} ({exc.message.strip() or exc})") from None
            except OSError as exc:
                raise ReadError(f"Tesseract (OCR) cannot be run ({exc}); {INSTALL_HINT}") from None
    finally:
        document.close()
        _progress(None)
    return texts


def _store(path: Path, text: str) -> None:
    """Write the cache entry whole or not at all; a cache that cannot be written only costs a later OCR."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError:
        pass


def _progress(message: str | None) -> None:
    if not sys.stderr.isatty():
        return
    sys.stderr.write("\r\033[K" + (message or ""))
    sys.stderr.flush()
