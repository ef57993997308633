"""The cluster registry: which body a document belongs to, found from names, hospitals and municipalities.

The registry is data (corpus/data/clusters.json); a user file with the same shape adds bodies or replaces
those with the same name, so the tool keeps working when the 2027 reform renames everything.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


class RegistryError(Exception):
    pass


@dataclass(frozen=True)
class Body:
    name: str
    region: str
    aliases: tuple[str, ...]
    hospitals: tuple[str, ...]
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class Registry:
    bodies: tuple[Body, ...]
    regions: tuple[str, ...]


_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "’": "'", "`": "'", "´": "'",
                              "-": " ", "‐": " ", "–": " ", "—": " ", "_": " ", "/": " "})


def fold(text: str) -> str:
    """Lowercase, æ/ø/å spelled out, accents and hyphens dropped: the form names are compared in."""
    text = text.lower().translate(_FOLD_TABLE)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(text.split())


def _parse(data: dict, origin: str) -> tuple[list[Body], list[str]]:
    try:
        bodies = [
            Body(
                name=entry["name"],
                region=entry.get("region", ""),
                aliases=tuple(entry.get("aliases", [])) or (entry["name"],),
                hospitals=tuple(entry.get("hospitals", [])),
                municipalities=tuple(entry.get("municipalities", [])),
            )
            for entry in data.get("bodies", [])
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise RegistryError(f"{origin}: every body needs at least a 'name' ({exc})") from None
    return bodies, list(data.get("regions", []))


@lru_cache(maxsize=8)
def load(extra: str | None = None) -> Registry:
    """The built-in registry, extended or overridden by the JSON file `extra`."""
    builtin = json.loads(resources.files("corpus").joinpath("data/clusters.json").read_text("utf-8"))
    bodies, regions = _parse(builtin, "built-in registry")
    if extra:
        try:
            user = json.loads(Path(extra).read_text("utf-8"))
        except OSError as exc:
            raise RegistryError(f"cannot read registry file {extra}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RegistryError(f"registry file {extra} is not valid JSON: {exc}") from None
        if not isinstance(user, dict):
            raise RegistryError(f"registry file {extra} must hold an object with 'bodies'")
        more, more_regions = _parse(user, str(extra))
        names = {b.name for b in more}
        bodies = [b for b in bodies if b.name not in names] + more
        regions += [r for r in more_regions if r not in regions]
        regions += [b.region for b in more if b.region and b.region not in regions]
    return Registry(tuple(bodies), tuple(regions))


_WORDS = re.compile(r"[\w']+")


def _words(text: str) -> list[str]:
    """Lowercased words, apostrophes kept (OUH's), hyphens and punctuation as separators."""
    return _WORDS.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=8)
def _matcher(registry: Registry) -> tuple[dict[tuple[str, ...], list[tuple[int, str]]], dict[str, int]]:
    """Every name as a tuple of words, in its own spelling and spelled without æ/ø/å.

    Returns the names mapped to the (body index, kind) pairs they stand for (a name shared by two
    bodies counts for both), and for each first word the longest name it can start.
    """
    owners: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for n, body in enumerate(registry.bodies):
        kinds = (("alias", body.aliases), ("hospital", body.hospitals),
                 ("kommune", tuple(f"{m} kommune" for m in body.municipalities)), ("place", body.municipalities))
        for kind, names in kinds:
            for name in names:
                for form in {tuple(_words(name)), tuple(_words(fold(name)))}:
                    if form and (n, kind) not in owners.setdefault(form, []):
                        owners[form].append((n, kind))
    longest: dict[str, int] = {}
    for form in owners:
        longest[form[0]] = max(longest.get(form[0], 0), len(form))
    return owners, longest


# Weights: an explicit name in the title beats everything; participants' organisations come next.
_WEIGHTS = {"alias": (10.0, 2.0), "hospital": (3.0, 0.5), "kommune": (2.0, 0.5), "place": (1.0, 0.1)}
_CAPS = (5, 10)  # at most this many mentions of one name count, in the header and in the body


def _counts(owners, longest, text: str) -> dict[tuple[str, ...], int]:
    """Mentions of each name, longest match first (`Herning Kommune` is not also a bare `Herning`)."""
    words = _words(text)
    found: dict[tuple[str, ...], int] = {}
    i, end = 0, len(words)
    while i < end:
        span = longest.get(words[i])
        if span:
            for size in range(min(span, end - i), 0, -1):
                form = tuple(words[i:i + size])
                if form in owners:
                    found[form] = found.get(form, 0) + 1
                    i += size - 1
                    break
        i += 1
    return found


def identify(registry: Registry, header: str, body: str) -> tuple[Body | None, list[str]]:
    """The body a document belongs to, with a note when the evidence is split between two."""
    owners, longest = _matcher(registry)
    scores: dict[int, float] = {}
    for where, text in enumerate((header, body)):
        for form, count in _counts(owners, longest, text).items():
            for n, kind in owners[form]:
                scores[n] = scores.get(n, 0.0) + _WEIGHTS[kind][where] * min(count, _CAPS[where])
    ranked = sorted(((score, registry.bodies[n]) for n, score in scores.items()), key=lambda s: -s[0])
    if not ranked or ranked[0][0] < 1.0:
        return None, []
    notes = []
    if len(ranked) > 1 and ranked[1][0] >= 0.8 * ranked[0][0]:
        notes.append(f"cluster uncertain: {ranked[0][1].name} or {ranked[1][1].name}")
    return ranked[0][1], notes


def find_region(registry: Registry, text: str) -> str | None:
    folded = fold(text)
    counts = [(len(re.findall(r"(?<!\w)" + re.escape(fold(r)) + r"(?!\w)", folded)), r) for r in registry.regions]
    counts = [c for c in counts if c[0]]
    return max(counts)[1] if counts else None
