"""Query-time help for what Danish users type: abbreviations, questions, compounds, typos.

Each helper is a named feature so that it can be switched off and its effect measured.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Container, Iterable
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from indexer.analysis import TOKEN_RE, ocr_key, stem
from indexer.compounds import MIN_PART, splits
from indexer.spelling import near, ocr_keys
from indexer.spelling import words as spelling_words

from .tree import And, DisMax, MinimumMatch, Node, Or, Phrase, Term, transform, walk

T = TypeVar("T")

FEATURES = frozenset({"synonyms", "questions", "compounds", "ocr", "typos"})
# Query-only stop words: what questions are made of, on top of the index's stop words.
QUESTION_WORDS = frozenset(
    "hvordan hvornår hvorfor hvilke hvilken hvilket hvem hvad går gik gået sket sker ske status vide gerne "
    "fortæl fortælle find finde vis vise noget nogle nogen ang angående vedrørende vedr ift omkring".split()
)
GRADED_TERMS = 2  # from this many words on, an item missing one word still matches (ranked lower)
LONG_QUERY_TERMS = 4  # from this many words on (a question), all but one or 60 % must match
# An item with some of a graded query's words scores its BM25F sum times (the share of the words' weight it
# has) to this power, a word weighing its idf: an item missing the rare word of `sygefravær hjemmeplejen`
# falls below one missing the common word. Measured on the judged sets (README, "Ranking, measured").
COORDINATION_POWER = 4


def word_weight(doc_count: int, found: int) -> float:
    """A query word's weight in the coordination factor: its idf (BM25's formula) among the `doc_count`
    items of the index (deleted ones aside), `found` of which have it."""
    return math.log(doc_count / (found + 1)) + 1
COMPOUND_BOOST = 0.35
PARTS_BOOST = 0.5


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    data = json.loads(resources.files("search").joinpath("data/synonyms.json").read_text("utf-8"))
    return data["synonyms"]


def _phrase(text: str) -> str:
    return f'"{text}"' if " " in text else text


def expand_synonyms(text: str) -> tuple[str, list[str]]:
    """`KOL` -> `(KOL OR "kronisk obstruktiv lungesygdom")`, and the long form back to its abbreviation;
    with the expansions made (`KOL = kronisk obstruktiv lungesygdom`), so that a note can name them. A
    quoted phrase is exact: it is searched as written, never widened."""
    pieces = re.split(r'("[^"]*"|\S+:\S+)', text)
    out, made = [], []
    for piece in pieces:
        if piece.startswith('"') or re.match(r"\S+:\S+", piece or ""):
            out.append(piece)
            continue
        for short, longs in synonyms().items():
            forms = [short, *longs]
            alternatives = " OR ".join(_phrase(f) for f in forms)
            longest_first = sorted(forms, key=len, reverse=True)
            pattern = r"(?<![\w=-])(?:" + "|".join(re.escape(f) for f in longest_first) + r")(?![\w-])"
            found = re.search(pattern, piece, flags=re.IGNORECASE)
            if found:
                made.append(f"{found.group(0)} = {' / '.join(f for f in forms if f.lower() != found.group(0).lower())}")
                piece = re.sub(pattern, lambda m, alt=alternatives: f"({alt})", piece, flags=re.IGNORECASE)
        out.append(piece)
    return "".join(out), made


def drop_question_words(text: str) -> str:
    """`hvordan går det med implementeringen af telekol` -> `implementeringen telekol` (stop words go later)."""
    if re.search(r'\b(AND|OR|NOT)\b|["():*=]', text):
        return text
    words = [w for w in text.split() if w.lower().strip("?.,!") not in QUESTION_WORDS]
    return " ".join(words) if words else text


def minimum_match(query: Node, questions: bool = True) -> Node:
    """Graded AND: of two or three words, all but one must match; of a longer query (a question) all but
    one, or 60 %. Items are ranked with a coordination factor ((weight of the words matched / of all)⁴, a
    word weighing its idf), so items with every word
    come first as a rule, and a two-word query never shows an empty page when one of its words is found.

    `query` is the all-words (And) parse; its clauses are the words.
    """
    if not isinstance(query, And):
        return query
    n = len(query.children)
    if n >= LONG_QUERY_TERMS and questions:
        return MinimumMatch(query.children, min(n - 1, max(3, math.ceil(0.6 * n))))
    if n >= GRADED_TERMS:
        return MinimumMatch(query.children, n - 1)
    return query


def _word_groups(node: Node, text_fields: set[str]) -> tuple[str, list[str]] | None:
    """(term, fields) when `node` is the parser's per-word Or of one term over the text fields."""
    if not isinstance(node, Or) or not node.children:
        return None
    if not all(isinstance(q, Term) for q in node.children):
        return None
    terms = [q for q in node.children if isinstance(q, Term) and q.field in text_fields]
    texts = {t.text for t in terms}
    if len(texts) != 1:
        return None
    return next(iter(texts)), [t.field for t in terms]


