"""The Danish-search mechanisms through search.run(), each on minutes written for it."""
import json
from textwrap import dedent

import pytest
from click.testing import CliRunner

import corpus
import indexer
import search
from indexer.engine import EngineError
from search.cli import main
from search.expand import FEATURES
from tests.conftest import BOTH_ENGINES, write

pytestmark = BOTH_ENGINES

CLEAN = """\
    Referat Klyngestyregruppe Horsens-klyngen
    Mødedato: 3. marts 2023 kl. 9.00

    1. Økonomistyring af puljemidler

    Indstilling
    At styregruppen godkender modellen for økonomistyring.

    Beslutning
    Godkendt.

    2. Høring af sundhedsaftalen

    Indstilling
    At styregruppen afgiver høringssvar om pårørende og plejehjem.

    Beslutning
    Sagen blev udsat.

    3. Samarbejdsaftale om genoptræningsplaner

    Indstilling
    Det indstilles, at samarbejdsaftalen godkendes.

    Beslutning
    Tiltrådt.

    4. Lænde-rygsmerter og kronisk obstruktiv lungesygdom

    Referat
    Gruppen drøftede forløb for borgere med lænde-rygsmerter og med kronisk obstruktiv lungesygdom.
    Almen praksis deltager i arbejdet med TeleKOL. Aftalen med kommunerne fornyes.
    """

# The same kind of meeting as it comes out of a scanner: ø read as g or @, å as a or &, æ as ae or z.
SCANNED = """\
    Referat KLYNGESTYREGRUPPEM@DE MIDTKLYNGEN
    Tidspunkt: Den 7. juni 2023 kl. 08:30

    1. Model for gkonomistyring (kl. 08:30-09:00)

    Indstilling
    e At klyngestyregruppen godkender modellen for gkonomistyring af midlerne.

    Beskrivelse af sagen
    """ + "Kommunerne og hospitalet har i de seneste ar haft forskellige mader at fglge midlerne pa, og der er gnske om en faelles og gennemskuelig model for opfglgning. " * 12 + """

    2. Hgring af sundhedsaftalen (kl. 09:00-09:30)

    Referat
    Der var enighed om at fremhaeve samarbejdet med pargrende. Naeste mgde holdes p& R&dhuset.
    """



def titles(result):
    return [h.title for h in result.hits]


def test_scanned_minutes_are_recognised(danish_index, tmp_path):
    scanned = corpus.read(write(tmp_path / "s.txt", dedent(SCANNED)))
    clean = corpus.read(write(tmp_path / "c.txt", dedent(CLEAN) * 3))
    assert scanned.ocr and not clean.ocr


@pytest.mark.parametrize("query, scanned_title", [
    ("økonomistyring", "Model for gkonomistyring"),
    ("høring", "Hgring af sundhedsaftalen"),
    ("pårørende", "Hgring af sundhedsaftalen"),
    ("møde", "Hgring af sundhedsaftalen"),
])
def test_ocr_damage_is_found_in_scanned_minutes_only(danish_index, query, scanned_title):
    found = titles(search.run(danish_index, query))
    assert scanned_title in found
    without = titles(search.run(danish_index, query, features=FEATURES - {"ocr", "typos"}))
    assert scanned_title not in without


def test_ocr_keys_make_no_false_matches_in_clean_minutes(danish_index):
    # `mgde` is the OCR key of møde; in clean minutes a word with that key must not appear from nowhere.
    result = search.run(danish_index, "gkonomi*")
    assert all(h.cluster == "Midtklyngen" for h in result.hits)
    clean_only = search.run(danish_index, "plejehjem")
    assert titles(clean_only) == ["Høring af sundhedsaftalen"]


@pytest.mark.parametrize("typed, meant", [("paarørende", "pårørende"), ("hoering", "høring"),
                                          ("oekonomistyring", "økonomistyring")])
def test_ae_oe_aa_spellings_find_the_danish_letters(danish_index, typed, meant):
    assert titles(search.run(danish_index, typed))[:1] == titles(search.run(danish_index, meant))[:1]


