"""A new segment's postings, gathered in memory and written in bulk in Whoosh's own format.

Whoosh's writer makes every posting a tuple in a sorting pool, sorts them all at commit, looks up the
field length of each posting's document in a column, and hands them to its block writer one call at a
time: about three quarters of an index build. Documents are numbered in the order they are added, so a
term's postings arrive in document order already. Here they are appended to compact per-term arrays,
the terms are sorted once, and each block of 128 postings is handed to Whoosh's own block writer whole
(ids, weights, encoded positions, length bounds), so the bytes on disk are the ones Whoosh writes, for
the terms that are written there at all (codec.py: a text term's postings are kept once, in flat.py's file).
"""
from __future__ import annotations

from array import array
from collections import Counter

from whoosh.analysis import IDTokenizer
from whoosh.formats import Existence, Positions
from whoosh.util.numeric import byte_to_length, length_to_byte

from ...analysis import words_of
from .flat import FlatWriter
from .private import hand_block, postings_writer, write_block
from .schema import PackedPositions

BLOCK = 128  # postings per block: W3Codec's blocklimit
# The encoded positions of a term that occurs once, by format and position.
_ONE_POSITION: dict[type, dict[int, bytes]] = {}


class _Term:
    """One term's postings: document numbers, weights, and the encoded values one after another."""

    __slots__ = ("ends", "ids", "values", "weights")

    def __init__(self):
        self.ids = array("I")
        self.weights = array("f")
        self.values = bytearray()
        self.ends = array("I")


class Postings:
    """The postings and field lengths of the documents of one segment being written."""

    def __init__(self):
        # field -> term -> its postings. A field add_text gathers is keyed by the analysis's own term
        # strings (their hashes are computed once, where bytes made per posting were hashed each time;
        # encoded once per term when written); the others by the term's bytes.
        self.fields: dict[str, dict] = {}
        self.texts: set[str] = set()  # the fields keyed by str
        self.lengths: dict[str, bytearray] = {}  # field -> each document's length as Whoosh's length byte
        self.unordered: set[str] = set()  # fields where a term got a document number out of order
        # field -> (its last value, that value's terms and positions): the participants of a meeting are
        # the same text in each of its items, analysed once.
        self.last: dict[str, tuple[str, dict[str, list[int]]]] = {}

    def add(self, fieldname: str, btext: bytes, docnum: int, weight: float, value: bytes | None) -> None:
        """One posting, as Whoosh's pool takes it."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        key = btext.decode("utf-8") if fieldname in self.texts else btext
        entry = terms.get(key)
        if entry is None:
            entry = terms[key] = _Term()
        if entry.ids and docnum < entry.ids[-1]:
            self.unordered.add(fieldname)
        entry.ids.append(docnum)
        entry.weights.append(weight)
        if value:
            entry.values += value
        entry.ends.append(len(entry.values))

    def add_text(self, fieldname: str, field, value: str, docnum: int, boost: float,
                 words: set[str] | None = None) -> int:
        """The postings of a text field with positions, analysed once; returns the field's length (how
        many terms it has), as Whoosh counts it. `words` gains the spelling list's words of `value`
        (indexer.analysis.words_of, which its analysis finds on the way)."""
        last = self.last.get(fieldname)
        if last is not None and last[0] == value and words is None:
            positions = last[1]
        else:
            analyzer = field.analyzer
            if hasattr(analyzer, "positions"):  # indexer.analysis: the terms gathered without token objects
                positions = analyzer.positions(value, words) if words is not None else analyzer.positions(value)
            else:
                positions = {}
                for token in analyzer(value, positions=True, boosts=True, mode="index"):
                    positions.setdefault(token.text, []).append(token.pos)
                if words is not None:
                    words.update(words_of(value))
            self.last[fieldname] = (value, positions)
        terms = self._text_terms(fieldname)
        encode = field.format.encode
        one = _ONE_POSITION.setdefault(type(field.format), {})
        factor = field.format.field_boost * boost
        length = 0
        for text, where in positions.items():
            entry = terms.get(text)
            if entry is None:
                entry = terms[text] = _Term()
            count = len(where)
            length += count
            entry.ids.append(docnum)
            entry.weights.append(count * factor)
            if count == 1:  # most terms occur once in a field: their encodings are few and recur
                encoded = one.get(where[0])
                if encoded is None:
                    encoded = one[where[0]] = encode(where)
                entry.values += encoded
            else:
                entry.values += encode(where)
            entry.ends.append(len(entry.values))
        return length

    def add_id(self, fieldname: str, field, value: str, docnum: int, boost: float) -> None:
        """The one posting of an untokenized field (Existence format, the value as its term): what
        Whoosh's ID field indexes, without its analysis pipeline."""
        self.add(fieldname, value.encode("utf-8"), docnum, field.format.field_boost * boost, None)

    def count_documents(self, fieldnames: tuple[str, ...], counts: Counter) -> None:
        """Add to `counts` each term of `fieldnames` once per document and field it is in (its postings:
        one per document), as indexer.compounds.count_terms counts the same documents' text."""
        for fieldname in fieldnames:
            for term, entry in self.fields.get(fieldname, {}).items():
                counts[term if fieldname in self.texts else term.decode("utf-8")] += len(entry.ids)

    def _text_terms(self, fieldname: str) -> dict[str, _Term]:
        """The terms of a field add_text gathers, keyed by str (those Whoosh's pool added to it before,
        in a merge, decoded)."""
        terms = self.fields.get(fieldname)
        if fieldname not in self.texts:
            self.texts.add(fieldname)
            terms = self.fields[fieldname] = {btext.decode("utf-8"): entry for btext, entry in (terms or {}).items()}
        assert terms is not None
        return terms

    def set_length(self, fieldname: str, docnum: int, length: int) -> None:
        lengths = self.lengths.get(fieldname)
        if lengths is None:
            lengths = self.lengths[fieldname] = bytearray()
        if len(lengths) <= docnum:
            lengths.extend(bytes(docnum + 1 - len(lengths)))
        lengths[docnum] = length_to_byte(length)

    def write(self, fieldwriter, schema, flat: FlatWriter) -> None:
        """Every term of every field, in the order Whoosh's terms table wants (field name, then term);
        the terms of text fields to `flat` (flat.py), and to Whoosh's postings file only those the flat
        postings cannot hold (codec.py: the others' statistics alone go to the terms table)."""
        fields = []
        for fieldname in sorted(self.fields):
            fieldobj = schema[fieldname]
            text = isinstance(fieldobj.format, PackedPositions)
            terms = []
            keyed = self.fields[fieldname]
            # str keys sort as their UTF-8 bytes do (code point order)
            for key in sorted(keyed):
                entry = keyed[key]
                btext = key.encode("utf-8") if fieldname in self.texts else key
                if fieldname in self.unordered:
                    entry = _in_order(entry)
                if text:
                    flat.add(fieldname, btext, entry.ids, entry.weights, entry.values, entry.ends)
                terms.append((btext, entry))
            fields.append((fieldname, fieldobj, text, terms))
        held = iter(flat.kept().tolist())
        for fieldname, fieldobj, text, terms in fields:
            lengths = self.lengths.get(fieldname) if fieldobj.scorable else None
            fieldwriter.start_field(fieldname, fieldobj)
            writer = postings_writer(fieldwriter)
            for btext, entry in terms:
                writer.flat = text and next(held)
                fieldwriter.start_term(btext)
                _write_blocks(writer, entry, lengths)
                fieldwriter.finish_term()
            writer.flat = False
            fieldwriter.finish_field()


