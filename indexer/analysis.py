"""The Danish analyzer: one place that says how text becomes terms, at index time and at query time.

Index time and query time share tokenizer, lowercasing, stop words and stemming. They differ in one
step only: at index time a hyphenated or glued token (`Tele-KOL`, `lænde-rygsmerter`, `72-timers`) is
indexed both whole (`telekol`) and as its parts (`tele`, `kol`); at query time it is searched whole, so
`Tele-KOL`, `TeleKOL` and `telekol` all find the same items and `KOL` still finds the part.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

# Words with inner hyphens, slashes or dots kept together (2024-2027, Tele-KOL, lænde-rygsmerter, f.eks).
TOKEN_PATTERN = r"\w+(?:[-–]\w+)*"

_STEMMER = snowballstemmer.stemmer("danish")


_NEUTER_T = re.compile(r"(?<=\w{3})(al|el|ig)t$")
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "é": "e", "è": "e", "ü": "u"})


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball Danish (PyStemmer's C stemmer when installed), cached: the same words recur constantly.

    Two steps after Snowball: the neuter/participle -t that Snowball keeps is dropped after -al/-el/-ig
    (`nationalt` = `nationale`, `vigtigt` = `vigtige`), and æ/ø/å are spelled ae/oe/aa, so text typed
    or scanned without them (`laegevagten`, `Goedstrup`) meets text with them.
    A module-level function, not a bound method, so that Whoosh can pickle the analyzer into the index.
    """
    return _NEUTER_T.sub(r"\1", _STEMMER.stemWord(word)).translate(_FOLD)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("indexer").joinpath("data/stopwords_da.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip())


class CompoundSplitFilter(Filter):
    """Index time: `tele-kol` -> `telekol`, `tele`, `kol` (the parts one position apart, for phrases)."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            text = t.text
            if "-" not in text and "–" not in text:
                yield t
                continue
            parts = [p for p in re.split(r"[-–]", text) if p]
            t.text = "".join(parts)
            yield t
            if len(parts) > 1:
                base = t.pos if t.positions else 0
                for offset, part in enumerate(parts):
                    t.text = part
                    if t.positions:
                        t.pos = base + offset
                    yield t
                shift += len(parts) - 1


class JoinHyphensFilter(Filter):
    """Query time: `tele-kol` -> `telekol` (the whole form, which every spelling was indexed under)."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            if "-" in t.text or "–" in t.text:
                t.text = re.sub(r"[-–]", "", t.text)
            yield t


class StemFilter(Filter):
    """Stems through the module-level cached `stem`; never holds on to a token (Whoosh reuses it)."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


class ModeSwitch(Filter):
    """Runs `index_filter` when Whoosh indexes and `query_filter` when it parses a query."""

    def __init__(self, index_filter: Filter, query_filter: Filter):
        self.index_filter = index_filter
        self.query_filter = query_filter

    def __eq__(self, other):
        return (
            other is not None and self.__class__ is other.__class__
            and self.index_filter == other.index_filter and self.query_filter == other.query_filter
        )

    def __call__(self, tokens):
        tokens = iter(tokens)
        first = next(tokens, None)
        if first is None:
            return
        chosen = self.index_filter if first.mode == "index" else self.query_filter

        def chain():
            yield first
            yield from tokens

        yield from chosen(chain())


def danish_analyzer():
    """Stemmed text fields: title, sections, participants."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | ModeSwitch(index_filter=CompoundSplitFilter(), query_filter=JoinHyphensFilter())
        | StopFilter(stoplist=stop_words(), minsize=1)
        | StemFilter()
    )


def exact_analyzer():
    """Unstemmed forms, for `=godkendt` searches: same tokens, no stemming, no stop words."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | ModeSwitch(index_filter=CompoundSplitFilter(), query_filter=JoinHyphensFilter())
    )


def terms(text: str, mode: str = "query") -> list[str]:
    """The terms the analyzer makes of `text` (for tests and highlighting)."""
    return [t.text for t in danish_analyzer()(text, mode=mode) if not t.stopped]
