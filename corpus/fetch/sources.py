"""Where minutes are fetched from: the user's sources (a JSON file beside the index) and the known portals.

A source is a FirstAgenda Publication portal (its base URL) and, optionally, the committees (udvalg) to
follow on it, each given by id or by name. The known portals ship as package data
(`corpus/fetch/data/portals.json`); a user adds one of them by name, or any other portal by URL.

A source also says whose minutes they are: a municipality's portal publishes that municipality's
committees, though its meeting JSON never names the municipality. The municipality is the one given
(`--municipality`), else the one the portal's host names (`dagsordener.greve.dk`: Greve). It applies to
the files fetched from the source and to a folder registered for it (`--folder`, minutes the user got
elsewhere): `places()` gives each such folder's municipality, which the indexer hands the reader.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..files import write_atomic
from ..registry import Registry, fold

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
    folder: str = ""  # a folder of this source's minutes, besides what is fetched (absolute)
    municipality: str = ""  # whose minutes these are, when the user said so

    def to_json(self) -> dict:
        return {"name": self.name, "url": self.url, "udvalg": list(self.udvalg), "title": self.title,
                "folder": self.folder, "municipality": self.municipality}

    @classmethod
    def from_json(cls, entry: dict) -> Source:
        return cls(entry["name"], entry.get("url") or "", tuple(entry.get("udvalg", [])), entry.get("title", ""),
                   entry.get("folder") or "", entry.get("municipality") or "")

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


@dataclass
class SourceList:
    sources: list[Source] = field(default_factory=list)
    folder: str | None = None  # where `referat fetch` downloads to (remembered from --into)

    def get(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)

    def download_folder(self, state_dir: str | Path) -> Path:
        """Where `referat fetch` downloads: the folder remembered, else `fetched` beside the index."""
        return Path(self.folder) if self.folder else Path(state_dir).resolve().parent / "fetched"


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
    return [Source.from_json(e) for e in data["sources"]]


def find_municipality(registry: Registry, text: str) -> str | None:
    """The municipality `text` names (`Greve`, `greve kommune`, `Københavns Kommune`), as the registry
    spells it; None when it names none."""
    wanted = fold(text).removesuffix(" kommune").removesuffix(" kommunes")
    spellings = {fold(m): m for m, _ in registry.municipalities}
    spellings.update({fold(a): m for a, m in registry.municipality_aliases})
    return spellings.get(wanted) or spellings.get(wanted.removesuffix("s"))


def source_place(source: Source, registry: Registry) -> str | None:
    """The municipality whose minutes the source holds: the one given, else the one its host names."""
    if source.municipality:
        return find_municipality(registry, source.municipality) or source.municipality
    labels = (urlsplit(source.url).hostname or "").split(".") if source.url else []
    found = {m for label in labels[:-1] if (m := find_municipality(registry, label.replace("-", " ")))}
    return found.pop() if len(found) == 1 else None


def places(state_dir: str | Path, registry: Registry) -> tuple[tuple[str, str], ...]:
    """(folder, municipality) for every folder of a source whose municipality is known: its registered
    folder and its share of the download folder."""
    try:
        listed = load_sources(state_dir)
    except SourceError:
        return ()
    found = []
    for source in listed.sources:
        municipality = source_place(source, registry)
        if municipality:
            if source.folder:
                found.append((source.folder, municipality))
            if source.url:
                found.append((str(listed.download_folder(state_dir) / slug(source.name)), municipality))
    return tuple(found)


def place_of(path: str, folders: tuple[tuple[str, str], ...]) -> str | None:
    """The municipality of the innermost folder in `folders` that holds `path`."""
    best = None
    for folder, municipality in folders:
        root = folder.rstrip("/") + "/"
        if path.startswith(root) and (best is None or len(root) > len(best[0])):
            best = (root, municipality)
    return best[1] if best else None


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
        return SourceList([Source.from_json(e) for e in data["sources"]], data.get("folder"))
    except (KeyError, TypeError) as exc:
        raise SourceError(f"{path} is not a sources file (missing {exc})") from None


def save_sources(state_dir: str | Path, sources: SourceList) -> None:
    Path(state_dir).mkdir(parents=True, exist_ok=True)
    payload = {"folder": sources.folder, "sources": [s.to_json() for s in sources.sources]}
    write_atomic(_path(state_dir), json.dumps(payload, ensure_ascii=False, indent=1))


def add_source(state_dir: str | Path, name: str, url: str | None = None, udvalg: list[str] | None = None, *,
               folder: str | Path | None = None, municipality: str | None = None,
               registry: Registry | None = None) -> Source:
    """Add (or replace) a source: a known portal by its name, any portal by URL, or (with `folder` and
    no URL) a folder of minutes that is not fetched. `municipality` says whose minutes they are (checked
    against `registry` when given)."""
    if not NAME_RE.match(name):
        raise SourceError(f"bad source name {name!r}: letters, digits, '.', '_' and '-' only")
    known = {s.name: s for s in known_sources()}
    if url:
        base, from_link = portal_url(url)
        title = ""
    elif name in known:
        base, from_link, title = known[name].url, known[name].udvalg, known[name].title
    elif folder:
        base, from_link, title = "", (), ""
    else:
        raise SourceError(f"{name!r} is not a known portal; give its URL, or a folder with --folder "
                          f"(known: {', '.join(sorted(known))})")
    where = ""
    if folder:
        where = str(Path(folder).resolve())
        if not Path(where).is_dir():
            raise SourceError(f"--folder {folder}: no such folder")
    if municipality and registry is not None:
        found = find_municipality(registry, municipality)
        if found is None:
            raise SourceError(f"--municipality {municipality!r}: not a municipality of the registry")
        municipality = found
    chosen = tuple(dict.fromkeys(u.strip() for u in (udvalg or []) if u.strip())) or from_link
    source = Source(name, base, chosen, title, where, municipality or "")
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
