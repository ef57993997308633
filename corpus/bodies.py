"""Who held a meeting: the body's kind, municipality, region and (only for a cluster's forums) cluster.

A body is classified from its name as printed (`Sundheds- og Omsorgsudvalget`, `Direktørforum
Sundhedsklynge Midt`, `Sundhedsråd Fyn`) by the kind table in data/body_kinds.json, and placed by the
evidence of the text: a municipality named as `<X> Kommune`, a region named as `Region X(s)`, a cluster
or its hospital. A cluster is given only when the body is a cluster or one of its forums, and then only
from names in the text it is given (the caller passes the header and participants, never item text):
a wrong cluster is worse than none.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .lazy import compiled
from .registry import Body, Registry, cluster_names, find_region, fold, identify

CLUSTER_FORUM = "cluster forum"
OTHER = "other"
_EVIDENCE_DECIDES = "committee"  # a pattern kind meaning "municipal or regional, by the evidence"


@dataclass(frozen=True)
class BodyInfo:
    body: str | None
    body_kind: str | None
    municipality: str | None
    cluster: str | None
    region: str | None
    notes: tuple[str, ...] = ()  # what was uncertain (two clusters with nearly equal evidence)
    period: str | None = None  # the election period printed after the name (`Byråd 2022-2025`)


@lru_cache(maxsize=1)
def _kind_data() -> dict:
    return json.loads(resources.files("corpus").joinpath("data/body_kinds.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _kind_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """(kind, pattern) of the table, compiled at the first use (the facet's help text needs only the kinds)."""
    return tuple((p["kind"], re.compile(p["pattern"], re.I)) for p in _kind_data()["patterns"])


def body_kinds() -> tuple[str, ...]:
    """Every body kind, in the order the table declares them (the facet's values)."""
    return tuple(_kind_data()["kinds"])


def kind_of_name(name: str) -> str | None:
    """The kind a body's name alone says; `committee` when only the evidence can tell; None for no body."""
    for kind, pattern in _kind_patterns():
        if pattern.search(name):
            return kind
    return None


_PERIOD = compiled(r"\s+(?P<period>(?:19|20)\d\d)\s*[-–]\s*(?P<end>(?:19|20)\d\d)$")


def split_period(name: str) -> tuple[str, str | None]:
    """`Byråd 2022-2025` is the body `Byråd` in the election period `2022-2025`."""
    match = _PERIOD().search(name)
    if not match or not match.string[: match.start()].strip():
        return name, None
    return name[: match.start()].strip(), f"{match['period']}-{match['end']}"


_VENUE = compiled(r"^\s*(?:sted|mødested|m\S?dested|lokale|mødelokale|adresse|location)\b", re.I)


def describe_body(name: str | None, text: str, registry: Registry, year: int | None = None,
                  place: str | None = None) -> BodyInfo:
    """Kind, municipality, cluster and region of the body called `name`, with `text` as evidence.

    `text` should be what the document says about the meeting (its header, participants); a venue line
    (`Sted: Regionshuset Viborg`) is never evidence. `year` renames regions that a reform merged.
    `place` is the municipality the document's source belongs to (a municipality's portal, a folder
    registered as its): a committee the header does not place is that municipality's.
    """
    evidence = "\n".join(line for line in text.split("\n") if not _VENUE().match(line))
    name, period = split_period(" ".join(name.split())) if name else (None, None)
    entry = _registry_body(registry, name, evidence)
    kind = _kind(entry, name, evidence, registry, place)
    if name is None and entry is None and kind is None:
        region = registry.region_in(find_region(registry, evidence), year)
        return BodyInfo(None, None, None, None, region)
    municipality = None
    if kind in ("municipal committee", OTHER):
        municipality = _municipality(registry, name or "") or _municipality(registry, evidence) or place
    cluster: str | None = None
    notes: list[str] = []
    if kind == CLUSTER_FORUM:
        found = entry if entry is not None and entry.kind == "cluster" else None
        if found is None:
            found, notes = identify(registry, (name or "") + "\n" + evidence, "")
        cluster = found.name if found else None
    certain = entry is not None and entry.region and entry.kind != "sundhedsråd"  # those names: best knowledge
    region = (
        (entry.region if certain and entry is not None else None)
        or (find_region(registry, evidence) if entry is not None and entry.kind == "sundhedsråd" else None)
        or (entry.region if entry is not None and entry.region else None)
        or find_region(registry, name or "")
        or (registry.municipality_region(municipality) if municipality else None)
        or (next((b.region for b in registry.bodies if b.name == cluster), None) if cluster else None)
        or find_region(registry, evidence)
    )
    body = name or (entry.name if entry is not None else None)
    return BodyInfo(body, kind, municipality, cluster, registry.region_in(region, year), tuple(notes), period)


def _registry_body(registry: Registry, name: str | None, evidence: str) -> Body | None:
    """A registry body whose alias is the printed name or is named in it (or, without a name, in the text)."""
    where = fold(name) if name else fold("\n".join(evidence.split("\n")[:12]))
    pattern, owners = _alias_pattern(registry)
    found = [m.group(1) for m in pattern.finditer(where)]
    return owners[max(found, key=len)] if found else None


@lru_cache(maxsize=8)
def _alias_pattern(registry: Registry) -> tuple[re.Pattern, dict[str, Body]]:
    """Every body's aliases, folded, in one pattern (longest first); alias -> body (the first that has it)."""
    owners: dict[str, Body] = {}
    for body in registry.bodies:
        for alias in body.aliases:
            owners.setdefault(fold(alias), body)
    owners.pop("", None)
    alternation = "|".join(re.escape(a) for a in sorted(owners, key=len, reverse=True))
    return re.compile(r"(?<!\w)(" + alternation + r")(?!\w)"), owners


_UDVALG = compiled(r"udvalg", re.I)


def _kind(entry: Body | None, name: str | None, evidence: str, registry: Registry, place: str | None) -> str | None:
    if entry is not None:
        return CLUSTER_FORUM if entry.kind == "cluster" else entry.kind
    if name is None:
        return None
    kind = kind_of_name(name)
    if kind != _EVIDENCE_DECIDES and kind is not None:
        return kind
    municipal = len(_municipality_mentions(registry, name + "\n" + evidence))
    regional = len(re.findall(r"(?<!\w)region(?:s|en|ens)?\b|regionsr(?:aa|å)d", fold(name + "\n" + evidence)))
    if (municipal or place) and municipal >= regional:
        return "municipal committee"
    if regional and re.search(r"(?<!\w)region\s+\w", fold(name + "\n" + evidence)):
        return "regional committee"
    if not regional and _UDVALG().search(name):
        return "municipal committee"  # a committee nothing places: most are a municipality's, as Byråd's are
    return OTHER


@lru_cache(maxsize=8)
def _municipality_pattern(registry: Registry) -> tuple[re.Pattern, dict[str, str]]:
    """`<X> Kommune(s)`, `<X>s Kommune`, `<X> Byråd`, `Byrådet i <X>`, folded; spelling -> municipality.

    A spelling that names the council itself (`Bornholms Regionskommune`) counts on its own.
    """
    spellings = {fold(m): m for m, _ in registry.municipalities}
    spellings.update({fold(a): m for a, m in registry.municipality_aliases})
    bare = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True) if "kommune" not in s)
    whole = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True) if "kommune" in s) or "(?!)"
    pattern = re.compile(
        rf"(?<!\w)(?:(?P<c>{whole})"
        rf"|(?P<a>{bare})s? (?:kommunes?|byraad(?:et|s)?|kommunalbestyrelse(?:n|s)?|raadhus(?:et)?)"
        rf"|(?:byraadet|kommunalbestyrelsen|kommune) (?:i|for) (?P<b>{bare}))(?!\w)"
    )
    return pattern, spellings


