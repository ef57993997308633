"""Result sets as sorted numpy arrays of document numbers: exact totals and facet counts over the whole
result set without walking it document by document in Whoosh's collector.

Whoosh counts a facet by visiting every matching document in Python (about 11 µs each: a second for a
common word at 100,000 items). Here a query's documents are computed from the term postings (the flat
postings beside each segment, indexer.flat, else Whoosh's blocks) and combined with numpy set
operations following the query's tree; the BM25F scores likewise; each facet is a per-document array
of value codes, so counting is one `bincount`. Postings and facet columns are read once per index
generation and shared (read-only) by every search of that generation. A query part this module does
not know (a range over terms) is asked of Whoosh for its documents.

An exact form (`=godkendt`) is its stemmed query's documents whose stored text holds the form: only
those that also match the rest of the query and its filters (`within`) are read, each at most once per
generation and form (a verdict per document is kept), and the form ranks as its stemmed query does.

Phrases too are sets: the documents having every word first, then positions as (document, position)
pairs in one int64 each, so "the next word one position on" is one intersection. The word with the
fewest positions gives the starts (in those documents only); the other words' keys are kept per
generation, since common words and a compound's parts recur from question to question. Whoosh's phrase
matcher checks positions in Python, about 70 µs per candidate document. A word's scores over its
fields are kept per generation too: a common title word's are the most costly part of a search.

Which of many terms the text fields hold (a question's compound look-ups: hundreds of beginnings and
endings of its words) is asked of each segment's field all at once, in a sorted table of its terms.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from math import log
from threading import Lock
from typing import Any

import numpy as np
from whoosh.columns import NumericColumn, RefBytesColumn
from whoosh.fields import FieldType
from whoosh.query import And, AndNot, DisjunctionMax, Every, NullQuery, NumericRange, Or, Phrase, Prefix, Query, Term
from whoosh.reading import TermNotFound

from indexer.engines.whoosh.flat import open_flat

TERM_CACHE_BYTES = 256 * 2**20  # postings arrays kept per generation, least recently used dropped
PHRASE_CACHE = 512  # phrases' document arrays kept per generation
GROUP_CACHE_BYTES = 64 * 2**20  # one word's scores over its fields kept per generation (_word_in_fields)
POSITION_CACHE_BYTES = 128 * 2**20  # terms' position keys kept per generation (phrases), least recently used dropped
FORM_CACHE = 64  # exact forms whose per-document verdicts are kept per generation (a byte per document)
UNKNOWN, HAS_FORM, LACKS_FORM = 0, 1, 2  # an exact form's verdict on a document
EMPTY = np.empty(0, dtype=np.int64)
SHIFT = 32  # a (document, position) pair as one int64: document << SHIFT | position
SORT_COLUMNS = ("date", "path", "order")  # the columns `by_date` sorts by
# A facet of a few documents (fewer than one in FEW) is counted where they are, segment by segment, the
# first DIRECT_COUNTS times: a one-shot search reads no whole column to count a few hundred items; a
# long-lived process reads it then, and counts on it from then on.
FEW = 8
DIRECT_COUNTS = 2
# A segment's field answers which terms it has by binary search, each about as costly as copying this
# many of its keys into a table of its terms: the table is made once the terms asked of it would cost
# more (`_listed`).
KEYS_PER_LOOKUP = 32


class DocSets:
    """What one index generation needs for set arithmetic: live documents, facet codes, postings."""

    def __init__(self, searcher):
        reader = searcher.reader()
        self.live = _live_documents(reader)
        self.doc_count = reader.doc_count_all()
        # Per generation: a column's (codes, values), and under "\0kind:" keys the flat postings, ranks,
        # lengths and average lengths, each as (the thing, []).
        self._columns: dict[str, tuple[Any, list]] = {}
        self._lock = Lock()
        self._terms = _Kept(TERM_CACHE_BYTES, self._lock)  # (field, term) -> (documents, frequencies)
        self._phrases: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._forms: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
        self._keys = _Kept(POSITION_CACHE_BYTES, self._lock)  # (field, term) -> position keys
        self._groups = _Kept(GROUP_CACHE_BYTES, self._lock)  # (_Shape(query), weighting) -> (documents, scores)
        self._everything: np.ndarray | None = None
        self._live_mask: np.ndarray | None = None
        self._counted: dict[str, int] = {}  # column key -> times read without the whole column (DIRECT_COUNTS)
        self._lengths_read: dict[str, int] = {}  # field -> documents whose lengths were read where they are
        self._length_codes: dict[str, np.ndarray] = {}  # field -> every document's length byte (lengths_of)
        self._tables: dict[tuple[int, str], np.ndarray] = {}  # (segment, field) -> its terms (_listed)
        self._asked: dict[tuple[int, str], int] = {}  # (segment, field) -> terms looked up one by one

    # -- set operations ------------------------------------------------------------------------
    # On a mask of every document number: linear in the sizes, where numpy's sorted-array set
    # functions sort their inputs (most of the time of a query for a word that most items have).
    def mask(self, docs: np.ndarray) -> np.ndarray:
        marked = np.zeros(self.doc_count, dtype=bool)
        marked[docs] = True
        return marked

    def live_count(self, docs: np.ndarray) -> int:
        """How many of `docs` are not deleted."""
        if self.live.size == self.doc_count:
            return len(docs)
        return int(np.count_nonzero(self._live_marks()[docs]))

    def alive(self, docs: np.ndarray) -> np.ndarray:
        """`intersect(docs, live)`, on a mask of the live documents made once per generation (every
        search's documents are narrowed to them)."""
        if len(docs) > len(self.live) or not len(docs):
            return self.intersect(docs, self.live)
        return docs[self._live_marks()[docs]]

    def _live_marks(self) -> np.ndarray:
        if self._live_mask is None:
            self._live_mask = self.mask(self.live)
        return self._live_mask

    def union(self, parts: list[np.ndarray]) -> np.ndarray:
        """Of sorted arrays each listing a document once."""
        if not parts:
            return EMPTY
        if len(parts) == 1:
            return parts[0]
        marked = np.zeros(self.doc_count, dtype=bool)
        for part in parts:
            marked[part] = True
        return np.flatnonzero(marked)

    def intersect(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if len(a) > len(b):
            a, b = b, a
        return a[self.mask(b)[a]] if len(a) else EMPTY

    def minus(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a[~self.mask(b)[a]] if len(a) and len(b) else a

    def at_least(self, parts: list[np.ndarray], minimum: int) -> np.ndarray:
        """The documents in at least `minimum` of `parts` (each part lists a document once)."""
        hits = np.zeros(self.doc_count, dtype=np.int32)
        for part in parts:
            hits[part] += 1
        return np.flatnonzero(hits >= minimum)

    # -- postings ------------------------------------------------------------------------------
    def term(self, searcher, fieldname: str, text) -> np.ndarray:
        """The sorted document numbers of a term's postings (deleted documents not left out)."""
        return self.weighted(searcher, fieldname, text)[0]

    def weighted(self, searcher, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term's postings, read once and kept while there is
        room (TERM_CACHE_BYTES), since the common words are in most queries."""
        return self._terms.get((fieldname, text), lambda: self._postings(searcher, fieldname, text))

    def _sources(self, searcher, fieldname: str, text):
        """(segment, document offset, its flat postings or None) of each segment that may hold the term:
        where the flat postings cover the field they list every term of it, so a segment whose list
        lacks the term is passed over; None means Whoosh's terms table and blocks decide (unless the
        segment has no term of the field at all: a field no item of it has is in neither)."""
        for (segment, offset), flat in zip(searcher.reader().leaf_readers(), self.flat_postings(searcher), strict=True):
            if flat is None or fieldname not in flat.fields:
                if flat is None or fieldname in segment.indexed_field_names():
                    yield segment, offset, None
            elif flat.has(fieldname, text):
                yield segment, offset, flat

    def _postings(self, searcher, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """A term's document numbers and weights (term frequencies) in document order, from the flat
        postings (indexer.flat), else from Whoosh's blocks."""
        ids, weights = [], []
        for segment, offset, flat in self._sources(searcher, fieldname, text):
            found = flat.get(fieldname, text) if flat is not None else None
            if found is None:
                found = _block_postings(segment, fieldname, text)
            if len(found[0]):
                ids.append(found[0].astype(np.int64) + offset)
                weights.append(found[1].astype(np.float64))
        if not ids:
            return EMPTY, np.empty(0)
        return np.concatenate(ids), np.concatenate(weights)

    def has_term(self, searcher, fieldname: str, text) -> bool:
        """Whether any segment's field holds the term (one dict lookup per segment where the flat
        postings cover the field)."""
        return any(flat is not None or (fieldname, text) in segment
                   for segment, _, flat in self._sources(searcher, fieldname, text))

    def has_terms(self, searcher, fieldnames: list[str], terms: list[str]) -> set[str]:
        """Which of `terms` some segment holds in one of `fieldnames` (fields of the schema), deleted
        documents included as in `has_term`. Segment by segment and field by field, the terms not found
        yet are asked together: where the flat postings cover the field, in one look-up of them all in
        its table of terms (`_listed`), else one by one in Whoosh's terms table; a segment that has no
        term of a field is passed over."""
        left = list(dict.fromkeys(terms))
        found: set[str] = set()
        readers = searcher.reader().leaf_readers()
        for number, ((segment, _), flat) in enumerate(zip(readers, self.flat_postings(searcher), strict=True)):
            for fieldname in fieldnames:
                if not left:
                    return found
                if flat is not None and fieldname in flat.fields:
                    hits = self._listed(number, flat, fieldname, left)
                elif flat is None or fieldname in segment.indexed_field_names():
                    hits = {t for t in left if (fieldname, t) in segment}
                else:
                    continue
                if hits:
                    found |= hits
                    left = [t for t in left if t not in hits]
        return found

    def _listed(self, number: int, flat, fieldname: str, terms: list[str]) -> set[str]:
        """Which of `terms` the flat postings of segment `number` list in a field. Each by binary search
        while the terms asked of the field in this generation are few against its size (a one-shot
        search asks a few dozen); from then on in a table of all its terms (FlatPostings.terms, kept per
        generation), all at once: a question's compound look-ups ask hundreds of beginnings and endings
        of words, most of which no field has."""
        key = (number, fieldname)
        with self._lock:
            table = self._tables.get(key)
            if table is None:
                asked = self._asked[key] = self._asked.get(key, 0) + len(terms)
        if table is None and asked * KEYS_PER_LOOKUP < flat.count(fieldname):
            return {t for t in terms if flat.has(fieldname, t)}
        if table is None:
            table = flat.terms(fieldname)
            with self._lock:
                table = self._tables.setdefault(key, table)
        encoded = [t.encode("utf-8") for t in terms]
        wanted = np.array(encoded, dtype=table.dtype)  # cut to the table's width, as its terms are
        hit = np.searchsorted(table, wanted, "right") > np.searchsorted(table, wanted, "left")
        width = table.dtype.itemsize  # a term as long as that may only begin like one listed
        return {t for t, b, h in zip(terms, encoded, hit.tolist(), strict=True)
                if h and (len(b) < width or flat.has(fieldname, t))}

    def flat_postings(self, searcher) -> list:
        """Each segment's flat postings (None where it has none), opened once per generation."""
        with self._lock:
            found = self._columns.get("\0flat")
        if found is None:
            # An index without segments (nothing indexed yet) reads through Whoosh's EmptyReader: no files.
            found = ([open_flat(segment._storage, segment._segment) if hasattr(segment, "_storage") else None
                      for segment, _ in searcher.reader().leaf_readers()], [])
            with self._lock:
                found = self._columns.setdefault("\0flat", found)
        return found[0]

    def _position_keys(self, searcher, fieldname: str, text: str, candidates: np.ndarray) -> np.ndarray:
        """Sorted (document << SHIFT | position) of every position of a term in the documents marked in
        `candidates`: from the flat postings of a segment that has them, else from Whoosh's blocks (only
        those holding a candidate, each block's positions decoded at once: they are raw 32-bit integers,
        indexer.schema.PackedPositions)."""
        keys: list[np.ndarray] = []
        for segment, offset, flat in self._sources(searcher, fieldname, text):
            found = flat.positions(fieldname, text) if flat is not None else None
            if found is not None:
                ids, counts, positions = found
                ids = ids.astype(np.int64) + offset
                if candidates is self._everything:  # every posting (all_keys): nothing to pick
                    keys.append(np.repeat(ids, counts) << SHIFT | positions.astype(np.int64))
                    continue
                wanted = candidates[ids]
                if wanted.any():
                    owners = np.repeat(ids[wanted], counts[wanted])
                    keys.append(owners << SHIFT | positions[np.repeat(wanted, counts)].astype(np.int64))
            else:
                keys += _block_positions(segment, offset, fieldname, text, candidates)
        if not keys:
            return EMPTY
        out = np.concatenate(keys)
        if len(out) > 1 and not (out[1:] > out[:-1]).all():  # postings come in order: sorted already, as a rule
            out.sort()
        return out

    def phrase(self, searcher, node: Phrase) -> np.ndarray | None:
        """The live documents where the phrase's words stand in order, each at most `slop` positions
        after the one before (as Whoosh's SpanNear2 has it), from the positions in their postings:
        the documents having every word are found first, and only their postings' positions are read.
        None for a field without positions (Whoosh decides)."""
        if node.fieldname not in searcher.schema:
            return None
        field = searcher.schema[node.fieldname]
        if not field.format or not field.format.supports("positions"):
            return None
        key = (node.fieldname, tuple(node.words), node.slop)
        with self._lock:
            found = self._phrases.get(key)
            if found is not None:
                self._phrases.move_to_end(key)
                return found
        words = list(node.words)
        docs = self.live
        for word in sorted(set(words), key=lambda w: len(self.term(searcher, node.fieldname, w))):
            docs = self.intersect(docs, self.term(searcher, node.fieldname, word))
            if not len(docs):
                break
        candidates = self.mask(docs)
        if not len(docs):
            keys = EMPTY
        elif node.slop <= 1:
            keys = self._adjacent(searcher, node.fieldname, words, candidates)
        else:
            keys = self._position_keys(searcher, node.fieldname, words[0], candidates)
            for word in words[1:]:
                if not len(keys):
                    break
                following = self._position_keys(searcher, node.fieldname, word, candidates)
                steps = [_sorted_common(keys + gap, following) for gap in range(1, node.slop + 1)]
                keys = np.unique(np.concatenate(steps))
        documents = keys >> SHIFT  # keys are sorted: so are their documents
        found = documents[np.r_[True, documents[1:] != documents[:-1]]] if len(documents) else EMPTY
        with self._lock:
            self._phrases[key] = found
            while len(self._phrases) > PHRASE_CACHE:
                self._phrases.popitem(last=False)
        return found

    def _adjacent(self, searcher, fieldname: str, words: list, candidates: np.ndarray) -> np.ndarray:
        """The keys (document << SHIFT | position) where `words` start, one after the other, in the
        documents marked in `candidates`: where word i stands at p + i for every i. The word with the
        fewest positions gives the starts to check (only its candidates'); each other word is a binary
        search of them in its keys, kept per generation (`all_keys`): common words recur in phrases, and
        a compound's parts are one (search.expand), so that their positions are not decoded again."""
        keyed = sorted(((self.all_keys(searcher, fieldname, word), i) for i, word in enumerate(words)),
                       key=lambda pair: len(pair[0]))
        keys, i = keyed[0]
        # A start before position 0 (p - i < 0) falls into the previous document's key range, where no
        # key of the first word is: the intersection with it drops such starts.
        starts = keys[candidates[keys >> SHIFT]] - i
        for other, j in keyed[1:]:
            if not len(starts):
                break
            starts = _sorted_common(starts + j, other) - j
        return starts

    def all_keys(self, searcher, fieldname: str, text: str) -> np.ndarray:
        """Sorted (document << SHIFT | position) of every position of a term (deleted documents
        included), kept while there is room (POSITION_CACHE_BYTES)."""
        def every_position() -> np.ndarray:
            with self._lock:
                if self._everything is None:
                    self._everything = np.ones(self.doc_count, dtype=bool)
            return self._position_keys(searcher, fieldname, text, self._everything)

        return self._keys.get((fieldname, text), every_position)

    def exact_form(self, searcher, node, candidates: np.ndarray) -> np.ndarray:
        """Those of `candidates` (sorted document numbers) that are live and whose stored text holds the
        form of `node` (queries.ExactForm) as written. A document's text is read and checked once per
        generation and form: the verdicts are kept (FORM_CACHE forms, a byte per document each)."""
        from .queries import has_form

        if self.live.size != self.doc_count:
            candidates = self.alive(candidates)
        key = (node.form, node.fields)
        with self._lock:
            verdicts = self._forms.get(key)
            if verdicts is None:
                verdicts = self._forms[key] = np.zeros(self.doc_count, dtype=np.int8)
                while len(self._forms) > FORM_CACHE:
                    self._forms.popitem(last=False)
            else:
                self._forms.move_to_end(key)
        unknown = candidates[verdicts[candidates] == UNKNOWN]
        if len(unknown):
            stored = _stored_fields(searcher)
            for doc in unknown.tolist():  # two searches may check a document at once: they agree
                verdicts[doc] = HAS_FORM if has_form(stored(doc), node.pattern, node.fields) else LACKS_FORM
        return candidates[verdicts[candidates] == HAS_FORM]

    # -- facet columns -------------------------------------------------------------------------
    def column(self, searcher, fieldname: str) -> tuple[np.ndarray, list]:
        """(code per document, values by code) of a column-stored field; code -1 for no value."""
        with self._lock:
            found = self._columns.get(fieldname)
        if found is not None:
            return found
        table: dict = {}
        parts = []
        field = searcher.schema[fieldname]
        for segment, _ in searcher.reader().leaf_readers():
            count = segment.doc_count_all()
            if not segment.has_column(fieldname):
                parts.append(np.full(count, -1, dtype=np.int64))
                continue
            local, values = _column_of(segment, fieldname, field, count)
            to_table = [table.setdefault(v, len(table)) if v not in (None, "", b"") else -1 for v in values]
            parts.append(np.array(to_table + [-1], dtype=np.int64)[local])
        codes = np.concatenate(parts) if parts else EMPTY
        result = (codes, list(table))
        with self._lock:
            self._columns[fieldname] = result
        return result

    def counts(self, searcher, fieldname: str, docs: np.ndarray) -> dict:
        if self._direct(fieldname, docs):
            return _counts_in_segments(searcher, fieldname, docs)
        codes, values = self.column(searcher, fieldname)
        if not len(values) or not len(docs):
            return {}
        return _named(values, self._tally(codes, len(values), docs))

    def _direct(self, key: str, docs: np.ndarray) -> bool:
        """Whether to read `docs` where they are rather than the column `key` whole, this time: when they
        are few (under one in FEW), the column is not held whole, and not yet DIRECT_COUNTS times."""
        with self._lock:
            direct = (key not in self._columns and len(docs) * FEW < self.doc_count
                      and self._counted.get(key, 0) < DIRECT_COUNTS)
            if direct:
                self._counted[key] = self._counted.get(key, 0) + 1
        return direct

    def _direct_range(self, fieldname: str) -> bool:
        """Whether to filter a range of a numeric column on each segment's numbers rather than on the
        column's codes (`column`, which finds every segment's distinct values): while it is not held whole,
        the first DIRECT_COUNTS times (a one-shot search's `--year`)."""
        key = "\0range:" + fieldname
        with self._lock:
            direct = fieldname not in self._columns and self._counted.get(key, 0) < DIRECT_COUNTS
            if direct:
                self._counted[key] = self._counted.get(key, 0) + 1
        return direct

    def counts_of(self, searcher, fieldnames, docs: np.ndarray) -> dict[str, dict]:
        """`counts` of several fields for live `docs`. When they are most of the live documents, each
        field's counts are those of every live document (made once per generation) less those of the
        few others: a word most items have no longer gathers every item's value once per facet."""
        if len(docs) * 2 <= self.live.size:
            return {f: self.counts(searcher, f, docs) for f in fieldnames}
        others = self.minus(self.live, docs)
        out: dict[str, dict] = {}
        for fieldname in fieldnames:
            codes, values = self.column(searcher, fieldname)
            if not len(values) or not len(docs):
                out[fieldname] = {}
                continue
            key = "\0all:" + fieldname
            with self._lock:
                found = self._columns.get(key)
            if found is None:
                found = (self._tally(codes, len(values), self.live), [])
                with self._lock:
                    self._columns[key] = found
            out[fieldname] = _named(values, found[0] - self._tally(codes, len(values), others))
        return out

    @staticmethod
    def _tally(codes: np.ndarray, size: int, docs: np.ndarray) -> np.ndarray:
        picked = codes[docs]
        return np.bincount(picked[picked >= 0], minlength=size)

    def rank(self, searcher, fieldname: str) -> np.ndarray:
        """Each document's position in the sorted order of the field's values (-1: no value); made once
        per generation (sorting a field's distinct values, every file path, is not a per-search cost)."""
        key = "\0rank:" + fieldname
        with self._lock:
            found = self._columns.get(key)
        if found is None:
            codes, values = self.column(searcher, fieldname)
            order = sorted(range(len(values)), key=values.__getitem__)
            rank_of_code = np.empty(len(values) + 1, dtype=np.int64)
            rank_of_code[order] = np.arange(len(values))
            rank_of_code[-1] = -1
            found = (rank_of_code[codes], [])
            with self._lock:
                self._columns[key] = found
        return found[0]

    def by_date(self, searcher, docs: np.ndarray, newest_first: bool) -> np.ndarray:
        """`docs` by meeting date (then file and item order), oldest or newest first."""
        date_field, path_field, order_field = SORT_COLUMNS
        date = self._ranks(searcher, date_field, docs)
        keys = (self._ranks(searcher, order_field, docs), self._ranks(searcher, path_field, docs),
                -date if newest_first else date)
        return docs[np.lexsort(keys)]

    def _ranks(self, searcher, fieldname: str, docs: np.ndarray) -> np.ndarray:
        """Each of `docs`' place in the sorted order of the field's values (-1: no value), from the whole
        column's ranks (`rank`); for a few documents (sorted), the first DIRECT_COUNTS times, their places
        among their own values, which order them the same, without the whole column (the file paths and
        dates of every item, in a one-shot listing)."""
        if not self._direct("\0rank:" + fieldname, docs) or (len(docs) > 1 and not (docs[1:] > docs[:-1]).all()):
            return self.rank(searcher, fieldname)[docs]
        values = _values_in_segments(searcher, fieldname, docs)
        place = {v: n for n, v in enumerate(sorted({v for v in values if v is not None}))}
        return np.array([place[v] if v is not None else -1 for v in values], dtype=np.int64)

    def by_order(self, searcher, docs: np.ndarray) -> np.ndarray:
        """`docs` by their place in their meeting's agenda (then file): a meeting's items in order."""
        _, path_field, order_field = SORT_COLUMNS
        return docs[np.lexsort((self.rank(searcher, path_field)[docs], self.rank(searcher, order_field)[docs]))]

    # -- ranking -------------------------------------------------------------------------------
    def lengths(self, searcher, fieldname: str) -> np.ndarray:
        """Each document's length in a field, as Whoosh's BM25F sees it (its one-byte encoding)."""
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        key = "\0len:" + fieldname
        with self._lock:
            found = self._columns.get(key)
        if found is not None:
            return found[0]
        table = _length_table()
        parts = []
        for segment, _offset in searcher.reader().leaf_readers():
            count = segment.doc_count_all()
            perdoc = getattr(segment, "_perdoc", None)
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
            if column is None:
                parts.append(np.ones(count))
            else:
                raw = _numbers(column, count)
                parts.append(np.where(raw > 0, table[raw], 1.0))
        lengths = np.concatenate(parts) if parts else np.empty(0)
        with self._lock:
            self._columns[key] = (lengths, [])
            self._length_codes.pop(fieldname, None)  # lengths_of's bytes, no longer read
        return lengths

    def lengths_of(self, searcher, fieldname: str, docs: np.ndarray) -> np.ndarray:
        """The lengths (`lengths`) of `docs` (sorted): while the field's column is not held whole and the
        documents so read stay under one in FEW of the index (a one-shot search's words), converted from
        every document's length byte (read once, a byte each) for these documents alone, else from the
        whole column, read once per generation."""
        key = "\0len:" + fieldname
        with self._lock:
            read = self._lengths_read.get(fieldname, 0) + len(docs)
            direct = key not in self._columns and read * FEW < self.doc_count
            if direct:
                self._lengths_read[fieldname] = read
            codes = self._length_codes.get(fieldname)
        if not direct:
            return self.lengths(searcher, fieldname)[docs]
        if codes is None:  # every document's length byte as written, kept: only `docs`' are converted
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

            parts = []
            for segment, _offset in searcher.reader().leaf_readers():
                count = segment.doc_count_all()
                perdoc = getattr(segment, "_perdoc", None)
                column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
                parts.append(np.zeros(count, dtype=np.int64) if column is None else _numbers(column, count))
            joined = np.concatenate(parts) if parts else EMPTY
            if len(joined) and joined.min() >= 0 and joined.max() < 256:  # Whoosh's length bytes
                joined = joined.astype(np.uint8)
            with self._lock:
                codes = self._length_codes.setdefault(fieldname, joined)
        raw = codes[docs]
        return np.where(raw > 0, _length_table()[raw], 1.0)

    def average_length(self, searcher, fieldname: str) -> float:
        key = "\0avg:" + fieldname
        with self._lock:
            found = self._columns.get(key)
        if found is None:
            found = (searcher.avg_field_length(fieldname) or 1, [])
            with self._lock:
                self._columns[key] = found
        return found[0]

    def scores(self, searcher, weighting, node: Query, complete: list | None = None,
               within: np.ndarray | None = None, summed: bool | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """(documents, BM25F scores) of a query made of terms, phrases and exact forms under Or /
        DisjunctionMax / And, computed as Whoosh's matchers would; None for a query with any other part
        (Whoosh ranks those). For a graded query (MinimumMatch) at the top, `complete` receives the
        documents that have every word. Documents outside `within` (sorted document numbers; the
        caller drops them) may be left out: an exact form reads the stored text of no others.
        A word in several fields counts its best field whole and the others by FIELD_TIEBREAK
        (`_word_in_fields`), except in a query with an exact form (`summed`, by default whether it has
        one): Whoosh's matchers ranked those, summing the fields, and they rank as they did."""
        from .queries import ExactForm

        if summed is None:
            summed = _has_exact(node)
        if isinstance(node, ExactForm):  # ranked as its stemmed query, as Whoosh's FilterMatcher has it
            child = self.scores(searcher, weighting, node.child, within=within, summed=summed)
            if child is None:
                return None
            ids, values = child
            having = self.exact_form(searcher, node, ids if within is None else self.intersect(ids, within))
            keep = self.mask(having)[ids]
            return ids[keep], values[keep]
        if isinstance(node, Phrase):  # Whoosh scores a phrase as the sum of its words' scores
            docs = self.phrase(searcher, node)
            if docs is None:
                return None
            total = np.zeros(len(docs))  # each word's score added in the words' order, as And's sum has it
            for word in node.words:  # each word's postings hold every document of the phrase
                part = self._term_scores(searcher, weighting, node.fieldname, word, docs)
                if part is None:
                    return None
                total += part[1]
            return docs, total * node.boost
        if isinstance(node, Term):
            found = self._term_scores(searcher, weighting, node.fieldname, node.text)
            return None if found is None else (found[0], found[1] * node.boost)
        if isinstance(node, Or) and not summed and _one_word_in_fields(searcher, node):
            return self._word_in_fields(searcher, weighting, node)
        if isinstance(node, DisjunctionMax) and not summed and within is None:  # a word and its alternatives
            return self._groups.get((_Shape(node), weighting),
                                    lambda: self._combined(searcher, weighting, node, None, None, False))
        return self._combined(searcher, weighting, node, complete, within, summed)

    def _term_scores(self, searcher, weighting, fieldname: str, text, docs: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray] | None:
        """(documents, BM25F scores) of a term's postings, or of those of `docs` only (sorted, each in the
        postings: a phrase's documents, a few of a common word's); None for a field Whoosh scores."""
        ids, tf = self.weighted(searcher, fieldname, text)
        if not len(ids):
            return EMPTY, np.empty(0)
        if not searcher.schema[fieldname].scorable:
            return None
        # Whoosh's BM25F: idf from the term's document frequency (its postings, deleted documents
        # included) among all documents, lengths against the field's average length.
        idf = log(self.doc_count / (len(ids) + 1)) + 1
        if docs is not None:
            ids, tf = docs, tf[np.searchsorted(ids, docs)]
        b, k1 = weighting._field_B.get(fieldname, weighting.B), weighting.K1
        length = self.lengths_of(searcher, fieldname, ids)
        return ids, idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / self.average_length(searcher,
                                                                                                 fieldname)))

    def _combined(self, searcher, weighting, node: Query, complete: list | None, within: np.ndarray | None,
                  summed: bool) -> tuple[np.ndarray, np.ndarray] | None:
        """The scores of a compound query (And, Or, DisjunctionMax, MinimumMatch) from its parts'."""
        from search.expand import COORDINATION_POWER, word_weight

        from .queries import MinimumMatch

        graded = isinstance(node, MinimumMatch)
        if (graded or isinstance(node, (Or, DisjunctionMax, And))) and node.subqueries:
            scored = self._part_scores(searcher, weighting, node, None if graded else within, summed)
            parts = [p for p in scored if p is not None]
            if len(parts) < len(scored):
                return None
            if isinstance(node, DisjunctionMax) and node.tiebreak:
                return None
            weights = [word_weight(self.live.size, self.live_count(p[0])) for p in parts] if graded else []
            docs, hits, total, found = self._gather(
                np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                isinstance(node, DisjunctionMax),
                np.concatenate([np.full(len(p[0]), w) for p, w in zip(parts, weights, strict=True)])
                if graded else None)
            total = total * node.boost
            if isinstance(node, And) or graded:
                keep = hits >= (node.minimum if graded else len(parts))
                if graded:
                    assert found is not None  # _gather sums the `extra` it is given
                    total = total * (found / sum(weights)) ** COORDINATION_POWER
                    if complete is not None:
                        complete.append(docs[hits == len(parts)])
                return docs[keep], total[keep]
            return docs, total
        return None

    def _part_scores(self, searcher, weighting, node: Query, within: np.ndarray | None, summed: bool) -> list:
        """The scores of a compound's parts, in order. Under And the exact forms come last, their
        candidates narrowed to the documents of the other parts. (A graded query passes no `within`:
        each word's weight counts the documents it matches in the whole index.)"""
        from .queries import ExactForm

        parts = list(node.subqueries)
        scored: list = [None] * len(parts)
        last = [i for i, q in enumerate(parts) if isinstance(node, And) and isinstance(q, ExactForm)]
        for i, q in enumerate(parts):
            if i not in last:
                scored[i] = self.scores(searcher, weighting, q, within=within, summed=summed)
                if last and scored[i] is not None:
                    within = scored[i][0] if within is None else self.intersect(within, scored[i][0])
        for i in last:
            scored[i] = self.scores(searcher, weighting, parts[i], within=within, summed=summed)
        return scored

    def _word_in_fields(self, searcher, weighting, node: Or) -> tuple[np.ndarray, np.ndarray]:
        """One word in several fields: its best field counts whole, the others by FIELD_TIEBREAK, so an
        item that repeats a word in every section does not outrank the one whose title or decision it is.
        Kept per generation while there is room (GROUP_CACHE_BYTES): the word groups of common words
        recur from question to question, and theirs cost most (a title word most items have: every
        field's postings gathered)."""
        return self._groups.get((_Shape(node), weighting), lambda: self._fields_combined(searcher, weighting, node))

    def _fields_combined(self, searcher, weighting, node: Or) -> tuple[np.ndarray, np.ndarray]:
        from search.query import FIELD_TIEBREAK

        # Each a Term of a scorable field (_one_word_in_fields), so none is None.
        parts = [p for p in (self.scores(searcher, weighting, term, summed=False) for term in node.subqueries)
                 if p is not None]
        docs, _, total, _ = self._gather(np.concatenate([p[0] for p in parts]),
                                         np.concatenate([p[1] for p in parts]), False)
        best = np.zeros(self.doc_count)
        for ids, values in parts:  # each part lists a document once: a maximum per part, no ufunc.at
            best[ids] = np.maximum(best[ids], values)
        best = best[docs]
        return docs, (best + FIELD_TIEBREAK * (total - best)) * node.boost

    def _gather(self, ids: np.ndarray, values: np.ndarray, best: bool,
                extra: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """(each document once, in how many parts it was (each part lists a document once), the sum of
        its values, or with `best` their maximum, and the sum of its `extra` values when given). A few
        postings are sorted; many are tallied on a table of every document (sorting them would cost more)."""
        if len(ids) * 8 < self.doc_count:
            docs, slot = np.unique(ids, return_inverse=True)
            width = len(docs)
        else:
            docs, slot, width = None, ids, self.doc_count
        hits = np.bincount(slot, minlength=width)
        combined: np.ndarray
        if best:
            combined = np.zeros(width)
            np.maximum.at(combined, slot, values)
        else:
            combined = np.bincount(slot, weights=values, minlength=width)
        added = None if extra is None else np.bincount(slot, weights=extra, minlength=width)
        if docs is None:
            docs = np.flatnonzero(hits)
            return docs, hits[docs], combined[docs], None if added is None else added[docs]
        return docs, hits, combined, added

    # -- queries -------------------------------------------------------------------------------
    def docs(self, searcher, query: Query, within: np.ndarray | None = None) -> np.ndarray:
        """The sorted document numbers `query` matches (deleted documents left out); documents outside
        `within` may be left out too (an exact form checks no others: see `scores`)."""
        return self.alive(self._docs(searcher, query, within))

    def _docs(self, searcher, node: Query, within: np.ndarray | None = None) -> np.ndarray:
        from .queries import ExactForm, MinimumMatch

        if isinstance(node, ExactForm):
            candidates = self._docs(searcher, node.child, within)
            return self.exact_form(searcher, node, candidates if within is None else self.intersect(candidates,
                                                                                                    within))

        if isinstance(node, Term):
            return self.term(searcher, node.fieldname, node.text)
        if isinstance(node, Every):
            return self.live
        if node is NullQuery or type(node).__name__ == "_NullQuery":
            return EMPTY
        if isinstance(node, (Or, DisjunctionMax)):
            return self.union([self._docs(searcher, q, within) for q in node.subqueries])
        if isinstance(node, And):
            parts = sorted((self._docs(searcher, q, within) for q in node.subqueries
                            if not isinstance(q, ExactForm)), key=len)
            out: np.ndarray | None = None
            for part in parts:
                out = part if out is None else self.intersect(out, part)
                if not len(out):
                    return out
            for exact in (q for q in node.subqueries if isinstance(q, ExactForm)):  # last, on fewer documents
                narrowed = within if out is None else out if within is None else self.intersect(out, within)
                having = self._docs(searcher, exact, narrowed)
                out = having if out is None else self.intersect(out, having)
                if not len(out):
                    return out
            return EMPTY if out is None else out
        if isinstance(node, AndNot):
            return self.minus(self._docs(searcher, node.a), self._docs(searcher, node.b))
        if type(node).__name__ == "Not":
            return self.minus(self.live, self._docs(searcher, node.query))
        if isinstance(node, MinimumMatch):
            parts = [self._docs(searcher, q) for q in node.clauses]
            return self.at_least(parts, node.minimum) if parts else EMPTY
        if isinstance(node, NumericRange) and searcher.reader().has_column(node.fieldname):
            if self._direct_range(node.fieldname):
                return _in_range(searcher, node)
            codes, values = self.column(searcher, node.fieldname)
            wanted = [i for i, v in enumerate(values)
                      if (node.start is None or v >= node.start) and (node.end is None or v <= node.end)]
            return np.nonzero(np.isin(codes, wanted))[0].astype(np.int64)
        if isinstance(node, Phrase) and (found := self.phrase(searcher, node)) is not None:
            return found
        if isinstance(node, Prefix):
            terms = list(searcher.reader().expand_prefix(node.fieldname, node.text))
            return self.union([self.term(searcher, node.fieldname, t) for t in terms])
        return np.fromiter(searcher.docs_for_query(node), dtype=np.int64)


class _Kept:
    """Values made once per generation and kept while their arrays' bytes stay within `budget`, the least
    recently used dropped first (always the newest kept); `lock` is the DocSets', shared by the searches
    of a generation. A value is made outside the lock: two searches may make the same one, the first kept."""

    def __init__(self, budget: int, lock: Lock):
        self._values: OrderedDict[Any, Any] = OrderedDict()
        self._bytes = 0
        self._budget = budget
        self._lock = lock

    def get(self, key, make: Callable[[], Any]) -> Any:
        """The value kept under `key`, else `make()`'s, kept unless None."""
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found
        found = make()
        if found is None:
            return None
        with self._lock:
            if key not in self._values:
                self._values[key] = found
                self._bytes += _nbytes(found)
            while self._bytes > self._budget and len(self._values) > 1:
                _, dropped = self._values.popitem(last=False)
                self._bytes -= _nbytes(dropped)
        return found


class _Shape:
    """A query as a key of kept values. Whoosh's compound queries hash as the exclusive or of their parts'
    hashes, so a word's group over an even number of fields hashes alike whatever the word, and a kept
    group was found by comparing with every other one; this hashes the query's repr (equal queries have
    equal reprs) and compares the queries themselves."""

    __slots__ = ("_hash", "query")

    def __init__(self, query: Query):
        self.query = query
        self._hash = hash(repr(query))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Shape) and self._hash == other._hash and self.query == other.query


def _nbytes(value: np.ndarray | tuple[np.ndarray, ...]) -> int:
    return value.nbytes if isinstance(value, np.ndarray) else sum(a.nbytes for a in value)


def _named(values: list, tally: np.ndarray) -> dict:
    return {values[i]: int(tally[i]) for i in np.nonzero(tally)[0]}


def _live_documents(reader) -> np.ndarray:
    """The sorted numbers of the documents not deleted, a segment at a time: a range less its deleted
    set (asking Whoosh document by document is most of a one-shot search's time at 100,000 items)."""
    parts = []
    for segment, offset in reader.leaf_readers():
        count = segment.doc_count_all()
        if not count:
            continue
        if not segment.has_deletions():
            parts.append(np.arange(offset, offset + count, dtype=np.int64))
            continue
        # A file segment's per-document reader lists its deleted numbers (the reader's own deleted_docs_set
        # is a cached_property of the package that runs asyncio, which a one-shot search never loads).
        perdoc = getattr(segment, "_perdoc", None)
        if perdoc is None:  # not a file segment's reader: ask it document by document
            parts.append(np.fromiter(segment.all_doc_ids(), dtype=np.int64) + offset)
            continue
        keep = np.ones(count, dtype=bool)
        keep[np.fromiter(perdoc.deleted_docs(), dtype=np.int64)] = False
        parts.append(np.flatnonzero(keep) + offset)
    return np.concatenate(parts) if parts else EMPTY.copy()


def _stored_fields(searcher):
    """docnum -> the document's stored fields as its segment keeps them: Whoosh's reader also sifts
    them through the schema field by field, half the time of reading one for an exact form."""
    leaves = searcher.reader().leaf_readers()
    offsets = [offset for _, offset in leaves]
    readers = [getattr(getattr(segment, "_perdoc", None), "stored_fields", segment.stored_fields)
               for segment, _ in leaves]

    def stored(docnum: int) -> dict:
        at = bisect_right(offsets, docnum) - 1
        return readers[at](docnum - offsets[at]) or {}

    return stored


def _leaf(matcher):
    """The file postings under Whoosh's wrappers (a segment with deletions wraps them in a filter; the
    deleted documents are dropped later, against the live documents)."""
    while not hasattr(matcher, "_read_ids") and hasattr(matcher, "child"):
        matcher = matcher.child
    return matcher


def _column_of(segment, fieldname: str, field, count: int) -> tuple[np.ndarray, list]:
    """(index into the values per document, the values) of one segment's column, read whole: Whoosh's
    column readers unpack one document at a time (seconds per facet at 100,000 items)."""
    if isinstance(field.column_type, RefBytesColumn):  # a reference per document into a table of values
        refs, uniques = segment.column_reader(fieldname, column=_RawRefs(field.column_type._fixedlen),
                                              translate=False)
        kind = type(field)  # Whoosh's own conversion is utf-8 decoding: done in one call per value
        plain = kind.from_column_value is FieldType.from_column_value and kind.from_bytes is FieldType.from_bytes
        return refs, [u.decode("utf-8") for u in uniques] if plain else [field.from_column_value(u) for u in uniques]
    reader = segment.column_reader(fieldname, translate=False)
    if isinstance(reader, NumericColumn.Reader):  # the column's default: a document without a value
        numbers, inverse = np.unique(_numbers(reader, count), return_inverse=True)
        values = [None if n == reader._default else field.from_column_value(n.item()) for n in numbers]
        return inverse.astype(np.int64), values
    values = list(segment.column_reader(fieldname))
    table: dict = {}
    local = [table.setdefault(v, len(table)) for v in values]
    return np.array(local, dtype=np.int64), list(table)


def _codes_at(segment, fieldname: str, field, count: int, docs: np.ndarray) -> tuple[np.ndarray, list]:
    """`_column_of` for the segment's documents `docs` alone: (index into the values per document of
    `docs`, the values); a numeric column converts only their values."""
    if not isinstance(field.column_type, RefBytesColumn):
        reader = segment.column_reader(fieldname, translate=False)
        if isinstance(reader, NumericColumn.Reader):
            numbers, inverse = np.unique(_numbers_at(_written(reader), reader._default, docs), return_inverse=True)
            return inverse.astype(np.int64), [None if n == reader._default else field.from_column_value(n)
                                              for n in numbers.tolist()]
    codes, values = _column_of(segment, fieldname, field, count)
    return codes[docs], values


class _RawRefs(RefBytesColumn):
    """A RefBytesColumn read whole, as (a reference per document, the table of values): Whoosh's reader
    reads the table a value at a time through its file object (50 ms for the 30,000 file paths of 300,000
    items, in every process that counts, sorts or filters by them); here it is one slice of the file
    taken apart in a loop over bytes."""

    def reader(self, dbfile, basepos, length, doccount):
        typecode = chr(dbfile.get_byte(basepos + length - 1))
        size = doccount * np.dtype(typecode).itemsize
        refs = np.frombuffer(dbfile.get(basepos, size), dtype=np.dtype(">" + typecode)).astype(np.int64)
        return refs, _uniques(dbfile.get(basepos + size, length - 1 - size), self._fixedlen)


def _varint(raw: bytes, at: int) -> tuple[int, int]:
    """(the number, where the next thing starts) of the varint at `at` (Whoosh's: 7 bits a byte, low first)."""
    number = shift = 0
    while True:
        byte = raw[at]
        at += 1
        number |= (byte & 0x7F) << shift
        if byte < 0x80:
            return number, at
        shift += 7


def _uniques(raw: bytes, fixedlen: int) -> list[bytes]:
    """A RefBytesColumn's table of values: a count, then each value (its length first unless fixed)."""
    count, at = _varint(raw, 0)
    values = []
    for _ in range(count):
        size = fixedlen
        if not size:
            size = raw[at]
            if size < 0x80:
                at += 1
            else:
                size, at = _varint(raw, at)
        values.append(raw[at:at + size])
        at += size
    return values


def _in_range(searcher, node: NumericRange) -> np.ndarray:
    """The documents (deleted ones too, as `column` has them) whose value of a column-stored field is in
    the range, each segment's numbers read whole and only their distinct values converted; a segment
    whose column is not numeric is read as `column` reads it."""
    field = searcher.schema[node.fieldname]
    parts = []
    for segment, offset in searcher.reader().leaf_readers():
        count = segment.doc_count_all()
        if not count or not segment.has_column(node.fieldname):
            continue
        reader = segment.column_reader(node.fieldname, translate=False)
        if isinstance(reader, NumericColumn.Reader):
            numbers = _numbers(reader, count)
            distinct = _distinct_numbers(numbers).tolist()
            converted = {n: field.from_column_value(n) for n in distinct if n != reader._default}
            wanted = [n for n, v in converted.items() if v not in (None, "", b"") and _within(node, v)]
            parts.append(np.flatnonzero(np.isin(numbers, wanted)) + offset)
        else:
            local, values = _column_of(segment, node.fieldname, field, count)
            wanted = [i for i, v in enumerate(values) if v not in (None, "", b"") and _within(node, v)]
            parts.append(np.flatnonzero(np.isin(local, wanted)) + offset)
    return np.concatenate(parts).astype(np.int64) if parts else EMPTY


def _within(node: NumericRange, value) -> bool:
    return (node.start is None or value >= node.start) and (node.end is None or value <= node.end)


def _distinct_numbers(numbers: np.ndarray) -> np.ndarray:
    """The distinct values of `numbers`, sorted: counted over their span when it is narrow (years), which
    is linear, where np.unique sorts."""
    if not len(numbers):
        return numbers
    low = int(numbers.min())
    if int(numbers.max()) - low < 1 << 16:
        return np.flatnonzero(np.bincount(numbers - low)) + low
    return np.unique(numbers)


def _counts_in_segments(searcher, fieldname: str, docs: np.ndarray) -> dict:
    """{value: how many of `docs` (sorted) have it} of a column-stored field, each segment's documents
    counted on that segment's column alone (DocSets.counts without the whole column)."""
    field = searcher.schema[fieldname]
    out: dict = {}
    for segment, offset in searcher.reader().leaf_readers():
        count = segment.doc_count_all()
        lo, hi = np.searchsorted(docs, (offset, offset + count))
        if lo == hi or not segment.has_column(fieldname):
            continue
        codes, values = _codes_at(segment, fieldname, field, count, docs[lo:hi] - offset)
        tally = np.bincount(codes, minlength=len(values))
        for i in np.flatnonzero(tally).tolist():
            if values[i] not in (None, "", b""):
                out[values[i]] = out.get(values[i], 0) + int(tally[i])
    return out


def _values_in_segments(searcher, fieldname: str, docs: np.ndarray) -> list:
    """The value of each of `docs` (sorted) in a column-stored field (None for none), read from each
    segment's column alone."""
    field = searcher.schema[fieldname]
    out: list = []
    for segment, offset in searcher.reader().leaf_readers():
        count = segment.doc_count_all()
        lo, hi = np.searchsorted(docs, (offset, offset + count))
        if lo == hi:
            continue
        if not segment.has_column(fieldname):
            out += [None] * int(hi - lo)
            continue
        codes, values = _codes_at(segment, fieldname, field, count, docs[lo:hi] - offset)
        out += [None if values[i] in (None, "", b"") else values[i] for i in codes.tolist()]
    return out


def _numbers(reader, count: int) -> np.ndarray:
    """Every document's value of a numeric column, in one read (documents past the written ones have
    the column's default)."""
    raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    numbers = np.frombuffer(raw, dtype=np.dtype(">" + reader._typecode)).astype(np.int64)
    if len(numbers) < count:
        numbers = np.concatenate([numbers, np.full(count - len(numbers), reader._default, dtype=np.int64)])
    return numbers[:count]


def _written(reader) -> np.ndarray:
    """The values a numeric column's file holds (one per document written), as they are there."""
    return np.frombuffer(reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen),
                         dtype=np.dtype(">" + reader._typecode))


def _numbers_at(written: np.ndarray, default: int, docs: np.ndarray) -> np.ndarray:
    """`_numbers(reader, count)[docs]` from the column's `_written` values and its default, without
    converting the values of the other documents."""
    numbers = np.full(len(docs), default, dtype=np.int64)
    there = docs < len(written)
    numbers[there] = written[docs[there]]
    return numbers


@lru_cache(maxsize=1)
def _length_table() -> np.ndarray:
    from whoosh.codec.whoosh3 import byte_to_length

    return np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def _sorted_common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values of sorted `a` that are also in sorted `b`, in order: a binary search of each in `b`, or
    a merge when `a` is not much shorter (numpy's intersect1d sorts both arrays again, and positions of
    common words run to millions)."""
    if not len(a) or not len(b):
        return EMPTY
    if len(a) * 16 > len(b):  # of like sizes: a merge (a stable sort finds the two sorted runs and merges them)
        # A term may list a position twice (a coordinated compound's full forms: indexer.analysis), and a
        # value twice in one list must not pass for a value in both.
        both = np.concatenate([_distinct(a), _distinct(b)])
        both.sort(kind="stable")
        return both[:-1][both[1:] == both[:-1]]
    at = np.searchsorted(b, a)
    np.minimum(at, len(b) - 1, out=at)
    return a[b[at] == a]


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted `values` without repeats."""
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) > 1 else values


