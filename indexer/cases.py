"""Cases: which agenda items are appearances of one matter, and which items are only formalities.

An item with a case number (Sagsnr., SagsNummer, EMN-...) belongs to that case wherever it appears,
across meetings and bodies. An item without one is linked by its title within the same body, so a status
item recurring under the same title forms a case. Formalities (approving the agenda, any other business,
...) are read from indexer/data/formalities.json, belong to no case and rank below substantive items.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

NUMBER_PREFIX = "sag:"
TITLE_PREFIX = "titel:"


@functools.cache
def _formalities() -> tuple[tuple[str, re.Pattern], ...]:
    data = json.loads(resources.files("indexer").joinpath("data/formalities.json").read_text("utf-8"))
    return tuple((f["name"], re.compile(f["pattern"])) for f in data["formalities"])


def normal_title(title: str) -> str:
    """Lowercase words only: punctuation, dashes and spacing do not make two titles differ."""
    text = unicodedata.normalize("NFC", title or "").lower()
    return " ".join(re.findall(r"[\wæøå]+", text))


def formality(title: str) -> str | None:
    """The formality an item title names (`godkendelse af dagsorden`, `eventuelt`, ...), else None."""
    text = normal_title(title)
    if not text:
        return None
    for name, pattern in _formalities():
        if pattern.match(text):
            return name
    return None


def normal_case_number(number: str) -> str:
    return re.sub(r"\s+", "", number).upper().rstrip(".,")


def group_key(title: str, case_numbers: tuple[str, ...] | list[str], municipality: str | None) -> str | None:
    """The case an item's search hits are grouped by: its (first) case number, else its title within its
    municipality; a case number counts within the municipality when there is one (each numbers its own
    cases), else everywhere, as `referat case` links them. None for a formality, and for a title outside
    any municipality (a cluster's recurring `Status` items are separate matters)."""
    if formality(title):
        return None
    numbers = [normal_case_number(n) for n in case_numbers if n.strip()]
    if numbers:
        return f"{NUMBER_PREFIX}{municipality or ''}:{numbers[0]}"
    text = normal_title(title)
    return f"{TITLE_PREFIX}{municipality}:{text}" if text and municipality else None


def case_keys(title: str, case_numbers: tuple[str, ...] | list[str], who: str | None) -> tuple[str, ...]:
    """What links an item to the other appearances of its case: its case numbers (`sag:NUMBER`), else
    its title within its body (`titel:WHO:TITLE`, `who` from indexer.meetings.who_key); nothing for a
    formality or an untitled item. Computed from stored fields when asked, never indexed as such: the
    case numbers are indexed in `case_numbers`, titles in `title`."""
    if formality(title):
        return ()
    numbers = [NUMBER_PREFIX + normal_case_number(n) for n in case_numbers if n.strip()]
    if numbers:
        return tuple(dict.fromkeys(numbers))
    text = normal_title(title)
    return (f"{TITLE_PREFIX}{who}:{text}",) if text and who else ()