def test_folding_can_be_switched_off_at_index_time(tmp_path, engine_name):
    write(tmp_path / "m.txt", dedent(CLEAN))
    if engine_name == "opensearch":  # switching analysis off is a Whoosh measurement: OpenSearch says so, clearly
        with pytest.raises(EngineError, match="whole Danish analysis"):
            indexer.build(tmp_path / "plain", [tmp_path / "m.txt"], analysis={"fold": False})
        return
    indexer.build(tmp_path / "plain", [tmp_path / "m.txt"], analysis={"fold": False})
    assert search.run(tmp_path / "plain", "pårørende").total == 1
    assert search.run(tmp_path / "plain", "paaroerende", features=FEATURES - {"typos"}).total == 0


def test_compound_parts_and_heads(danish_index):
    aftale = search.run(danish_index, "aftale")
    assert "Samarbejdsaftale om genoptræningsplaner" in titles(aftale)
    off = search.run(danish_index, "aftale", features=FEATURES - {"compounds"})
    assert "Samarbejdsaftale om genoptræningsplaner" not in titles(off)
    # A compound finds its parts when they are written apart or hyphenated.
    assert titles(search.run(danish_index, "lænderygsmerter")) == ["Lænde-rygsmerter og kronisk obstruktiv lungesygdom"]
    assert titles(search.run(danish_index, "genoptræning plan")) == []
    assert titles(search.run(danish_index, "genoptræningsplan")) == ["Samarbejdsaftale om genoptræningsplaner"]


def test_exact_match_outranks_a_compound_match(danish_index):
    result = search.run(danish_index, "samarbejdsaftale")
    assert result.hits[0].title == "Samarbejdsaftale om genoptræningsplaner"


def test_abbreviations_expand_both_ways(danish_index):
    assert titles(search.run(danish_index, "KOL borgere"))[:1] == ["Lænde-rygsmerter og kronisk obstruktiv lungesygdom"]
    assert search.run(danish_index, "KOL borgere", features=FEATURES - {"synonyms"}).total >= 0
    assert titles(search.run(danish_index, "AP TeleKOL")) == ["Lænde-rygsmerter og kronisk obstruktiv lungesygdom"]
    assert search.run(danish_index, "AP TeleKOL", features=FEATURES - {"synonyms", "typos"}).fallback


def test_long_questions_need_most_but_not_all_words(danish_index):
    result = search.run(danish_index, "hvordan går det med arbejdet med lænde rygsmerter og forløb for borgerne")
    assert not result.fallback
    assert titles(result)[0] == "Lænde-rygsmerter og kronisk obstruktiv lungesygdom"


def test_stemmer_exceptions_join_forms(danish_index):
    assert "Samarbejdsaftale om genoptræningsplaner" in titles(search.run(danish_index, "godkender samarbejdsaftalen"))
    assert "Høring af sundhedsaftalen" in titles(search.run(danish_index, "udsættes"))


def test_exact_form_search_skips_stemming(danish_index):
    assert "Samarbejdsaftale om genoptræningsplaner" in titles(search.run(danish_index, "godkendt"))
    exact = titles(search.run(danish_index, "=godkendes"))
    assert exact == ["Samarbejdsaftale om genoptræningsplaner"]


def test_typos_are_corrected_and_said(danish_index):
    result = search.run(danish_index, "genoptrænigsplaner")
    assert result.suggestion == "genoptræningsplaner"
    assert titles(result) == ["Samarbejdsaftale om genoptræningsplaner"]
    assert any("showing results for" in n for n in result.notes)
    assert search.run(danish_index, "genoptrænigsplaner", features=FEATURES - {"typos"}).total == 0


def test_decision_outcomes_as_facet_and_filter(danish_index):
    everything = search.run(danish_index, "*")
    assert everything.facets["outcome"] == {"drøftet": 1, "godkendt": 1, "tiltrådt": 1, "udsat": 1}
    postponed = search.run(danish_index, "*", outcome="udsat")
    assert titles(postponed) == ["Høring af sundhedsaftalen"]
    with pytest.raises(search.QueryError, match="unknown outcome"):
        search.run(danish_index, "*", outcome="forkastet")


def test_did_you_mean_in_cli_output(danish_index):
    runner = CliRunner()
    out = runner.invoke(main, ["search", "--index", str(danish_index), "genoptrænigsplaner"], catch_exceptions=False)
    assert "showing results for 'genoptræningsplaner'" in out.stdout
    doc = json.loads(runner.invoke(main, ["search", "--index", str(danish_index), "--json", "--outcome", "tiltrådt",
                                          "genoptræningsplaner"], catch_exceptions=False).stdout)
    assert doc["total"] == 1 and doc["facets"]["outcome"] == {"tiltrådt": 1}
