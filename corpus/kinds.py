"""Which version of a meeting a document is: the agenda (dagsorden), an addition to it
(tillægsdagsorden) or the minutes (referat).

The header says so in most documents ("Referat", "Tillægsdagsorden", "Dagsorden for mødet ...");
when it is silent or names both ("Dagsordener og referater"), decisions in the items decide.
"""
from __future__ import annotations

import re

from .model import AgendaItem

KINDS = ("dagsorden", "tillægsdagsorden", "referat")

_SUPPLEMENT = re.compile(r"till(?:æ|ae)gs\s*-?\s*dagsorden|supplerende\s+dagsorden|till(?:æ|ae)g\s+til\s+dagsorden",
                         re.I)
_MINUTES = re.compile(r"\breferat(?!er)|\bbeslutningsprotokol|\bmødeprotokol", re.I)
_AGENDA = re.compile(r"\bdagsorden(?!er)|\bindkaldelse\b", re.I)
_DECISION_SECTIONS = ("beslutning", "referat")


def document_kind(title_lines: list[str], items: tuple[AgendaItem, ...] | list[AgendaItem]) -> str | None:
    """dagsorden, tillægsdagsorden or referat; None when neither the header nor the items tell."""
    head = "\n".join(title_lines)
    if _SUPPLEMENT.search(head):
        return "tillægsdagsorden"
    decided = any(item.section_map().get(name) for item in items for name in _DECISION_SECTIONS)
    if _MINUTES.search(head) or decided:
        return "referat"
    if _AGENDA.search(head):
        return "dagsorden"
    return None