def _municipality_mentions(registry: Registry, text: str) -> list[str]:
    pattern, spellings = _municipality_pattern(registry)
    return [spellings[m.group("a") or m.group("b") or m.group("c")] for m in pattern.finditer(fold(text))]


def header_municipality(registry: Registry, header: str) -> str | None:
    """The one municipality a document's header names (`Aarhus Kommune` above the title), venue lines
    aside; None when it names none or several (a participant list of many councils)."""
    lines = "\n".join(line for line in header.split("\n") if not _VENUE().match(line))
    named = set(_municipality_mentions(registry, lines))
    return named.pop() if len(named) == 1 else None


def _municipality(registry: Registry, text: str) -> str | None:
    """The municipality named most often (the first named on a tie)."""
    mentions = _municipality_mentions(registry, text)
    if not mentions:
        return None
    return max(dict.fromkeys(mentions), key=mentions.count)


# Who may sit in a cluster's meeting besides its hospital unit and municipalities: general practice and
# the region's staff (its planning staff, its secretariat). Anyone else makes the list no cluster's.
_GENERAL_PRACTICE = compiled(
    r"almen\s*praksis|praktiserende\s+l(?:æ|ae)ge|\bplo\b|\bpko\b|praksiskoordinator|\bap\b", re.I)
_NAME_ONLY = compiled(r"^[\w.\- ]+:?$|^[^,\t\-–(]+$")  # `Direktørforum:`, `Mette Lund`: names no organisation


def cluster_of_participants(registry: Registry, participants: list[str] | tuple[str, ...]) -> Body | None:
    """The cluster whose meeting this is, judged from its participant list as a whole: every participant
    who names an organisation is of the cluster's hospital unit, one of its municipalities, general
    practice or the cluster's region, and both the hospital and (two, or all, of) the municipalities are
    there. One employer is no evidence, and one participant from anywhere else (another municipality or
    hospital, an organisation the registry does not know) makes it no cluster's: a wrong cluster is worse
    than none."""
    hospitals: set[str] = set()
    municipalities: set[str] = set()
    regions: set[str] = set()
    for line in (" ".join(p.split()) for p in participants):
        if not line:
            continue
        found = cluster_names(registry, line)
        named = set(_municipality_mentions(registry, line))
        regional = find_region(registry, line)
        if not found and not named and not regional and not _GENERAL_PRACTICE().search(line):
            if _NAME_ONLY().match(line):
                continue
            return None
        hospitals |= {name for name, kind in found if kind == "hospital"}
        municipalities |= named | {name for name, kind in found if kind in ("kommune", "place")}
        regions |= {regional} if regional else set()
    clusters = [b for b in registry.clusters() if hospitals & set(b.hospitals)]
    if len(clusters) != 1:
        return None
    cluster = clusters[0]
    if not (hospitals <= set(cluster.hospitals) and municipalities <= set(cluster.municipalities)
            and regions <= {cluster.region}):
        return None
    return cluster if len(municipalities) >= min(2, len(cluster.municipalities)) else None


