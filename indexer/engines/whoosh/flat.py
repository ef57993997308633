"""Flat postings: every term of a segment's text fields with its document numbers, weights and word
positions as plain arrays, in a file of their own beside Whoosh's postings (`<segment>.fps`).

Whoosh keeps a term's postings in blocks of 128, each a zlib-compressed pickle of its document
numbers, weights and positions together, and finds a term through an on-disk hash table: a search
unpickles hundreds of blocks for a word most items have, and looks each query word up in every field of
every segment (most of a search's time, the first time it meets its words). The writer
(postings.py) has every term's postings as arrays already, so it writes them here; a search
(search.docsets) finds a term in one dict per segment and reads its postings as slices of a memory map.
A term whose weights or positions do not fit the compact types is listed without arrays (its postings
are read from Whoosh's blocks); a term the file does not list is not in the segment's text fields. The
keys (field name, NUL, term) are written in sorted order, as Whoosh's terms table has them, so that a
one-shot search finds its few terms by binary search in the memory map instead of reading every key. The
file belongs to its segment: written with it, named after it, merged and deleted with it. It is the only
copy of the postings of the terms it keeps (codec.py: Whoosh's postings file has only the others), so a
segment without a sound file cannot be read.
"""
from __future__ import annotations

import json
import mmap
import os
import struct
import sys

import numpy as np

EXTENSION = ".fps"
MAGIC = b"RFP2"
_HEADER = struct.Struct("<4sIQQQI")  # magic, terms, postings, positions, bytes of the keys, bytes of the fields
_MAX_WEIGHT = 1024.0  # below this, weights that are whole or half numbers are exact in float16
_MAX_POSITION = 2**16 - 1  # positions are kept as uint16 ...
_MAX_COUNT = 2**8 - 1  # ... and how many a posting has as uint8
TERM_WIDTH = 16  # bytes of each term in `terms` (a longer one is told by `has`)
_REMEMBERED = 65536  # term lookups a segment's file remembers (a long-lived process asks ever new words)


def _key(fieldname: str, text) -> bytes:
    return fieldname.encode("utf-8") + b"\0" + (text if isinstance(text, bytes) else text.encode("utf-8"))


