"""The bulk posting writer writes segments that hold exactly what Whoosh's own writer writes, term for
term and posting for posting, through referat's codec (a text term's postings once, in the flat postings)."""
import hashlib
import pickle
import random
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.writing import SegmentWriter

from corpus import AgendaItem, Meeting, Section
from indexer import item_documents
from indexer.engines.whoosh import flat
from indexer.engines.whoosh.schema import build_schema
from indexer.engines.whoosh.writers import ParallelWriter, Writer
from indexer.store import IndexMissing

WORDS = ("sundhedsklynge", "genoptræning", "lægevagt", "pårørende", "udskrivning", "hjemmesygepleje",
         "Tele-KOL", "lænde-rygsmerter", "tvangs- og genindlæggelser", "samarbejdsaftale", "demens", "økonomi")


def _meeting(n: int, rng: random.Random) -> Meeting:
    """An invented meeting of three items; every few a formality, a scanned one, a case number, no date."""
    items = []
    for k in range(1, 4):
        words = [rng.choice(WORDS) for _ in range(rng.randrange(3, 60))]
        sections = (Section("sagsfremstilling", " ".join(words)),
                    Section("beslutning", "Godkendt." if k % 2 else "Drøftet og taget til efterretning."))
        title = "Godkendelse af dagsorden" if k == 1 and n % 4 == 0 else f"Status på {rng.choice(WORDS)} {n}"
        items.append(AgendaItem(id=f"m{n}-{k}", position=k, number=str(k), title=title, sections=sections,
                                case_numbers=(f"24/{n:05d}",) if k == 2 else ()))
    return Meeting(path=f"/m/{n}.txt", content_hash=f"{n:064x}", cluster="Horsens-klyngen",
                   region="Region Midtjylland", forum=None,
                   date=None if n % 11 == 5 else f"20{20 + n % 6}-0{1 + n % 9}-1{n % 10}",
                   date_inferred=False, participants=("Mette Lund (ML)", "Per Smed"), items=tuple(items),
                   ocr=n % 7 == 0)


