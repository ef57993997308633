"""The generation's lexicon: the term statistics a search asks of the cluster, counted by the writer.

A search on the OpenSearch engine needs, before it can rank, how many items have each of its terms in
each text field (at its own position, `<field>`, stacked, `<field>_stack`, or either), how many items
have each field, and how many items there are (search.engines.opensearch: the idf parity and the words'
coordination). The writer analyses every item it sends (documents.source), so it counts them there; the
items a generation deletes are subtracted from what the cluster stores of them (their stored fields,
with `INDEXED`: what the stored fields alone do not say of the indexed text; for an item an older
referat wrote, without it, the cluster says whether its text is OCR's and counts the UNSTORED fields'
rows itself). So the lexicon of generation N is N-1's plus the changes of the run that made N, stamped
with N and written before N's commit; searches of N read it and ask the cluster only for what it does
not hold. A lost one is counted again from the cluster (`referat check --repair`: engine.count_lexicon).

The writer's rows are bounded by the run's memory budget (indexer.memory: the writer's share, which its
bulks hardly use): past it, a Delta writes its rows sorted to an unnamed file in the index folder (a run:
indexer.spill's kind, gone with the process whatever ends it) and starts again; the lexicon is the merge
of the previous one, every run and the rows still held (heapq.merge), the same bytes as without a bound.

The file is sorted and read through mmap by binary search: opening it reads its header and its last
line, a look-up ~log2(rows) lines, whatever the vocabulary (no whole-file parse per process).

    #lexicon<TAB>N
    #docs<TAB>FIELD<TAB>ITEMS            (FIELD "" : every item; text fields, their stacks, stored keyword fields)
    FIELD<TAB>TERM<TAB>MAIN<TAB>STACK<TAB>EITHER     (sorted by the bytes of FIELD<TAB>TERM<TAB>)
    ~end<TAB>ROWS<TAB>BODY_BYTES         (a truncated or cut file is known as such)

FIELD `*` (ANYWHERE) is every counted text field at once: the items with the term in any of them, so a
search's word over the fields (search.query's per-word group) is counted here, not by the cluster
(items_with). Its rows are there when `#docs<TAB>*` is: only when every item's text fields were counted
by the writer (not when the cluster counts an UNSTORED field for items of an older referat).
"""
from __future__ import annotations

import heapq
import mmap
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import IO

from corpus import faults
from corpus.files import atomic_file

from .documents import INDEXED, source, stored_document
from .mapping import EXACT_FIELD, STACK, field_roles, stored_fields, text_fields

LEXICON_FILE = "lexicon-{generation}.txt"
HEADER = b"#lexicon\t"
DOCS = b"#docs\t"
END = b"~end\t"  # sorts after every row: rows start with a field name (ASCII lowercase)
PROBES = 4096  # lines of the binary search's first levels kept (the same for every look-up)
MAX_TOKEN = 255  # the cluster's whitespace tokenizer splits longer tokens (Lucene's default maxTokenLen)
ROW_BYTES = 170  # what a row held costs beyond its key's characters (the str, the list of 3, the dict slot)
MAX_RUNS = 64  # spilled runs merged at once; more are first merged into one (open files stay few)
RUN_BUFFER = 1 << 16  # the read buffer of each run while they are merged


# The text fields whose value only INDEXED keeps (the stored fields do not hold it): for items written before
# INDEXED was stored, their rows are the cluster's own (engine: its term dictionary and counts).
UNSTORED = ("participants",)
ANYWHERE = "*"  # the rows of a term in any counted text field (not a field name the cluster allows)
_ANYWHERE_KEY = f"{ANYWHERE}\t".encode()
OCR = "ocr"  # the text field of an item whose text is OCR's (INDEXED's flag): its title and sections, OCR-analysed


class Unsound(ValueError):
    """Counts that cannot be true (below zero): the lexicon is not written, searches ask the cluster."""


def path(index_dir: str | os.PathLike, generation: int) -> Path:
    return Path(index_dir) / LEXICON_FILE.format(generation=generation)


def _tokens(value) -> set[str]:
    """The terms the cluster indexes of a whitespace-analysed value (one string or several)."""
    out: set[str] = set()
    for text in [value] if isinstance(value, str) else value or ():
        for token in str(text).split():
            out.update(token[i:i + MAX_TOKEN] for i in range(0, len(token), MAX_TOKEN))
    return out


