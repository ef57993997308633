"""referat's Whoosh codec: Whoosh's own (W3Codec) with one copy of the text fields' postings and smaller
stored fields.

Postings: a text term's postings are in the flat postings (flat.py), which the searches read; Whoosh's
postings file held them a second time, in blocks of pickles (a third of an index). Here Whoosh's block
writer keeps only a term's statistics (document frequency, total and maximum weight, length bounds: the
terms table, which doc_frequency, the scorers and the spelling look-ups read) when the flat postings hold
the term; its postings extent is then empty, and a Whoosh matcher for it (phrases and exact forms ranked
by Whoosh, merges, prefix expansion) is made from the flat postings. A term the flat postings cannot hold
exactly (flat.py: a far position, an odd weight) is written to Whoosh's postings file as before.

Stored fields: Whoosh compresses each document's pickled stored fields on its own with zlib, which finds
little to share inside one document (the field names, the common words come again in every document).
Here each is compressed against a preset dictionary made of the segment's first documents (the last
32 KB of their first 128 KB), kept at the end of the column: a document still decompresses on its own,
at half the size.

The codec is pickled into each segment's description in the table of contents by module path: moving it
is a SCHEMA_VERSION change.
"""
from __future__ import annotations

import os
import sys
import zlib
from array import array
from bisect import bisect_left
from pickle import dumps, loads
from typing import TYPE_CHECKING

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3PerDocWriter, W3PostingsWriter, W3TermsReader
from whoosh.columns import Column, VarBytesColumn
from whoosh.matching import ListMatcher, ReadTooFar

from ...store import IndexMissing
from .private import whoosh_create_column, whoosh_write_block

if TYPE_CHECKING:  # numpy and the flat postings are imported when a segment is read, not by opening an index
    import numpy as np

    from .flat import FlatPostings

DICTIONARY_BYTES = 32768  # zlib's window: a preset dictionary longer than this is not used
SAMPLE_BYTES = 4 * DICTIONARY_BYTES  # a column with less than this has no dictionary (it would not pay)
LEVEL = 6
_STORED = "_stored"  # Whoosh's name of the stored fields' column


class FlatCodec(W3Codec):
    """W3Codec whose text postings are the flat postings' and whose stored fields share a dictionary."""

    def postings_writer(self, dbfile, byteids=False):
        return FlatPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                  compression=self._compression, inlinelimit=self._inlinelimit)

    def terms_reader(self, storage, segment):
        from .flat import EXTENSION, FlatPostings

        tiname = segment.make_filename(self.TERMS_EXT)
        flat_path = os.path.join(storage.folder, segment.make_filename(EXTENSION))
        try:
            flat = FlatPostings(flat_path)
        except FileNotFoundError:
            raise  # a commit removed the segment under a searcher: retried on the newest generation
        except (OSError, ValueError) as exc:
            raise IndexMissing(_damaged(storage.folder, type(exc).__name__)) from None
        return FlatTermsReader(self, storage.open_file(tiname), storage.file_length(tiname),
                               segment.open_file(storage, self.POSTS_EXT), flat, storage.folder)

    def per_document_writer(self, storage, segment):
        return _PerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)


class FlatPostingsWriter(W3PostingsWriter):
    """Whoosh's block writer; while `flat` is set (postings.py sets it for each term the flat postings
    hold), a block only adds to the term's statistics and nothing is written: the term's extent is empty."""

    flat = False

    def _write_block(self, last=False):
        if not self.flat:
            whoosh_write_block(self, last)
            return None
        self._terminfo.add_block(self)
        self._blockcount += 1
        self._new_block()
        return None


