"""Forgiving cluster, region, forum and municipality names (case, æ/ø/å or ae/oe/aa, with or without
"-klyngen" or " Kommune"), and body names as they should read."""
from __future__ import annotations

import difflib
import functools
import re

from corpus.registry import fold
from corpus.registry import load as load_registry

_LISTED = 25  # more known names than this are not all printed in a message


class UnknownName(Exception):
    """A name that is none (`candidates` empty) or several (`candidates`) of the known ones."""

    def __init__(self, message: str, value: str = "", candidates: list[str] | None = None):
        super().__init__(message)
        self.value, self.candidates = value, candidates or []


def _key(name: str) -> str:
    folded = fold(name)
    folded = re.sub(r"'s\b|'", "", folded)
    return re.sub(r"\s*klyngen?$|s?\s+kommune$", "", folded).strip()


def resolve(kind: str, wanted: str, known: list[str]) -> str:
    """The one known name the user means; an error listing the candidates when it is not one."""
    key = _key(wanted)
    if not key:
        raise UnknownName(f"empty {kind} name", wanted)
    exact = [n for n in known if fold(n) == fold(wanted)]
    if len(exact) == 1:
        return exact[0]
    same = sorted({n for n in known if _key(n) == key})
    if len(same) == 1 and "klynge" in fold(wanted):
        return same[0]
    partial = sorted({n for n in known if re.search(r"(?<!\w)" + re.escape(key), fold(n))})
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise UnknownName(f"{kind} '{wanted}' is ambiguous: " + ", ".join(partial), wanted, partial)
    if len(set(known)) > _LISTED:
        close = difflib.get_close_matches(fold(wanted), {fold(n): n for n in known}, n=3, cutoff=0.75)
        names = {fold(n): n for n in known}
        hint = f"; did you mean {' or '.join(names[c] for c in close)}?" if close else ""
        raise UnknownName(f"unknown {kind} '{wanted}': not one of the {len(set(known))} known{hint}", wanted)
    listing = ", ".join(sorted(set(known))) or "(none indexed)"
    raise UnknownName(f"unknown {kind} '{wanted}'; known: {listing}", wanted)


def damaged_name(name: str) -> bool:
    """A body's name as a damaged header gave it: OCR's @ for ø, or a header set in capitals."""
    letters = [c for c in name if c.isalpha()]
    return "@" in name or (len(letters) > 3 and all(c.isupper() for c in letters))


def body_name(name: str) -> str:
    """A body's name as it should read: the registry's name of a known body (by any of its names, OCR
    damage repaired), else the name with OCR's @ read as ø and a header's capitals as a name's."""
    repaired = name.replace("@", "ø")
    if damaged_name(name):
        repaired = " ".join(w[:1].upper() + w[1:].lower() for w in repaired.split())
    known = _known_bodies()
    return known.get(fold(repaired), repaired)


@functools.cache
def _known_bodies() -> dict[str, str]:
    """Every name and alias of the registry's bodies (folded) -> the body's name."""
    return {fold(alias): body.name for body in load_registry().bodies for alias in (body.name, *body.aliases)}
