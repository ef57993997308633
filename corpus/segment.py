"""Find the agenda items of a meeting in its lines: body headings and agenda lists, reconciled.

Numbered lines are everywhere in minutes (sub-lists, tables, tables of contents, dates), so every
numbered line is only a candidate. Each candidate gets a score from how much it looks like a heading
(a section label follows, a time annotation, a real HTML heading, no list around it, its title is in
the agenda list), and a dynamic programme picks the sequence of candidates that maximises those
scores plus a bonus for printed numbers that follow on from each other. Out-of-sequence numbers are
allowed, at a price.

Agenda lists and tables of contents (`Dagsorden` / `1. Godkendelse af dagsorden` / ...) are read apart:
an entry and the body heading with its title are one item; an entry without a body is still an item
(`listed_only`). Two-level numbering (`1.1`, `1.2`) gives its group headers as context, not as items.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .hygiene import flattened_furniture, repair_spacing, repeated_furniture
from .labels import inline_label_starts, inline_upper_labels, match_label
from .metadata import TITLE_CASE_FORMS
from .readers import Line
from .registry import fold

_MONTHS = (r"jan(?:uar)?|feb(?:ruar)?|mar(?:ts)?|apr(?:il)?|maj|jun(?:i)?|jul(?:i)?|aug(?:ust)?|sep(?:t(?:ember)?)?"
           r"|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_PUNKT = re.compile(
    r"^(?:ad\s+(?:pkt\.?|punkt)?\s*|(?:dagsordens)?(?:punkt|pkt\.?)\s*(?:nr\.?\s*)?)(?P<num>\d{1,3}[a-z]?)\b\.?\s*[:.)\-–]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(
    r"^(?:\d{1,3}\s+(?=\d{1,3}[.)]\s))?(?P<num>\d{1,3}[a-z]?)(?P<sep>[.):])(?P<space>\s*)(?P<rest>.*)$")
_TWO_LEVEL = re.compile(r"^(?P<num>\d{1,2}\.\d{1,2})\.?\s+(?P<rest>\S.*)$")
_GLUED = re.compile(r"^(?P<num>\d{1,3})(?P<rest>[A-ZÆØÅ][a-zæøå]{2,}.*)$")
_BARE = re.compile(r"^(?P<num>\d{1,3})(?:\s+(?P<rest>[A-ZÆØÅ(].*))?$")
_STARTS_TITLE = re.compile(r"^(?:[\"'“”‘’«(]?[A-ZÆØÅÉ§]|\d+-?[a-zæøåA-ZÆØÅ])")
_DATE_AFTER = re.compile(rf"^(?:{_MONTHS})\b", re.IGNORECASE)
_TIME_PAREN = re.compile(r"\s*\((?=[^()]*(?:\bkl\b|\bmin\b|\d{1,2}[.:]\d{2}|\d{1,2}\s*[-–]\s*\d{1,2}))[^()]*\)")
_TIME_BARE = re.compile(r"[,;]?\s*\bkl\.?\s*\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?")
_PRESENTER = re.compile(r"\s+(?:v/|v\.|ved)\s*(?P<who>(?:[A-ZÆØÅ]|formand|sekretariat|direkt|klynge)\S.*)$")
_CASE_IN_TITLE = re.compile(
    r"(?:^|\s)[(\[]?(?:sags?nr\.?:?\s*)?(?P<case>" + "|".join(TITLE_CASE_FORMS) + r")[)\]]?(?=\s|$)",
    re.IGNORECASE,
)
_CASE_LINE = re.compile(
    r"^(?:sags?\s*nr|sagsnummer|j\.?\s*nr|journal\s*nr)\.?\s*:?\s*(?P<num>[A-Za-z0-9][\w./-]*\d[\w./-]*)?",
    re.IGNORECASE,
)
_META_LINE = re.compile(
    r"^(?:sags?\s*nr|sagsnummer|dok\.?\s*nr|j\.?\s*nr|journal\s*nr|sagsbehandler|sagen afgøres|beslutningen træffes"
    r"|åben|lukket|åbent punkt|lukket punkt)\b", re.IGNORECASE
)
_STATUS = re.compile(r"^\((?P<status>åben|aaben|lukket)\)\s*|\s*\((?P<status2>åben|lukket)\)$", re.IGNORECASE)
_CLOSED_PREFIX = re.compile(r"^(?:lukket(?:\s+punkt)?|fortroligt?)\s*[:\-–]\s*|^lukket\s+punkt\b\s*", re.IGNORECASE)
_SECTION_STATE = re.compile(
    r"^(?P<state>lukke(?:t|de)|åb(?:en|ent|ne)|aab(?:en|ent|ne))\s+(?:dagsorden|referat|sager|punkter|møde|del|behandling)$",
    re.IGNORECASE,
)
_LIST_TITLE = re.compile(
    r"^(?:(?:åben|åbent|lukket|foreløbig)\s+)?(?:dagsorden(?:spunkter)?|indholdsfortegnelse|indhold|punkter|program"
    r"|oversigt over (?:punkter|sager)|(?:sager|punkter) på dagsordenen|på dagsordenen(?: var| er| i dag)?"
    r"|dagsordenens punkter"
    r"|punktliste)\s*[:.]?$|^pkt\.?\s+tekst\b",
    re.IGNORECASE,
)
# the page's type; `Referat:` is a label
_PAGE_TYPE = re.compile(r"^(?:åbent\s+|lukket\s+)?(?:referat|dagsorden)$", re.IGNORECASE)
_TOC_TAIL = re.compile(r"(?:\s*(?:\.{2,}|…+|_{2,})\s*(?P<dotted>\d{1,4})|\s+(?P<plain>\d{1,4}))\s*$")
_RUN_ON = re.compile(r"(?<=[a-zæøå])(?=[A-ZÆØÅ][a-zæøå]+\s+\w+\s+\w+)")
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
    case_numbers: tuple[str, ...] = ()
    closed: bool = False
    listed_only: bool = False
    group: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segmentation:
    headings: list[Heading]
    header_end: int  # lines before this are the meeting's header
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    heading: Heading
    style: str
    value: int
    score: float
    major: int = 0


@dataclass(frozen=True)
class _Entry:
    line: int
    number: str
    value: int  # a two-level number `2.3` counts as 203
    title: str
    closed: bool
    group: str | None = None


def find_headings(lines: list[Line]) -> list[Heading]:
    return segment(lines).headings


def segment(lines: list[Line]) -> Segmentation:
    """Items of a meeting: body headings chosen by the programme, reconciled with its agenda lists."""
    texts = [clean(line.text) for line in lines]
    closed_at = _closed_sections(texts)
    first_label = next((i for i, t in enumerate(texts) if t and match_label(t) and not is_page_type(t)), len(texts))
    indented = [line.text[:1] in (" ", "\t") for line in lines]
    entries, list_lines = _agenda_lists(texts, closed_at, first_label, indented)
    listed_titles = {fold(e.title) for e in entries}
    candidates = [
        c for i in range(len(texts))
        if i not in list_lines and (c := _candidate(lines, texts, i, listed_titles, closed_at))
    ]
    best: tuple[float, str, list[_Candidate]] = (0.0, "", [])
    for style in ("punkt", "num", "two", "glued", "ones"):
        if style == "ones" and not _all_ones(candidates):
            continue
        of_style = [c for c in candidates
                    if c.style == style or (style == "ones" and c.style == "num" and c.value == 1)]
        total, chosen = _best_sequence(_penalise_runs(of_style, texts), ones=style == "ones")
        if chosen and total > best[0]:
            best = (total, style, chosen)
    _, style, chosen = best
    headings = [c.heading for c in chosen]
    if not headings and not entries:
        headings = _unnumbered_headings(lines, texts, closed_at)
        if headings:
            style = "unnumbered"
    if style == "two":
        headings = _with_groups(headings, texts, closed_at, list_lines)
    warnings: list[str] = []
    if style == "ones":
        warnings.append("every item is printed as number 1; items are counted by position")
    if style == "unnumbered":
        warnings.append("items have no printed numbers; they are numbered by position")
    headings = _reconcile(headings, entries, warnings)
    real = [h for h in headings if not h.listed_only]
    header_end = real[0].start if real else (min(list_lines) if list_lines else min(len(texts), 40))
    if entries and list_lines:
        header_end = min(header_end, min(list_lines))
    return Segmentation(_number_warnings(headings), header_end, warnings)


def is_page_type(text: str) -> bool:
    """`Referat` / `Dagsorden` alone on a line: the document's type, not a section."""
    return bool(_PAGE_TYPE.match(text.strip()))


