"""Recognise text that came out of OCR of a scanned page.

Danish prose has about 25 æ/ø/å per 1,000 letters; OCR of Danish minutes reads them as g, @, a, &, 3,
8, ae, z or ee, leaving almost none, and leaves signatures such as `m@de` or `p&` inside words.
"""
from __future__ import annotations

import re

# A signature: a letter, @ or &, a letter (`m@de`); or a letter, 3 or 8, two letters (`h3ring`).
_LETTER = frozenset("abcdefghijklmnopqrstuvwxyzæøå")
_MIDDLE = re.compile(r"[@&38]")  # a signature's second character
_DANISH = re.compile(r"\b(og|at|det|til|af|med|for|som|der|er|på|pa|den|en|et)\b")
MIN_LETTERS = 1500


def looks_like_ocr(text: str) -> bool:
    lower = text.lower()
    signatures = _signatures(lower)
    special = sum(lower.count(ch) for ch in "æøå")
    if signatures < 3 and special * 1000 >= 3 * len(lower):
        return False  # æ/ø/å as typed Danish has them (the letter count below could only be smaller)
    letters = sum(map(str.isalpha, lower))
    if signatures >= 3 and signatures * 10_000 >= letters:
        return True
    if letters < MIN_LETTERS:
        return False
    danish = len(_DANISH.findall(lower)) * 1000 >= 20 * letters / 5  # ~2 function words per 100 words
    return danish and special * 1000 < 3 * letters


def _signatures(lower: str) -> int:
    """How many signatures `lower` has, counted left to right without overlapping (as a regular
    expression's findall would), but found from their second character, which is rare: trying a pattern
    at every letter was a tenth of reading a document."""
    count, end = 0, 0
    for middle in _MIDDLE.finditer(lower):
        at = middle.start()
        if at - 1 < end or lower[at - 1] not in _LETTER:
            continue
        if lower[at] in "@&":
            stop = at + 2
        else:
            stop = at + 3
            if lower[at + 2:at + 3] not in _LETTER:
                continue
        if lower[at + 1:at + 2] in _LETTER:
            count, end = count + 1, stop
    return count
