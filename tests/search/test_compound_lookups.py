"""A compound's parts are looked up in the index's vocabulary (search.expand): the engine answers which
of many terms any text field holds, on an index of several segments with deleted items, whether it asks
term by term or all of a question's terms at once."""
from pathlib import Path
from textwrap import dedent

import pytest

import indexer
import search
from indexer import SECTION_FIELDS
from search.engines import open_engine
from search.engines.whoosh import docsets
from tests.conftest import BOTH_ENGINES, write

pytestmark = BOTH_ENGINES

FIRST = """\
    Referat Klyngestyregruppe Vejle-klyngen
    Mødedato: 12. april 2023 kl. 9.00

    1. Sundhedsaftale og kvalitetsudviklingsprojekter

    Indstilling
    At styregruppen drøfter sundhedsaftalen og de kvalitetsudviklingsprojekter, der er i gang. Pleje i
    eget hjem og på plejehjem drøftes.

    Beslutning
    Drøftet.

    2. Genoptræning efter udskrivning

    Indstilling
    At styregruppen godkender planen for genoptræning og værksted.

    Beslutning
    Godkendt.
    """

# The only item with `keramik` (in its decision) and `kvalitetsudvikling` (in its recommendation): both
# are in one field of one segment, the one the second run writes.
SECOND = """\
    Referat Klyngestyregruppe Vejle-klyngen
    Mødedato: 10. maj 2023 kl. 9.00

    1. Aktiviteter for borgere med demens

    Indstilling
    At styregruppen nedsætter en kvalitetsudvikling gruppe for aktiviteterne.

    Beslutning
    Taget til efterretning. En keramik værksted ordning aftales med kommunen.
    """

TEXT_FIELDS = ["title", *SECTION_FIELDS, "participants"]


@pytest.fixture(scope="module")
def segmented(tmp_path_factory, engine_name):
    """Three runs: the first meeting, the second one added, the first one changed (its items deleted in the
    first segment and written again)."""
    from tests.conftest import engine_env

    folder = tmp_path_factory.mktemp("compound-lookups")
    source = folder / "minutes"
    source.mkdir()
    with engine_env(engine_name):
        write(source / "first.txt", dedent(FIRST))
        indexer.build(folder / "ix", [source])
        write(source / "second.txt", dedent(SECOND))
        indexer.reindex(folder / "ix")
        write(source / "first.txt", dedent(FIRST).replace("Drøftet.", "Drøftet og noteret."))
        indexer.reindex(folder / "ix")
    if engine_name == "whoosh":
        with indexer.open_index(folder / "ix").searcher() as searcher:
            assert len(searcher.reader().leaf_readers()) >= 2 and searcher.reader().has_deletions()
    return folder / "ix"


def _titles(index_dir: Path, query: str) -> list[str]:
    return [hit.title for hit in search.open(index_dir).search(query).hits]


def test_a_compound_finds_its_parts_known_in_one_field_of_one_segment(segmented):
    assert _titles(segmented, "keramikværksted") == ["Aktiviteter for borgere med demens"]
    assert _titles(segmented, "kvalitetsudviklingsgruppe") == ["Aktiviteter for borgere med demens"]
    asked = "hvordan går det med keramikværksted og kvalitetsudviklingsgruppe for borgere med demens"
    assert _titles(segmented, asked)[:1] == ["Aktiviteter for borgere med demens"]


def test_many_terms_at_once_are_each_terms_answer(segmented):
    """Long terms that begin alike (more than the first 16 bytes) are told apart; a term of the deleted
    items' segment is still a term there, as each single look-up has it."""
    engine = open_engine(segmented)
    try:
        stems = {word: search.query.analyse(["beslutning"], word)["beslutning"][0]
                 for word in ("keramik", "kvalitetsudvikling", "kvalitetsudviklingsprojekter", "værksted", "drøftet")}
        long_one = stems["kvalitetsudvikling"]
        terms = [*stems.values(), long_one[:16], long_one[:17], long_one + "x", "ikkeetordnogensteder", "kera"]
        one_by_one = {t for t in terms if any(engine.has_term(f, t) for f in TEXT_FIELDS)}
        assert one_by_one == set(stems.values())
        assert engine.has_terms(TEXT_FIELDS, terms) == one_by_one
        assert engine.has_terms(["beslutning"], terms) == {stems["keramik"], stems["værksted"], stems["drøftet"]}
        assert engine.has_terms(TEXT_FIELDS, []) == set()
    finally:
        engine.close()


@pytest.mark.parametrize("keys_per_lookup", [0, 10**9])
def test_whoosh_answers_alike_by_binary_search_and_by_its_table_of_terms(segmented, engine_name, keys_per_lookup,
                                                                          monkeypatch):
    """A segment's field is searched term by term at first, and through its sorted table of terms once
    enough have been asked of it: the same answers either way, and the same results."""
    if engine_name != "whoosh":
        pytest.skip("the Whoosh engine's look-ups")
    monkeypatch.setattr(docsets, "KEYS_PER_LOOKUP", keys_per_lookup)
    test_many_terms_at_once_are_each_terms_answer(segmented)
    test_a_compound_finds_its_parts_known_in_one_field_of_one_segment(segmented)
