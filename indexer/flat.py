"""Flat postings: the document numbers, weights and word positions of a segment's common terms as
plain arrays, in a file of their own beside Whoosh's postings (`<segment>.fps`).

Whoosh keeps a term's postings in blocks of 128, each a zlib-compressed pickle of its document
numbers, weights and positions together: a search that needs the documents of a word most items have
unpickles hundreds of blocks (most of a search's time the first time it meets that word, and of a
phrase check of common words). The writer (indexer.postings) has every term's postings as arrays
already, so for each term of a text field that spans more than one block it also writes them here,
and a search (search.docsets) reads them as slices of a memory map. Rare terms (one block) stay
Whoosh's alone. The file belongs to its segment: written with it, named after it, merged and deleted
with it; a search that finds no sound file reads Whoosh's postings instead.
"""
from __future__ import annotations

import mmap
import os
import struct

import numpy as np

EXTENSION = ".fps"
MAGIC = b"RFP1"
_HEADER = struct.Struct("<4sIQQQ")  # magic, terms, postings, positions, bytes of the keys
MIN_POSTINGS = 129  # more than one of Whoosh's blocks
_MAX_WEIGHT_EXACT = 1024.0  # below this, weights that are whole or half numbers are exact in float16
_MAX_POSITION = 2**16 - 1  # positions are kept as uint16 ...
_MAX_COUNT = 2**8 - 1  # ... and how many a posting has as uint8; a term beyond either is not kept here


def _key(fieldname: str, text) -> bytes:
    return fieldname.encode("utf-8") + b"\0" + (text if isinstance(text, bytes) else text.encode("utf-8"))


class FlatWriter:
    """Collects the flat postings of one segment while its terms are written, in terms order."""

    def __init__(self):
        self.keys: list[bytes] = []
        self.ids: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []

    def add(self, fieldname: str, btext: bytes, ids, weights, positions: bytes, ends) -> None:
        """A term's postings: `positions` all its postings' positions as little-endian uint32, posting
        i's ending at byte ends[i] (indexer.schema.PackedPositions)."""
        if len(ids) < MIN_POSTINGS:
            return
        exact = np.asarray(weights, dtype=np.float32)
        half = exact.astype(np.float16)
        if not np.array_equal(half.astype(np.float32), exact) or exact.max() >= _MAX_WEIGHT_EXACT:
            return  # a weight float16 cannot hold exactly: Whoosh's postings serve this term
        where = np.frombuffer(positions, dtype="<u4")
        counts = np.diff(np.asarray(ends, dtype=np.int64), prepend=0) // 4
        if (len(where) and where.max() > _MAX_POSITION) or counts.max() > _MAX_COUNT:
            return
        self.keys.append(_key(fieldname, btext))
        self.ids.append(np.asarray(ids, dtype=np.uint32))
        self.weights.append(half)
        self.counts.append(counts.astype(np.uint8))
        self.positions.append(where.astype(np.uint16))

    def write(self, f) -> None:
        """The file: header; key ends, posting starts, position starts, keys; document numbers, weights,
        position counts, positions (each part 8-byte aligned)."""
        ends = np.cumsum([len(k) for k in self.keys], dtype=np.uint64)
        starts = np.concatenate([[0], np.cumsum([len(i) for i in self.ids])]).astype(np.uint64)
        pstarts = np.concatenate([[0], np.cumsum([len(p) for p in self.positions])]).astype(np.uint64)
        keys = b"".join(self.keys)

        def joined(parts: list[np.ndarray], dtype: str) -> bytes:
            return (np.concatenate(parts) if parts else np.empty(0)).astype(dtype).tobytes()

        f.write(_HEADER.pack(MAGIC, len(self.keys), int(starts[-1]), int(pstarts[-1]), len(keys)))
        for part in (ends.astype("<u8").tobytes(), starts.astype("<u8").tobytes(), pstarts.astype("<u8").tobytes(),
                     keys, joined(self.ids, "<u4"), joined(self.weights, "<f2"), joined(self.counts, "u1"),
                     joined(self.positions, "<u2")):
            f.write(part + b"\0" * (-len(part) % 8))


class FlatPostings:
    """One segment's flat postings, read through a memory map."""

    def __init__(self, path: str):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        magic, terms, postings, positions, keys_size = _HEADER.unpack_from(self._map, 0)
        if magic != MAGIC:
            raise ValueError("not a flat postings file")
        at = _HEADER.size
        sizes = (terms * 8, (terms + 1) * 8, (terms + 1) * 8, keys_size, postings * 4, postings * 2, postings,
                 positions * 2)
        offsets = []
        for size in sizes:
            offsets.append(at)
            at += size + (-size % 8)
        if at != len(self._map):
            raise ValueError("flat postings file of the wrong size")

        def array(part: int, dtype: str, count: int) -> np.ndarray:
            return np.frombuffer(self._map, dtype=dtype, count=count, offset=offsets[part])

        ends = array(0, "<u8", terms).tolist()
        keys = self._map[offsets[3]:offsets[3] + keys_size]
        self._index = {keys[a:b]: n for n, (a, b) in enumerate(zip([0, *ends[:-1]], ends))}
        self._starts, self._pstarts = array(1, "<u8", terms + 1), array(2, "<u8", terms + 1)
        self._ids, self._weights = array(4, "<u4", postings), array(5, "<f2", postings)
        self._counts, self._positions = array(6, "u1", postings), array(7, "<u2", positions)

    def _find(self, fieldname: str, text) -> int | None:
        return self._index.get(_key(fieldname, text))

    def get(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray] | None:
        """(document numbers within the segment, weights) of a term, or None when it is not here."""
        n = self._find(fieldname, text)
        if n is None:
            return None
        a, b = int(self._starts[n]), int(self._starts[n + 1])
        return self._ids[a:b], self._weights[a:b]

    def positions(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(document numbers, how many positions each, all their positions in order) of a term, or None."""
        n = self._find(fieldname, text)
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
