"""Forgiving cluster, region and forum names: case, æ/ø/å or ae/oe/aa, with or without "-klyngen"."""
from __future__ import annotations

import re

from corpus.registry import fold


class UnknownName(Exception):
    """A name that is none (`candidates` empty) or several (`candidates`) of the known ones."""

    def __init__(self, message: str, value: str = "", candidates: list[str] | None = None):
        super().__init__(message)
        self.value, self.candidates = value, candidates or []


def _key(name: str) -> str:
    folded = fold(name)
    folded = re.sub(r"'s\b|'", "", folded)
    return re.sub(r"\s*klyngen?$", "", folded).strip()


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
    listing = ", ".join(sorted(set(known))) or "(none indexed)"
    raise UnknownName(f"unknown {kind} '{wanted}'; known: {listing}", wanted)
