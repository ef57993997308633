"""Query-time help for what Danish users type: abbreviations, questions, compounds, typos.

Each helper is a named feature so that it can be switched off and its effect measured.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

from whoosh import matching
from whoosh.query import And, DisjunctionMax, Or, Phrase, Query, Term

from indexer.analysis import TOKEN_RE, ocr_key, stem
from indexer.compounds import splits
from indexer.spelling import near
from indexer.spelling import words as spelling_words

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
            pattern = r"(?<![\w=-])(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?![\w-])"
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


class _Coordinated(matching.WrappingMatcher):
    """Scores of the child scaled by the share of the query words' weight the item has (`word_weight`)."""

    def __init__(self, child, matched: dict[int, float], total: float):
        super().__init__(child)
        self.matched = matched
        self.total = total

    def _replacement(self, newchild):
        return _Coordinated(newchild, self.matched, self.total)

    def score(self):
        share = self.matched.get(self.child.id(), self.total) / self.total
        return self.child.score() * share ** COORDINATION_POWER


class MinimumMatch(Query):
    """Items where at least `minimum` of the clauses (one per query word) match, ranked as their Or
    times a coordination factor: an item with every word first, one missing a word lower, not dropped.

    The clauses are kept apart rather than as one Or, which Whoosh would flatten into its per-field terms.
    """

    def __init__(self, clauses: list[Query], minimum: int, boost: float = 1.0):
        self.clauses = list(clauses)
        self.subqueries = self.clauses  # as Whoosh's compound queries name them
        self.minimum = minimum
        self.boost = boost

    def __eq__(self, other):
        return isinstance(other, MinimumMatch) and self.clauses == other.clauses and self.minimum == other.minimum

    def __hash__(self):
        return hash((tuple(self.clauses), self.minimum))

    def __repr__(self):
        return f"MinimumMatch({self.clauses!r}, {self.minimum})"

    def children(self):
        return iter(self.clauses)

    def apply(self, fn):
        return MinimumMatch([fn(c) for c in self.clauses], self.minimum, self.boost)

    def normalize(self):
        return MinimumMatch([c.normalize() for c in self.clauses], self.minimum, self.boost)

    def estimate_size(self, ixreader):
        return max((c.estimate_size(ixreader) for c in self.clauses), default=0)

    def matcher(self, searcher, context=None):
        counts: dict[int, int] = {}
        weights: dict[int, float] = {}
        total = 0.0
        top = searcher.parent() if searcher.has_parent() else searcher  # a word's idf is the whole index's
        reader = top.reader()
        for clause in self.clauses:
            found = list(clause.matcher(searcher, context).all_ids())
            everywhere = sum(1 for d in clause.matcher(top, context).all_ids() if not reader.is_deleted(d))
            weight = word_weight(top.doc_count(), everywhere)
            total += weight
            for docnum in found:
                counts[docnum] = counts.get(docnum, 0) + 1
                weights[docnum] = weights.get(docnum, 0.0) + weight
        allowed = frozenset(d for d, n in counts.items() if n >= self.minimum)
        if not allowed:
            return matching.NullMatcher()
        union = Or(self.clauses, boost=self.boost).matcher(searcher, context)
        return _Coordinated(matching.FilterMatcher(union, allowed), weights, total)


def minimum_match(query: Query, questions: bool = True) -> Query:
    """Graded AND: of two or three words, all but one must match; of a longer query (a question) all but
    one, or 60 %. Items are ranked with a coordination factor ((weight of the words matched / of all)⁴, a
    word weighing its idf), so items with every word
    come first as a rule, and a two-word query never shows an empty page when one of its words is found.

    `query` is the all-words (And) parse; its clauses are the words.
    """
    n = len(query.subqueries) if isinstance(query, And) else 0
    if n >= LONG_QUERY_TERMS and questions:
        return MinimumMatch(list(query.subqueries), min(n - 1, max(3, math.ceil(0.6 * n))))
    if n >= GRADED_TERMS:
        return MinimumMatch(list(query.subqueries), n - 1)
    return query


def _word_groups(node: Query, text_fields: set[str]) -> tuple[str, list[str]] | None:
    """(term, fields) when `node` is the parser's per-word Or of one term over the text fields."""
    if not isinstance(node, Or) or not node.subqueries:
        return None
    if not all(isinstance(q, Term) for q in node.subqueries):
        return None
    terms = [q for q in node.subqueries if q.fieldname in text_fields]
    texts = {t.text for t in terms}
    if len(texts) != 1:
        return None
    text = next(iter(texts))
    return (text.decode("utf-8") if isinstance(text, bytes) else text), [t.fieldname for t in terms]