def _documents(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [doc for n in range(count) for doc in item_documents(_meeting(n, rng))]


def _segment_contents(ix_dir: Path) -> list:
    """What each segment holds, as Whoosh's readers give it: every term with its statistics and its
    postings (documents, weights, encoded positions), the stored fields, and every column's bytes but
    the stored fields' (whose encoding is referat's own, codec.py). Equal for equal segments, whatever
    their random ids and however each file encodes them."""
    segments = []
    ix = windex.open_dir(str(ix_dir))
    with ix.reader() as reader:
        for segment, _ in reader.leaf_readers():
            named = sorted(p for p in ix_dir.glob(segment._segment.segment_id() + ".*") if p.suffix == ".col"
                           and not p.name.endswith("._stored.col"))
            columns = [(p.name.split(".", 1)[1], hashlib.sha256(p.read_bytes()).hexdigest()) for p in named]
            terms = []
            for fieldname, btext in segment.all_terms():
                info = segment.term_info(fieldname, btext)
                postings = segment.postings(fieldname, btext)
                listed = []
                while postings.is_active():
                    listed.append((postings.id(), postings.weight(), postings.value()))
                    postings.next()
                terms.append((fieldname, btext, info.doc_frequency(), info.weight(), info.min_length(),
                              info.max_length(), info.max_weight(), info.min_id(), info.max_id(), listed))
            segments.append((columns, terms, list(segment.all_stored_fields())))
    return segments


def _write(ix_dir: Path, make_writer, batches: list[list[dict]], optimize: bool = False) -> Path:
    ix_dir.mkdir()
    ix = windex.create_in(str(ix_dir), build_schema())
    for n, batch in enumerate(batches):
        writer = make_writer(ix)
        for doc in batch:
            writer.add_document(**doc)
        writer.commit(optimize=optimize and n == len(batches) - 1)
    return ix_dir


def whoosh_writer(ix):
    return SegmentWriter(ix, compound=False)


def test_one_segment_holds_what_whoosh_writes(tmp_path):
    docs = _documents(150, seed=1)  # 450 items: common terms span several blocks of 128 postings
    ours = _write(tmp_path / "ours", lambda ix: Writer(ix, compound=False), [docs])
    theirs = _write(tmp_path / "whoosh", whoosh_writer, [docs])
    assert _segment_contents(ours) == _segment_contents(theirs)


def test_merged_segments_hold_what_whoosh_merges(tmp_path):
    batches = [_documents(30, seed=s) for s in range(4)]
    ours = _write(tmp_path / "ours", lambda ix: Writer(ix, compound=False), batches, optimize=True)
    theirs = _write(tmp_path / "whoosh", whoosh_writer, batches, optimize=True)
    assert len(windex.open_dir(str(ours))._read_toc().segments) == 1
    assert _segment_contents(ours) == _segment_contents(theirs)


@pytest.mark.parametrize("procs", [1, 2, 3])
def test_the_parallel_writer_writes_contiguous_shares_in_order(tmp_path, procs):
    docs = _documents(40, seed=2)
    ix = _write(tmp_path / "ix", lambda ix: ParallelWriter(ix, procs=procs, compound=False), [docs])
    with windex.open_dir(str(ix)).searcher() as searcher:
        assert [d["id"] for d in searcher.all_stored_fields()] == [d["id"] for d in docs]
        assert len(windex.open_dir(str(ix))._read_toc().segments) == procs
    # Its segments merged into one are the segment Whoosh writes and merges.
    merged = _write(tmp_path / "merged", lambda ix: ParallelWriter(ix, procs=procs, compound=False), [docs, []],
                    optimize=True)
    theirs = _write(tmp_path / "whoosh", whoosh_writer, [docs, []], optimize=True)
    assert _segment_contents(merged) == _segment_contents(theirs)


def test_flat_postings_hold_exactly_whooshs_postings_of_every_text_term(tmp_path):
    batches = [_documents(150, seed=4), _documents(60, seed=5)]
    ix_dir = _write(tmp_path / "ix", lambda ix: Writer(ix, compound=False), batches)
    ix = windex.open_dir(str(ix_dir))
    checked = 0
    with ix.reader() as reader:
        for segment, _ in reader.leaf_readers():
            flat_postings = flat.open_flat(ix.storage, segment._segment)
            assert flat_postings is not None and {"title", "sagsfremstilling", "ocr"} <= flat_postings.fields
            assert "cluster" not in flat_postings.fields and not flat_postings.has("title", "ikkeetord")
            for fieldname, btext in segment.all_terms():
                if fieldname not in flat_postings.fields:
                    continue
                assert flat_postings.has(fieldname, btext)
                assert not flat_postings.has(fieldname, btext + b"\0")  # between this key and the next
                found = flat_postings.get(fieldname, btext)
                postings = segment.postings(fieldname, btext)
                ids, weights, expected = [], [], []
                while postings.is_active():
                    ids.append(postings.id())
                    weights.append(postings.weight())
                    expected.append(postings.value_as("positions"))
                    postings.next()
                assert found is not None, (fieldname, btext)
                assert found[0].tolist() == ids and found[1].astype(float).tolist() == weights
                kept = flat_postings.positions(fieldname, btext)
                assert kept is not None, (fieldname, btext)
                _, counts, positions = kept
                assert counts.tolist() == [len(p) for p in expected]
                assert positions.tolist() == [p for ps in expected for p in ps]
                checked += 1
    assert checked >= 100


def test_flat_postings_take_their_terms_in_sorted_order_only():
    """A search finds a term by binary search over the keys: a writer handing them out of order fails
    rather than writing a file whose terms would not be found."""
    writer = flat.FlatWriter()
    writer.add("title", b"status", [0], [1.0], b"", [0])
    with pytest.raises(ValueError):
        writer.add("title", b"demens", [0], [1.0], b"", [0])


def test_a_term_whose_postings_do_not_fit_is_listed_and_left_to_whoosh(tmp_path):
    docs = _documents(10, seed=7)
    docs[0]["sagsfremstilling"] = "ord " * 300 + "demens"  # 'demens' at position 300: fits
    docs[1]["sagsfremstilling"] = "ord " * 70_000 + "sjældenhed"  # a position past uint16
    ix_dir = _write(tmp_path / "ix", lambda ix: Writer(ix, compound=False), [docs])
    ix = windex.open_dir(str(ix_dir))
    flat_postings = flat.open_flat(ix.storage, ix._read_toc().segments[0])
    assert flat_postings is not None
    stem = ix.schema["sagsfremstilling"].analyzer("sjældenhed", mode="query")
    word = next(iter(stem)).text
    assert flat_postings.has("sagsfremstilling", word) and flat_postings.get("sagsfremstilling", word) is None
    assert flat_postings.get("sagsfremstilling", "ord") is None  # the same posting holds a far position
    assert flat_postings.get("title", next(iter(ix.schema["title"].analyzer("status", mode="query"))).text)


def test_a_damaged_flat_postings_file_is_not_read(tmp_path):
    ix_dir = _write(tmp_path / "ix", lambda ix: Writer(ix, compound=False), [_documents(60, seed=6)])
    ix = windex.open_dir(str(ix_dir))
    segment = ix._read_toc().segments[0]
    path = ix_dir / segment.make_filename(flat.EXTENSION)
    assert flat.open_flat(ix.storage, segment) is not None
    path.write_bytes(path.read_bytes()[:-8])
    assert flat.open_flat(ix.storage, segment) is None
    path.unlink()
    assert flat.open_flat(ix.storage, segment) is None


def test_a_text_terms_postings_are_kept_once_in_the_flat_postings(tmp_path):
    """Whoosh's postings file has only the terms the flat postings cannot hold: a text term's postings
    are written once, and Whoosh's matchers read them from the flat postings all the same."""
    docs = _documents(150, seed=8)
    docs[0]["sagsfremstilling"] = "ord " * 70_000 + "sjældenhed"  # a position past uint16: left to Whoosh
    ours = _write(tmp_path / "ours", lambda ix: Writer(ix, compound=False), [docs])
    theirs = _write(tmp_path / "whoosh", whoosh_writer, [docs])
    assert _segment_contents(ours) == _segment_contents(theirs)
    ix = windex.open_dir(str(ours))
    flat_postings = flat.open_flat(ix.storage, ix._read_toc().segments[0])
    assert flat_postings is not None
    with ix.reader() as reader:
        segment = reader.leaf_readers()[0][0]
        in_whoosh = {term for term in segment.all_terms() if segment.term_info(*term).extent()[1] != (0,)}
        text_terms = {term for term in segment.all_terms() if term[0] in flat_postings.fields}
    assert ("sagsfremstilling", b"ord") in in_whoosh  # its posting holds a far position
    assert len(text_terms - in_whoosh) > 0.9 * len(text_terms)
    assert all(flat_postings.get(*term) is None for term in in_whoosh & text_terms)
    pst = [p.stat().st_size for p in (ours, theirs) for p in p.glob("*.pst")]
    assert pst[0] < pst[1] / 2
    # Skipping through a long list lands where Whoosh's own block matcher lands.
    with ix.reader() as reader, windex.open_dir(str(theirs)).reader() as whoosh_reader:
        common = max(text_terms - in_whoosh, key=lambda term: reader.doc_frequency(*term))
        assert reader.doc_frequency(*common) > 128
        flat_matcher, whoosh_matcher = reader.postings(*common), whoosh_reader.postings(*common)
        for target in (0, 3, 90, 91, 200, 333, 449):
            if not whoosh_matcher.is_active():
                break
            flat_matcher.skip_to(target)
            whoosh_matcher.skip_to(target)
            assert flat_matcher.is_active() == whoosh_matcher.is_active()
            if whoosh_matcher.is_active():
                assert (flat_matcher.id(), flat_matcher.value()) == (whoosh_matcher.id(), whoosh_matcher.value())
        copied = flat_matcher.copy()
        assert copied.is_active() == flat_matcher.is_active()
        assert not copied.is_active() or copied.id() == flat_matcher.id()


def test_a_segment_whose_flat_postings_are_damaged_or_gone_is_refused_with_a_message(tmp_path):
    ix_dir = _write(tmp_path / "ix", lambda ix: Writer(ix, compound=False), [_documents(20, seed=6)])
    segment = windex.open_dir(str(ix_dir))._read_toc().segments[0]
    path = ix_dir / segment.make_filename(flat.EXTENSION)
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(IndexMissing, match=r"damaged .* rebuild it with: referat index --index "):
        windex.open_dir(str(ix_dir)).reader()
    path.unlink()
    with pytest.raises(FileNotFoundError):  # as for any file a commit removed: the engine retries
        windex.open_dir(str(ix_dir)).reader()


@pytest.mark.parametrize("values", [
    [],  # a segment without stored fields
    [{"title": "Godkendelse af dagsorden"}],  # one document: its own dictionary
    [{"title": f"Status på demens {n}", "content": "lægevagt " * (n % 7)} if n % 5 else None for n in range(400)],
    [{"title": f"Status på demens {n}", "content": "lægevagt og hjemmesygepleje " * (n % 9)} for n in range(3000)],
    [{"content": "".join(chr(0x41 + (n * 7919 + k) % 900) for k in range(200_000))} for n in range(3)],  # no sharing
])
def test_stored_fields_read_back_as_written(tmp_path, values):
    """The dictionary-compressed column: nothing, one value, gaps (documents without stored fields)
    past the dictionary's sample, values far longer than the dictionary."""
    from whoosh.filedb.filestore import FileStorage

    from indexer.engines.whoosh.codec import SAMPLE_BYTES, DictionaryColumn

    storage = FileStorage(str(tmp_path))
    column = DictionaryColumn()
    out = storage.create_file("stored")
    writer = column.writer(out)
    for docnum, value in enumerate(values):
        if value is not None:
            writer.add(docnum, value)
    writer.finish(len(values))
    out.close()
    length = storage.file_length("stored")
    reader = column.reader(storage.open_file("stored"), 0, length, len(values))
    assert list(reader) == values and len(reader) == len(values)
    pickled = sum(len(pickle.dumps(v, 2)) for v in values if v)
    if pickled >= SAMPLE_BYTES:  # with a dictionary: each small value costs a few bytes
        assert length < pickled / 4
    else:  # too little to make a dictionary pay: none is kept
        assert length < pickled + 64 + 4 * len(values)
