"""The registry: clusters, region-wide bodies, sundhedsråd, regions and the 98 municipalities.

The registry is data (corpus/data/clusters.json); a user file with the same shape adds bodies or replaces
those with the same name, so the tool keeps working when the 2027 reform renames everything. Which
cluster a cluster forum's document belongs to is found from names, hospitals and municipalities.
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
    kind: str = "cluster"  # "cluster", or a body kind of data/body_kinds.json


@dataclass(frozen=True)
class Registry:
    bodies: tuple[Body, ...]
    regions: tuple[str, ...]
    municipalities: tuple[tuple[str, str], ...] = ()  # (municipality, region)
    municipality_aliases: tuple[tuple[str, str], ...] = ()  # (other spelling, municipality)
    successors: tuple[tuple[str, int, str], ...] = ()  # (old region, from year, new region)

    def clusters(self) -> tuple[Body, ...]:
        return tuple(b for b in self.bodies if b.kind == "cluster")

    def municipality_region(self, name: str) -> str | None:
        return next((region for m, region in self.municipalities if m == name), None)

    def region_in(self, region: str | None, year: int | None) -> str | None:
        """The region as it was called in `year` (Sjælland and Hovedstaden are Østdanmark from 2027)."""
        for old, start, new in self.successors:
            if region == old and year is not None and year >= start:
                return new
        return region


_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "’": "'", "`": "'", "´": "'",
                              "-": " ", "‐": " ", "–": " ", "—": " ", "_": " ", "/": " "})


def fold(text: str) -> str:
    """Lowercase, æ/ø/å spelled out, accents and hyphens dropped: the form names are compared in."""
    text = text.lower().translate(_FOLD_TABLE)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(text.split())


def _parse(data: dict, origin: str) -> tuple[list[Body], list[str], list[tuple[str, str]], list[tuple[str, str]],
                                              list[tuple[str, int, str]]]:
    """Bodies, regions, (municipality, region), (alias, municipality), (old region, year, new region)."""
    try:
        bodies = [
            Body(
                name=entry["name"],
                region=entry.get("region", ""),
                aliases=tuple(entry.get("aliases", [])) or (entry["name"],),
                hospitals=tuple(entry.get("hospitals", [])),
                municipalities=tuple(entry.get("municipalities", [])),
                kind=entry.get("kind", "cluster"),
            )
            for entry in data.get("bodies", [])
        ]
        municipalities = [(m, region) for region, names in data.get("municipalities", {}).items() for m in names]
        aliases = [(a, m) for m, spellings in data.get("municipality_aliases", {}).items() for a in spellings]
        successors = [(old, int(rule["year"]), new) for new, rule in data.get("region_from", {}).items()
                      for old in rule["replaces"]]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise RegistryError(f"{origin}: every body needs at least a 'name' ({exc})") from None
    return bodies, list(data.get("regions", [])), municipalities, aliases, successors


@lru_cache(maxsize=8)
def load(extra: str | None = None) -> Registry:
    """The built-in registry, extended or overridden by the JSON file `extra`."""
    builtin = json.loads(resources.files("corpus").joinpath("data/clusters.json").read_text("utf-8"))
    bodies, regions, municipalities, aliases, successors = _parse(builtin, "built-in registry")
    if extra:
        try:
            user = json.loads(Path(extra).read_text("utf-8"))
        except OSError as exc:
            raise RegistryError(f"cannot read registry file {extra}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RegistryError(f"registry file {extra} is not valid JSON: {exc}") from None
        if not isinstance(user, dict):
            raise RegistryError(f"registry file {extra} must hold an object with 'bodies'")
        more, more_regions, more_municipalities, more_aliases, more_successors = _parse(user, str(extra))
        names = {b.name for b in more}
        bodies = [b for b in bodies if b.name not in names] + more
        regions += [r for r in more_regions if r not in regions]
        regions += [b.region for b in more if b.region and b.region not in regions]
        known = {m for m, _ in more_municipalities}
        municipalities = [m for m in municipalities if m[0] not in known] + more_municipalities
        aliases += more_aliases
        successors += more_successors
    return Registry(tuple(bodies), tuple(regions), tuple(municipalities), tuple(aliases), tuple(successors))


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
        if body.kind != "cluster":
            continue
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


def cluster_names(registry: Registry, text: str) -> set[tuple[str, str]]:
    """(name as the registry spells it, kind: alias, hospital, kommune, place) of each cluster name the
    text mentions (longest first: `Herning Kommune` is not also a bare `Herning`)."""
    owners, longest = _matcher(registry)
    spelled = _spellings(registry)
    return {(spelled[(form, kind)], kind) for form in _counts(owners, longest, text)
            for _, kind in owners[form] if (form, kind) in spelled}


@lru_cache(maxsize=8)
def _spellings(registry: Registry) -> dict[tuple[tuple[str, ...], str], str]:
    """(a cluster name as words, its kind) -> the name as the registry spells it."""
    spelled: dict[tuple[tuple[str, ...], str], str] = {}
    for body in registry.clusters():
        for kind, names in (("alias", body.aliases), ("hospital", body.hospitals),
                            ("kommune", body.municipalities), ("place", body.municipalities)):
            for name in names:
                form = f"{name} kommune" if kind == "kommune" else name
                for words in {tuple(_words(form)), tuple(_words(fold(form)))}:
                    spelled.setdefault((words, kind), name)
    return spelled


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


@lru_cache(maxsize=8)
def _region_pattern(regions: tuple[str, ...]) -> tuple[re.Pattern, dict[str, str]]:
    names = {fold(r): r for r in regions}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<!\w)(" + alternation + r")s?(?!\w)"), names


def find_region(registry: Registry, text: str) -> str | None:
    """The region named most often in the text, genitive forms (`Region Sjællands`) included."""
    if not registry.regions:
        return None
    pattern, names = _region_pattern(registry.regions)
    found = [names[m.group(1)] for m in pattern.finditer(fold(text))]
    return max(set(found), key=lambda r: (found.count(r), r)) if found else None