@cache
def counted_texts() -> tuple[str, ...]:
    """The text fields a search weighs terms in: not the exact forms', only ever a filter."""
    return tuple(name for name in text_fields() if name != EXACT_FIELD)


def counted_fields() -> tuple[str, ...]:
    """The fields whose items-with-it the lexicon counts: text fields, their stacks, and the keyword
    fields whose values the stored fields hold (so a deleted item's are known)."""
    texts = counted_texts()
    kept = tuple(name for name, role in field_roles().items()
                 if role in ("keyword", "keywords", "integer") and name in stored_fields())
    return (*texts, *(t + STACK for t in texts), *kept)


Row = tuple[bytes, list[int]]  # (b"field\tterm\t", [main, stack, either]): a lexicon line, parsed


@dataclass
class Delta:
    """Counts to add to a lexicon (negative for the items a generation deletes). With `folder` and `budget`
    (bytes), the rows held are written out sorted as a run whenever their estimated size passes it."""
    rows: dict[str, list[int]] = field(default_factory=dict)  # "field\tterm" -> [main, stack, either]
    docs: Counter = field(default_factory=Counter)  # field -> items having it ("": items)
    folder: Path | None = None
    budget: int | None = None
    held: int = 0  # the estimated bytes of `rows`
    runs: list[IO[bytes]] = field(default_factory=list)  # spilled, each sorted, unnamed files in `folder`
    spilled: int = 0  # runs written in all (merged ones included)
    peak: int = 0  # the most rows held at once
    without: tuple[str, ...] = ()  # text fields not counted (UNSTORED ones the cluster counts: engine)

    def add(self, body: dict, sign: int = 1) -> None:
        """One item as the cluster receives it (documents.source), added or (`sign` -1) taken away."""
        self.docs[""] += sign
        anywhere: tuple[set[str], set[str]] = (set(), set())
        for name in counted_texts():
            if name in self.without:
                continue
            main, stacked = _tokens(body.get(name)), _tokens(body.get(name + STACK))
            self.docs[name] += sign if main else 0
            self.docs[name + STACK] += sign if stacked else 0
            self._count(name, main, stacked, sign)
            anywhere[0].update(main)
            anywhere[1].update(stacked)
        self.docs[ANYWHERE] += sign if anywhere[0] or anywhere[1] else 0
        self._count(ANYWHERE, *anywhere, sign)
        for name in counted_fields()[2 * len(counted_texts()):]:
            value = body.get(name)
            if value is not None and value != []:
                self.docs[name] += sign
        if self.budget is not None and self.held > self.budget:
            self.spill()

    def _count(self, name: str, main: set[str], stacked: set[str], sign: int) -> None:
        """One item's terms of field `name`: at their own position (`main`), stacked, either."""
        rows = self.rows
        for term in main | stacked:
            key = f"{name}\t{term}"
            row = rows.get(key)
            if row is None:
                row = rows[key] = [0, 0, 0]
                self.held += ROW_BYTES + len(key)
            row[0] += sign if term in main else 0
            row[1] += sign if term in stacked else 0
            row[2] += sign

    def add_document(self, document: dict, sign: int = 1) -> None:
        """An item as indexer.build makes it."""
        self.add(source(document), sign)

    def spill(self) -> None:
        """Write the rows held to a new run, sorted, and let them go (without a folder: keep them)."""
        if self.folder is None or not self.rows:
            return
        self.peak = max(self.peak, len(self.rows))
        if len(self.runs) >= MAX_RUNS:
            self._collapse()
        run = _run(self.folder)
        self.runs.append(run)
        self.spilled += 1
        _write_rows(run, self._held_rows())
        self.rows, self.held = {}, 0
        faults.point("lexicon-spill")

    def _held_rows(self) -> Iterator[Row]:
        """The rows held, in the lexicon's order (the bytes of "field\tterm\t"), none all zero."""
        for key in sorted(self.rows, key=_line_order):
            counts = self.rows[key]
            if any(counts):
                yield f"{key}\t".encode(), counts

    def _collapse(self) -> None:
        """The runs so far merged into one (a run of many, the files they were closed)."""
        assert self.folder is not None
        merged = _run(self.folder)
        _write_rows(merged, (row for row in summed([_read_rows(run) for run in self.runs]) if any(row[1])))
        self.close()
        self.runs = [merged]
        self.spilled += 1

    def sorted_rows(self) -> Iterator[Row]:
        """Every row of the delta in order, the runs' and the held ones' counts of a key summed (none of
        the fields `without`: rows of them counted before it was set)."""
        self.peak = max(self.peak, len(self.rows))
        rows = summed([*(_read_rows(run) for run in self.runs), self._held_rows()])
        dropped = tuple(f"{name}\t".encode() for name in self.without)
        return (row for row in rows if not row[0].startswith(dropped)) if dropped else rows

    def close(self) -> None:
        """Close (and so remove) the spilled runs."""
        for run in self.runs:
            run.close()
        self.runs = []


