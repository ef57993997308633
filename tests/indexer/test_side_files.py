"""Side files derived from what a run writes (indexer.side_files): after files are changed, added and
removed, a reindex leaves the spelling list, the term counts and compound lexicon and the meeting
table exactly as a full build of the same files derives them, and as they are derived from every stored
item; no run reads every stored item to make them."""
import importlib
import json
from pathlib import Path

import pytest
from whoosh.reading import IndexReader

import indexer
from indexer import compounds, meeting_table, side_files, spelling
from indexer.analysis import ocr_key
from tests.indexer.faults import start_at_fault

MONTHS = ["januar", "februar", "marts", "april", "maj", "juni"]
TOPICS = [
    ("Samarbejdsaftale om genoptræning", "Sundhedsaftalen og samarbejdet om genoptræningsplaner drøftes.",
     "Aftalen om samarbejde mellem kommuner og hospital er fornyet; genoptræningsforløb og planer følges."),
    ("Status på akutteam", "Akutteamet og teamets opgaver i akutfunktionen.",
     "Akutfunktionen har haft flere besøg; teamet og plejehjemslægeordningen evalueres."),
    ("Plejehjemslæge og lægeordning", "Ordningen med plejehjemslæger udbredes.",
     "Lægeordningen på plejehjem har givet færre indlæggelser; ordning og læge drøftes."),
    ("Tele-KOL og telemedicin", "Telemedicinsk hjemmemonitorering af borgere med KOL.",
     "Tvangs- og genindlæggelser er faldet; hjemmemonitorering og monitorering fortsætter."),
]


def write_minutes(folder: Path, n: int, extra: str = "") -> Path:
    """An invented meeting of three items: title, Indstilling, Sagsfremstilling, Beslutning."""
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    for k in range(3):
        title, proposal, case = TOPICS[(n + k) % len(TOPICS)]
        items.append(f"{k + 1}. {title} {n}\n\nIndstilling\n{proposal}\n\nSagsfremstilling\n{case} {extra}\n\n"
                     f"Beslutning\nGodkendt med bemærkning nr. {n}.\n")
    path = folder / f"møde-{n:03d}.txt"
    path.write_text(f"Referat Faglig Strategisk Gruppe Horsens-klyngen\nMødedato: {n % 28 + 1}. "
                    f"{MONTHS[n % 6]} 2024\n\n" + "\n".join(items), "utf-8")
    return path


def files_of(index_dir: Path) -> dict:
    generation = indexer.open_index(index_dir).latest_generation()
    words, terms = spelling.load_counts(index_dir, generation), compounds.load_counts(index_dir, generation)
    assert words is not None and terms is not None
    keys = spelling.load_keys(index_dir, generation)
    assert keys == spelling.ocr_keys(index_dir)  # what a search reads: the file, of the same generation
    return {
        "spelling": +words,
        "ocr_keys": keys,
        "terms": +terms,
        "compounds": json.loads((index_dir / compounds.COMPOUND_FILE.format(generation=generation)).read_text("utf-8")),
        "meetings": meeting_table.stored_table(index_dir, generation),
    }


def derived_from_every_item(index_dir: Path) -> dict:
    """The side files as derived from the index's own term lists and stored items."""
    ix = indexer.open_index(index_dir)
    with ix.reader() as reader:
        fields = [f for f in compounds.TEXT_FIELDS if f in reader.schema]
        vocabulary = {t.decode("utf-8") if isinstance(t, bytes) else t for f in fields for t in reader.lexicon(f)}
        return {
            "spelling": spelling.counts_of(reader.all_stored_fields()),
            "ocr_keys": spelling.ocr_keys_of(spelling.counts_of(reader.all_stored_fields())),
            "terms": {t: sum(reader.doc_frequency(f, t) for f in fields) for t in vocabulary},
            "compounds": compounds.build_map(vocabulary, lambda t: sum(reader.doc_frequency(f, t) for f in fields)),
            "meetings": meeting_table.table_of(reader.all_stored_fields()),
        }


def refuse_all_items(monkeypatch) -> None:
    """From now on, reading every stored item of an index that has some (through any of Whoosh's
    readers) fails the test."""

    def refuse(reader):
        if reader.doc_count_all():
            raise AssertionError("a run read every stored item")
        return iter(())

    classes, found = [IndexReader], []
    while classes:
        cls = classes.pop()
        classes += cls.__subclasses__()
        if "all_stored_fields" in vars(cls):
            found.append(cls)
    for cls in found:
        monkeypatch.setattr(cls, "all_stored_fields", refuse)


@pytest.fixture
def never_all_items(monkeypatch):
    refuse_all_items(monkeypatch)


def changed_corpus(folder: Path) -> None:
    """One meeting changed, one added, one removed."""
    write_minutes(folder, 2, extra="Forebyggelsesindsatsen og indsats for ældre tilføjes.")
    write_minutes(folder, 9)
    (folder / "møde-004.txt").unlink()


@pytest.mark.parametrize("on_every_core", [False, True])
def test_a_reindex_leaves_the_side_files_a_full_build_derives(tmp_path, monkeypatch, never_all_items, on_every_core):
    if on_every_core:  # the documents counted by forked workers, as in a big batch
        monkeypatch.setattr(side_files, "PARALLEL_MIN_ITEMS", 1)
    folder = tmp_path / "minutes"
    for n in range(6):
        write_minutes(folder, n)
    ix = tmp_path / "ix"
    assert indexer.build(ix, [folder]).failed == []
    changed_corpus(folder)
    report = indexer.reindex(ix)
    assert len(report.updated) == 1 and len(report.added) == 1 and len(report.removed) == 1

    monkeypatch.undo()
    clean = tmp_path / "clean"
    indexer.build(clean, [folder])
    got, full = files_of(ix), files_of(clean)
    assert got == full
    assert got == derived_from_every_item(clean)
    assert got["compounds"]["aftal"] and "samarbejdsaftal" in got["compounds"]["aftal"]
    assert "forebyggelsesindsatsen" in got["spelling"] and len(got["meetings"]) == 6
    assert "pargrend" not in got["ocr_keys"] and {ocr_key("ældre"), ocr_key("lægeordning")} <= got["ocr_keys"]


