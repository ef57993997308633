"""Section labels and their variants, in any order, with and without inline text."""
from textwrap import dedent

import pytest

import corpus
from corpus.labels import match_label
from tests.conftest import write


@pytest.mark.parametrize("line, expected", [
    ("Indstilling", ("indstilling", "")),
    ("Indstilling:", ("indstilling", "")),
    ("Det indstilles", ("indstilling", "")),
    ("Det indstilles,", ("indstilling", "")),
    ("(Det indstilles, at Direktørforum)", ("indstilling", "at Direktørforum")),
    ("Det indstilles, at Chefforum:", ("indstilling", "at Chefforum:")),
    ("Sagsfremstilling", ("sagsfremstilling", "")),
    ("Beskrivelse af sagen", ("sagsfremstilling", "")),
    ("Referat", ("referat", "")),
    ("Referat:", ("referat", "")),
    ("Beslutning", ("beslutning", "")),
    ("Beslutning: Godkendt.", ("beslutning", "Godkendt.")),
    ("Bilag", ("bilag", "")),
    ("Bilag: Notat om økonomi", ("bilag", "Notat om økonomi")),
    ("Bilag/link", ("bilag", "")),
    ("Bilag/links", ("bilag", "")),
    ("**Beslutning**", ("beslutning", "")),
    ("Resume", ("resume", "")),
    ("Resumé:", ("resume", "")),
    ("Administrationen indstiller,", ("indstilling", "")),
    ("Direktionen indstiller", ("indstilling", "")),
    ("Det indstilles til Sundhedsudvalget:", ("indstilling", "")),
    ("Forvaltningen foreslår,", ("indstilling", "")),
    ("Administrationen indstiller over for udvalget for det nære sundhedsvæsen:", ("indstilling", "")),
    ("Fremstilling", ("sagsfremstilling", "")),
    ("Sagsbeskrivelse", ("sagsfremstilling", "")),
    ("Baggrund", ("sagsfremstilling", "")),
    ("Baggrund for sagens fremlæggelse", ("sagsfremstilling", "")),
    ("Præsentation", ("sagsfremstilling", "")),
    ("Økonomi", ("sagsfremstilling", "")),
    ("Høring:", ("sagsfremstilling", "")),
    ("Opfølgning", ("sagsfremstilling", "")),
    ("Beslutning i Sundhedsudvalget den 04-06-2020", ("beslutning", "")),
    ("Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012", ("beslutning", "")),
    ("Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 3", ("beslutning", "")),
    ("Politisk behandling", ("beslutning", "")),
    ("Konklusion", ("beslutning", "")),
    ("Konklusioner:", ("beslutning", "")),
])
def test_label_variants(line, expected):
    assert match_label(line) == expected


@pytest.mark.parametrize("line", [
    "Referatet fra sidste møde blev godkendt.",
    "Beslutningen blev udsat",
    "Indstillingen fra arbejdsgruppen er vedlagt og skal drøftes grundigt på mødet.",
    "Referat KLYNGESTYREGRUPPEMØDE MIDTKLYNGEN",
    "Beslutning i sagen blev udsat.",
    "Udvalgets beslutning blev taget enstemmigt.",
    "Økonomien er stram i år.",
    "Baggrunden er et ønske fra kommunerne.",
])
def test_prose_is_not_a_label(line):
    assert match_label(line) is None


def test_sections_in_any_order_with_text_before_the_first_label(tmp_path):
    text = dedent("""\
        Referat Direktørforum

        Punkt 1: Status

        Kort intro før første label.

        Beslutning

        Taget til efterretning.

        Bilag

        Oversigt over midler

        Sagsfremstilling

        Midlerne er fordelt.

        Det indstilles, at Chefforum

        1. Tager status til efterretning

        Punkt 2: Eventuelt
        """)
    m = corpus.read(write(tmp_path / "m.txt", text))
    sections = m.items[0].section_map()
    assert list(sections) == ["tekst", "beslutning", "bilag", "sagsfremstilling", "indstilling"]
    assert sections["tekst"] == "Kort intro før første label."
    assert sections["indstilling"].startswith("at Chefforum")
    assert "1. Tager status til efterretning" in sections["indstilling"]


def test_repeated_label_in_one_item_is_joined(tmp_path):
    text = "Referat\n\n1. Punkt\n\nBeslutning\nFørste del.\n\nReferat\nDrøftelse.\n\nBeslutning\nAnden del.\n"
    m = corpus.read(write(tmp_path / "m.txt", text))
    assert m.items[0].section_map()["beslutning"] == "Første del.\n\nAnden del."
