"""Danish dates in minutes, and which of them is the meeting's."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4, "maj": 5,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_NAMED = re.compile(rf"(?<!\d)(\d{{1,2}})\s*\.?\s*({_MONTH_ALT})\b\.?(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
_NUMERIC = re.compile(r"(?<![\d.-])(\d{1,2})[-./](\d{1,2})[-./](\d{4}|\d{2})(?![\d-])")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MONTH_FIRST = re.compile(rf"\b({_MONTH_ALT})\w*\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_ALT})\w*\s+(\d{{4}})\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.,-])(20[0-4]\d|19[89]\d)(?!\d|[.,]\d)")


@dataclass(frozen=True)
class FoundDate:
    day: int
    month: int
    year: int | None
    start: int
    end: int


def find_dates(text: str) -> list[FoundDate]:
    """Every day-and-month date in the text, in order; year None where it is not printed."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern, order in ((_ISO, "ymd"), (_NUMERIC, "dmy"), (_MONTH_FIRST, "Mdy"), (_NAMED, "dMy")):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            y: int | None
            if order == "ymd":
                y, mo, d = int(m[1]), int(m[2]), int(m[3])
            elif order == "dmy":
                d, mo, y = int(m[1]), int(m[2]), int(m[3])
                y = y + 2000 if y < 100 else y
            elif order == "Mdy":
                key = next((k for k in (m[1].lower(), m[1].lower()[:3]) if k in MONTHS), None)
                if key is None:
                    continue
                d, mo, y = int(m[2]), MONTHS[key], int(m[3])
            else:
                d, mo = int(m[1]), MONTHS[m[2].lower()]
                y = int(m[3]) if m[3] else None
            if not _valid(y or 2000, mo, d):
                continue
            found.append(FoundDate(d, mo, y, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _valid(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return 1990 <= y <= 2100


def infer_year(day: int, month: int, text: str) -> int | None:
    """The year that puts the most of the document's other dates within a year of the meeting.

    Minutes look back at recent decisions and forward to coming work; a year that makes most dated
    references fall near the meeting is the meeting's year. Ties go to the later year.
    """
    refs: list[tuple[dt.date, float]] = []
    spans: list[tuple[int, int]] = []

    def fresh(start: int, end: int) -> bool:
        if any(s < end and start < e for s, e in spans):
            return False
        spans.append((start, end))
        return True

    for f in find_dates(text):
        if f.year and fresh(f.start, f.end):
            refs.append((dt.date(f.year, f.month, f.day), 1.0))
    for m in _MONTH_YEAR.finditer(text):
        key = m[1].lower()
        if key in MONTHS and fresh(m.start(), m.end()):
            refs.append((dt.date(int(m[2]), MONTHS[key], 15), 1.0))
    for m in _YEAR.finditer(text):
        if fresh(m.start(), m.end()):
            refs.append((dt.date(int(m[1]), 7, 1), 0.5))
    if not refs:
        return None
    years = {d.year for d, _ in refs}
    candidates = range(min(years) - 1, max(years) + 2)
    best: tuple[float, int] | None = None
    for year in candidates:
        if not _valid(year, month, day):
            continue
        meeting = dt.date(year, month, day)
        score = sum(w for d, w in refs if -400 <= (d - meeting).days <= 365)
        if best is None or score >= best[0]:
            best = (score, year)
    return best[1] if best else None


_MEETING_WORDS = re.compile(
    r"\b(tid|tidspunkt|starttidspunkt|starttid|mødestart|mødedato|mødetid|mødetidspunkt|mødedag|møde|mødet"
    r"|afholdt|afholdes|dato for møde|m\S?de)\b", re.I)
_WRITTEN_WORDS = re.compile(r"\b(dato|udsendt|udarbejdet|skrevet|referent|dateret|brevdato|journaldato)\b\s*[:.]?",
                            re.I)
# Dates that are never the meeting's: when the document was updated, sent or printed.
_NOT_MEETING = re.compile(r"\b(ajourført|opdateret|revideret|udskrevet|udsendt|udarbejdet|printet|offentliggjort)\b",
                          re.I)
_CLOCK = re.compile(r"\bkl\.?\s*\d{1,2}[.:]?\d{0,2}|\b\d{1,2}[.:]\d{2}\s*[-–]|\b\d{1,2}:\d{2}(?::\d{2})?\b", re.I)
# Another meeting named in running text: `referat af mødet den 21. januar`, `besluttede på mødet den ...`.
_OTHER_MEETING = re.compile(
    r"\b(?:af|fra|på|i|siden|til|ved)\s+(?:det\s+|sidste\s+|forrige\s+|seneste\s+|næste\s+|kommende\s+)?"
    r"(?:\w+)?møde(?:t|rne)?(?:\s+i\s+\S+)?\s+(?:den\s+|d\.\s*)?$", re.I)
# `Skanderborg, den 6. juli 2023`: a letter's dateline, the day the minutes were written.
_DATELINE = re.compile(r"^\s*[A-ZÆØÅ][\wæøå-]+(?:\s[A-ZÆØÅ][\wæøå-]+)?,\s*(?:den\s+|d\.\s*)?$")
_TITLE_START = re.compile(r"^\W*(?:referat|dagsorden|beslutningsprotokol)\b", re.I)
_FIELD_WORDS = {"mødedato", "mødetidspunkt", "mødetid", "tidspunkt", "tid", "dato", "starttidspunkt", "starttid",
                "mødestart"}


def _field_caption(line: str) -> bool:
    """A field's caption alone on the line above its value: `STARTTIDSPUNKT`, `Mødedato:`, `Tidspunkt`."""
    text = line.strip()
    return 1 < len(text) <= 31 and (text.isupper() or text.endswith(":") or text.lower() in _FIELD_WORDS)


_PROSE = 140


_TOP_LINES = 8


def meeting_date(header: str, full_text: str) -> tuple[str | None, bool]:
    """ISO date of the meeting and whether its year was inferred.

    Each date in the header is scored by what stands with it: a meeting field (`Mødedato:`, `Tid:`,
    `STARTTIDSPUNKT` on the line above), a clock time, the title line; a writing date (`Dato:`, a
    dateline) and a date inside prose that names another meeting (`referat af mødet den ...`) count
    against. A bare date line at the top counts for the meeting when the title under it names the same
    month (`12. maj 2022` / `Rådsmøde, maj 2022`).
    """
    best: tuple[float, int, FoundDate] | None = None
    lines = header.split("\n")
    nonblank = [n for n, line in enumerate(lines) if line.strip()]
    for pos, n in enumerate(nonblank):
        line = lines[n]
        if _NOT_MEETING.search(line) and not _MEETING_WORDS.search(line):
            continue
        found = find_dates(line)
        if not found:
            continue
        field = ""
        above = lines[nonblank[pos - 1]].strip() if pos else ""
        if above and _field_caption(above) and not find_dates(above):
            field = above  # `STARTTIDSPUNKT` / `14-09-2021 09:30:00`
        context = field + " " + line
        meeting_words = bool(_MEETING_WORDS.search(context))
        for f in found:
            score = 1.0
            if meeting_words:
                score += 3
            if _CLOCK.search(line):
                score += 2
            if _WRITTEN_WORDS.search(context) and not meeting_words:
                score -= 2
            bare = line.strip() == line[f.start:f.end].strip() or re.fullmatch(r"\W*", line[:f.start] + line[f.end:])
            if bare and not field:
                score -= 1.5
                if pos < 2 and _names_month(lines, nonblank[pos + 1:pos + 3], f):
                    score += 3
                elif any(_is_title(lines[k]) for k in nonblank[max(0, pos - 1):pos + 2] if k != n):
                    score += 2  # printed beside the title
            if _DATELINE.match(line[:f.start]) and not meeting_words:
                score -= 2
            if n < 5 and re.search(r"referat|dagsorden", line, re.I):
                score += 1.5
            if _OTHER_MEETING.search(line[:f.start]) and not _TITLE_START.match(line):
                score -= 5
            elif len(line) > _PROSE:
                score -= 2
            if score < 2 and n >= _TOP_LINES:
                continue  # a bare date deep in the header is no evidence of the meeting's
            key = (score, -n, f)
            if best is None or key[:2] > best[:2]:
                best = key
    if best is None:
        return None, False
    date: FoundDate = best[2]
    if date.year:
        return dt.date(date.year, date.month, date.day).isoformat(), False
    year = infer_year(date.day, date.month, header) or infer_year(date.day, date.month, full_text)
    if year is None:
        return None, False
    return dt.date(year, date.month, date.day).isoformat(), True


def _is_title(line: str) -> bool:
    return bool(_TITLE_START.match(line)) and len(line) < 100 and not find_dates(line)


def _names_month(lines: list[str], following: list[int], date: FoundDate) -> bool:
    """A title under a bare date names the same month (`Rådsmøde, maj 2022`): the date is the meeting's."""
    for n in following:
        for m in _MONTH_YEAR.finditer(lines[n]):
            key = m[1].lower()
            if MONTHS.get(key) == date.month and (date.year is None or int(m[2]) == date.year):
                return True
    return False