@pytest.mark.parametrize("forked", [False, True])
def test_the_term_counts_and_words_of_written_items_come_from_the_writer_not_a_second_analysis(
        tmp_path, monkeypatch, forked):
    """The Whoosh writer counts the terms of what it writes from its postings (indexer.engine.CountsTerms)
    and the spelling list's words from its analysis (CountsWords): the side files read no written text
    again, in one process or in forked workers over several batches (a meeting cut between two), and
    their counts and lexicon are those the index's own term lists and stored items give."""
    if forked:
        for module in ("indexer.build", "indexer.engines.whoosh.engine"):
            monkeypatch.setattr(importlib.import_module(module), "PARALLEL_MIN_FILES", 2)
        monkeypatch.setattr(side_files, "PARALLEL_MIN_ITEMS", 1)
        # A batch of a few items: the last meeting of a batch may continue in the next.
        monkeypatch.setattr(importlib.import_module("indexer.engines.whoosh.engine"), "writer_bytes",
                            lambda memory_mb: 4000)
    count_terms = compounds.count_terms

    def not_written_text(documents, analyzers, counts=None):
        assert not analyzers, "the side files analysed the written items a second time"
        return count_terms(documents, analyzers, counts)

    def no_words(documents):
        raise AssertionError("the side files read the written items' words a second time")

    monkeypatch.setattr(compounds, "count_terms", not_written_text)
    monkeypatch.setattr(spelling, "document_words", no_words)
    folder = tmp_path / "minutes"
    for n in range(12):  # suspended compounds, and a capital dotted I (two characters in lowercase)
        write_minutes(folder, n, extra="Tvangs- og genindlæggelser, social-, sundheds- og ældreområdet. İNDSATSEN "
                                       f"nr. {n}-{n + 1} og Covid-19-forløb.")
    ix = tmp_path / "ix"
    report = indexer.build(ix, [folder])
    assert report.failed == [] and report.items == 36 and report.batches >= (2 if forked else 1)
    monkeypatch.undo()
    got = files_of(ix)
    assert got == derived_from_every_item(ix)
    assert got["terms"]["tvangsindlaeg"] == got["terms"]["socialomraad"] == got["terms"]["aeldreomraad"] == 36
    assert got["spelling"]["genindlæggelser"] == got["spelling"]["covid-19-forløb"] == 12


def test_side_files_written_before_a_commit_are_published_by_the_next_run_without_deriving(tmp_path, monkeypatch):
    folder = tmp_path / "minutes"
    for n in range(5):
        write_minutes(folder, n)
    ix = tmp_path / "ix"
    indexer.build(ix, [folder])
    changed_corpus(folder)
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "after-state", tmp_path)
    proc.kill()
    proc.communicate()
    generation = indexer.open_index(ix).latest_generation()
    assert (ix / spelling.PENDING_FILE).exists() and (ix / meeting_table.PENDING_FILE).exists()
    assert meeting_table.stored_table(ix, generation) is not None  # readers take the pending table meanwhile
    refuse_all_items(monkeypatch)
    assert indexer.reindex(ix).failed == []
    assert not (ix / spelling.PENDING_FILE).exists() and not (ix / meeting_table.PENDING_FILE).exists()
    monkeypatch.undo()
    clean = tmp_path / "clean"
    indexer.build(clean, [folder])
    assert files_of(ix) == files_of(clean)


def test_side_files_of_a_run_that_never_committed_are_not_taken(tmp_path):
    folder = tmp_path / "minutes"
    for n in range(5):
        write_minutes(folder, n)
    ix = tmp_path / "ix"
    indexer.build(ix, [folder])
    before = files_of(ix)
    changed_corpus(folder)
    proc = start_at_fault(["reindex", "--index", str(ix), "--quiet"], "before-commit", tmp_path)
    proc.kill()
    proc.communicate()
    assert files_of(ix) == before
    assert indexer.reindex(ix).failed == []
    clean = tmp_path / "clean"
    indexer.build(clean, [folder])
    assert files_of(ix) == files_of(clean)


def test_an_index_without_ocr_keys_is_searched_with_keys_derived_from_its_spelling_list(tmp_path):
    """An index written before the OCR keys were a side file (or with the file damaged): a search derives
    them from the word list, as it did, and suggests the same; a reindex writes the file."""
    import search

    folder = tmp_path / "minutes"
    for n in range(4):
        write_minutes(folder, n)
    ix = tmp_path / "ix"
    indexer.build(ix, [folder])
    keys = spelling.ocr_keys(ix)
    before = search.run(ix, "genoptræningsplanr")
    (ix / spelling.OCR_FILE).unlink()
    assert spelling.ocr_keys(ix) == keys and keys
    after = search.run(ix, "genoptræningsplanr")
    assert after.suggestion == before.suggestion == "genoptræningsplaner"
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert indexer.reindex(ix).failed == []
    generation = indexer.open_index(ix).latest_generation()
    counts = spelling.load_counts(ix, generation)
    assert counts is not None and spelling.load_keys(ix, generation) == spelling.ocr_keys_of(counts)
