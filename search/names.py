"""Forgiving cluster, region, forum and municipality names: case, æ/ø/å or ae/oe/aa, with or without
"-klyngen" or " Kommune"."""
from __future__ import annotations

import difflib
import re

from corpus.registry import fold


_LISTED = 25  # more known names than this are not all printed in a message


class UnknownName(Exception):
    pass


def _key(name: str) -> str:
    folded = fold(name)
    folded = re.sub(r"'s\b|'", "", folded)
    return re.sub(r"\s*klyngen?$|s?\s+kommune$", "", folded).strip()


def resolve(kind: str, wanted: str, known: list[str]) -> str:
    """The one known name the user means; an error listing the candidates when it is not one."""
    key = _key(wanted)
    if not key:
        raise UnknownName(f"empty {kind} name")
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
        raise UnknownName(f"{kind} '{wanted}' is ambiguous: " + ", ".join(partial))
    if len(set(known)) > _LISTED:
        close = difflib.get_close_matches(fold(wanted), {fold(n): n for n in known}, n=3, cutoff=0.75)
        names = {fold(n): n for n in known}
        hint = f"; did you mean {' or '.join(names[c] for c in close)}?" if close else ""
        raise UnknownName(f"unknown {kind} '{wanted}': not one of the {len(set(known))} known{hint}")
    listing = ", ".join(sorted(set(known))) or "(none indexed)"
    raise UnknownName(f"unknown {kind} '{wanted}'; known: {listing}")