def _ends(term: str) -> list[str]:
    """The beginnings and endings of `term` that splits() asks about as a compound's modifier and head
    (all but the parts of a part, which depend on them)."""
    if len(term) < 2 * MIN_PART:
        return []
    return [term[:i] for i in range(MIN_PART, len(term) - MIN_PART + 1)] + \
        [term[i:] for i in range(MIN_PART, len(term) - MIN_PART + 1)]


def expand_compounds(query: Node, compound_map: dict[str, list[str]], vocabulary, text_fields: set[str]) -> Node:
    """A part also finds the compounds it is in (lower); a compound also finds its parts written apart or
    hyphenated, next to each other (lower)."""

    words = [found[0] for node in walk(query) if (found := _word_groups(node, text_fields))]
    if isinstance(vocabulary, Vocabulary):  # every word's parts looked up together, a round at a time
        split = vocabulary.settled(lambda known: {w: splits(w, known)[:1] for w in words},
                                   first=[part for w in words for part in _ends(w)])
    else:
        split = {w: splits(w, vocabulary)[:1] for w in words}

    def convert(node: Node) -> Node:
        found = _word_groups(node, text_fields)
        if not found:
            return node
        term, fields = found
        alternatives: list[Node] = [node]
        compounds = [c for c in compound_map.get(term, []) if c != term]
        if compounds:
            alternatives.append(Or(tuple(Term(f, c) for c in compounds for f in fields), boost=COMPOUND_BOOST))
        for modifier, head in split[term]:  # walk() saw every node transform() gives convert
            alternatives.append(Or(tuple(Phrase(f, (modifier, head)) for f in fields), boost=PARTS_BOOST))
        # The best of the alternatives, not their sum: a rare compound must not outrank the word itself.
        return node if len(alternatives) == 1 else DisMax(tuple(alternatives))

    return transform(query, convert)


class Vocabulary:
    """Membership of stemmed terms in the index's text fields: `has_terms(fields, terms)` (the engine's)
    answers many at once; `known` remembers the answers (shared by the searches of one index generation).
    Ask what a query needs together (`learn`, `settled`): each look-up may be a round trip to a cluster."""

    def __init__(self, has_terms: Callable[[list[str], list[str]], set[str]], fields: Iterable[str],
                 known: dict[str, bool] | None = None):
        self.has_terms = has_terms
        self.fields = list(fields)
        self._seen: dict[str, bool] = {} if known is None else known

    def learn(self, terms: Iterable[str]) -> None:
        """Look up every term of `terms` not known yet, in one question to the engine."""
        missing = [t for t in dict.fromkeys(terms) if t not in self._seen]
        if missing:
            found = self.has_terms(self.fields, missing)
            self._seen.update((t, t in found) for t in missing)

    def settled(self, compute: Callable[[Container[str]], T], first: Iterable[str] = ()) -> T:
        """`compute(vocabulary)` with the terms it asks looked up a round at a time: it runs with the
        unknown ones answered "no" and noted, those are learnt together, and it runs again until it asks
        nothing new (as many rounds as its questions depend on earlier answers; `first`, the terms it
        will surely ask, are learnt in the first round)."""
        self.learn(first)
        while True:
            asked: list[str] = []
            result = compute(_Noting(self._seen, asked))
            if not asked:
                return result
            self.learn(asked)

    def __contains__(self, term: object) -> bool:
        if not isinstance(term, str):
            return False
        self.learn([term])
        return self._seen[term]


