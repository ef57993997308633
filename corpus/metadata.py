"""Meeting-level facts: forum, participants and case numbers, read from the header and the items."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .labels import match_label
from .lazy import compiled

_PARTICIPANTS_START = compiled(
    r"^(?:deltagere|deltagerliste|til stede|tilstede|inviterede|fremmødte|medlemmer)\s*(?:[:.]\s*(?P<rest>.*))?$", re.I
)
_PARTICIPANTS_STOP = compiled(
    r"^(?:afbud|fraværende|referent(?:er)?|mødeleder|ordstyrer|dagsorden|indholdsfortegnelse|sted|tid|gæster)\b", re.I
)
_TOC_LINE = compiled(r"(?:\.{3,}|…)\s*\d+\s*$")
# The forms a case number takes without a label before it, declared once: the forms printed in item
# titles (journal numbers 12/27845 and 2012-21786, KLE numbers 27.00.00-A00-1-21), FirstAgenda's
# SagsNummer (21-014446, 21-014446K) and Nexus/Workzone EMN numbers (EMN-2025-010561).
TITLE_CASE_FORMS = (r"\d{2}/\d{3,6}", r"\d{4}-\d{5,6}", r"\d{2}\.\d{2}\.\d{2}-[A-ZØ]\d{2}-\d+-\d{2}")
EMN_CASE_FORM = r"EMN-\d{2,4}-\d+"
CASE_NUMBER_FORMS = (*TITLE_CASE_FORMS, r"\d{2}-\d{6}[A-Z]?", EMN_CASE_FORM)
_BARE_CASE_NUMBER = compiled(r"(?<![\w/.-])(?:" + "|".join(CASE_NUMBER_FORMS) + r")(?![\w/-])", re.I)
_CASE_NUMBER = compiled(
    r"\b(?:sags?\s*nr|sagsnummer|j\.?\s*nr|journal\s*nr)\.?\s*[:.]?\s*(?P<num>[A-Za-z0-9][\w./-]*\d[\w./-]*)"
    rf"|\b(?P<emn>{EMN_CASE_FORM})", re.I
)


@lru_cache(maxsize=1)
def _forums() -> list[tuple[str, re.Pattern]]:
    data = json.loads(resources.files("corpus").joinpath("data/forums.json").read_text("utf-8"))
    return [(f["name"], re.compile(f["pattern"], re.I)) for f in data["forums"]]


def find_forum(title_lines: list[str]) -> str | None:
    """The forum named in the document's title lines (the first lines of the header)."""
    for line in title_lines:
        # OCR reads ø as @ or g; the forum patterns accept the clean forms and the common damage.
        text = line.replace("@", "ø")
        for name, pattern in _forums():
            match = pattern.search(text)
            if not match:
                continue
            sub = match.groupdict().get("sub")
            if "{sub}" in name:
                return name.replace("{sub}", _title_case(sub) if sub else "").strip()
            return name
    return None


def _title_case(words: str) -> str:
    small = {"og", "for", "i", "af", "med"}
    return " ".join(w if w.lower() in small else w[:1].upper() + w[1:].lower() for w in words.split())


def find_participants(lines: list[str]) -> list[str]:
    """Lines of the participants block (Deltagere / Inviterede ...) up to Afbud or the next heading."""
    out: list[str] = []
    for n, line in enumerate(lines):
        match = _PARTICIPANTS_START().match(line.strip())
        if not match or _TOC_LINE().search(line):
            continue
        if match.group("rest"):
            out.append(match.group("rest"))
        blanks = 0
        for nxt in lines[n + 1 : n + 80]:
            text = nxt.strip()
            if not text:
                blanks += 1
                if blanks >= 3:
                    break
                continue
            blanks = 0
            if (_PARTICIPANTS_STOP().match(text) or match_label(text)
                    or re.match(r"^(?:punkt\s*)?\d{1,2}[.:]\s", text, re.I)):
                break
            out.append(" ".join(text.split()))
        if out:
            break
    return out


def bare_case_numbers(text: str) -> list[str]:
    """The case numbers standing in `text` in one of CASE_NUMBER_FORMS, with or without a label (a
    query a user pasted a number into)."""
    return list(dict.fromkeys(m.group(0) for m in _BARE_CASE_NUMBER().finditer(text)))


def find_case_numbers(text: str) -> list[str]:
    lower = text.lower()
    if "nr" not in lower and "sagsnummer" not in lower and "emn-" not in lower:
        return []  # what every case number pattern needs; most items have none
    seen: list[str] = []
    for m in _CASE_NUMBER().finditer(text):
        num = (m.group("num") or m.group("emn")).rstrip(".,")
        if num not in seen:
            seen.append(num)
    return seen
