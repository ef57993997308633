"""Exact forms (`=godkendt`, `="borgerens status"`) through search.open() on both engines: the items
whose text holds the form as written, not another form of its stem, in the sections asked for (and not
in another section of the same item), in the attachments too, without the items a reindex deleted; on
Whoosh each candidate's stored text read at most once per form."""
from textwrap import dedent

import pytest

import indexer
import search
from tests.conftest import BOTH_ENGINES, write
from tests.pdfwriter import make_pdf

pytestmark = BOTH_ENGINES

HORSENS = """\
    Referat Klyngestyregruppe Horsens-klyngen
    Mødedato: 3. marts 2023 kl. 9.00

    1. Budget for sundhedsindsatsen

    Indstilling
    At budgettet godkendes.

    Beslutning
    Godkendt.

    2. Plan for demensindsatsen

    Indstilling
    At planen godkendes.

    Beslutning
    Udsat.

    3. Borgerens status efter udskrivning

    Sagsfremstilling
    Borgerens status drøftes på mødet. Planen er godkendt af kommunen.

    Beslutning
    Taget til efterretning.

    4. Status for borgerens forløb

    Sagsfremstilling
    Der gives status for borgerens forløb i kommunen.

    Beslutning
    Drøftet.

    5. Opfølgning på udskrivninger

    Sagsfremstilling
    Gruppen så på borgerens – status og plan for opfølgning.

    Beslutning
    Drøftet.
    """

MIDT = """\
    Referat Klyngestyregruppe Midtklyngen
    Mødedato: 9. maj 2023 kl. 9.00

    1. Regnskab for genoptræning

    Indstilling
    At regnskabet tages til efterretning.

    Beslutning
    Godkendt med bemærkninger.
    """


def titles(result) -> set[str]:
    return {h.title for h in result.hits}


