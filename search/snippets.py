"""The passage of an item shown with a hit: where the query's words are, with what matched marked.

A word is marked when the Danish analysis makes it a query term (its stem, or the stem of one of its
hyphenated parts), or, in a scanned item, when its OCR key is one (`høring` marks `Hgring`); stop words
never are. The passages are windows of at most SNIPPET_CHARS around matches; the two that match the
most (distinct words counting most) are shown in the order of the text. The whole text is looked at
(no cut-off), each distinct word analysed once: Whoosh's highlighter made a token object per word and
cost more than the search itself.
"""
from __future__ import annotations

import re
from functools import lru_cache

from indexer.analysis import FOLD, TOKEN_RE, danish_analyzer, ocr_key, stem_exceptions

SNIPPET_CHARS = 240
SURROUND = 70  # context before the first and after the last match of a passage
PASSAGES = 2
BETWEEN = " … "

_ANALYZER = danish_analyzer()


def matches(text: str, stems: frozenset[str], keys: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of `text` that the query matched. Each distinct word is
    analysed once; the few that match are then found with str.find."""
    analyse = _ANALYZER.word_analyser()
    lower = text.lower()
    matched: dict[str, str] = {}
    for word in set(TOKEN_RE.findall(lower)):
        stopped, term, parts = analyse(word)
        if stopped:
            continue
        if term in stems:
            matched[word] = term
        elif parts and (hit := next((p for p in parts if p in stems), None)):
            matched[word] = hit
        elif keys and (key := ocr_key(word)) in keys:
            matched[word] = key
    if len(lower) != len(text):  # a letter whose lower case is longer: positions from the original
        return [(m.start(), m.end(), matched[m.group().lower()]) for m in TOKEN_RE.finditer(text)
                if m.group().lower() in matched]
    found = []
    for word, term in matched.items():
        at = lower.find(word)
        while at >= 0:
            end = at + len(word)
            if _whole(lower, at, end):
                found.append((at, end, term))
            at = lower.find(word, end)
    found.sort()
    return found


_SPELLINGS = (("ae", ("ae", "æ")), ("oe", ("oe", "ø")), ("aa", ("aa", "å")))
_HALF = {"a": "æå", "o": "ø"}  # a letter whose spelling out begins with this one
_RARE_FOLDED = "äöéèü"  # folded too, but rare: a text with one of them is folded before it is searched


@lru_cache(maxsize=256)
def _needles(stems: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(what a folded text must contain to hold one of `stems`, the same in every æ/ø/å spelling for an
    unfolded lowercase text): each stem (Snowball stems and their repairs are prefixes of the folded
    word), and for a stem the exception table gives to other forms, those forms' own stems."""
    folded = set(stems) | {snowball for snowball, canonical in stem_exceptions().items() if canonical in stems}
    spelled = set()
    for needle in folded:
        forms = [needle]
        for pair, spellings in _SPELLINGS:
            forms = [variant for f in forms for variant in _respell(f, pair, spellings)]
        # A stem can end inside a spelled-out letter: `trae` (træ) loses its `e` and is `tra`.
        forms += [f[:-1] + letter for f in forms for letter in _HALF.get(f[-1:], "")]
        spelled.update(forms)
    return tuple(sorted(folded)), tuple(sorted(spelled))


def _respell(word: str, pair: str, spellings: tuple[str, ...]) -> list[str]:
    """`word` with each `pair` in it spelled every way of `spellings` (at most 2**k forms for k pairs)."""
    pieces = word.split(pair)
    forms = [pieces[0]]
    for piece in pieces[1:]:
        forms = [f + s + piece for f in forms for s in spellings]
    return forms


@lru_cache(maxsize=256)
def _needle_patterns(stems: frozenset[str]) -> tuple[re.Pattern, re.Pattern]:
    """The needles (folded, spelled) as patterns that find them where a token starts."""
    folded, spelled = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(needles, key=len, reverse=True)))
                                  + ")") for needles in _needles(stems))
    return folded, spelled


def could_match(text: str, stems: frozenset[str]) -> bool:
    """A cheap necessary condition for `matches(text, stems, ...)` to find something (no OCR keys): a
    stem where a word, or a hyphenated word's part, starts, in a pattern search of the lowercased text
    (and of it with hyphens dropped, for a hyphenated word's joined term), where `matches` analyses
    every word."""
    folded, spelled = _needle_patterns(stems)
    lower = text.lower()
    if any(ch in lower for ch in _RARE_FOLDED):
        lower, pattern = lower.translate(FOLD), folded
    else:
        pattern = spelled
    return bool(pattern.search(lower) or pattern.search(lower.replace("-", "").replace("–", "")))


def _whole(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole token as TOKEN_RE cuts them (not the start or end of a longer
    word, nor a part of a hyphenated one)."""
    if start and (text[start - 1].isalnum() or text[start - 1] in "_-–"):
        return False
    after = text[end:end + 2]
    return not after or not (after[0].isalnum() or after[0] == "_"
                             or (after[0] in "-–" and len(after) > 1 and (after[1].isalnum() or after[1] == "_")))


def _passages(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, list]]:
    """Windows of at most SNIPPET_CHARS, each around a run of matches, cut between words."""
    passages = []
    i = 0
    while i < len(found):
        start = max(0, found[i][0] - SURROUND)
        run = [found[i]]
        i += 1
        while i < len(found) and found[i][1] - start <= SNIPPET_CHARS - SURROUND // 2:
            run.append(found[i])
            i += 1
        end = min(len(text), max(run[-1][1] + SURROUND, start + SNIPPET_CHARS // 2), start + SNIPPET_CHARS)
        if start:
            space = text.find(" ", start, run[0][0])
            start = space + 1 if space >= 0 else run[0][0]
        if end < len(text):
            space = text.rfind(" ", run[-1][1], end)
            end = space if space >= 0 else run[-1][1]
        passages.append((start, end, run))
    return passages


def snippet(text: str, words: tuple[frozenset[str], frozenset[str]]) -> str:
    """The best passages of `text` for the query terms `words` (stems, OCR keys), matches between **."""
    if not text:
        return ""
    stems, keys = words
    found = matches(text, stems, keys) if stems or keys else []
    if not found:
        return " ".join(text[:SNIPPET_CHARS].split())
    passages = _passages(text, found)
    best = sorted(passages, key=lambda p: (-len({t for _, _, t in p[2]}), -len(p[2]), p[0]))[:PASSAGES]
    out = []
    for start, end, run in sorted(best):
        pieces, at = [], start
        for s, e, _ in run:
            pieces += [text[at:s], "**", text[s:e], "**"]
            at = e
        pieces.append(text[at:end])
        out.append(" ".join("".join(pieces).split()))
    return BETWEEN.join(out)
