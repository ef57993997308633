"""Find the agenda-item headings in a meeting's lines.

Numbered lines are everywhere in minutes (sub-lists, tables, tables of contents, dates), so every
numbered line is only a candidate. Each candidate gets a score from how much it looks like a heading
(a section label follows, a time annotation, a real HTML heading, no list around it), and a dynamic
programme picks the sequence of candidates that maximises those scores plus a bonus for printed
numbers that follow on from each other. Out-of-sequence numbers are allowed, at a price.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import match_label
from .readers import Line

_MONTHS = r"jan(?:uar)?|feb(?:ruar)?|mar(?:ts)?|apr(?:il)?|maj|jun(?:i)?|jul(?:i)?|aug(?:ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_PUNKT = re.compile(
    r"^(?:dagsordens)?(?:punkt|pkt\.?)\s*(?P<num>\d{1,3}[a-z]?)\b\.?\s*[:.)\-–]?\s*(?P<rest>.*)$", re.IGNORECASE
)
_NUMBERED = re.compile(r"^(?P<num>\d{1,3}[a-z]?)(?P<sep>[.):])(?P<space>\s*)(?P<rest>.*)$")
_STARTS_TITLE = re.compile(r"^(?:[\"'“”‘’«(]?[A-ZÆØÅÉ]|\d+-?[a-zæøåA-ZÆØÅ])")
_DATE_AFTER = re.compile(rf"^(?:{_MONTHS})\b", re.IGNORECASE)
_TIME_PAREN = re.compile(r"\s*\((?=[^()]*(?:\bkl\b|\bmin\b|\d{1,2}[.:]\d{2}|\d{1,2}\s*[-–]\s*\d{1,2}))[^()]*\)")
_TIME_BARE = re.compile(r"[,;]?\s*\bkl\.?\s*\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?")
_PRESENTER = re.compile(r"\s+(?:v/|v\.|ved)\s*(?P<who>(?:[A-ZÆØÅ]|formand|sekretariat|direkt|klynge)\S.*)$")
_FUNCTION_WORDS = {
    "af", "i", "på", "pa", "til", "for", "med", "og", "om", "fra", "ved", "v.", "vedr.", "samt", "mellem",
    "en", "et", "de", "den", "det", "der", "som", "at", "eller", "ift.", "under", "efter", "over", "hos",
}
MAX_TITLE_LINES = 4


@dataclass(frozen=True)
class Heading:
    start: int
    end: int  # first line after the heading (continuation lines included)
    number: str
    title: str
    time: str | None
    presenter: str | None


@dataclass(frozen=True)
class _Candidate:
    heading: Heading
    style: str
    value: int
    score: float


def find_headings(lines: list[Line]) -> list[Heading]:
    texts = [clean(line.text) for line in lines]
    candidates = [c for i in range(len(texts)) if (c := _candidate(lines, texts, i))]
    best: tuple[float, list[_Candidate]] = (0.0, [])
    for style in ("punkt", "num"):
        of_style = _penalise_runs([c for c in candidates if c.style == style], texts)
        total, chosen = _best_sequence(of_style)
        if chosen and total > best[0]:
            best = (total, chosen)
    return [c.heading for c in best[1]]


def clean(text: str) -> str:
    return " ".join(text.replace("**", " ").replace("__", " ").split())


def _candidate(lines: list[Line], texts: list[str], i: int) -> _Candidate | None:
    text = texts[i]
    if not text or "\t" in lines[i].text.strip() and re.search(r"\t\s*[\d.,-]+\s*(\t|$)", lines[i].text):
        return None
    style, nospace = "punkt", False
    match = _PUNKT.match(text)
    if not match:
        style = "num"
        match = _NUMBERED.match(text)
        if not match or not _STARTS_TITLE.match(match.group("rest")):
            return None
        nospace = not match.group("space")
    rest = match.group("rest").strip()
    if not rest or re.match(r"\d+(?:[.:,]|\s|$)", rest) or _DATE_AFTER.match(rest):
        return None
    number = match.group("num")
    value = int(re.match(r"\d+", number).group())
    if value == 0 or value > 99:
        return None
    full, end = _continue_title(rest, texts, i + 1)
    title, time, presenter = split_heading(full)
    if not title:
        return None
    score = _heading_score(lines, texts, i, end, title, time, presenter, nospace)
    return _Candidate(Heading(i, end, number, title, time, presenter), style, value, score)


def _continue_title(rest: str, texts: list[str], j: int) -> tuple[str, int]:
    """Join title lines wrapped by the author or the PDF (`Midt-` / `klyngen`, `(kl. 08:30-` / `08:40)`)."""
    full = rest
    for _ in range(MAX_TITLE_LINES - 1):
        if j >= len(texts) or not texts[j] or match_label(texts[j]) or _looks_numbered(texts[j]):
            break
        nxt = texts[j]
        last_word = full.split()[-1].lower() if full.split() else ""
        open_paren = full.count("(") > full.count(")")
        wrapped_short = (
            len(full) >= 50 and len(nxt) <= 60 and not nxt.endswith((".", ":"))
            and (j + 1 >= len(texts) or not texts[j + 1] or match_label(texts[j + 1]) is not None)
        )
        if not (
            full.endswith("-") or open_paren or last_word in _FUNCTION_WORDS
            or (nxt[0].islower() and not full.endswith((".", ":", "?", "!"))) or wrapped_short
        ):
            break
        if full.endswith("-") and (nxt[0].islower() or nxt[0].isdigit()):
            full = full[:-1] + nxt if nxt[0].islower() else full + nxt
        else:
            full = full + " " + nxt
        j += 1
    return full, j


def _looks_numbered(text: str) -> bool:
    numbered = _NUMBERED.match(text)
    return bool(_PUNKT.match(text) or (numbered and _STARTS_TITLE.match(numbered.group("rest"))))


def split_heading(full: str) -> tuple[str, str | None, str | None]:
    """Title, time annotation and presenter of a heading line."""
    times = [m.group().strip(" ,;()") for m in _TIME_PAREN.finditer(full)]
    rest = _TIME_PAREN.sub("", full)
    bare = _TIME_BARE.search(rest)
    if bare:
        times.append(bare.group().strip(" ,;"))
        rest = rest[: bare.start()] + rest[bare.end():]
    presenter = None
    who = _PRESENTER.search(rest)
    if who:
        presenter = who.group("who").strip(" .,;")
        rest = rest[: who.start()]
    title = rest.strip(" \t-–—,;:")
    if title.endswith(".") and not title.endswith("..") and len(title.split()[-1]) > 4:
        title = title[:-1].rstrip()
    return title, ("; ".join(times) or None), presenter


def _heading_score(lines, texts, i, end, title, time, presenter, nospace) -> float:
    score = 0.0
    after = _next_nonblank(texts, end)
    if after is not None and match_label(texts[after]):
        score += 4
    if lines[i].heading:
        score += 4
    if time:
        score += 3
    if presenter:
        score += 1
    if nospace:
        score -= 2
    if (i == 0 or not texts[i - 1]) and (end >= len(texts) or not texts[end]):
        score += 1
    before = _prev_nonblank(texts, i)
    if before is not None and texts[before].endswith(":") and not match_label(texts[before]):
        score -= 2
    if before is not None and re.match(r"^(?:[-•–·*]|[eo¢]\s)", texts[before]):
        score -= 1
    words = len(title.split())
    if len(title) > 120 or words > 18:
        score -= 2
    elif len(title) <= 80:
        score += 0.5
    return score


def _next_nonblank(texts: list[str], j: int) -> int | None:
    while j < len(texts):
        if texts[j]:
            return j
        j += 1
    return None


def _prev_nonblank(texts: list[str], j: int) -> int | None:
    j -= 1
    while j >= 0:
        if texts[j]:
            return j
        j -= 1
    return None


def _penalise_runs(candidates: list[_Candidate], texts: list[str]) -> list[_Candidate]:
    """Three or more numbered lines in a row, counting up, are a list (a table of contents, a sub-list)."""
    run_of = [0] * len(candidates)
    start = 0
    for k in range(1, len(candidates) + 1):
        adjacent = (
            k < len(candidates)
            and candidates[k].value == candidates[k - 1].value + 1
            and all(not texts[j] for j in range(candidates[k - 1].heading.end, candidates[k].heading.start))
        )
        if not adjacent:
            for m in range(start, k):
                run_of[m] = k - start
            start = k
    return [
        _Candidate(c.heading, c.style, c.value, c.score - 5 if run_of[n] >= 3 else c.score)
        for n, c in enumerate(candidates)
    ]


_SEQUENCE_BONUS = 3.0
_FIRST_BONUS = 2.0
_BACKWARDS = -5.0


def _transition(prev: _Candidate | None, cur: _Candidate) -> float:
    if prev is None:
        return _FIRST_BONUS if cur.value == 1 else -min(cur.value - 1, 3)
    if cur.value == prev.value + 1:
        return _SEQUENCE_BONUS
    if cur.value > prev.value:
        return -min(cur.value - prev.value - 1, 3)
    return _BACKWARDS


def _best_sequence(candidates: list[_Candidate]) -> tuple[float, list[_Candidate]]:
    """Highest-scoring increasing-in-position subsequence (O(n²); n is at most a few hundred)."""
    n = len(candidates)
    best = [0.0] * n
    back: list[int | None] = [None] * n
    for k, cur in enumerate(candidates):
        best[k] = cur.score + _transition(None, cur)
        for p in range(k):
            if candidates[p].heading.end > cur.heading.start:
                continue
            value = best[p] + cur.score + _transition(candidates[p], cur)
            if value > best[k]:
                best[k], back[k] = value, p
    if not n:
        return 0.0, []
    k = max(range(n), key=lambda m: best[m])
    total = best[k]
    if total <= 0:
        return 0.0, []
    chosen: list[_Candidate] = []
    while k is not None:
        chosen.append(candidates[k])
        k = back[k]
    return total, chosen[::-1]
