"""Facets and filters, declared once: one row per facet.

A row says what the facet is called (in results, JSON, `--NAME` options and `NAME:value` in a query),
which index field holds it, how a value the user types is matched (`kind`), how it is read from the
model (`extract`), whether it is counted and whether saved searches store it. The schema fields, the
documents written, the search filters and counts, the CLI options and the watches all follow from this
table, so a new facet is one row here plus, when the model lacks it, its extraction in corpus/.

Kinds:
- `name`: an exact stored value, matched forgivingly (case, æ/ø/å or ae/oe/aa, "-klyngen", a unique
  prefix); an ambiguous or unknown name is an error listing the candidates.
- `year`: a year or a range (2022-2024).
- `section`: restricts which sections a query matches in; counted as the sections that matched.
- `text`: words matched in a text field of their own (participants).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corpus.bodies import body_kinds
from corpus.model import SECTION_NAMES, AgendaItem, Meeting
from corpus.outcome import OUTCOMES
from corpus.registry import load as load_registry


@dataclass(frozen=True)
class Facet:
    name: str
    field: str
    kind: str  # name | year | section | text
    help: str
    extract: Callable[[Meeting, AgendaItem], object] | None = None
    aliases: tuple[str, ...] = ()  # further query prefixes (Danish names)
    option: str | None = None  # the CLI option when it is not --NAME
    more_options: tuple[str, ...] = ()  # further CLI options for it (`--in bilag` is `--section bilag`)
    counted: bool = True
    watched: bool = True
    candidates: Callable[[str | None], list[str]] = lambda registry_file: []  # names known besides the indexed

    @property
    def cli_option(self) -> str:
        return self.option or "--" + self.name.replace("_", "-")

    @property
    def prefixes(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _registry_clusters(registry_file: str | None) -> list[str]:
    return [b.name for b in load_registry(registry_file).clusters()]


def _registry_municipalities(registry_file: str | None) -> list[str]:
    return [name for name, _ in load_registry(registry_file).municipalities]


def _registry_regions(registry_file: str | None) -> list[str]:
    return list(load_registry(registry_file).regions)


def _meeting(attribute: str) -> Callable[[Meeting, AgendaItem], object]:
    return lambda meeting, item: getattr(meeting, attribute)


FACETS: tuple[Facet, ...] = (
    Facet("cluster", "cluster", "name", "Only this cluster (forgiving: case, æøå/ae-oe-aa, -klyngen).",
          _meeting("cluster"), aliases=("klynge",), candidates=_registry_clusters),
    Facet("region", "region", "name", "Only this region.", _meeting("region"), candidates=_registry_regions),
    Facet("forum", "forum", "name", "Only this forum.", _meeting("forum")),
    Facet("body", "body", "name", "Only meetings of this body (as named in the minutes' header).",
          _meeting("body"), aliases=("organ", "udvalg")),
    Facet("body_kind", "body_kind", "name", "Only this kind of body: " + ", ".join(body_kinds()) + ".",
          _meeting("body_kind"), aliases=("kind", "type"), candidates=lambda registry_file: list(body_kinds())),
    Facet("municipality", "municipality", "name", "Only this municipality's bodies (any of the 98).",
          _meeting("municipality"), aliases=("kommune",), candidates=_registry_municipalities),
    Facet("period", "period", "name", "Only this election period of the body (e.g. 2022-2025).",
          _meeting("period"), aliases=("valgperiode",), counted=False),
    Facet("year", "year", "year", "A year or a range, e.g. 2023 or 2022-2024.", _meeting("year"),
          aliases=("år", "aar")),
    Facet("section", "sections", "section",
          "Match only in this section: " + ", ".join(SECTION_NAMES) + " (bilag: the attachments, their text "
          "included).", aliases=("sektion", "in"), more_options=("--in",)),
    Facet("outcome", "outcome", "name",
          "Only items with this decision: godkendt, taget til efterretning, drøftet, udsat, tiltrådt, ...",
          lambda meeting, item: item.outcome, aliases=("udfald",),
          candidates=lambda registry_file: [name for name, _ in OUTCOMES]),
    Facet("person", "participants", "text", "Only meetings with this participant (name or initials).",
          aliases=("participant", "participants", "deltager", "deltagere"), counted=False),
)

BY_NAME = {facet.name: facet for facet in FACETS}
BY_PREFIX = {prefix: facet for facet in FACETS for prefix in facet.prefixes}


def stored_values(meeting: Meeting, item: AgendaItem) -> dict[str, object]:
    """The facet values of one item, by field, for the rows that are read from the model."""
    values = {}
    for facet in FACETS:
        if facet.extract is not None:
            value = facet.extract(meeting, item)
            if value not in (None, ""):
                values[facet.field] = value
    return values