def clean(text: str) -> str:
    return " ".join(text.replace("**", " ").replace("__", " ").split())


_INTERFACE = re.compile(
    r"klik her for at folde (?:ud|ind)\b.*$|fold(?:e)? (?:dette|punktet) (?:punkt )?(?:ud|ind)\b"
    r"|(?:luk|åbn|vis|skjul|fold) alle punkter(?: (?:ud|ind))?|\b(?:vis|læs) mere\b",
    re.IGNORECASE,
)
_INTERFACE_HINT = ("lik her", "old dette", "old punktet", "alle punkter", "s mere")
_FLAT_MIN = 160
_FLAT_ITEM = re.compile(r"(?<=[\wæøå.)])\s+(?=(?:punkt\s+)?\d{1,2}\.\s+[A-ZÆØÅ])", re.IGNORECASE)


def prepare(lines: list[Line]) -> list[Line]:
    """Lines as the segmenter reads them: publishers' interface text (`Klik her for at folde ud ...`,
    `fold dette punkt ind`) and page furniture (corpus.hygiene) removed, letter-spacing damage repaired
    (`Ref erat Ud val get`), and PDF text flattened onto few
    long lines (one per page, even) broken again: before each inline label (`Beslutning:`, or in
    capitals, `INDSTILLING`, then after it too), each item number, and around an inline table of
    contents (`Indholdsfortegnelse Pkt. Tekst Side 1 Title 2 2 Title 5`), one line per entry."""
    out: list[Line] = []
    texts = [line.text for line in lines]
    furniture = repeated_furniture(texts)
    flat = flattened_furniture(texts)
    flat.update(repair_spacing(texts))
    for n, line in enumerate(lines):
        if n in furniture:
            continue
        text = flat.get(n, line.text)
        if any(hint in text for hint in _INTERFACE_HINT) and _INTERFACE.search(text):
            text = " ".join(_INTERFACE.sub(" ", text).split())
            if not text:
                continue
        if len(text) > _FLAT_MIN:
            parts = _split_flat(text)
            if len(parts) > 1:
                out += [replace(line, text=part) for part in parts]
                continue
        out.append(replace(line, text=text) if text is not line.text else line)
    return out


