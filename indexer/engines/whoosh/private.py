"""Every private Whoosh name referat relies on, in one place, each with why.

Whoosh-reloaded keeps these stable within 2.7.x (setup.cfg pins `whoosh-reloaded>=2.7.5,<2.8`); a
release that renames one fails here, at import, naming it (`missing()`), instead of deep in a search or
in the middle of a commit. The writing side uses the accessors below; the searching side's
(search.docsets) are listed in SEARCHING with the same check, for search.engines.whoosh to use.
"""
from __future__ import annotations

import whoosh.codec.whoosh3 as _w3
from whoosh import columns as _columns
from whoosh import index as _index
from whoosh import matching as _matching
from whoosh import reading as _reading
from whoosh import scoring as _scoring
from whoosh import writing as _writing
from whoosh.query.wrappers import WrappingQuery as _WrappingQuery

# The name of an index's table of contents and segment files ("MAIN"): staging and cleaning name its files.
INDEX_NAME = _index._DEF_INDEX_NAME

# (owner, name, why): what indexer.engines.whoosh reads or overrides, checked at import.
WRITING = (
    (_index, "_DEF_INDEX_NAME", "the files of an index are named after it (staging, cleaning, the lock file)"),
    (_index.TOC, "_pattern", "which files are tables of contents, and of which generation (clean_files)"),
    (_index.TOC, "_segment_pattern", "which files belong to which segment (clean_files, swap-in)"),
    (_index.TOC, "_filename", "the table of contents of a generation, renamed last in a swap-in"),
    (_index.TOC, "_latest_generation", "a staged rebuild continues the live index's generation numbers"),
    (_index.FileIndex, "_read_toc", "the segments the current generation names (debris of killed runs)"),
    (_w3.W3PostingsWriter, "_write_block", "postings are handed over a block at a time (postings.py)"),
    (_writing.SegmentWriter, "_check_state", "the writers' add_document and commit keep Whoosh's state checks"),
    (_writing.SegmentWriter, "_check_fields", "add_document rejects unknown fields as Whoosh's does"),
    (_writing.SegmentWriter, "_doc_boost", "a formality's `_boost` is applied as Whoosh applies it"),
    (_writing.SegmentWriter, "_field_boost", "... and per field"),
    (_writing.SegmentWriter, "_process_posts", "merged segments' postings, renumbered (add_postings_to_pool)"),
    (_writing.SegmentWriter, "_finalize_segment", "the parallel writer's workers finish their own segments"),
    (_writing.SegmentWriter, "_close_segment", "the parallel writer's parent closes its empty segment"),
    (_writing.SegmentWriter, "_merge_segments", "the parallel writer merges small segments as Whoosh's commit does"),
    (_writing.SegmentWriter, "_commit_toc", "overridden: old generations' files are removed after a grace period"),
    (_writing.SegmentWriter, "_finish", "the parallel writer ends its commit as Whoosh's does"),
    (_writing.SegmentWriter, "_flush_segment", "overridden: postings and flat postings written in bulk"),
    (_w3.W3PostingsWriter, "_new_block", "a text term the flat postings hold: blocks counted, not written (codec.py)"),
    (_w3.W3PerDocWriter, "_create_column", "overridden: the stored fields' column is codec.py's"),
)
# (owner, names, why): attributes Whoosh sets on instances (not checkable on the class).
WRITING_INSTANCE = (
    (_w3.W3FieldWriter, ("_postwriter",), "the block writer of the field being written (postings.py)"),
    (_w3.W3PostingsWriter, ("_ids", "_weights", "_values", "_maxweight", "_minlength", "_maxlength"),
     "a block is handed over whole in the buffers Whoosh's own `add` fills (hand_block)"),
    (_writing.SegmentWriter, ("_added",), "the writers mark a segment as holding documents, as Whoosh's does"),
    (_w3.W3PostingsWriter, ("_terminfo", "_blockcount"), "... and its statistics kept without writing it (codec.py)"),
)

