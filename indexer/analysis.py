"""The Danish analyzer: one place that says how text becomes terms, at index time and at query time.

Both times: tokens are runs of letters and digits, joined by inner hyphens (`Tele-KOL`, `2024-2027`);
they are lowercased, Danish stop words are dropped, and the rest is stemmed (Snowball Danish through
PyStemmer's C stemmer, cached) and spelled without æ/ø/å.
Index time only: a hyphenated token is indexed whole (`telekol`) and as its parts (`tele`, `kol`), the
parts one position apart so that phrases across them still match.
Query time only: a hyphenated token is searched whole, so `Tele-KOL`, `TeleKOL` and `telekol` agree.

It is a single tokenizer rather than a chain of filters: the chain's per-token generator hops were the
largest cost of indexing after Whoosh's own posting writer.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import snowballstemmer
from whoosh.analysis import Token, Tokenizer

TOKEN_RE = re.compile(r"\w+(?:[-–]\w+)*")
_HYPHEN = re.compile(r"[-–]")
_STEMMER = snowballstemmer.stemmer("danish")
_NEUTER_T = re.compile(r"(?<=\w{3})(al|el|ig)t$")
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "é": "e", "è": "e", "ü": "u"})


@lru_cache(maxsize=300_000)
def stem(word: str) -> str:
    """Snowball Danish, then two Danish repairs, cached: the same words recur constantly.

    Snowball keeps the neuter/participle -t after -al/-el/-ig, so it is dropped (`nationalt` =
    `nationale`); æ/ø/å are spelled ae/oe/aa, so text typed or scanned without them (`laegevagten`,
    `Goedstrup`) meets text with them. A module-level function, not a bound method of the C stemmer,
    so that Whoosh can pickle the analyzer into the index.
    """
    return _NEUTER_T.sub(r"\1", _STEMMER.stemWord(word)).translate(_FOLD)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("indexer").joinpath("data/stopwords_da.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip())


class DanishTokenizer(Tokenizer):
    """Tokenize, lowercase, split or join hyphenated words, drop stop words and stem, in one pass.

    `stemming=False` gives the exact-form analysis (lowercased forms, nothing dropped).
    """

    def __init__(self, stemming: bool = True):
        self.stemming = stemming

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__ and self.stemming == other.stemming

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh's parser hands over prefix, wildcard and range texts whole: fold, do not stem, so
            # that `børn*` meets the indexed (folded) `boern...`.
            t.text = value.lower().translate(_FOLD) if self.stemming else value.lower()
            t.stopped = False
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        stops = stop_words() if self.stemming else frozenset()
        stemming = self.stemming
        index_mode = mode == "index"
        pos = start_pos
        for m in TOKEN_RE.finditer(value):
            word = m.group().lower()
            if keeporiginal:
                t.original = m.group()
            if chars:
                t.startchar, t.endchar = start_char + m.start(), start_char + m.end()
            parts = _HYPHEN.split(word) if ("-" in word or "–" in word) else None
            if parts:
                parts = [p for p in parts if p]
                word = "".join(parts)
            t.stopped = word in stops
            if t.stopped and removestops:
                continue
            t.boost = 1.0
            t.text = stem(word) if stemming and not t.stopped else word
            if positions:
                t.pos = pos
            yield t
            if index_mode and parts and len(parts) > 1:
                for offset, part in enumerate(parts):
                    t.text = stem(part) if stemming else part
                    t.stopped = False
                    if positions:
                        t.pos = pos + offset
                    yield t
                pos += len(parts) - 1
            pos += 1


def danish_analyzer() -> DanishTokenizer:
    """Stemmed text fields: title, sections, participants."""
    return DanishTokenizer(stemming=True)


def exact_analyzer() -> DanishTokenizer:
    """Unstemmed forms, for `=godkendt` searches."""
    return DanishTokenizer(stemming=False)


def terms(text: str, mode: str = "query") -> list[str]:
    """The terms the analyzer makes of `text` (for tests and highlighting)."""
    return [t.text for t in danish_analyzer()(text, mode=mode)]