def expand_compounds(query: Query, compound_map: dict[str, list[str]], vocabulary, text_fields: set[str]) -> Query:
    """A part also finds the compounds it is in (lower); a compound also finds its parts written apart or
    hyphenated, next to each other (lower)."""

    def convert(node: Query) -> Query:
        found = _word_groups(node, text_fields)
        if not found:
            return node
        term, fields = found
        alternatives: list[Query] = [node]
        compounds = [c for c in compound_map.get(term, []) if c != term]
        if compounds:
            alternatives.append(Or([Term(f, c) for c in compounds for f in fields], boost=COMPOUND_BOOST))
        for modifier, head in splits(term, vocabulary)[:1]:
            alternatives.append(Or([Phrase(f, [modifier, head]) for f in fields], boost=PARTS_BOOST))
        # The best of the alternatives, not their sum: a rare compound must not outrank the word itself.
        return node if len(alternatives) == 1 else DisjunctionMax(alternatives)

    return query.accept(convert)


class Vocabulary:
    """Membership of stemmed terms in the index's text fields, looked up lazily with `has(field, term)`;
    `known` remembers the answers (shared by the searches of one index generation)."""

    def __init__(self, has, fields, known: dict[str, bool] | None = None):
        self.has = has
        self.fields = list(fields)
        self._seen: dict[str, bool] = {} if known is None else known

    def __contains__(self, term: str) -> bool:
        found = self._seen.get(term)
        if found is None:
            found = self._seen[term] = any(self.has(f, term) for f in self.fields)
        return found


def _looks_scanned(word: str) -> bool:
    """An OCR misreading rather than a word: its OCR key is that of a different, more common spelling
    with æ/ø/å (`pargrende` for `pårørende`), or it holds OCR debris (`m@de`, digits inside letters)."""
    return bool(re.search(r"[@&]|[a-zæøå][038][a-zæøå]", word))


def suggested(text: str, fixed: dict[str, str]) -> str:
    """The query as typed with its corrected words in place (quotes, punctuation and the rest kept)."""
    return TOKEN_RE.sub(lambda m: fixed.get(m.group(0), m.group(0)), text)


def corrections(index_dir, text: str, vocabulary: "Vocabulary") -> tuple[dict[str, str], dict[str, str]]:
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
    for word in TOKEN_RE.findall(re.sub(r"\S+:\S*", " ", text)):
        if word in ("AND", "OR", "NOT") or len(word) < 4 or word[0].isdigit() or word.lower() in fields:
            continue
        wrong = stem(word)
        if wrong in vocabulary or wrong in stems or word.lower() in counts:
            continue
        found = near(word.lower(), wordlist, 2)
        for distance in (1, 2):
            candidates = [(counts[c], c) for c, edits in found.items() if edits == distance
                          and stem(c) in vocabulary and c not in fields and not _looks_scanned(c)
                          and not _ocr_variant(c, counts)]
            if candidates:
                best = max(candidates)[1]
                stems[wrong], fixed[word] = stem(best), best
                break
    return stems, fixed


_OCR_KEYS: dict[int, dict[str, str]] = {}


def _ocr_keys(counts: dict[str, int]) -> dict[str, str]:
    """OCR key -> word, of the words with æ/ø/å of one word list (made once per list)."""
    keys = _OCR_KEYS.get(id(counts))
    if keys is None:
        keys = {ocr_key(w): w for w in counts if re.search("[æøå]", w)}
        _OCR_KEYS.clear()
        _OCR_KEYS[id(counts)] = keys
    return keys


def _ocr_variant(word: str, counts: dict[str, int]) -> bool:
    """Whether `word` is the scanned misreading (`pargrende`) of an indexed word with æ/ø/å
    (`pårørende`): the same OCR key, and the word itself without æ/ø/å."""
    if re.search("[æøå]", word):
        return False
    return ocr_key(word) in _ocr_keys(counts)


def prepare_corrections(index_dir) -> None:
    """Load the word list typo corrections need, and its OCR keys (Index.warm)."""
    _ocr_keys(spelling_words(index_dir)[1])


def apply_corrections(query: Query, fixes: dict[str, str]) -> Query:
    def convert(node: Query) -> Query:
        if isinstance(node, Term):
            text = node.text.decode("utf-8") if isinstance(node.text, bytes) else node.text
            if text in fixes:
                return Term(node.fieldname, fixes[text], boost=node.boost)
        return node

    return query.accept(convert)
