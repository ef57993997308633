"""Where minutes are fetched from: the user's sources (a JSON file beside the index) and the known portals.

A source is a FirstAgenda Publication portal (its base URL) and, optionally, the committees (udvalg) to
follow on it, each given by id or by name. The known portals ship as package data
(`corpus/fetch/data/portals.json`); a user adds one of them by name, or any other portal by URL.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..files import write_atomic
from ..registry import fold

SOURCES_FILE = "sources.json"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class SourceError(Exception):
    """A source that cannot be added, found or read; the message says why."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str  # scheme://host[:port] of the portal
    udvalg: tuple[str, ...] = ()  # committee ids or names; empty: every committee
    title: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "url": self.url, "udvalg": list(self.udvalg), "title": self.title}

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


@dataclass
class SourceList:
    sources: list[Source] = field(default_factory=list)
    folder: str | None = None  # where `referat fetch` downloads to (remembered from --into)

    def get(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


def portal_url(url: str) -> tuple[str, tuple[str, ...]]:
    """The portal's base URL from what a user pastes (a front page or committee link), and the
    committee id in that link if there is one (`?request.kriterie.udvalgId=...`)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(f"not a portal URL: {url!r} (expected e.g. https://dagsorden.rm.dk)")
    udvalg = tuple(v for values in parse_qs(parts.query).values() for v in values if UUID_RE.fullmatch(v))
    return f"{parts.scheme}://{parts.netloc}", udvalg


def slug(text: str) -> str:
    """A folder name from a body or meeting name: folded to ASCII, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80] or "unnamed"


def known_sources() -> list[Source]:
    data = json.loads(resources.files(__package__).joinpath("data/portals.json").read_text("utf-8"))
    return [Source(e["name"], e["url"], tuple(e.get("udvalg", [])), e.get("title", "")) for e in data["sources"]]


def _path(state_dir: str | Path) -> Path:
    return Path(state_dir) / SOURCES_FILE


def load_sources(state_dir: str | Path) -> SourceList:
    path = _path(state_dir)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return SourceList()
    except (OSError, json.JSONDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    try:
        return SourceList([Source(e["name"], e["url"], tuple(e.get("udvalg", [])), e.get("title", ""))
                           for e in data["sources"]], data.get("folder"))
    except (KeyError, TypeError) as exc:
        raise SourceError(f"{path} is not a sources file (missing {exc})") from None


def save_sources(state_dir: str | Path, sources: SourceList) -> None:
    Path(state_dir).mkdir(parents=True, exist_ok=True)
    payload = {"folder": sources.folder, "sources": [s.to_json() for s in sources.sources]}
    write_atomic(_path(state_dir), json.dumps(payload, ensure_ascii=False, indent=1))


def add_source(state_dir: str | Path, name: str, url: str | None = None, udvalg: list[str] | None = None) -> Source:
    """Add (or replace) a source: a known portal by its name, or any portal by URL."""
    if not NAME_RE.match(name):
        raise SourceError(f"bad source name {name!r}: letters, digits, '.', '_' and '-' only")
    known = {s.name: s for s in known_sources()}
    if url:
        base, from_link = portal_url(url)
        title = ""
    elif name in known:
        base, from_link, title = known[name].url, known[name].udvalg, known[name].title
    else:
        raise SourceError(f"{name!r} is not a known portal; give its URL "
                          f"(known: {', '.join(sorted(known))})")
    chosen = tuple(dict.fromkeys(u.strip() for u in (udvalg or []) if u.strip())) or from_link
    source = Source(name, base, chosen, title)
    current = load_sources(state_dir)
    current.sources = [s for s in current.sources if s.name != name] + [source]
    save_sources(state_dir, current)
    return source


def remove_source(state_dir: str | Path, name: str) -> None:
    current = load_sources(state_dir)
    if current.get(name) is None:
        raise SourceError(f"no source named {name!r}")
    current.sources = [s for s in current.sources if s.name != name]
    save_sources(state_dir, current)
