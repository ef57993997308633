"""Recognise text that came out of OCR of a scanned page.

Danish prose has about 25 æ/ø/å per 1,000 letters; OCR of Danish minutes reads them as g, @, a, &, 3,
8, ae, z or ee, leaving almost none, and leaves signatures such as `m@de` or `p&` inside words.
"""
from __future__ import annotations

import re

_SIGNATURE = re.compile(r"[a-zæøå][@&][a-zæøå]|[a-zæøå][38][a-zæøå]{2}")
_DANISH = re.compile(r"\b(og|at|det|til|af|med|for|som|der|er|på|pa|den|en|et)\b")
MIN_LETTERS = 1500


def looks_like_ocr(text: str) -> bool:
    lower = text.lower()
    signatures = len(_SIGNATURE.findall(lower))
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