# (owner, name, why): what the searching side (search.docsets) reads, for search.engines.whoosh.
SEARCHING = (
    (_w3.W3LeafMatcher, "_read_ids", "a term's document numbers read block by block into numpy arrays"),
    (_w3.W3LeafMatcher, "_read_weights", "... its weights"),
    (_w3.W3LeafMatcher, "_read_values", "... its encoded positions (phrases)"),
    (_w3.W3LeafMatcher, "_next_block", "... the next block"),
    (_w3, "_lenfield", "the column of a field's lengths (BM25F's length normalisation in numpy)"),
    (_w3.W3PerDocReader, "_cached_reader", "the lengths column, read once per segment"),
    (_matching.WrappingMatcher, "_replacement",
     "overridden: the coordination matcher (search.expand) survives Whoosh's matcher replacement"),
    (_WrappingQuery, "_rewrap", "overridden: an exact-form query (search.exact) survives normalisation"),
)
SEARCHING_INSTANCE = (
    (_w3.W3LeafMatcher, ("_ids", "_weights", "_values"), "the block just read (see _read_ids ...)"),
    (_columns.RefBytesColumn, ("_fixedlen",),
     "a facet column read whole in one slice of its file, its values' length fixed or given (docsets._RawRefs)"),
    (_columns.NumericColumn.Reader, ("_dbfile", "_basepos", "_count", "_fixedlen", "_typecode", "_default"),
     "a numeric column (year) likewise"),
    (_scoring.BM25F, ("_field_B",), "its per-field B, to score in numpy exactly as Whoosh does"),
    (_reading.SegmentReader, ("_storage", "_segment"), "a segment reader's files: its flat postings (flat.py)"),
    (_reading.SegmentReader, ("_perdoc",), "its per-document reader: the deleted numbers and the lengths columns"),
    (_matching.ListMatcher, ("_ids", "_weights", "_values", "_i", "_term", "_terminfo", "_format", "_scorer"),
     "codec.FlatMatcher extends Whoosh's list matcher over a term's flat postings"),
)


def missing() -> list[str]:
    """The listed names the installed Whoosh lacks (none, for the tested versions)."""
    return [f"{getattr(owner, '__name__', owner)}.{name}" for owner, name, _ in (*WRITING, *SEARCHING)
            if not hasattr(owner, name)]


def toc_pattern(indexname: str = INDEX_NAME):
    """The regular expression of a table of contents' file name; group 1 is its generation."""
    return _index.TOC._pattern(indexname)


def segment_pattern(indexname: str = INDEX_NAME):
    """The regular expression of a segment file's name; group 1 is the segment's id."""
    return _index.TOC._segment_pattern(indexname)


def toc_filename(generation: int, indexname: str = INDEX_NAME) -> str:
    return _index.TOC._filename(indexname, generation)


def latest_generation(storage, indexname: str = INDEX_NAME) -> int:
    """The newest generation whose table of contents is in `storage` (-1 for none)."""
    return _index.TOC._latest_generation(storage, indexname)


def current_segments(ix) -> list:
    """The segments of the index's newest generation."""
    return ix._read_toc().segments


def postings_writer(fieldwriter):
    """Whoosh's block writer behind a field writer, for the field being written."""
    return fieldwriter._postwriter


def hand_block(writer, ids, weights, values, minlength, maxlength) -> None:
    """Give Whoosh's block writer one block of postings, as its own `add` calls would have buffered it;
    the block is written by `write_block` or, the last one, by finish_term."""
    writer._ids = ids
    writer._weights = weights
    writer._values = values
    writer._maxweight = max(0, max(weights))
    writer._minlength = minlength
    writer._maxlength = maxlength


def write_block(writer) -> None:
    writer._write_block()


def whoosh_write_block(writer, last: bool = False) -> None:
    """Whoosh's own `_write_block`, for the writer that overrides it (codec.FlatPostingsWriter)."""
    _w3.W3PostingsWriter._write_block(writer, last)


def whoosh_create_column(perdocwriter, fieldname: str, column) -> None:
    """Whoosh's own `_create_column`, for the writer that overrides it (codec's stored fields)."""
    _w3.W3PerDocWriter._create_column(perdocwriter, fieldname, column)


def finalize_segment(writer):
    """The description of the segment `writer` wrote, without a commit (a parallel writer's worker)."""
    return writer._finalize_segment()


_MISSING = missing()
if _MISSING:
    raise ImportError(f"the installed whoosh-reloaded lacks what referat relies on: {', '.join(_MISSING)}; "
                      f"install the tested range (setup.cfg)")
