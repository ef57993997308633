"""Text hygiene in one place: what every reader's text, and every query, goes through.

- Characters (`normalise`): full-width letters and digits (`ｔｅｌｅｋｏｌ`), soft hyphens and zero-width
  marks (`tele\\xadkol`), ligatures and no-break spaces become their plain forms. Documents and queries
  go through the same function, so a query typed or pasted either way meets the indexed word.
- Table rows copied as text (`at | udvalget godkender dagsorden. |`) become their cells (`untable`).
- Page furniture: lines repeated at the same place at the top or bottom of most pages of a PDF (running
  headers and footers, with or without the page's number or date) are found by `running_lines`; the same
  furniture left in a text copy of a PDF, where it interrupts sentences (`Åbent referat` / `Dato:
  04.12.2012`), by `repeated_furniture`.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter

from .labels import match_label
from .lazy import compiled

_CHARS = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}  # full-width ASCII forms
_CHARS.update({"\u3000": " ", "\u00a0": " ", "\u202f": " ", "\u2007": " "})
_CHARS.update({c: "" for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"})
_CHARS.update({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})
# No-break spaces are whitespace to every later step already: they alone do not call for a rewrite.
_ODD = compiled("[" + "".join(c for c in _CHARS if c not in "\u00a0\u202f\u2007") + "]")
_ODD_OR_SPACE = compiled("[" + "".join(_CHARS) + "]")


def normalise(text: str) -> str:
    """Full-width forms, soft hyphens, zero-width marks, ligatures and odd spaces as plain text."""
    if text.isascii() or not _ODD().search(text):
        return text
    return _ODD_OR_SPACE().sub(lambda m: _CHARS[m.group()], text)


_RULE_ROW = compiled(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def untable(line: str) -> str:
    """A table row printed with pipes (`| 1. | Godkendelse |`, `at | udvalget godkender. |`) as its cells,
    tab-separated like the cells of an HTML table; a rule row (`|---|---|`) as nothing."""
    if "|" not in line:
        return line
    stripped = line.strip()
    if line.count("|") < 2 and not stripped.startswith("|") and not stripped.endswith("|"):
        return line
    if _RULE_ROW().match(line):
        return ""
    return "\t".join(cell.strip() for cell in stripped.strip("|").split("|") if cell.strip())


def clean_line(text: str) -> str:
    """One line as every reader hands it on: characters normalised, table pipes gone."""
    return untable(normalise(text))


PAGE_NUMBER = compiled(r"^(?:side|page|s\.)?\s*\d{1,4}\s*(?:(?:af|of|/)\s*\d{1,4})?$", re.I)
_PAGE_REF_PATTERN = (
    r"\b(?:side|page|s\.)\s*\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?\b|\b\d{1,4}\s*(?:af|of|/)\s*\d{1,4}\b")
_PAGE_REF = compiled(_PAGE_REF_PATTERN, re.I)
_DIGITS = compiled(r"\d+")


def furniture_key(text: str) -> str:
    """A line as page furniture compares: its page number (`Side 2`, `2 af 5`) left out."""
    return _PAGE_REF().sub("#", text)


_DATE_TOKEN = (r"\b\d{1,2}[.\-/]\d{1,2}[.\-/]\d{2,4}\b|\b\d{1,2}\.\s*[a-zæøå]{3,9}\.?\s+\d{4}\b"
               r"|\b\d{4}-\d{2}-\d{2}\b")


_ANY_DIGIT = compiled(r"\d")
_MASK = compiled(f"{_DATE_TOKEN}|{_PAGE_REF_PATTERN}", re.I)


def _masked(text: str) -> str:
    """... and a date too (the page's date, when a header prints it), for lines that also stand at one
    place; other numbers count (`punkt 2` and `punkt 3` are two lines)."""
    return _MASK().sub("#", text) if _ANY_DIGIT().search(text) else text


def _labelled(text: str) -> bool:
    """A section label with its colon (`Referat:`, `Beslutning: Godkendt`) is never page furniture,
    whatever its font or place; a bare `Referat` at the top of every page names the document type."""
    return ":" in text and match_label(text) is not None


def running_lines(pages: list[list[tuple[str, float]]]) -> list[set[int]]:
    """Per page, the indexes of its running header and footer lines.

    A line is furniture when the same text (page numbers and dates aside) stands at the same height on at least half
    of the pages, and every line between it and the page's edge is furniture too: a section label or a
    sentence that happens to recur never stands in an unbroken run of repeated lines from the edge.
    """
    if len(pages) < 2:
        return [set() for _ in pages]
    keys = [[(_masked(text), round(top)) for text, top in page] for page in pages]
    counts: Counter[tuple[str, int]] = Counter()
    for page in keys:
        counts.update(set(page))
    need = max(2, len(pages) // 2)
    out: list[set[int]] = []
    for texts, page_keys in zip(([t for t, _ in p] for p in pages), keys, strict=True):
        drop: set[int] = set()
        for order in (range(len(page_keys)), range(len(page_keys) - 1, -1, -1)):
            for k in order:
                if PAGE_NUMBER().match(texts[k]) or (counts[page_keys[k]] >= need and not _labelled(texts[k])):
                    drop.add(k)
                else:
                    break
        out.append(drop)
    return out


def running_texts(pages: list[list[str]]) -> set[str]:
    """Lines (page numbers aside) that open or close at least half of the pages, for text without
    positions (OCR): running headers and footers."""
    if len(pages) < 2:
        return set()
    edges: Counter[str] = Counter()
    for page in pages:
        nonblank = [furniture_key(line) for line in page if line and not _labelled(line)]
        edges.update(set(nonblank[:2] + nonblank[-2:]))
    return {line for line, n in edges.items() if n >= max(2, len(pages) // 2) and len(line) < 200}


_MARKER = compiled(
    r"^(?:(?:åbent|åben|lukket)\s+)?(?:referat|dagsorden)$"
    r"|^(?:dato|mødedato)?\s*:?\s*\d{1,2}[.\-/]\d{1,2}[.\-/]\d{2,4}$"
    r"|^(?:dato|mødedato)?\s*:?\s*(?:den\s+)?\d{1,2}\.\s*[a-zæøå]+\s+\d{4}$"
    r"|(?:^|\s)(?:side|page)\s*\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?$",
    re.I,
)
_ITEM_LINE = compiled(r"^\s*(?:\d{1,3}[.):]?\s|(?:punkt|pkt\.?)\s*\d)", re.I)
_MIN_REPEATS = 3
_MAX_FURNITURE = 100
_MAX_BLOCK = 5  # lines in a running header or footer; a longer repeated run is the document's own


def repeated_furniture(texts: list[str]) -> set[int]:
    """Indexes of page furniture left in running text (a PDF copied as text): `Side 3 af 9` lines, and
    blocks of short lines repeated at least three times that hold a page marker (`Åbent referat`, a
    date line, a page number), such as `Sundhedsudvalget` / `Åbent referat` / `Dato: 04.12.2012`."""
    drop = {i for i, t in enumerate(texts)
            if t and len(t) < 30 and PAGE_NUMBER().match(t.strip()) and re.search(r"[a-z]", t, re.I)}
    keys = [_masked(t.strip()) if len(t) <= _MAX_FURNITURE and t.strip() else None for t in texts]
    counts = Counter(k for k in keys if k)
    if not any(n >= _MIN_REPEATS and ("#" in k or _MARKER().search(k)) for k, n in counts.items()):
        return drop  # no repeated line holds a date, a page number or the document's type
    repeated = [k is not None and counts[k] >= _MIN_REPEATS for k in keys]
    nonblank = [i for i, t in enumerate(texts) if t.strip()]
    a = 0
    while a < len(nonblank):
        if not repeated[nonblank[a]]:
            a += 1
            continue
        b = a
        while b < len(nonblank) and repeated[nonblank[b]]:
            b += 1
        run = nonblank[a:b]
        markers = [k for k in run if _MARKER().search(" ".join(texts[k].split()))]
        if any(k not in markers and (_ITEM_LINE().match(texts[k]) or match_label(texts[k])) for k in run):
            markers = []  # an item heading or a section label among them: the document's own text
        if 2 <= len(run) <= _MAX_BLOCK and markers:
            drop.update(run)
        elif len(run) == 1 and markers and re.search(r"side|page", texts[run[0]], re.I):
            drop.add(run[0])
        a = b
    return drop


_INLINE_PAGE = compiled(r"\b[Ss]ide\s+\d{1,4}\s*(?:af|/)\s*\d{1,4}\b")
_FLAT_PAGE = 160  # characters: a line this long may be a page flattened onto one line
_FLAT_SHARE = 0.8  # ... and a document whose text is mostly in such lines is flattened
_MAX_PREFIX = 20  # words of a running header or footer
# What a running header or footer names: the document's type or a date (digits masked as #).
_PAGE_HEAD = compiled(r"\b(?:referat|dagsorden|beslutningsprotokol|protokol)\b|#[.\-/]#[.\-/]#"
                        r"|#\.\s[a-zæøå]{3,9}\.?\s#", re.I)


def flattened_furniture(texts: list[str]) -> dict[int, str]:
    """Page text flattened onto one line per page (a PDF copied as text): each such line without its
    `Side N af M` and without the running header or footer that opens or closes most of them (numbers,
    such as the page's date, aside; it names the document's type or a date, which rows of a table
    that happen to begin alike do not). Returns the lines that change, by index."""
    long = [i for i, t in enumerate(texts) if len(t) > _FLAT_PAGE]
    if not long:
        return {}
    out = {i: " ".join(_INLINE_PAGE().sub(" ", texts[i]).split()) for i in long
           if "ide" in texts[i] and _INLINE_PAGE().search(texts[i])}
    if len(long) < 3 or sum(len(texts[i]) for i in long) < _FLAT_SHARE * sum(map(len, texts)):
        return out
    words = {i: out.get(i, texts[i]).split() for i in long}
    need = max(3, (len(long) + 1) // 2)
    for end in (False, True):
        pairs = Counter(tuple(_DIGITS().sub("#", x) for x in (w[-2:][::-1] if end else w[:2])) for w in words.values())
        if pairs.most_common(1)[0][1] < need:
            continue  # not even two words open (or close) most pages alike
        counts: Counter[tuple[str, ...]] = Counter()
        for w in words.values():
            masked = [_DIGITS().sub("#", x) for x in (w[::-1] if end else w)]
            counts.update(tuple(masked[:k]) for k in range(2, min(_MAX_PREFIX, len(masked) - 1) + 1))
        common = [key for key, n in counts.items() if n >= need and _PAGE_HEAD().search(" ".join(key))]
        if not common:
            continue
        key = max(common, key=len)
        for i, w in words.items():
            seq = w[::-1] if end else w
            if tuple(_DIGITS().sub("#", x) for x in seq[:len(key)]) == key:
                seq = seq[len(key):]
                words[i] = seq[::-1] if end else seq
                out[i] = " ".join(words[i])
    return out


_WORD = compiled(r"[^\W\d_]+")
_FRAGMENT = 3  # letters: letter-spacing damage leaves fragments this short
_DAMAGED_SHARE = 0.6
_FRAGMENT_SHARE = 0.3
_MIN_JOINS = 0.3  # of a damaged line's tokens, at least this share must join into known words
_MAX_PARTS = 8
# Words of a meeting's header that the rest of a document may not repeat.
_HEADER_WORDS = ("referat", "dagsorden", "udvalget", "udvalg", "mødet", "møde", "mødedato", "indstilling",
                 "beslutning", "sagsfremstilling", "bilag", "godkendelse", "orientering", "eventuelt", "deltagere")


# Danish words of up to three letters that running text is full of: they are not fragments.
_SHORT_WORDS = frozenset(
    "i og at af en et på til der som med for den det de er om ud nu ny nye ved har kan var vil jf fx se så men år"
    " hos fra sin sit sig man vi os du jeg han hun kl nr pkt mv ift ca bl a o m ej op få fik gik tog gav mod end"
    " også".split())


def _damaged(tokens: list[str]) -> bool:
    """Most tokens are short, and many of them are fragments: no Danish short word, no abbreviation."""
    if len(tokens) < 3 or sum(len(t) <= _FRAGMENT for t in tokens) < _DAMAGED_SHARE * len(tokens):
        return False
    fragments = sum(len(t) <= _FRAGMENT and t.isalpha() and not t.isupper() and t.lower() not in _SHORT_WORDS
                    for t in tokens)
    return fragments >= 2 and fragments >= _FRAGMENT_SHARE * len(tokens)


def repair_spacing(texts: list[str]) -> dict[int, str]:
    """Lines whose letters were spaced apart (`Ref erat Ud val get`) with their fragments joined, by index.

    A line is damaged when most of its tokens are one- to three-letter fragments; fragments are joined
    only where the join is a word the document uses elsewhere (or a header word), compared by Danish
    stem or as a compound's first part, so `i en af de` stays as it is."""
    # Spaced-apart letters make short tokens: at most 4.5 characters a token, spaces included.
    tokens = {i: t.split() for i, t in enumerate(texts) if len(t) >= 8 and 4.5 * t.count(" ") >= len(t)}
    damaged = [i for i, toks in tokens.items() if _damaged(toks)]
    if not damaged:
        return {}
    import snowballstemmer

    stem = snowballstemmer.stemmer("danish").stemWord
    bad = set(damaged)
    vocabulary = {w.lower() for i, t in enumerate(texts) if i not in bad
                  for w in _WORD().findall(t) if len(w) > _FRAGMENT}
    vocabulary.update(_HEADER_WORDS)
    ordered = sorted(vocabulary)

    def begins_a_word(prefix: str) -> bool:
        at = bisect.bisect_left(ordered, prefix)
        return at < len(ordered) and ordered[at].startswith(prefix)

    def known(word: str) -> bool:
        """Used in the document: itself, another form of it (a word that begins with its Danish stem),
        or as the first part of a compound (`ældre` in `ældreområdet`)."""
        w = word.lower()
        if len(w) <= _FRAGMENT:
            return False
        root = stem(w)
        return w in vocabulary or begins_a_word(w) or (len(root) > _FRAGMENT and begins_a_word(root))

    out: dict[int, str] = {}
    for i in damaged:
        toks = tokens[i]
        best: list[tuple[int, list[str]]] = [(0, [])]
        for end in range(1, len(toks) + 1):
            gain, words = best[end - 1][0], best[end - 1][1] + [toks[end - 1]]
            for start in range(max(0, end - _MAX_PARTS), end - 1):
                joined = "".join(toks[start:end])
                core = joined.strip(".,:;!?()")
                if _WORD().fullmatch(core) and known(core) and best[start][0] + end - start - 1 > gain:
                    gain, words = best[start][0] + end - start - 1, best[start][1] + [joined]
            best.append((gain, words))
        gain, words = best[-1]
        if gain and gain >= _MIN_JOINS * len(toks):
            out[i] = " ".join(words)
    return out