@pytest.fixture
def minutes(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    write(folder / "horsens.txt", dedent(HORSENS))
    write(folder / "midt.txt", dedent(MIDT))
    assert not indexer.build(tmp_path / "ix", [folder]).failed
    return tmp_path / "ix", folder


def test_a_form_finds_itself_and_not_another_form_of_its_stem(minutes):
    ix, _ = minutes
    with search.open(ix) as index:
        assert titles(index.search("=godkendt")) == {"Budget for sundhedsindsatsen", "Borgerens status efter udskrivning",
                                                     "Regnskab for genoptræning"}
        assert titles(index.search("=godkendes")) == {"Budget for sundhedsindsatsen", "Plan for demensindsatsen"}
        assert index.search("godkendt").total == 4  # the stem finds every form
        assert index.search("=godkendte").total == 0


def test_a_form_in_one_section_and_not_another(minutes):
    ix, _ = minutes
    with search.open(ix) as index:
        # "godkendt" stands in the decision of two items and in the case text of a third
        assert titles(index.search("=godkendt", section="beslutning")) == {"Budget for sundhedsindsatsen",
                                                                           "Regnskab for genoptræning"}
        assert titles(index.search("=godkendt", section="sagsfremstilling")) == {"Borgerens status efter udskrivning"}
        assert index.search("=godkendes", section="sagsfremstilling").total == 0


def test_a_form_asked_in_one_field_is_not_found_in_another_of_the_same_item(minutes):
    ix, _ = minutes
    with search.open(ix) as index:
        # the budget's proposal says "godkendes", its decision "Godkendt."
        assert index.search("=godkendes", section="beslutning").total == 0
        assert index.search("beslutning:=godkendes").total == 0
        assert titles(index.search("indstilling:=godkendes")) == {"Budget for sundhedsindsatsen",
                                                                  "Plan for demensindsatsen"}
        assert titles(index.search("beslutning:=godkendt")) == {"Budget for sundhedsindsatsen",
                                                                "Regnskab for genoptræning"}
        assert titles(index.search('indstilling:="tages til efterretning"')) == {"Regnskab for genoptræning"}
        assert index.search('beslutning:="tages til efterretning"').total == 0
        assert titles(index.search("title:=budget")) == {"Budget for sundhedsindsatsen"}
        assert titles(index.search("sagsfremstilling:=godkendt OR beslutning:=udsat")) == {
            "Borgerens status efter udskrivning", "Plan for demensindsatsen"}
        # the field's other words are searched as before: the form narrows, the words rank
        assert index.search("beslutning:=godkendt budget").hits[0].title == "Budget for sundhedsindsatsen"


def test_a_form_in_a_bilag_is_found_there_and_only_there(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    write(folder / "referat.txt", dedent("""\
        Referat
        Sundhedsrådet, Horsens-klyngen
        Dato: 12. marts 2024

        1. Handleplan for genoptræning
        Sagsfremstilling
        Kommunerne har udarbejdet en fælles plan.
        Bilag:
        Bilag 1 - Handleplan 2024
        Beslutning
        Godkendt.
        """))
    (folder / "Bilag 1 - Handleplan 2024.pdf").write_bytes(make_pdf([["Handleplan 2024",
                                                                      "Planen godkendes af kommunalbestyrelsen."]]))
    assert not indexer.build(tmp_path / "ix", [folder]).failed
    with search.open(tmp_path / "ix") as index:
        assert titles(index.search("=godkendes")) == {"Handleplan for genoptræning"}
        assert titles(index.search("bilag:=godkendes")) == {"Handleplan for genoptræning"}
        assert titles(index.search("=godkendes", section="bilag")) == {"Handleplan for genoptræning"}
        assert index.search("beslutning:=godkendes").total == 0
        assert titles(index.search("beslutning:=godkendt")) == {"Handleplan for genoptræning"}
        assert index.search("bilag:=godkendt").total == 0


def test_a_form_of_several_words_needs_them_next_to_each_other(minutes):
    ix, _ = minutes
    with search.open(ix) as index:
        # next to each other with only punctuation between; "status for borgerens" is not the form
        assert titles(index.search('="borgerens status"')) == {"Borgerens status efter udskrivning",
                                                               "Opfølgning på udskrivninger"}
        assert titles(index.search('="status for borgerens"')) == {"Status for borgerens forløb"}
        assert titles(index.search('="borgerens for status"')) == set()
        assert titles(index.search('borgerens AND =godkendt')) == {"Borgerens status efter udskrivning"}


def test_a_form_with_stop_words_keeps_them(minutes):
    ix, _ = minutes
    with search.open(ix) as index:
        # the index has no stop words; the stored text checks them: "tages til efterretning" is another form
        assert titles(index.search('="taget til efterretning"')) == {"Borgerens status efter udskrivning"}
        assert titles(index.search('="tages til efterretning"')) == {"Regnskab for genoptræning"}
        assert titles(index.search('="gives status"')) == {"Status for borgerens forløb"}
        assert titles(index.search('="til efterretning"')) == {"Borgerens status efter udskrivning",
                                                               "Regnskab for genoptræning"}


def test_a_form_with_filters_and_other_words(minutes):
    ix, _ = minutes
    with search.open(ix) as index:
        assert titles(index.search("=godkendt", cluster="Midtklyngen")) == {"Regnskab for genoptræning"}
        assert titles(index.search("=godkendt", cluster="Horsens-klyngen")) == {"Budget for sundhedsindsatsen",
                                                                               "Borgerens status efter udskrivning"}
        ranked = index.search("=godkendt budget")  # graded: the item with both words first
        assert ranked.hits[0].title == "Budget for sundhedsindsatsen"


def test_a_deleted_item_is_no_longer_found_by_its_form(minutes):
    ix, folder = minutes
    with search.open(ix) as index:
        assert "Regnskab for genoptræning" in titles(index.search("=godkendt"))
        (folder / "midt.txt").unlink()
        indexer.reindex(ix)
        index.refresh()
        assert titles(index.search("=godkendt")) == {"Budget for sundhedsindsatsen",
                                                     "Borgerens status efter udskrivning"}


def test_each_candidate_is_read_once_and_only_those_the_filters_allow(minutes, engine_name, monkeypatch):
    if engine_name != "whoosh":
        pytest.skip("the stored text is read by the Whoosh engine; the cluster has an exact field")
    from search.engines.whoosh import queries

    ix, _ = minutes
    read: list[str] = []
    has_form = queries.has_form

    def counted(stored, pattern, fields=()):
        read.append(stored["title"])
        return has_form(stored, pattern, fields)

    monkeypatch.setattr(queries, "has_form", counted)
    with search.open(ix) as index:
        assert index.search("=godkendt", cluster="Midtklyngen").total == 1
        assert read == ["Regnskab for genoptræning"]  # the Horsens items were not read
        index.search("=godkendt")
        assert sorted(read[1:]) == ["Borgerens status efter udskrivning", "Budget for sundhedsindsatsen",
                                    "Plan for demensindsatsen"]  # each stem candidate once, the first not again
        before = len(read)
        index.search("=godkendt")
        assert len(read) == before
        index.search("=godkendt", section="beslutning")  # another question: the form in the decision alone
        index.search("=godkendt", section="beslutning")
        assert len(read) == before + 2  # the two candidates with "godkend" in their decision, once