class _Noting:
    """A vocabulary of what is known, noting each term asked that is not (Vocabulary.settled)."""

    def __init__(self, seen: dict[str, bool], asked: list[str]):
        self._seen, self._asked = seen, asked

    def __contains__(self, term: object) -> bool:
        if not isinstance(term, str):
            return False
        found = self._seen.get(term)
        if found is None:
            self._asked.append(term)
        return bool(found)


def _looks_scanned(word: str) -> bool:
    """An OCR misreading rather than a word: its OCR key is that of a different, more common spelling
    with æ/ø/å (`pargrende` for `pårørende`), or it holds OCR debris (`m@de`, digits inside letters)."""
    return bool(re.search(r"[@&]|[a-zæøå][038][a-zæøå]", word))


def suggested(text: str, fixed: dict[str, str]) -> str:
    """The query as typed with its corrected words in place (quotes, punctuation and the rest kept)."""
    return TOKEN_RE.sub(lambda m: fixed.get(m.group(0), m.group(0)), text)


def corrections(index_dir, text: str, vocabulary: Vocabulary) -> tuple[dict[str, str], dict[str, str]]:
    """For each word of the query that the index holds in no form, the closest word it does hold.

    `vocabulary` covers every text field, so a word that occurs anywhere (stemmed, folded) is never
    replaced, whatever filter emptied the result. Distances are measured between unstemmed words
    (indexer.spelling), since the stems of misspelt words are unreliable (`ordnigen` stems to `ordn`).
    Field names and OCR misreadings are never offered. The most widespread candidate at the smallest
    distance wins. Returns (stem -> corrected stem, word -> corrected word).
    """
    from .query import FILTER_FIELD_ALIASES, TEXT_FIELD_ALIASES

    fields = set(FILTER_FIELD_ALIASES) | set(TEXT_FIELD_ALIASES)
    wordlist, counts = spelling_words(index_dir)
    stems: dict[str, str] = {}
    fixed: dict[str, str] = {}
    words = [w for w in TOKEN_RE.findall(re.sub(r"\S+:\S*", " ", text))
             if w not in ("AND", "OR", "NOT") and len(w) >= 4 and not w[0].isdigit() and w.lower() not in fields]
    vocabulary.learn(stem(w) for w in words)  # the words, then every candidate of them, each in one look-up
    nearby = {w: near(w.lower(), wordlist, 2) for w in dict.fromkeys(words)
              if stem(w) not in vocabulary and w.lower() not in counts}
    vocabulary.learn(stem(c) for found in nearby.values() for c in found)
    keys = ocr_keys(index_dir) if any(nearby.values()) else frozenset()
    for word in words:
        wrong = stem(word)
        if wrong in vocabulary or wrong in stems or word.lower() in counts:
            continue
        found = nearby[word]
        for distance in (1, 2):
            candidates = [(counts[c], c) for c, edits in found.items() if edits == distance
                          and stem(c) in vocabulary and c not in fields and not _looks_scanned(c)
                          and not _ocr_variant(c, keys)]
            if candidates:
                best = max(candidates)[1]
                stems[wrong], fixed[word] = stem(best), best
                break
    return stems, fixed


def _ocr_variant(word: str, keys: Container[str]) -> bool:
    """Whether `word` is the scanned misreading (`pargrende`) of an indexed word with æ/ø/å
    (`pårørende`): the same OCR key as one of them (`keys`, indexer.spelling.ocr_keys), and the word
    itself without æ/ø/å."""
    if re.search("[æøå]", word):
        return False
    return ocr_key(word) in keys


def prepare_corrections(index_dir) -> None:
    """Load the word list typo corrections need, and its OCR keys (Index.warm)."""
    ocr_keys(index_dir)


def apply_corrections(query: Node, fixes: dict[str, str]) -> Node:
    def convert(node: Node) -> Node:
        if isinstance(node, Term) and node.text in fixes:
            return Term(node.field, fixes[node.text], boost=node.boost)
        return node

    return transform(query, convert)
