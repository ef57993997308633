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

    def by_name(self, name: str) -> Body | None:
        return next((b for b in self.bodies if b.name == name), None)


def fold(text: str) -> str:
    """Lowercase, æ/ø/å spelled out, accents and hyphens dropped: the form names are compared in."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'`´]", "'", text)
    text = re.sub(r"[-‐–—_/]+", " ", text)
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


def _pattern(names: tuple[str, ...]) -> re.Pattern | None:
    forms = sorted({fold(n) for n in names if n.strip()}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")


@lru_cache(maxsize=8)
def _patterns(registry: Registry) -> list[tuple[Body, re.Pattern | None, re.Pattern | None, re.Pattern | None, re.Pattern | None]]:
    out = []
    for body in registry.bodies:
        municipality_named = tuple(f"{m} kommune" for m in body.municipalities)
        out.append((body, _pattern(body.aliases), _pattern(body.hospitals), _pattern(municipality_named),
                    _pattern(body.municipalities)))
    return out


# Weights: an explicit name in the title beats everything; participants' organisations come next.
_WEIGHTS = {"alias": (10.0, 2.0), "hospital": (3.0, 0.5), "kommune": (2.0, 0.5), "place": (1.0, 0.1)}


def identify(registry: Registry, header: str, body: str) -> tuple[Body | None, list[str]]:
    """The body a document belongs to, with a note when the evidence is split between two."""
    header_f, body_f = fold(header), fold(body)
    scores: list[tuple[float, Body]] = []
    for entry, *patterns in _patterns(registry):
        score = 0.0
        for kind, pattern in zip(_WEIGHTS, patterns):
            if pattern is None:
                continue
            in_header, in_body = _WEIGHTS[kind]
            score += in_header * min(len(pattern.findall(header_f)), 5)
            score += in_body * min(len(pattern.findall(body_f)), 10)
        if score > 0:
            scores.append((score, entry))
    scores.sort(key=lambda s: -s[0])
    if not scores or scores[0][0] < 1.0:
        return None, []
    notes = []
    if len(scores) > 1 and scores[1][0] >= 0.8 * scores[0][0]:
        notes.append(f"cluster uncertain: {scores[0][1].name} or {scores[1][1].name}")
    return scores[0][1], notes


def find_region(registry: Registry, text: str) -> str | None:
    folded = fold(text)
    counts = [(len(re.findall(r"(?<!\w)" + re.escape(fold(r)) + r"(?!\w)", folded)), r) for r in registry.regions]
    counts = [c for c in counts if c[0]]
    return max(counts)[1] if counts else None