class FlatTermsReader(W3TermsReader):
    """Whoosh's terms reader; a term with an empty postings extent is read from the flat postings."""

    def __init__(self, codec, dbfile, length, postfile, flat: FlatPostings, folder: str):
        super().__init__(codec, dbfile, length, postfile)
        self.flat, self._folder = flat, folder

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        terminfo = self.term_info(fieldname, tbytes)
        if terminfo.is_inlined() or _extent_length(terminfo):
            return super().matcher(fieldname, tbytes, format_, scorer)
        found = self.flat.get(fieldname, tbytes)
        kept = self.flat.positions(fieldname, tbytes)
        if found is None or kept is None:
            raise IndexMissing(_damaged(self._folder, "a term missing"))
        return FlatMatcher(found[0].tolist(), found[1].tolist(), PackedValues(kept[1], kept[2]),
                           format_, scorer=scorer, term=(fieldname, tbytes), terminfo=terminfo)


def _damaged(folder: str, what: str) -> str:
    """The files of a segment are the index's only copy of its postings: rebuilt from the minutes (a
    reindex only adds what changed)."""
    return (f"the index at {folder} is damaged ({what} in its postings); "
            f"rebuild it with: referat index --index {folder} FOLDER")


def _extent_length(terminfo) -> int:
    """How many bytes of Whoosh's postings file a term has (none: the flat postings hold it)."""
    length = terminfo.extent()[1]
    return length[0] if isinstance(length, tuple) else length  # W3TermInfo reads it back as a 1-tuple


class PackedValues:
    """A term's postings' encoded positions (schema.PackedPositions: little-endian uint32), made from the
    flat postings' arrays when a matcher is first asked for one (a merge asks for every one: the term's
    positions are then converted once, and each posting's are a slice)."""

    def __init__(self, counts: np.ndarray, positions: np.ndarray):
        self._counts, self._positions = counts, positions
        self._raw = b""
        self._ends: list[int] = []

    def __len__(self) -> int:
        return len(self._counts)

    def __getitem__(self, i: int) -> bytes:
        if not 0 <= i < len(self._counts):
            raise IndexError(i)
        if not self._ends:
            self._raw = self._positions.astype("<u4").tobytes()
            self._ends = (self._counts.cumsum(dtype="int64") * 4).tolist()
        return self._raw[self._ends[i - 1] if i else 0:self._ends[i]]

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class FlatMatcher(ListMatcher):
    """Whoosh's list matcher over one term's flat postings, with what a long list needs: skipping by
    binary search, the maximum weight computed once, and the whole list passed over at once when it
    cannot reach a quality (the list is one block to Whoosh's block-quality skipping)."""

    _i: int  # the posting it is at (ListMatcher's)

    def __init__(self, ids, weights, values, format_, scorer=None, position=0, term=None, terminfo=None):
        super().__init__(ids, weights, values, format_, scorer=scorer, position=position, term=term,
                         terminfo=terminfo)
        self._maxweight = max(weights) if weights else 0.0

    def copy(self):
        return FlatMatcher(self._ids, self._weights, self._values, self._format, self._scorer, self._i, self._term,
                           self._terminfo)

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def block_max_weight(self):
        return self._maxweight

    def skip_to_quality(self, minquality):
        if self.block_quality() <= minquality:
            self._i = len(self._ids)
            return 1
        return 0


class DictionaryColumn(Column):
    """Pickled values, each compressed against a preset dictionary made of the first values (then kept
    at the column's end, its length in the last four bytes; none in a column of less than SAMPLE_BYTES);
    a value reads back on its own."""

    def writer(self, dbfile):
        return _DictionaryWriter(dbfile)

    def reader(self, dbfile, basepos, length, doccount):
        return _DictionaryReader(dbfile, basepos, length, doccount)