def _block_positions(segment, offset: int, fieldname: str, text: str, candidates: np.ndarray) -> list[np.ndarray]:
    """The (document << SHIFT | position) keys of a term's candidate postings in one segment, from
    Whoosh's blocks."""
    try:
        matcher = _leaf(segment.postings(fieldname, text))
    except TermNotFound:
        return []
    keys = []
    if not hasattr(matcher, "_read_ids"):  # not Whoosh's file postings: walk them
        while matcher.is_active():
            doc = matcher.id() + offset
            if candidates[doc]:
                keys.append(np.array([doc << SHIFT | p for p in matcher.value_as("positions")], dtype=np.int64))
            matcher.next()
        return keys
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids = np.asarray(matcher._ids, dtype=np.int64) + offset
        wanted = np.flatnonzero(candidates[ids])
        if len(wanted):
            if matcher._values is None:
                matcher._read_values()
            values = [matcher._values[i] for i in wanted.tolist()]
            positions = np.frombuffer(b"".join(values), dtype="<u4").astype(np.int64)
            owners = np.repeat(ids[wanted], [len(v) // 4 for v in values])
            keys.append(owners << SHIFT | positions)
        matcher._next_block()
    return keys


def _block_postings(segment, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """A term's document numbers (within the segment) and weights, read a block at a time from
    Whoosh's postings."""
    try:
        matcher = _leaf(segment.postings(fieldname, text))
    except TermNotFound:
        return EMPTY, EMPTY
    ids, weights = [], []
    if not hasattr(matcher, "_read_ids"):  # not Whoosh's file postings: walk them
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64))
        weights.append(np.asarray(matcher._weights, dtype=np.float64))
        matcher._next_block()
    if not ids:
        return EMPTY, EMPTY
    return np.concatenate(ids), np.concatenate(weights)


def _has_exact(node: Query) -> bool:
    from .queries import ExactForm

    return isinstance(node, ExactForm) or any(_has_exact(kid) for kid in node.children())


def _one_word_in_fields(searcher, node: Or) -> bool:
    """Whether an Or is one word looked for in several scorable fields (the per-word group of
    search.query.plain_words and of Whoosh's multifield parser)."""
    texts, fields = set(), set()
    for term in node.subqueries:
        if not isinstance(term, Term) or not searcher.schema[term.fieldname].scorable:
            return False
        texts.add(term.text)
        fields.add(term.fieldname)
    return len(texts) == 1 and len(fields) > 1