_DOC_WORDS = compiled(
    r"^(?:(?:åbent|åben|lukket|endelig|foreløbig|ny)\s+)?(?:dagsordner|dagsordener|dagsorden|referater|referat"
    r"|beslutningsprotokol|mødeprotokol|tillægsdagsorden|indkaldelse|protokol)(?:\s+og\s+(?:referater|referat|dagsorden))?"
    r"(?:\s+(?:for|fra|til|af))?(?:\s+(?:mødet|møde|møder))?(?:\s+i)?\b[\s:.\-–]*",
    re.IGNORECASE,
)
_NAME_FIELD = compiled(r"^(?:udvalg|forum|gruppe|organ|mødeforum|råd|sagen afgøres i)\s*:\s*(?P<name>.+)$",
                         re.IGNORECASE)
_MOEDE_I = compiled(r"^(?:ordinært\s+|ekstraordinært\s+)?møde(?:t)?\s+i\s+(?P<name>.+)$", re.IGNORECASE)
_DASHED = compiled(r"^(?P<name>.+?)\s+[-–]\s+(?:referat|dagsorden|beslutningsprotokol)\b", re.IGNORECASE)
_TAIL = compiled(
    r"\s*(?:[,\-–]\s*)?(?:(?:den|d\.)\s+)?(?:(?:man|tirs|ons|tors|fre|lør|søn)dag[,\s]+)?(?:den\s+)?\d{1,2}[.\-/ ].*$"
    r"|\s+(?:den|d\.)\s*$|\s*\bkl\.?\s*\d.*$|\s+(?:mødedato|mødested|tid|sted)\b.*$",
    re.IGNORECASE,
)
_FIELD = compiled(r"^[\wæøåÆØÅ.\- ]{2,25}:")  # `Deltagere: ...`, `Sted: ...`: a field, not a title
_PLACE_ONLY = compiled(r"^(?:region\s+\S+|[\wæøåÆØÅ\-]+(?:\s[\wæøåÆØÅ\-]+)?\s+(?:kommune|regionskommune))$",
                         re.IGNORECASE)
_ADDRESS = compiled(r"^\s*(?:til|fra|cc|emne|modtager(?:e)?|afsender|kopi)\s*:", re.IGNORECASE)
_DECIDED_BY = compiled(
    r"^(?P<name>(?-i:[A-ZÆØÅ])[\wæøåÆØÅ\-. ]{2,70}?)s\s+beslutning\s+den\b"
    r"|^beslutning\s+i\s+(?P<name2>.{3,80}?)\s+den\s+\d",
    re.IGNORECASE,
)


def find_body_name(header_lines: list[str], text_lines: list[str]) -> tuple[str | None, bool]:
    """The body named by the header (`Udvalg: X`, `Møde i X`, `X - Referat - <date>`, `Referat X <date>`,
    a line that is a body's name), or else guessed from the decision labels (`Xs beslutning den ...`).

    Returns the name and whether it was guessed.
    """
    lines = [" ".join(line.split()) for line in header_lines if line.strip() and not _ADDRESS().match(line)][:15]
    for line in lines:
        for pattern in (_NAME_FIELD(), _MOEDE_I(), _DASHED()):
            match = pattern.match(line)
            if match and (name := _tidy(match.group("name"))):
                return name, False
    for line in lines[:8]:
        if _FIELD().match(line):
            continue
        rest = _DOC_WORDS().sub("", line, count=1) if _DOC_WORDS().match(line) else None
        candidate = _tidy(rest if rest is not None else line)
        if candidate and kind_of_name(candidate) and not _PLACE_ONLY().match(candidate):
            return candidate, False
    counts: dict[str, int] = {}
    for line in text_lines:
        if "eslutning" not in line:
            continue
        match = _DECIDED_BY().match(line.strip())
        if match:
            name = _tidy(match.group("name") or match.group("name2"))
            if name and kind_of_name(name):
                name = name[0].upper() + name[1:]
                counts[name] = counts.get(name, 0) + 1
    if counts:
        return max(counts, key=counts.__getitem__), True
    return None, False


def _tidy(name: str) -> str | None:
    """A body's name without the date, time and place printed after it."""
    name = _TAIL().sub("", " ".join(name.split())).strip(" .,:;-–")
    if not name or len(name) > 90 or len(name.split()) > 12 or not any(ch.isalpha() for ch in name):
        return None
    return name