class FlatWriter:
    """Collects the flat postings of one segment while its terms are written, in terms order, and
    converts them all at once when the file is written."""

    def __init__(self):
        self.fields: list[str] = []
        self.keys: list[bytes] = []
        self.ids: list = []
        self.weights: list = []
        self.positions: list = []
        self.ends: list = []
        self._kept: np.ndarray | None = None
        self._parts: tuple = ()

    def add(self, fieldname: str, btext: bytes, ids, weights, positions, ends) -> None:
        """A term's postings as the writer holds them: document numbers (array 'I'), weights (array
        'f'), all positions as little-endian uint32 bytes (schema.PackedPositions), and where
        each posting's positions end (array 'I', in bytes)."""
        if not self.fields or self.fields[-1] != fieldname:
            self.fields.append(fieldname)
        key = _key(fieldname, btext)
        if self.keys and key <= self.keys[-1]:
            raise ValueError("flat postings take their terms in sorted order")  # FlatPostings searches them
        self.keys.append(key)
        self.ids.append(ids)
        self.weights.append(weights)
        self.positions.append(positions)
        self.ends.append(ends)

    def kept(self) -> np.ndarray:
        """Which of the terms added so far the file holds exactly (their weights whole or half numbers
        below _MAX_WEIGHT, at most _MAX_COUNT positions a posting, none past _MAX_POSITION): the others
        are listed without arrays, their postings left to Whoosh's blocks."""
        if self._kept is None or len(self._kept) != len(self.keys):
            self._arrays()
        assert self._kept is not None
        return self._kept

    def _arrays(self) -> None:
        sizes = np.fromiter((len(i) for i in self.ids), dtype=np.int64, count=len(self.ids))
        ids = _joined(self.ids, np.uint32)
        weights = _joined(self.weights, np.float32)
        positions = np.frombuffer(b"".join(self.positions), dtype="<u4")
        ends = _joined(self.ends, np.uint32).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes)])
        first = starts[:-1][sizes > 0]  # every term has a posting; this guards the reductions below
        previous = np.concatenate([[0], ends[:-1]])
        previous[first] = 0
        counts = (ends - previous) // 4
        with np.errstate(over="ignore"):  # a weight past float16's range is caught by the test below
            half = weights.astype(np.float16)
        fits = (half.astype(np.float32) == weights) & (weights < _MAX_WEIGHT) & (counts <= _MAX_COUNT)
        kept = np.logical_and.reduceat(fits, first) if len(first) else np.zeros(0, dtype=bool)
        pstarts = np.concatenate([[0], np.cumsum([len(p) // 4 for p in self.positions])])
        big = np.zeros(len(kept), dtype=bool)
        if len(positions):
            nonempty = pstarts[:-1] < pstarts[1:]
            maxima = np.maximum.reduceat(positions, pstarts[:-1][nonempty])
            big[nonempty] = maxima > _MAX_POSITION
        kept &= ~big
        self._kept = kept
        self._parts = (sizes, ids, half, counts, positions, pstarts)

    def write(self, f) -> None:
        """The file: header, the fields it covers (JSON); key ends, posting starts, position starts, kept
        flags, keys; document numbers, weights, position counts, positions (each part 8-byte aligned)."""
        kept = self.kept()
        sizes, ids, half, counts, positions, pstarts = self._parts
        # Only the kept terms' arrays are written; the others keep an empty range.
        keep_posting = np.repeat(kept, sizes)
        keep_position = np.repeat(kept, np.diff(pstarts))
        written_starts = np.concatenate([[0], np.cumsum(np.where(kept, sizes, 0))]).astype(np.uint64)
        written_pstarts = np.concatenate([[0], np.cumsum(np.where(kept, np.diff(pstarts), 0))]).astype(np.uint64)
        key_ends = np.cumsum([len(k) for k in self.keys], dtype=np.uint64)
        keys = b"".join(self.keys)
        fields = json.dumps(self.fields).encode("utf-8")
        f.write(_HEADER.pack(MAGIC, len(self.keys), int(written_starts[-1]), int(written_pstarts[-1]), len(keys),
                             len(fields)))
        parts = (fields, key_ends.astype("<u8").tobytes(), written_starts.astype("<u8").tobytes(),
                 written_pstarts.astype("<u8").tobytes(), kept.astype("u1").tobytes(), keys,
                 ids[keep_posting].astype("<u4").tobytes(), half[keep_posting].astype("<f2").tobytes(),
                 counts[keep_posting].astype("u1").tobytes(), positions[keep_position].astype("<u2").tobytes())
        for part in parts:
            f.write(part + b"\0" * (-len(part) % 8))


def _joined(arrays: list, dtype) -> np.ndarray:
    """Python arrays (native byte order, as numpy's default) as one numpy array."""
    return np.frombuffer(b"".join(a.tobytes() for a in arrays), dtype=dtype)


class FlatPostings:
    """One segment's flat postings, read through a memory map."""

    def __init__(self, path: str):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        magic, terms, postings, positions, keys_size, fields_size = _HEADER.unpack_from(self._map, 0)
        if magic != MAGIC:
            raise ValueError("not a flat postings file")
        at = _HEADER.size
        sizes = (fields_size, terms * 8, (terms + 1) * 8, (terms + 1) * 8, terms, keys_size, postings * 4,
                 postings * 2, postings, positions * 2)
        offsets = []
        for size in sizes:
            offsets.append(at)
            at += size + (-size % 8)
        if at != len(self._map):
            raise ValueError("flat postings file of the wrong size")

        def array(part: int, dtype: str, count: int) -> np.ndarray:
            return np.frombuffer(self._map, dtype=dtype, count=count, offset=offsets[part])

        self.fields = frozenset(json.loads(self._map[offsets[0]:offsets[0] + fields_size]))
        self._terms, self._keys_at = terms, offsets[5]
        # The key ends as Python integers for the binary search (a numpy scalar costs more than the step).
        self._key_ends = (memoryview(self._map)[offsets[1]:offsets[1] + terms * 8].cast("Q")
                          if sys.byteorder == "little" else array(1, "<u8", terms).tolist())
        self._ends = array(1, "<u8", terms)
        self._found: dict[bytes, int | None] = {}
        self._ranges: dict[str, tuple[int, int]] = {}
        self._starts, self._pstarts = array(2, "<u8", terms + 1), array(3, "<u8", terms + 1)
        self._kept = array(4, "u1", terms)
        self._ids, self._weights = array(6, "<u4", postings), array(7, "<f2", postings)
        self._counts, self._positions = array(8, "u1", postings), array(9, "<u2", positions)

    def _bound(self, key: bytes) -> int:
        """The number of the first term whose key is not below `key`, by binary search over the sorted
        keys in the map."""
        ends, at, data = self._key_ends, self._keys_at, self._map
        lo, hi = 0, self._terms
        while lo < hi:
            mid = (lo + hi) // 2
            if data[at + (ends[mid - 1] if mid else 0):at + ends[mid]] < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _term(self, key: bytes) -> int | None:
        """The number of the term with `key` (each lookup remembered: a search asks for the same term in
        several steps)."""
        if key in self._found:
            return self._found[key]
        ends, at, data = self._key_ends, self._keys_at, self._map
        lo = self._bound(key)
        found = None
        if lo < self._terms and data[at + (ends[lo - 1] if lo else 0):at + ends[lo]] == key:
            found = lo
        if len(self._found) >= _REMEMBERED:
            self._found.clear()
        self._found[key] = found
        return found

    def has(self, fieldname: str, text) -> bool:
        """Whether the segment's field holds the term (only for a field in `fields`)."""
        return self._term(_key(fieldname, text)) is not None

    def _range(self, fieldname: str) -> tuple[int, int]:
        """The numbers of a field's first term and of the one after its last (its keys: name NUL term)."""
        found = self._ranges.get(fieldname)
        if found is None:
            name = fieldname.encode("utf-8")
            found = self._ranges[fieldname] = (self._bound(name + b"\0"), self._bound(name + b"\1"))
        return found

    def count(self, fieldname: str) -> int:
        """How many terms a field has."""
        lo, hi = self._range(fieldname)
        return hi - lo

    def terms(self, fieldname: str) -> np.ndarray:
        """Every term of a field (one in `fields`), in order, as one numpy bytes array whose items are
        the terms' UTF-8 cut to at most TERM_WIDTH bytes: many terms are looked up in it at once
        (`numpy.searchsorted`), and only one that is at least as long as an item needs `has` to tell."""
        lo, hi = self._range(fieldname)
        name = fieldname.encode("utf-8")
        window = self._ends[max(lo - 1, 0):hi].astype(np.int64)  # where each key ends, and the one before
        ends = window if lo == 0 else window[1:]
        starts = (np.concatenate([[0], window[:-1]]) if lo == 0 else window[:-1]) + len(name) + 1
        cut = np.minimum(ends - starts, TERM_WIDTH)
        width = int(cut.max(initial=1))
        # One copy of every term's first `width` bytes into its row of a zeroed table.
        filled = np.cumsum(cut) - cut  # where each term's bytes begin among all copied bytes
        step = np.arange(int(cut.sum())) - np.repeat(filled, cut)
        keys = np.frombuffer(self._map, dtype=np.uint8, count=int(ends[-1]) if len(ends) else 0,
                             offset=self._keys_at)
        table = np.zeros(len(cut) * width, dtype=np.uint8)
        table[np.repeat(np.arange(len(cut)) * width, cut) + step] = keys[np.repeat(starts, cut) + step]
        return table.view(f"S{width}")

    def _kept_term(self, fieldname: str, text) -> int | None:
        n = self._term(_key(fieldname, text))
        return n if n is not None and self._kept[n] else None

    def get(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray] | None:
        """(document numbers within the segment, weights) of a term, or None when they are not here
        (the term is absent, or its postings did not fit: see `has`)."""
        n = self._kept_term(fieldname, text)
        if n is None:
            return None
        a, b = int(self._starts[n]), int(self._starts[n + 1])
        return self._ids[a:b], self._weights[a:b]

    def positions(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(document numbers, how many positions each, all their positions in order) of a term, or None."""
        n = self._kept_term(fieldname, text)
        if n is None:
            return None
        a, b = int(self._starts[n]), int(self._starts[n + 1])
        return self._ids[a:b], self._counts[a:b], self._positions[int(self._pstarts[n]):int(self._pstarts[n + 1])]


def open_flat(storage, segment) -> FlatPostings | None:
    """The flat postings of a segment, or None when it has none or they cannot be read."""
    path = os.path.join(storage.folder, segment.make_filename(EXTENSION))
    try:
        return FlatPostings(path)
    except (OSError, ValueError, struct.error):
        return None
