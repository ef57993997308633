"""The Danish analyzer: one place that says how text becomes terms, at index time and at query time.

Both times: tokens are runs of letters and digits, joined by inner hyphens (`Tele-KOL`, `2024-2027`);
they are lowercased, Danish stop words are dropped, and the rest is stemmed (Snowball Danish through
PyStemmer's C stemmer, cached) and spelled without æ/ø/å.
Index time only: a hyphenated token is indexed whole (`telekol`) and as its parts (`tele`, `kol`), the
parts one position apart so that phrases across them still match. A suspended hyphen in a coordinated
compound (`tvangs- og genindlæggelser`, `social-, sundheds- og ældreområdet`) also indexes the full forms
it stands for (`tvangsindlæggelser`, `socialområdet`): the modifier joined to each tail of the last
word (the head is not known without a lexicon; the tails that are not words cost a term each, no more).
Query time only: a hyphenated token is searched whole, so `Tele-KOL`, `TeleKOL` and `telekol` agree.

It is a single tokenizer rather than a chain of filters: the chain's per-token generator hops were the
largest cost of indexing after Whoosh's own posting writer. Plain Python, so that every engine analyses
alike: the Whoosh engine wraps it in a Whoosh tokenizer (indexer.engines.whoosh.analysis), the OpenSearch
engine sends the terms `analyse` makes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import snowballstemmer

TOKEN_RE = re.compile(r"\w+(?:[-–]\w+)*")
# `tvangs- og genindlæggelser`: a hyphen that ends a word (a suspended modifier), then what completes it.
_SUSPENDED = re.compile(r"(?<=\w)[-–](?=[\s,])")
_COMPLETED_BY = re.compile(r"(?:\s*,\s*\w+[-–])*\s*,?\s*(?:og|eller|samt|&)\s+(\w+)")
MIN_HEAD = 5
_HYPHEN = re.compile(r"[-–]")
_STEMMER = snowballstemmer.stemmer("danish")
_NEUTER_T = re.compile(r"(?<=\w{3})(al|el|ig)t$")
_ERING = re.compile(r"(?<=\w{4})ering$")
_DOUBLE_END = re.compile(r"([bcdfghjklmnpqrstvwxz])\1$")
FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "é": "e", "è": "e", "ü": "u"})
_FOLDED_E = ("oe", "ae")  # ø and æ as folded (or typed so): their e is part of the letter, not an ending


@lru_cache(maxsize=1)
def stem_exceptions() -> dict[str, str]:
    """Snowball stems that must meet another form's stem (data/stem_exceptions.tsv)."""
    text = resources.files("indexer").joinpath("data/stem_exceptions.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {row[0].strip(): row[1].strip() for row in rows}


@lru_cache(maxsize=300_000)
def stem(word: str, exceptions: bool = True, fold: bool = True) -> str:
    """Snowball Danish, then Danish repairs, cached: the same words recur constantly.

    æ/ø/å are spelled ae/oe/aa before stemming, so every spelling of a word (`pårørende`, `paarørende`,
    `paaroerende`) takes the same path through Snowball and ends as the same stem.
    Repairs: a small exception table joins forms Snowball splits (`godkendes` and `godkendt`); a noun
    in -ering meets its verb in -ere (`rekruttering` = `rekruttere`, `implementering` = `implementeres`);
    the neuter/participle -t Snowball keeps after -al/-el/-ig is dropped (`nationalt` = `nationale`).
    """
    folded = word.translate(FOLD) if fold else word
    result = _STEMMER.stemWord(folded)
    if len(result) < len(folded) and folded[len(result) - 1:len(result) + 1] in _FOLDED_E:
        result += "e"  # Snowball took the e of a folded ø/æ, as it never does of ø itself: `miljø` = `miljøet`
    word = folded
    if exceptions:
        result = stem_exceptions().get(result, result)
        if _ERING.search(result):  # as Snowball does for the verb: rekruttere -> rekrut
            result = _DOUBLE_END.sub(r"\1", result[:-5])
    result = _NEUTER_T.sub(r"\1", result)
    if result != word and result in stop_words():
        return word  # `demens` must not become the stop word `dem`, which would match and highlight it
    return result


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("indexer").joinpath("data/stopwords_da.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip())


FORMS_CACHE = 300_000  # tokens whose analysis is kept (see Analysis._forms); then it starts afresh
_FORMS: dict[tuple[bool, bool, bool], dict[str, tuple[bool, str, tuple[str, ...]]]] = {}
KINDS = ("text", "exact", "ocr")  # stemmed text, unstemmed forms (`=godkendt`), OCR keys (scanned items)
MODES = ("index", "query")


@dataclass(slots=True)
class Token:
    """One term of an analysed text: its word position (phrases) and the characters it came from."""
    text: str
    pos: int
    start: int
    end: int
    stopped: bool = False


class Analysis:
    """Tokenize, lowercase, split or join hyphenated words, drop stop words and stem, in one pass.

    `kind` "text" stems, "exact" keeps the lowercased forms (nothing dropped), "ocr" reduces every word
    by ocr_key. `fold` and `exceptions` switch off æ/ø/å folding and the stem exception table (to measure
    what they do). Plain Python: the Whoosh engine wraps it in a Whoosh tokenizer
    (indexer.engines.whoosh.analysis), the OpenSearch engine sends the terms it makes.
    """

    def __init__(self, kind: str = "text", fold: bool = True, exceptions: bool = True):
        if kind not in KINDS:
            raise ValueError(f"unknown analysis '{kind}': one of {', '.join(KINDS)}")
        self.kind = kind
        self.stemming = kind == "text"
        self.fold = fold
        self.exceptions = exceptions

    def _forms(self) -> dict[str, tuple[bool, str, tuple[str, ...]]]:
        """This analysis's cache: lowercased token -> (a stop word?, its term, the terms of its
        hyphenated parts). Module-level, shared by every Analysis of the same settings."""
        key = (self.stemming, self.fold, self.exceptions)
        cache = _FORMS.get(key)
        if cache is None or len(cache) >= FORMS_CACHE:
            cache = _FORMS[key] = {}
        return cache

    def _analyse(self, word: str, cache: dict) -> tuple[bool, str, tuple[str, ...]]:
        """What a lowercased token becomes (see _forms); the same words recur constantly."""
        found = cache.get(word)
        if found is None:
            parts = tuple(p for p in _HYPHEN.split(word) if p) if ("-" in word or "–" in word) else ()
            joined = "".join(parts) if parts else word
            stopped = self.stemming and joined in stop_words()
            if self.stemming:
                text = joined if stopped else stem(joined, self.exceptions, self.fold)
                parts = tuple(stem(p, self.exceptions, self.fold) for p in parts)
            else:
                text = joined
            found = cache[word] = (stopped, text, parts if len(parts) > 1 else ())
        return found

    def word_analyser(self) -> Callable[[str], tuple[bool, str, tuple[str, ...]]]:
        """word -> (a stop word?, its term, the terms of its hyphenated parts), for lowercased tokens
        looked up one at a time (snippets)."""
        cache, analyse = self._forms(), self._analyse

        def analysed(word: str) -> tuple[bool, str, tuple[str, ...]]:
            found = cache.get(word)
            return found if found is not None else analyse(word, cache)

        return analysed

    def tokens(self, value: str, mode: str = "index", keep_stops: bool = False, whole: bool = False) -> list[Token]:
        """The terms of `value` in order, with positions and characters. `mode` "index" also makes the
        parts of hyphenated words and the full forms of suspended compounds; `keep_stops` keeps stop
        words (marked `stopped`); `whole` takes `value` as one term, folded but not stemmed (a prefix,
        wildcard or range text, so that `børn*` meets the indexed `boern...`)."""
        if self.kind == "ocr":
            return _ocr_tokens(value, keep_stops, whole)
        if whole:
            text = value.lower().translate(FOLD) if self.stemming and self.fold else value.lower()
            return [Token(text, 0, 0, len(value))]
        cache = self._forms()
        index_mode = mode == "index"
        coordinated = _coordinated_forms(value) if index_mode and self.stemming else {}
        found: list[Token] = []
        pos = 0
        for m in TOKEN_RE.finditer(value):
            stopped, text, parts = self._analyse(m.group().lower(), cache)
            if stopped and not keep_stops:
                continue
            start, end = m.start(), m.end()
            found.append(Token(text, pos, start, end, stopped))
            for form in coordinated.get(start, ()):
                found.append(Token(stem(form, self.exceptions, self.fold), pos, start, end, stopped))
            if index_mode and parts:
                for offset, part in enumerate(parts):
                    found.append(Token(part, pos + offset, start, end))
                pos += len(parts) - 1
            pos += 1
        return found

    def positions(self, value: str, words: set[str] | None = None) -> dict[str, list[int]]:
        """Each index-time term of `value` with its positions: what `tokens(value)` makes, gathered per
        term without a token object per word (the writer's path). `words` gains `words_of(value)` (the
        spelling list's words, which this pass finds on the way)."""
        if self.kind == "ocr":
            gathered: dict[str, list[int]] = {}
            for token in _ocr_tokens(value, False, False):
                gathered.setdefault(token.text, []).append(token.pos)
            if words is not None:
                words.update(words_of(value))
            return gathered
        found: dict[str, list[int]] = {}
        cache = self._forms()
        analyse = self._analyse
        coordinated = _coordinated_forms(value) if self.stemming else {}
        if not coordinated and _LOWERS_APART.search(value) is None:
            lowered = words_of(value)  # lowercased whole: the same tokens as each lowercased alone
            if words is not None:
                words.update(lowered)
            return self._positions_of_words(lowered, cache)
        if words is not None:
            words.update(words_of(value))
        pos = 0
        for m in TOKEN_RE.finditer(value):
            stopped, text, parts = analyse(m.group().lower(), cache)
            if stopped:
                continue
            at = found.get(text)
            if at is None:
                found[text] = [pos]
            else:
                at.append(pos)
            if coordinated:
                for form in coordinated.get(m.start(), ()):
                    found.setdefault(stem(form, self.exceptions, self.fold), []).append(pos)
            if parts:
                for offset, part in enumerate(parts):
                    found.setdefault(part, []).append(pos + offset)
                pos += len(parts) - 1
            pos += 1
        return found

    def _positions_of_words(self, words: list[str], cache: dict) -> dict[str, list[int]]:
        """`positions` of a text without suspended compounds, from its lowercased tokens (no match
        objects: the writer's hottest loop; every cached word is one dict look-up)."""
        found: dict[str, list[int]] = {}
        get, analyse, gathered = cache.get, self._analyse, found.get
        pos = 0
        for word in words:
            analysed = get(word)
            stopped, text, parts = analysed if analysed is not None else analyse(word, cache)
            if stopped:
                continue
            at = gathered(text)
            if at is None:
                found[text] = [pos]
            else:
                at.append(pos)
            if parts:
                for offset, part in enumerate(parts):
                    found.setdefault(part, []).append(pos + offset)
                pos += len(parts) - 1
            pos += 1
        return found


def words_of(text: str) -> list[str]:
    """The words of `text` as they are written, lowercased, before stop words and stemming: what the
    spelling list counts (indexer.spelling)."""
    return TOKEN_RE.findall(text.lower())


# The two letters whose lowercase depends on where they are (a final sigma) or is two characters (dotted
# I): in a text without them, lowercasing it whole and then finding the tokens gives each token exactly
# as lowercasing it alone would (every other character lowercases alone, to one character, word
# character to word character).
_LOWERS_APART = re.compile("[\u0130\u03a3]")


def _coordinated_forms(text: str) -> dict[int, list[str]]:
    """Start of each suspended modifier -> the full forms it may stand for (modifier + tails of the
    completing word)."""
    forms: dict[int, list[str]] = {}
    if "- " not in text and "-," not in text and "– " not in text and "-\n" not in text:
        return forms
    for hyphen in _SUSPENDED.finditer(text):
        completed = _COMPLETED_BY.match(text, hyphen.end())
        if not completed:
            continue
        start = hyphen.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        modifier, head = text[start:hyphen.start()].lower(), completed.group(1).lower()
        forms[start] = [modifier + head[i:] for i in range(2, len(head) - MIN_HEAD + 1)]
    return forms


@cache
def analysis(kind: str = "text", fold: bool = True, exceptions: bool = True) -> Analysis:
    """The analysis of a field kind (KINDS), one object per setting."""
    return Analysis(kind, fold, exceptions)


def analyse(kind: str, text: str, mode: str = "index") -> list[Token]:
    """The terms `text` makes in a field of `kind` ("text", "exact", "ocr") at index or query time."""
    if mode not in MODES:
        raise ValueError(f"unknown mode '{mode}': one of {', '.join(MODES)}")
    return analysis(kind).tokens(text, mode)


def danish_analyzer(fold: bool = True, exceptions: bool = True) -> Analysis:
    """Stemmed text fields: title, sections, participants."""
    return analysis("text", fold, exceptions)


def exact_analyzer() -> Analysis:
    """Unstemmed forms, for `=godkendt` searches."""
    return analysis("exact")


def ocr_analyzer() -> Analysis:
    """The `ocr` field of scanned documents, at index and query time alike: words reduced by ocr_key."""
    return analysis("ocr")


def terms(text: str, mode: str = "query") -> list[str]:
    """The terms the analyzer makes of `text` (for tests and highlighting)."""
    return [t.text for t in analyse("text", text, mode)]


_OCR_TABLE = str.maketrans({"ø": "g", "ö": "g", "@": "g", "å": "a", "&": "a", "æ": "e", "z": "e", "i": "l"})
_OCR_TOKEN = re.compile(r"[\w@&]+")
_OCR_DIGIT = re.compile(r"(?<=[a-z])[38](?=[a-z])|(?<![\w])[38](?=[a-z]{2})|(?<![\w])0(?=[a-z])")


@lru_cache(maxsize=200_000)
def ocr_key(word: str) -> str:
    """The form a word takes once every OCR confusion of Danish letters is collapsed.

    ø/oe/@ -> g, å/aa/& -> a, æ/ae/z/ee -> e, 3/8 inside a word -> a, a leading 0 -> o, i -> l: `økonomistyring`
    and the scanned `gkonomistyring`, `høring` and `hgring`, `lægevagten` and `lzegevagten` meet.
    """
    w = _OCR_DIGIT.sub(lambda m: "a" if m.group() in "38" else "o", word.lower())
    w = w.translate(_OCR_TABLE).replace("ae", "e").replace("ee", "e").replace("oe", "g").replace("aa", "a")
    return stem(w)


def _ocr_tokens(value: str, keep_stops: bool, whole: bool) -> list[Token]:
    """The OCR keys of `value`'s words (or of `value` whole, lowercased), positions counting only the
    words kept."""
    stops = _ocr_stop_words()
    found: list[Token] = []
    pos = 0
    for m in (_OCR_TOKEN.finditer(value) if not whole else re.finditer(r"\A.*", value, re.DOTALL)):
        word = m.group()
        key = ocr_key(word) if not whole else word.lower()
        stopped = key in stops
        if not stopped or keep_stops:
            found.append(Token(key, pos, m.start(), m.end(), stopped))
            pos += 1
    return found


@lru_cache(maxsize=1)
def _ocr_stop_words() -> frozenset[str]:
    return frozenset(ocr_key(w) for w in stop_words())