def _write_blocks(writer, entry: _Term, lengths: bytearray | None) -> None:
    """A term's postings as Whoosh's block writer would have buffered them, block by block; the last
    block is left for finish_term to write. A term the flat postings hold (`writer.flat`) gives Whoosh
    only its statistics, which never read the encoded values (codec.FlatPostingsWriter): they are not
    cut into a block's list."""
    ids, weights, values, ends = entry.ids, entry.weights, entry.values, entry.ends
    cut_values = not writer.flat
    count = len(ids)
    for start in range(0, count, BLOCK):
        stop = min(start + BLOCK, count)
        if start:
            write_block(writer)
        block_ids = ids[start:stop]
        block_weights = weights[start:stop]
        first = ends[start - 1] if start else 0
        if cut_values and ends[stop - 1] > first:
            cuts = ends[start:stop]
            block_values = [bytes(values[a:b]) for a, b in zip((first, *cuts[:-1]), cuts, strict=True)]
        else:
            block_values = []
        block_lengths = [byte_to_length(lengths[d]) if d < len(lengths) else 0 for d in block_ids] if lengths else ()
        nonzero = [n for n in block_lengths if n]
        hand_block(writer, block_ids, block_weights, block_values, min(nonzero) if nonzero else None,
                   max(nonzero, default=0))


def _in_order(entry: _Term) -> _Term:
    """The postings sorted by document number (merged segments can add them out of order)."""
    order = sorted(range(len(entry.ids)), key=entry.ids.__getitem__)
    ordered = _Term()
    for i in order:
        ordered.ids.append(entry.ids[i])
        ordered.weights.append(entry.weights[i])
        start = entry.ends[i - 1] if i else 0
        ordered.values += entry.values[start:entry.ends[i]]
        ordered.ends.append(len(ordered.values))
    return ordered


def kind_of(field) -> str | None:
    """How Postings takes a field's values: `text` (add_text: positions, no characters or vectors),
    `id` (add_id: the whole value one term) or None (Whoosh's own field.index)."""
    if field.vector:
        return None
    if isinstance(field.format, Positions) and not field.format.supports("characters"):
        return "text"
    if type(field.format) is Existence and type(field.analyzer) is IDTokenizer:
        return "id"
    return None