def _split_flat(text: str) -> list[str]:
    labels = inline_label_starts(text)
    upper = inline_upper_labels(text)
    toc = _inline_toc(text)
    if not (labels or upper or toc):
        return [text]
    cuts = set(labels) | {a for a, _ in upper} | {b for _, b in upper} | set(toc)
    if labels or upper:
        cuts |= {m.end() for m in _FLAT_ITEM.finditer(text)}
    parts, last = [], 0
    for cut in sorted(cuts):
        if cut > last:
            parts.append(text[last:cut].strip())
            last = cut
    parts.append(text[last:].strip())
    return [p for p in parts if p]


_TOC_HEAD = re.compile(
    r"(?:^|\s)(?P<head>indholdsfortegnelse(?:\s+pkt\.?\s+tekst(?:\s+side)?)?|pkt\.?\s+tekst\s+side)\s+(?=1\s)",
    re.IGNORECASE)
_TOC_PAGE = re.compile(r"\s(?P<page>\d{1,3})(?=\s|$)")


def _inline_toc(text: str) -> list[int]:
    """Cuts around a table of contents printed inline: after its heading, after each entry's page
    number (the next entry's number follows it), and after the last entry's page number."""
    if "ekst" not in text and "ortegnelse" not in text:
        return []
    head = _TOC_HEAD.search(text)
    if not head:
        return []
    cuts = [head.start("head"), head.end("head")]
    pos, number, page = head.end() , 1, 0
    while True:
        following = re.compile(rf"\s(?P<page>\d{{1,3}})\s+(?={number + 1}\s+\S)")
        found = next((m for m in following.finditer(text, pos + len(str(number)) + 1)
                      if int(m.group("page")) >= page), None)
        if found is None:
            last = next((m for m in _TOC_PAGE.finditer(text, pos + len(str(number)) + 1)
                         if int(m.group("page")) >= page and m.start() > pos + len(str(number)) + 2), None)
            if last is not None and number >= 2:
                cuts.append(last.end())
            break
        page = int(found.group("page"))
        cuts.append(found.end("page"))
        pos, number = found.end(), number + 1
    return cuts if number >= 2 else []