class _DictionaryWriter:
    def __init__(self, dbfile):
        self._dbfile = dbfile
        self._values = VarBytesColumn.Writer(dbfile)
        self._waiting: list[tuple[int, bytes]] = []
        self._sampled = 0
        self._dictionary: bytes | None = None
        self._primed = None

    def add(self, docnum: int, value) -> None:
        data = dumps(value, 2)
        if self._dictionary is None:
            self._waiting.append((docnum, data))
            self._sampled += len(data)
            if self._sampled >= SAMPLE_BYTES:
                self._prime(b"".join(data for _, data in self._waiting)[-DICTIONARY_BYTES:])
            return
        self._values.add(docnum, self._compress(data))

    def _prime(self, dictionary: bytes) -> None:
        self._dictionary = dictionary
        self._primed = zlib.compressobj(LEVEL, zdict=self._dictionary) if self._dictionary else None
        waiting, self._waiting = self._waiting, []
        for docnum, data in waiting:
            self._values.add(docnum, self._compress(data))

    def _compress(self, data: bytes) -> bytes:
        compressor = self._primed.copy() if self._primed is not None else zlib.compressobj(LEVEL)
        return compressor.compress(data) + compressor.flush()

    def fill(self, docnum: int) -> None:  # documents without stored fields read as none (VarBytesColumn's b"")
        pass

    def finish(self, doccount: int) -> None:
        if self._dictionary is None:
            self._prime(b"")  # too little to share: each value compressed on its own, as Whoosh does
        assert self._dictionary is not None
        self._values.finish(doccount)
        self._dbfile.write(self._dictionary)
        self._dbfile.write_uint(len(self._dictionary))


class _DictionaryReader:
    def __init__(self, dbfile, basepos: int, length: int, doccount: int):
        size = dbfile.get_uint(basepos + length - 4)
        self._dictionary = dbfile.get(basepos + length - 4 - size, size)
        self._values = _Values(dbfile, basepos, length - 4 - size, doccount)
        self._doccount = doccount

    def __getitem__(self, docnum: int):
        data = self._values[docnum]
        if not data:
            return None
        decompressor = zlib.decompressobj(zdict=self._dictionary) if self._dictionary else zlib.decompressobj()
        return loads(decompressor.decompress(data) + decompressor.flush())

    def __len__(self) -> int:
        return self._doccount

    def __iter__(self):
        return (self[docnum] for docnum in range(self._doccount))


class _Values:
    """A VarBytesColumn's values (as Whoosh writes them), read one document at a time. Whoosh's reader
    reads every length when the column is opened and, for a column of up to 2**15 documents (above that
    the offsets are written too), derives every offset in a Python loop: a one-shot search, which reads
    the stored fields of ten documents, paid it for every segment (10 ms per 30,000 documents). Here a
    length and an offset are read where they are written; an offset that is not written is the sum of
    the lengths before it (summed in C)."""

    def __init__(self, dbfile, basepos: int, length: int, doccount: int):
        self._dbfile, self._basepos = dbfile, basepos
        last = basepos + length - 1  # the lengths' type code, or "X" after the offsets' and the lengths' codes
        code = chr(dbfile.get_byte(last))
        self._offsets_at: tuple[int, str] | None = None
        if code == "X":
            code, offsets_code = chr(dbfile.get_byte(last - 2)), chr(dbfile.get_byte(last - 1))
            last = (last - 2) - doccount * array(offsets_code).itemsize
            self._offsets_at = (last, offsets_code)
        self._lengths_at = (last - doccount * array(code).itemsize, code)

    def _items(self, at: tuple[int, str], start: int, stop: int) -> array:
        """Items `start` to `stop` of the big-endian array at `at` (position, type code)."""
        position, code = at
        items = array(code)
        items.frombytes(self._dbfile.get(position + start * items.itemsize, (stop - start) * items.itemsize))
        if sys.byteorder == "little":
            items.byteswap()
        return items

    def __getitem__(self, docnum: int) -> bytes:
        length = self._items(self._lengths_at, docnum, docnum + 1)[0]
        if not length:
            return b""
        if self._offsets_at is not None:
            offset = self._items(self._offsets_at, docnum, docnum + 1)[0]
        else:
            offset = sum(self._items(self._lengths_at, 0, docnum))
        return self._dbfile.get(self._basepos + offset, length)


STORED_COLUMN = DictionaryColumn()


class _PerDocWriter(W3PerDocWriter):
    def _create_column(self, fieldname, column):
        whoosh_create_column(self, fieldname, STORED_COLUMN if fieldname == _STORED else column)


class _PerDocReader(W3PerDocReader):
    def stored_fields(self, docnum):
        return self._cached_reader(_STORED, STORED_COLUMN)[docnum] or {}
