"""Outcomes (corpus/data/outcomes.json) phrase by phrase, read from invented minutes via corpus.read()."""
import json
from importlib import resources
from textwrap import dedent

import pytest

import corpus
from tests.conftest import write

TABLE = json.loads(resources.files("corpus").joinpath("data/outcomes.json").read_text("utf-8"))["outcomes"]
PHRASES = [(o["name"], p) for o in TABLE for p in o["phrases"]]


def decided(tmp_path, decision, label="Beslutning"):
    text = dedent("""\
        Referat Sundhedsudvalget
        Mødedato: 9. september 2024 kl. 16.00

        1. Plan for genoptræning
        Indstilling
        Forvaltningen indstiller, at planen godkendes.
        {label}
        {decision}
        """).format(label=label, decision=decision)
    return corpus.read(write(tmp_path / "m.txt", text)).items[0].outcome


@pytest.mark.parametrize("outcome, phrase", PHRASES, ids=[p for _, p in PHRASES])
def test_every_phrase_gives_its_outcome(tmp_path, outcome, phrase):
    words = phrase.strip("^$").replace("…", "om sagen")
    sentence = (words[0].upper() + words[1:] if phrase.startswith("^") else f"Fra mødet: {words}") + "."
    assert decided(tmp_path, sentence) == outcome


@pytest.mark.parametrize("decision, outcome", [
    ("Udvalget drøftede sagen og besluttede at udsætte sagens behandling til næste møde.", "udsat"),
    ("Udvalget besluttede efter en længere drøftelse at udsætte sagens behandling.", "udsat"),
    ("Sagen udsættes.", "udsat"),
    ("Udvalget blev orienteret.", "taget til efterretning"),
    ("Orienteringen blev taget til efterretning.", "taget til efterretning"),
    ("Udvalget drøftede orienteringen, og indstillingen blev tiltrådt.", "tiltrådt"),
    ("Indstillingen ikke godkendt.", "afvist"),
    ("Intet.", "ingen bemærkninger"),
    ("Der var intet nyt fra kommunerne, og planen blev drøftet.", "drøftet"),
    ("Drgftet, og sagen blev udsat til n&ste mgde.", "udsat"),  # OCR letters
    ("1. Godkendt. 2. Ikke godkendt, idet udvalget ønsker at fastholde planen.", "godkendt"),
    ("Taget til efterretning med bemærkning om indsatsen for socialt udsatte familier.", "taget til efterretning"),
])
def test_stronger_outcomes_win_over_weaker_ones(tmp_path, decision, outcome):
    assert decided(tmp_path, decision) == outcome


def test_the_referat_section_gives_the_outcome_when_there_is_no_decision(tmp_path):
    assert decided(tmp_path, "Gruppen blev orienteret om status.", label="Referat") == "taget til efterretning"


def test_text_without_a_decision_has_no_outcome(tmp_path):
    assert decided(tmp_path, "Peter Hansen deltog ikke i mødet.") is None