def _line_order(key: str) -> str:
    """A row's sort key as a str: code point order is the order of its UTF-8 bytes, with the tab after
    the term as in the file (a term may hold characters below the tab)."""
    return key + "\t"


def _run(folder: Path) -> IO[bytes]:
    return tempfile.TemporaryFile(dir=str(folder), buffering=RUN_BUFFER)  # closed by Delta.close()


def _write_rows(out: IO[bytes], rows: Iterable[Row]) -> None:
    for key, counts in rows:
        out.write(key + b"%d\t%d\t%d\n" % tuple(counts))
    out.flush()


def _read_rows(run: IO[bytes]) -> Iterator[Row]:
    run.seek(0)
    for line in run:
        cut = line.index(b"\t", line.index(b"\t") + 1) + 1
        yield line[:cut], [int(n) for n in line[cut:].split(b"\t")]


def summed(streams: list[Iterator[Row]]) -> Iterator[Row]:
    """Sorted row streams (each a key at most once) as one, the counts of a key in several summed."""
    key: bytes | None = None
    total: list[int] = []
    for found, counts in heapq.merge(*streams, key=itemgetter(0)):
        if found == key:
            total = [a + b for a, b in zip(total, counts, strict=True)]
            continue
        if key is not None:
            yield key, total
        key, total = found, counts
    if key is not None:
        yield key, total


def indexed_document(stored: dict, ocr: bool | None = None) -> dict | None:
    """An item as indexer.build made it, in what the index is made of, from what the cluster stores of
    it (documents.stored_source). An item written before INDEXED was stored: None, or with `ocr` (whether
    its text is OCR's, which the cluster tells: engine) the item without its UNSTORED fields."""
    from ...meetings import attachments_text, unpack_attachments
    from ...schema import ATTACHMENT_FIELD, SECTION_FIELDS, unpack_sections

    extra = stored.get(INDEXED)
    if not isinstance(extra, dict):
        if ocr is None:
            return None
        extra = {"ocr": ocr}
    doc = stored_document(stored)
    sections = unpack_sections(doc.get("content"))
    for name in SECTION_FIELDS:
        if sections.get(name):
            doc[name] = sections[name]
    text = attachments_text(unpack_attachments(doc))
    if text:
        doc[ATTACHMENT_FIELD] = text
    if extra.get("participants") is not None:
        doc["participants"] = extra["participants"]
    if extra.get("ocr"):
        doc[OCR] = doc.get("title", "") + "\n" + "\n".join(sections.values())
    return doc


def derive(stored: Iterable[dict], folder: Path | None = None, budget: int | None = None) -> Delta | None:
    """The counts of every item (their stored fields as the cluster keeps them), within `budget` as a
    writer's: None when one was written before INDEXED was stored (its participants and OCR text are
    not known)."""
    delta = Delta(folder=folder, budget=budget)
    for item in stored:
        doc = indexed_document(item)
        if doc is None:
            delta.close()
            return None
        delta.add_document(doc)
    return delta


