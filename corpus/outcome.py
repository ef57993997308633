"""What was decided on an item, normalised from its Beslutning (or Referat) text."""
from __future__ import annotations

import re

# Checked together; the outcome named first in the text wins. OCR spellings (ø read as g or @, å as a
# or &) are part of the patterns, since decisions are what people look for in old scanned minutes.
OUTCOMES = (
    ("afvist", r"\bikke\s+(?:blevet\s+)?godkend\w*|\bafvist\b|\bafvise[st]?\b"),
    ("udsat", r"\budsat\b|\buds(?:æ|ae|z)tte[st]?\b|\budskudt\b"),
    ("godkendt", r"\bgodkend(?:t|te|tes|es|er|else)\b"),
    ("tiltrådt", r"\btiltr(?:å|a|&)dt[e]?\b|\btiltr(?:æ|ae)de[rs]?\b"),
    ("taget til efterretning", r"\btil\s+efterretning\b"),
    ("besluttet", r"\bbesluttede\b|\bbesluttet\b|\bbeslutter\b"),
    ("drøftet", r"\bdr(?:ø|g|@|oe|o)ft(?:et|ede|edes|es|else)\b"),
    ("ingen bemærkninger", r"\bingen\s+bem(?:æ|ae|z)rkninger\b|^\s*intet\.?\s*$"),
)
_PATTERN = re.compile("|".join(f"(?P<o{n}>{p})" for n, (_, p) in enumerate(OUTCOMES)), re.IGNORECASE | re.MULTILINE)


def find_outcome(sections: dict[str, str]) -> str | None:
    for name in ("beslutning", "referat"):
        text = sections.get(name)
        if not text:
            continue
        match = _PATTERN.search(text)
        if match:
            return OUTCOMES[int(match.lastgroup[1:])][0]
    return None
