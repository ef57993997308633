"""Recognise section labels (Indstilling, Sagsfremstilling, ...) and map them to canonical names."""
from __future__ import annotations

import re

_LABELS = (
    (r"det\s+indstilles|indstilling(?:er)?", "indstilling"),
    (r"sagsfremstilling|beskrivelse\s+af\s+sagen|sagsbeskrivelse", "sagsfremstilling"),
    (r"referat", "referat"),
    (r"beslutning(?:er)?", "beslutning"),
    (r"bilag(?:\s*/\s*links?)?|bilagsliste", "bilag"),
)
_LABEL_RE = re.compile(
    r"^\(?\s*(?P<label>" + "|".join(f"(?:{p})" for p, _ in _LABELS) + r")(?![\wæøå])\s*(?P<rest>.*?)\)?\s*$",
    re.IGNORECASE,
)


def match_label(line: str) -> tuple[str, str] | None:
    """(canonical name, inline text) when the line is a section label, else None.

    A label stands alone, or is followed by a colon and text (`Bilag: Notat`); `Det indstilles, at X:`
    is a label line too. Prose that merely begins with the word (`Referatet blev godkendt`) is not.
    """
    text = line.strip().strip("*_").strip()
    match = _LABEL_RE.match(text)
    if not match:
        return None
    label = match.group("label").lower()
    rest = match.group("rest").strip()
    name = next(canonical for pattern, canonical in _LABELS if re.fullmatch(pattern, label, re.IGNORECASE))
    if not rest or rest in (":", ".", ","):
        return name, ""
    if rest[0] in ":.":
        return name, rest[1:].strip()
    if label.startswith("det") and rest[0] == "," and len(rest) <= 90:
        return name, rest[1:].strip()
    if name == "bilag" and re.match(r"\d{1,2}\s*[:.]", rest):
        return name, rest
    return None