def _closed_sections(texts: list[str]) -> list[bool]:
    """Per line, whether it lies in a closed part of the document (`Lukket dagsorden` ... `Åbne sager`)."""
    state, out = False, []
    for text in texts:
        match = _SECTION_STATE.match(text) if len(text) < 40 else None
        if match:
            state = match.group("state").lower().startswith("luk")
        out.append(state)
    return out


def _agenda_lists(texts: list[str], closed_at: list[bool], first_label: int,
                  indented: list[bool]) -> tuple[list[_Entry], set[int]]:
    """Entries of the agenda lists and tables of contents, and the lines they take.

    A list is two or more numbered lines in a row, counting up (or all `1.`), either under a list title
    (`Dagsorden`, `Indholdsfortegnelse`, `PUNKTER`, `Pkt. tekst`), or untitled: at the top before any
    item or label, or indented from 1 after an introducing paragraph (a news-style page). Entries may
    stand under bullets (`- 1. Godkendelse af dagsorden`); in a titled or indented list, blank lines
    may separate them.
    """
    entries: list[_Entry] = []
    used: set[int] = set()
    i, n = 0, len(texts)
    seen_candidate = False
    while i < n:
        entry = _list_entry(texts[i], i, closed_at[i])
        if entry is None:
            if i < first_label and texts[i] and (_NUMBERED.match(texts[i]) or _PUNKT.match(texts[i])):
                seen_candidate = True
            i += 1
            continue
        group = _group_above(texts, i) if entry.value >= 100 else None
        lone: _Entry | None = None  # a group header with no entries under it (`3.0 Eventuelt`) is an item
        block, lines, j = [replace(entry, group=group)], {i}, i + 1
        indent = indented[i] and entry.value == 1 and i < first_label and not entries and _after_paragraph(texts, i)
        blanks_allowed = _titled(texts, i) or indent
        while j < n:
            if not texts[j]:
                if blanks_allowed and j + 1 < n:
                    j += 1
                    continue
                break
            nxt = _list_entry(texts[j], j, closed_at[j])
            if indent and not indented[j]:
                nxt = None
            if nxt is not None and _next_in_list(block[-1].value, nxt.value):
                lone = None
                block.append(replace(nxt, group=group))
                lines.add(j)
                j += 1
                continue
            head = _GROUP_HEAD.match(texts[j]) if block[-1].value >= 100 else None
            if head and int(head.group("num")) == block[-1].value // 100 + 1:
                group = f"{head.group('num')}. {split_heading(head.group('rest'))[0]}"  # `2.0 Sager til orientering`
                lone = _Entry(j, head.group("num"), int(head.group("num")) * 100, split_heading(head.group("rest"))[0],
                              closed_at[j])
                lines.add(j)
                j += 1
                continue
            if nxt is None and j not in lines and (_continues_entry(texts, j) or _toc_wrap(texts, j, block[-1])):
                last = block[-1]
                block[-1] = replace(last, title=last.title + " " + _strip_toc(texts[j])[0])
                lines.add(j)
                j += 1
                continue
            if _SECTION_STATE.match(texts[j]) or _LIST_TITLE.match(texts[j]):
                lines.add(j)
                j += 1
                continue
            break
        if lone is not None:
            block.append(lone)
        after = _next_nonblank(texts, j)
        if after is not None and match_label(texts[after]):
            block = block[:1]  # the last "entry" has a body: these are the item headings themselves
        titled = _titled(texts, i)
        untitled_top = not seen_candidate and i < first_label and block[0].value == 1 and not blanks_allowed
        if len(block) >= 2 and (titled or untitled_top or (indent and len(block) >= 3)):
            entries += _strip_page_numbers(block, texts)
            used |= lines
            i = j
        else:
            seen_candidate = seen_candidate or i < first_label
            i += 1
    return entries, used


_GROUP_HEAD = re.compile(r"^(?P<num>\d{1,2})\.0\.?\s+(?P<rest>\S.*)$")


