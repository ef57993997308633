"""Recognise section labels (Indstilling, Sagsfremstilling, ...) and map them to canonical names.

The table below is the one place labels are declared: every publisher's wording of a section, as a
pattern, and the canonical section it belongs to (model.SECTION_NAMES). Structured readers match their
headings with `match_label` too.
"""
from __future__ import annotations

import re

from .lazy import compiled

_DATE = r"(?:\d{1,2}[.\-/]\d{1,2}[.\-/]\d{2,4}|\d{1,2}\.?\s*[a-zæøå]+\.?\s*\d{4})"
_BODY = r"(?-i:[A-ZÆØÅ])[\wæøåÆØÅ\-. ]{0,70}?[\wæøåÆØÅ]"  # a body's name in a label (`Sundhedsudvalget`)
_ANY_BODY = r"[\wæøåÆØÅ][\wæøåÆØÅ\-. ]{0,70}?"  # ... where a colon or comma closes it, any case
_WHO = (r"(?:administrationen|direktionen|forvaltningen|direktøren|borgmesteren|sekretariatet|formandskabet"
        r"|\w+forvaltningen)")

# (pattern, canonical section). First match wins; patterns match the whole label, case-insensitively.
LABELS: tuple[tuple[str, str], ...] = (
    (r"resum[eé]|kort\s+resum[eé]|sammenfatning|sammendrag", "resume"),
    (rf"det\s+indstilles(?:\s+til\s+{_ANY_BODY}(?=\s*[:,]))?|indstilling(?:er)?(?:\s+til\s+{_BODY}(?=\s*:?\s*$))?"
     rf"|{_WHO}\s+(?:indstiller|foreslår|anbefaler)(?:\s+(?:over\s*for|til)\s+{_ANY_BODY}(?=\s*[:,]))?"
     r"|forslag\s+til\s+beslutning", "indstilling"),
    (r"sagsfremstilling|beskrivelse\s+af\s+sagen|sagsbeskrivelse|fremstilling|sagens\s+indhold"
     r"|baggrund(?:\s+for\s+sagens\s+fremlæggelse)?|præsentation|økonomi(?:ske\s+konsekvenser)?"
     r"|høring|opfølgning|lovgrundlag|retsgrundlag", "sagsfremstilling"),
    (r"referat(?:\s+af\s+drøftelsen)?|drøftelse", "referat"),
    (rf"beslutning(?:er)?(?:\s+i\s+{_BODY}(?:\s+den\s+{_DATE}|(?=\s*:?\s*$)))?(?:\s+den\s+{_DATE})?"
     rf"|{_BODY}s\s+beslutning(?:\s+den\s+{_DATE})?(?:\s+(?:punkt|pkt\.?)\s*\d{{1,3}})?"
     r"|politisk\s+behandling|konklusion(?:er)?", "beslutning"),
    (r"bilag(?:\s*/\s*links?)?|bilagsliste|vedlagte\s+bilag", "bilag"),
)
_LABEL_RE = compiled(
    r"^\(?\s*(?P<label>" + "|".join(f"(?P<c{n}>{p})" for n, (p, _) in enumerate(LABELS))
    + r")(?![\wæøå])\s*(?P<rest>(?:[:.,]|\d{1,2}\s*[:.]).*?|)\)?\s*$",
    re.IGNORECASE,
)
_MAX_LABEL_LINE = 160


def match_label(line: str) -> tuple[str, str] | None:
    """(canonical name, inline text) when the line is a section label, else None.

    A label stands alone, or is followed by a colon and text (`Bilag: Notat`); `Det indstilles, at X:`
    and `Administrationen indstiller, at X` are label lines too. Prose that merely begins with the word
    (`Referatet blev godkendt`, `Baggrunden er ...`) is not.
    """
    text = line.strip().strip("*_").strip()
    if not text or (len(text) > _MAX_LABEL_LINE and ":" not in text[:_MAX_LABEL_LINE]):
        return None
    if not text[0].isalpha() and text[0] != "(":
        return None
    match = _LABEL_RE().match(text)
    if not match:
        return None
    label = match.group("label")
    rest = match.group("rest").strip()
    name = next(LABELS[n][1] for n in range(len(LABELS)) if match.group(f"c{n}") is not None)
    if not rest or rest in (":", ".", ","):
        return name, ""
    if rest[0] in ":.":
        return name, rest[1:].strip()
    if name == "indstilling" and rest[0] == "," and len(rest) <= 90 and not label.lower().startswith("indstilling"):
        return name, rest[1:].strip()
    if name == "bilag" and re.match(r"\d{1,2}\s*[:.]", rest):
        return name, rest
    return None


_INLINE_RE = compiled(
    r"(?<=[\wæøå.,;)!?])\s+(?=(?:" + "|".join(f"(?:{p})" for p, _ in LABELS) + r")\s*:)", re.IGNORECASE
)


_INLINE_HINT = compiled(r"[a-zæøå]\s*:")


def inline_label_starts(text: str) -> list[int]:
    """Where labels followed by a colon begin inside running text (PDF text flattened onto one line)."""
    if ":" not in text or not _INLINE_HINT().search(text):
        return []
    return [m.end() for m in _INLINE_RE().finditer(text)]


_CAPS_HINT = compiled(r"[A-ZÆØÅ]{5}")
_CAPS = compiled(r"(?<![\wæøåÆØÅ])[A-ZÆØÅÉ]{2,}(?:[ /-][A-ZÆØÅÉ]{2,})*(?![\wæøåÆØÅ])")


def inline_upper_labels(text: str) -> list[tuple[int, int]]:
    """Where labels printed in capitals stand inside running text (`... dagsordenen. INDSTILLING
    Forvaltningen indstiller ...`), as (start, end): a flattened PDF's label lines, without a colon."""
    if not _CAPS_HINT().search(text):
        return []
    return [(m.start(), m.end()) for m in _CAPS().finditer(text)
            if len(m.group()) >= 5 and (label := match_label(m.group())) is not None and not label[1]]