class Lexicon:
    """One generation's lexicon, read through mmap."""

    def __init__(self, file: Path, generation: int):
        with open(file, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        mm = self._map
        if mm is None:
            raise ValueError("empty")
        first = mm.find(b"\n")
        if mm[:first] != HEADER + str(generation).encode():
            raise ValueError("of another generation")
        self.generation = generation
        self.docs: dict[str, int] = {}
        at = first + 1
        while mm[at:at + len(DOCS)] == DOCS:
            end = mm.find(b"\n", at)
            name, _, number = mm[at + len(DOCS):end].decode("utf-8").partition("\t")
            self.docs[name] = int(number)
            at = end + 1
        last = mm.rfind(b"\n", 0, len(mm) - 1) + 1
        tail = mm[last:]
        if not tail.startswith(END) or not tail.endswith(b"\n"):
            raise ValueError("truncated")
        rows, body = (int(n) for n in tail[len(END):-1].split(b"\t"))
        if at + body != last or "" not in self.docs:
            raise ValueError("truncated")
        self.rows_count = rows
        self._start, self._end = at, last
        self._probes: dict[int, tuple[int, int, bytes]] = {}  # mid -> its line: the top of every search's path
        self._found: dict[tuple[str, str], tuple[int, int, int]] = {}

    @property
    def items(self) -> int:
        return self.docs[""]

    @property
    def anywhere(self) -> bool:
        """Whether it holds the rows of terms in any text field (ANYWHERE)."""
        return ANYWHERE in self.docs

    def somewhere(self, term: str) -> bool:
        """False when no item has `term` in a text field, known in one look-up (ANYWHERE); else True
        (some item has it, or the lexicon lacks those rows)."""
        return not self.anywhere or self.counts(ANYWHERE, term)[2] > 0

    def items_with(self, leaves: Iterable[tuple[str, str]]) -> int | None:
        """How many items have any of `leaves` ((text field, term): at its own position or stacked), when
        the lexicon can tell: one term with items, in one of the fields asked, or asked in every field
        that has it (its ANYWHERE row); None for another union (several terms with items, a term asked in
        some of its fields only) or a field not counted."""
        texts = _texts()
        asked: dict[str, set[str]] = {}
        for name, term in leaves:
            if name not in texts:
                return None
            asked.setdefault(term, set()).add(name)
        having = [(term, names, held) for term, names in asked.items() if self.somewhere(term)
                  and (held := [name for name in names if self.counts(name, term)[2]])]
        if not having:
            return 0
        if len(having) > 1:
            return None
        term, names, held = having[0]
        if len(held) == 1:
            return self.counts(held[0], term)[2]
        if self.anywhere and not any(self.counts(name, term)[2] for name in texts if name not in names):
            return self.counts(ANYWHERE, term)[2]
        return None

    def counts(self, name: str, term: str) -> tuple[int, int, int]:
        """(items with `term` at its own position in `name`, stacked there, either) of a text field."""
        known = self._found.get((name, term))
        if known is None:
            known = self._found[(name, term)] = self._look_up(f"{name}\t{term}\t".encode())
        return known

    def _look_up(self, key: bytes) -> tuple[int, int, int]:
        mm = self._map
        assert mm is not None
        lo, hi = self._start, self._end
        while lo < hi:
            mid = (lo + hi) // 2
            probe = self._probes.get(mid)
            if probe is None:
                start = mm.rfind(b"\n", lo, mid) + 1 or lo  # the line holding `mid` (lo is a line's start)
                end = mm.find(b"\n", start)
                line = mm[start:end]
                probe = start, end, line
                if len(self._probes) < PROBES:
                    self._probes[mid] = probe
            start, end, line = probe
            cut = line.index(b"\t", line.index(b"\t") + 1) + 1
            found = line[:cut]
            if found == key:
                main, stacked, either = line[cut:].split(b"\t")
                return int(main), int(stacked), int(either)
            if found < key:
                lo = end + 1
            else:
                hi = start
        return 0, 0, 0

    def rows(self) -> Iterator[tuple[bytes, list[int]]]:
        """(b"field\\tterm\\t", [main, stack, either]) of every row, in order."""
        mm = self._map
        assert mm is not None
        at = self._start
        while at < self._end:
            end = mm.find(b"\n", at)
            line = mm[at:end]
            cut = line.index(b"\t", line.index(b"\t") + 1) + 1
            yield line[:cut], [int(n) for n in line[cut:].split(b"\t")]
            at = end + 1

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map = None


def open_lexicon(index_dir: str | os.PathLike, generation: int) -> Lexicon | None:
    """The lexicon of `generation`, or None when it is missing or damaged (searches ask the cluster)."""
    try:
        return Lexicon(path(index_dir, generation), generation)
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None


def is_sound(index_dir: str | os.PathLike, generation: int) -> bool:
    """Whether the lexicon of `generation` is there and reads whole, every row in order (a full read:
    `referat check`)."""
    lexicon = open_lexicon(index_dir, generation)
    if lexicon is None:
        return False
    try:
        before, rows = b"", 0
        for key, counts in lexicon.rows():
            if key <= before or len(counts) != 3 or not 0 < counts[2] <= counts[0] + counts[1] \
                    or max(counts[0], counts[1]) > counts[2]:
                return False
            before, rows = key, rows + 1
        return rows == lexicon.rows_count
    except (ValueError, IndexError):
        return False
    finally:
        lexicon.close()


def write(index_dir: str | os.PathLike, generation: int, previous: Lexicon | None, delta: Delta,
          also: Iterable[Row] = (), also_docs: dict[str, int] | None = None) -> None:
    """The lexicon of `generation`: `previous`'s counts (None: none) with `delta` added, merged as both
    are read in order; the rows and items of the fields `delta` goes `without` are the sorted rows `also`
    and `also_docs` alone (the cluster's). Written to a temporary file, synced and renamed into place.
    Lexicons of generations before `generation` - 1 are removed. Raises Unsound (nothing written) when
    a count would fall below zero."""
    index_dir = Path(index_dir)
    target = path(index_dir, generation)
    docs = Counter(previous.docs if previous is not None else {})
    docs.update(delta.docs)
    docs[""] += 0
    old = previous.rows() if previous is not None else iter(())
    if delta.without:
        unstored = tuple(f"{name}\t".encode() for name in delta.without)
        old = (row for row in old if not row[0].startswith(unstored))
        for name in delta.without:
            for counted in (name, name + STACK):
                docs[counted] = (also_docs or {}).get(counted, 0)
    # the rows of a term in any field, only when every item's text fields were counted here (a writer of
    # an index whose lexicon lacks them, or counting an UNSTORED field in the cluster, leaves them out)
    anywhere = not delta.without and (previous is None or previous.anywhere)
    if not anywhere:
        docs.pop(ANYWHERE, None)
    if any(n < 0 for n in docs.values()):
        raise Unsound("fewer than no items")
    with atomic_file(target, "wb", buffering=1 << 20) as out:
        out.write(HEADER + str(generation).encode() + b"\n")
        for name in sorted(docs):
            out.write(DOCS + f"{name}\t{docs[name]}\n".encode())
        body = rows = 0
        for key, counts in summed([old, delta.sorted_rows(), iter(also)]):
            if not any(counts) or (not anywhere and key.startswith(_ANYWHERE_KEY)):
                continue
            if min(counts) < 0 or counts[2] <= 0:
                raise Unsound(f"a count below zero: {key!r}")
            line = key + b"%d\t%d\t%d\n" % tuple(counts)
            out.write(line)
            body += len(line)
            rows += 1
        out.write(END + b"%d\t%d\n" % (rows, body))
    remove_before(index_dir, generation - 1)


def remove_before(index_dir: str | os.PathLike, generation: int, also: Iterable[int] = ()) -> None:
    """Remove the lexicons of generations before `generation` (and of those in `also`)."""
    drop = set(also)
    for old in Path(index_dir).glob(LEXICON_FILE.format(generation="*")):
        number = old.name.split("-")[-1].split(".")[0]
        if number.isdigit() and (int(number) < generation or int(number) in drop):
            old.unlink(missing_ok=True)


@cache
def _texts() -> frozenset[str]:
    return frozenset(counted_texts())


def answers(lexicon: Lexicon, key: tuple) -> int | None:
    """A term statistic of search.engines.opensearch (its `_known` keys) from the lexicon, or None when
    the lexicon does not hold it (asked of the cluster)."""
    texts = _texts()
    kind = key[0]
    if kind == "docs":
        return lexicon.items if key[1] is None else lexicon.docs.get(key[1])
    if kind == "either" and key[1] in texts:
        return lexicon.counts(key[1], key[2])[2]
    if kind == "df":
        if key[1] in texts:
            return lexicon.counts(key[1], key[2])[0]
        if key[1].endswith(STACK) and key[1][:-len(STACK)] in texts:
            return lexicon.counts(key[1][:-len(STACK)], key[2])[1]
        return None
    if kind == "any" and all(name in texts for name in key[1]):  # presence only
        if not lexicon.somewhere(key[2]):
            return 0
        return next((n for name in key[1] if (n := lexicon.counts(name, key[2])[2])), 0)
    return None