def _next_in_list(prev: int, cur: int) -> bool:
    """Entries count up by one (or are all `1.`); two-level numbers go on to the next group's `.1`."""
    return cur == prev + 1 or cur == prev == 1 or (prev >= 100 and cur == (prev // 100 + 1) * 100 + 1)


def _group_above(texts: list[str], i: int) -> str | None:
    before = _prev_nonblank(texts, i)
    head = _GROUP_HEAD.match(texts[before]) if before is not None else None
    return f"{head.group('num')}. {split_heading(head.group('rest'))[0]}" if head else None


def _after_paragraph(texts: list[str], i: int) -> bool:
    """The line before a list (blank lines aside) is running text or its lead-in (`På dagsordenen var:`)."""
    before = _prev_nonblank(texts, i)
    return before is not None and not _looks_numbered(texts[before]) and (
        len(texts[before]) > 60 or texts[before].endswith((":", ".")))


def _titled(texts: list[str], i: int) -> bool:
    """A list title (`Dagsorden`, `Indholdsfortegnelse`, `Lukket dagsorden`) within the three lines above."""
    k, seen = i - 1, 0
    while k >= 0 and seen < 3:
        if texts[k]:
            if _LIST_TITLE.match(texts[k]) or _SECTION_STATE.match(texts[k]):
                return True
            seen += 1
        k -= 1
    return False


_BULLET = re.compile(r"^[-•*–·]\s+(?=\d|p(?:kt|unkt)\b)", re.IGNORECASE)


def _list_entry(text: str, i: int, closed: bool) -> _Entry | None:
    if text and text[0] in "-•*–·":
        text = _BULLET.sub("", text)  # `- 1. Godkendelse af dagsorden`: a list's entry under a bullet
    if not text or len(text) > 200 or not (text[0].isdigit() or text[0] in "pPaA"):
        return None
    two = _TWO_LEVEL.match(text)
    if two:
        major, minor = (int(x) for x in two.group("num").split("."))
        title = split_heading(_strip_toc(two.group("rest"))[0])[0]
        return _Entry(i, two.group("num"), major * 100 + minor, title, closed) if minor and title else None
    match = _PUNKT.match(text) or _NUMBERED.match(text) or _BARE.match(text)
    if not match or not match.groupdict().get("rest"):
        return None
    rest = match.group("rest").strip()
    if re.match(r"\d+(?:[.:,]\d|\s|$)", rest) or _DATE_AFTER.match(rest):
        return None
    status = _STATUS.search(rest)
    if status:
        closed = (status.group("status") or status.group("status2")).lower() == "lukket"
        rest = (rest[: status.start()] + " " + rest[status.end():]).strip()
    prefix = _CLOSED_PREFIX.match(rest)
    if prefix:
        closed, rest = True, rest[prefix.end():]
    title = split_heading(_strip_toc(rest)[0])[0]
    if not title:
        return None
    value = _leading_number(match.group("num"))
    return _Entry(i, match.group("num"), value, title, closed)


def _leading_number(num: str) -> int:
    """The integer an item number starts with (`12a` -> 12); the heading patterns give it digits first."""
    digits = re.match(r"\d+", num)
    assert digits is not None, num
    return int(digits.group())


def _strip_toc(text: str) -> tuple[str, str | None]:
    """A table-of-contents title without its dot leader and page number (the number apart)."""
    match = _TOC_TAIL.search(text)
    if match and match.group("dotted"):
        return text[: match.start()].strip(" .…_"), match.group("dotted")
    return text.strip(), (match.group("plain") if match else None)


def _strip_page_numbers(block: list[_Entry], texts: list[str]) -> list[_Entry]:
    """Plain trailing numbers are page numbers when most entries end in one and they never go down."""
    pages = [_strip_toc(e.title)[1] for e in block]
    numbered = [int(p) for p in pages if p is not None]
    if len(numbered) < max(2, 0.6 * len(block)) or numbered != sorted(numbered):
        return block
    out = []
    for entry, page in zip(block, pages, strict=True):
        title = entry.title[: entry.title.rfind(page)].strip() if page is not None else entry.title
        out.append(replace(entry, title=title or entry.title))
    return out


def _toc_wrap(texts: list[str], j: int, last: _Entry) -> bool:
    """The second line of a wrapped table-of-contents entry carries the dot leader and page number."""
    match = _TOC_TAIL.search(texts[j])
    return bool(match and match.group("dotted")) and not _TOC_TAIL.search(last.title) and len(texts[j]) < 200


def _continues_entry(texts: list[str], j: int) -> bool:
    """A wrapped list entry's second line (`ældre 10`), directly followed by the next entry or the end."""
    text = texts[j]
    if len(text) > 80 or match_label(text) or not text[0].islower():
        return False
    nxt = texts[j + 1] if j + 1 < len(texts) else ""
    return not nxt or bool(_list_entry(nxt, j + 1, False)) or bool(_SECTION_STATE.match(nxt))


def _candidate(lines, texts, i, listed_titles, closed_at) -> _Candidate | None:
    text = texts[i]
    if not text or not (text[0].isdigit() or text[0] in "pPaAdD"):
        return None
    if "\t" in lines[i].text.strip() and re.search(r"\t\s*[\d.,-]+\s*(\t|$)", lines[i].text):
        return None
    style, nospace, major = "punkt", False, 0
    match = _PUNKT.match(text)
    if not match:
        match = _TWO_LEVEL.match(text)
        style = "two"
    if match and style == "two":
        major_s, minor_s = match.group("num").split(".")
        major, minor = int(major_s), int(minor_s)
        if minor == 0:
            return None
        value = major * 100 + minor
    else:
        if not match:
            style = "num"
            match = _NUMBERED.match(text)
            if match:
                nospace = not match.group("space")
            else:
                style = "glued"
                match = _GLUED.match(text) or _BARE.match(text)
                if match and match.re is _BARE:
                    style = "num"
        if not match:
            return None
        value = _leading_number(match.group("num"))
    rest = (match.group("rest") or "").strip()
    if not rest:
        nxt = _next_nonblank(texts, i + 1)
        if (nxt is None or nxt - i > 2 or match_label(texts[nxt]) or _looks_numbered(texts[nxt])
                or len(texts[nxt]) > 150):
            return None
        rest, first = texts[nxt], nxt + 1
    else:
        first = i + 1
    case_numbers: list[str] = []

    def take_case(m: re.Match[str]) -> str:
        case_numbers.append(m.group("case"))
        return " "

    rest = _CASE_IN_TITLE.sub(take_case, rest).strip()
    if not rest or re.match(r"\d+(?:[.:,]|\s|$)", rest) or _DATE_AFTER.match(rest):
        return None
    if value == 0 or value > 999:
        return None
    listed = fold(_strip_toc(rest)[0]) in listed_titles
    if style in ("num", "glued") and not _STARTS_TITLE.match(rest) and not listed:
        return None
    full, end = _continue_title(rest, texts, first)
    full = _CASE_IN_TITLE.sub(take_case, full).strip()
    closed = closed_at[i]
    status = _STATUS.search(full)
    if status:
        closed = closed or (status.group("status") or status.group("status2")).lower() == "lukket"
        full = (full[: status.start()] + " " + full[status.end():]).strip()
    prefix = _CLOSED_PREFIX.match(full)
    if prefix:
        closed, full = True, full[prefix.end():]
    title, time, presenter = split_heading(full)
    if not title:
        return None
    if style == "glued" and value < 10 and not listed:
        return None
    score = _heading_score(lines, texts, i, end, title, time, presenter, nospace)
    if listed or fold(title) in listed_titles:
        score += 4
    if style == "glued":
        score -= 1
    if match.re is _BARE:
        score -= 1.5
    heading = Heading(i, end, match.group("num"), title, time, presenter, tuple(case_numbers), closed)
    return _Candidate(heading, style, value, score, major)


def _continue_title(rest: str, texts: list[str], j: int) -> tuple[str, int]:
    """Join title lines wrapped by the author or the PDF (`Midt-` / `klyngen`, `(kl. 08:30-` / `08:40)`)."""
    full = rest
    for _ in range(MAX_TITLE_LINES - 1):
        if j >= len(texts) or not texts[j] or match_label(texts[j]) or _looks_numbered(texts[j]):
            break
        nxt = texts[j]
        if _META_LINE.match(nxt):
            break
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
    return bool(_PUNKT.match(text) or _TWO_LEVEL.match(text)
                or (numbered and _STARTS_TITLE.match(numbered.group("rest"))))


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
    rest = _cut_run_on(rest)
    title = rest.strip(" \t-–—,;:")
    if title.endswith(".") and not title.endswith("..") and len(title.split()[-1]) > 4:
        title = title[:-1].rstrip()
    return title, ("; ".join(times) or None), presenter


def _cut_run_on(title: str) -> str:
    """`VelkomstMødet blev indledt med ...`: a sentence glued onto the title is not part of it."""
    match = _RUN_ON.search(title)
    if match and len(title[match.start():].split()) >= 4:
        return title[: match.start()]
    return title


def _heading_score(lines, texts, i, end, title, time, presenter, nospace) -> float:
    score = 0.0
    after = _next_nonblank(texts, end)
    skipped = 0
    while after is not None and skipped < 3 and _META_LINE.match(texts[after]):
        after, skipped = _next_nonblank(texts, after + 1), skipped + 1
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
    if before is not None and _CASE_LINE.match(texts[before]):
        score += 2
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


def _unnumbered_headings(lines: list[Line], texts: list[str], closed_at: list[bool]) -> list[Heading]:
    """Real headings (HTML <h2>, a PDF's bold lines) without numbers, each followed by a section label."""
    found: list[Heading] = []
    for i, line in enumerate(lines):
        if not line.heading or not texts[i] or match_label(texts[i]) or len(texts[i]) > 200:
            continue
        after = _next_nonblank(texts, i + 1)
        skipped = 0
        while after is not None and skipped < 3 and _META_LINE.match(texts[after]):
            after, skipped = _next_nonblank(texts, after + 1), skipped + 1
        if after is None or not match_label(texts[after]):
            continue
        title, time, presenter = split_heading(texts[i])
        if title:
            found.append(Heading(i, i + 1, str(len(found) + 1), title, time, presenter, closed=closed_at[i]))
    return found if len(found) >= 2 else []


def _all_ones(candidates: list[_Candidate]) -> bool:
    """Every heading printed as `1.` (an HTML list flattened): many 1s and hardly any other number."""
    nums = [c for c in candidates if c.style == "num"]
    ones = sum(1 for c in nums if c.value == 1)
    return ones >= 3 and sum(1 for c in nums if c.value == 2) <= 1


def _penalise_runs(candidates: list[_Candidate], texts: list[str]) -> list[_Candidate]:
    """Three or more numbered lines in a row, counting up, are a list (a table of contents, a sub-list)."""
    run_of = [0] * len(candidates)
    start = 0
    for k in range(1, len(candidates) + 1):
        adjacent = (
            k < len(candidates)
            and _follows(candidates[k - 1], candidates[k])
            and all(not texts[j] for j in range(candidates[k - 1].heading.end, candidates[k].heading.start))
        )
        if not adjacent:
            for m in range(start, k):
                run_of[m] = k - start
            start = k
    return [replace(c, score=c.score - 5) if run_of[n] >= 3 else c for n, c in enumerate(candidates)]


_SEQUENCE_BONUS = 3.0
_FIRST_BONUS = 2.0
_BACKWARDS = -5.0


def _follows(prev: _Candidate, cur: _Candidate) -> bool:
    if cur.style == "two":
        return cur.value == prev.value + 1 or (cur.major == prev.major + 1 and cur.value % 100 == 1)
    return cur.value == prev.value + 1


def _transition(prev: _Candidate | None, cur: _Candidate, ones: bool = False) -> float:
    if prev is None:
        first = 1 if cur.style != "two" else 101
        return _FIRST_BONUS if cur.value == first else -min(cur.value - first, 3)
    if _follows(prev, cur) or (ones and cur.value == prev.value == 1):
        return _SEQUENCE_BONUS
    if cur.value > prev.value:
        return -min(cur.value - prev.value - 1, 3)
    return _BACKWARDS


def _best_sequence(candidates: list[_Candidate], ones: bool = False) -> tuple[float, list[_Candidate]]:
    """Highest-scoring increasing-in-position subsequence (O(n²); n is at most a few hundred)."""
    n = len(candidates)
    best = [0.0] * n
    back: list[int | None] = [None] * n
    for k, cur in enumerate(candidates):
        best[k] = cur.score + _transition(None, cur, ones)
        for p in range(k):
            if candidates[p].heading.end > cur.heading.start:
                continue
            value = best[p] + cur.score + _transition(candidates[p], cur, ones)
            if value > best[k]:
                best[k], back[k] = value, p
    if not n:
        return 0.0, []
    last = max(range(n), key=lambda m: best[m])
    total = best[last]
    if total <= 0:
        return 0.0, []
    chosen: list[_Candidate] = []
    at: int | None = last
    while at is not None:
        chosen.append(candidates[at])
        at = back[at]
    return total, chosen[::-1]


_GROUP_LINE = re.compile(r"^(?P<num>\d{1,2})(?:\.0)?\.?\s+(?P<rest>[A-ZÆØÅ].*)$")


def _with_groups(headings: list[Heading], texts: list[str], closed_at: list[bool], listed: set[int]) -> list[Heading]:
    """Two-level numbering: `N Title` (`N.0 Title`) lines are the group headers of the `N.x` items, in
    the agenda list or in the body; one without sub-items of its own (`3 Eventuelt` after `2.3`) in
    the body is an item."""
    majors = {int(h.number.split(".")[0]) for h in headings}
    starts = {h.start for h in headings}
    titles: dict[int, str] = {}
    lone: list[Heading] = []
    first = headings[0].start
    for i, text in enumerate(texts):
        match = _GROUP_LINE.match(text) if text and i not in starts else None
        if not match:
            continue
        value = int(match.group("num"))
        title = split_heading(match.group("rest"))[0]
        if value in majors:
            titles.setdefault(value, f"{value}. {title}")
        elif i > first and value > max(majors) and i not in listed:
            lone.append(Heading(i, i + 1, match.group("num"), title, None, None, closed=closed_at[i]))
    out = [replace(h, group=titles.get(int(h.number.split(".")[0]))) for h in headings]
    return sorted(out + lone, key=lambda h: h.start)


def _similar(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    short, long_ = sorted((fa, fb), key=len)
    if len(short) >= 8 and long_.startswith(short):
        return True
    wa, wb = set(fa.split()), set(fb.split())
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.6


def _reconcile(headings: list[Heading], entries: list[_Entry], warnings: list[str]) -> list[Heading]:
    """One item per list entry and body heading: matched by title (and number), the rest kept, marked."""
    if not entries:
        return headings
    used: set[int] = set()
    match_of: dict[int, int] = {}
    for e, entry in enumerate(entries):
        for pass_ in (0, 1):
            found = next(
                (h for h, head in enumerate(headings) if h not in used and _similar(entry.title, head.title)
                 and (pass_ == 1 or head.number == entry.number)), None)
            if found is not None:
                used.add(found)
                match_of[e] = found
                break
    # Body headings in document order; unmatched entries go before the body of the next matched entry.
    out: list[Heading] = []
    pending: list[Heading] = []
    next_body = 0
    for e, entry in enumerate(entries):
        if e not in match_of:
            pending.append(Heading(entry.line, entry.line + 1, entry.number, entry.title, None, None,
                                   closed=entry.closed, listed_only=True, group=entry.group,
                                   warnings=("in the agenda list, but the document has no text for it",)))
            continue
        h = match_of[e]
        while next_body < h:
            out.append(_unlisted(headings[next_body], next_body in used))
            next_body += 1
        out += pending
        pending = []
        head = headings[h]
        notes = list(head.warnings)
        if head.number != entry.number:
            notes.append(f"numbered {entry.number} in the agenda list, {head.number} in the text")
        title = head.title
        tail = head.title[len(entry.title):]
        if head.title.startswith(entry.title) and tail and (tail[0].isupper() or len(tail.split()) >= 5):
            title = entry.title  # the body heading ran on into its first sentence (`VelkomstMødet blev ...`)
        out.append(replace(head, title=title, closed=head.closed or entry.closed, warnings=tuple(notes)))
        next_body = h + 1
    while next_body < len(headings):
        out.append(_unlisted(headings[next_body], next_body in used))
        next_body += 1
    out += pending
    missing = sum(1 for h in out if h.listed_only)
    if missing and len(out) > missing:
        warnings.append(f"{missing} item(s) of the agenda list have no text in the document")
    return out


def _unlisted(head: Heading, matched: bool) -> Heading:
    if matched:
        return head
    return replace(head, warnings=head.warnings + ("not in the document's agenda list",))


def _number_warnings(headings: list[Heading]) -> list[Heading]:
    """Gaps and repeats in the printed numbers, noted on the item where they show."""
    out: list[Heading] = []
    seen: set[str] = set()
    prev: int | None = None
    for head in headings:
        notes = list(head.warnings)
        match = re.match(r"\d+", head.number)
        value = int(match.group()) if match and "." not in head.number else None
        if head.number in seen and head.number != "1":
            notes.append(f"number {head.number} printed twice")
        elif value is not None and prev is not None and value > prev + 1:
            notes.append(f"numbers jump from {prev} to {value}")
        seen.add(head.number)
        if value is not None:
            prev = value
        out.append(replace(head, warnings=tuple(notes)) if notes != list(head.warnings) else head)
    return out
