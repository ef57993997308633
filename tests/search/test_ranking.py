"""Ranking as a reader ranks (issue #21), through search.run() on minutes written for it: two words are
graded, a word's best field counts most, a quoted phrase is exact, and words ending in ø/æ meet their
inflected forms."""
from textwrap import dedent

import pytest

import indexer
import search
from tests.conftest import BOTH_ENGINES, engine_env, write

pytestmark = BOTH_ENGINES

MINUTES = """\
    Referat Sundhedsudvalget
    Mødedato: 12. april 2023 kl. 16.00

    1. Sygefravær blandt medarbejderne i hjemmeplejen

    Resume
    Udvalget orienteres om sygefraværet i hjemmeplejen og om indsatsen for at nedbringe det.

    Beslutning
    Taget til efterretning.

    2. Personalepolitisk redegørelse

    Resume
    Redegørelsen beskriver trivsel, afskedigelser og et stigende sygefravær i kommunens arbejdspladser.

    Beslutning
    Taget til efterretning.

    3. Kvalitetsstandard for hjemmepleje

    Resume
    Kvalitetsstandarden beskriver den hjælp, borgerne kan få af hjemmeplejen.

    Indstilling
    At kvalitetsstandarden for hjemmepleje godkendes.

    Beslutning
    Godkendt.

    4. Ny vejledning til borgerne

    Resume
    Vejledningen om affaldssortering sendes til borgerne. Affaldssortering skal forbedres,
    og affaldssortering på genbrugspladsen og affaldssortering i etageboliger beskrives.

    Indstilling
    At vejledningen om affaldssortering godkendes, så affaldssortering bliver lettere.

    Sagsfremstilling
    Affaldssortering er et lovkrav. Affaldssortering i haveforeninger omtales også.

    Referat
    Affaldssortering blev drøftet.

    Beslutning
    Vejledningen om affaldssortering blev godkendt.

    5. Affaldssortering

    Sagsfremstilling
    Orientering om den nye ordning.

    6. Tilsyn med havmiljøet i bugten

    Resume
    Kommunen deltager i overvågningen af havmiljøet og vandkvaliteten.

    7. Palliation i plejen

    Resume
    Palliation og lindring for borgere i plejeboliger.

    8. Livets afslutning

    Resume
    Samtaler om livets afslutning med pårørende.
    """


@pytest.fixture(scope="module")
def index(tmp_path_factory, engine_name):
    folder = tmp_path_factory.mktemp("ranking")
    write(folder / "2023-04-12_sundhedsudvalget.txt", dedent(MINUTES))
    target = tmp_path_factory.mktemp("ranking-ix") / "ix"
    with engine_env(engine_name):
        assert not indexer.build(target, [folder]).failed
    return target


def titles(result) -> list[str]:
    return [h.title for h in result.hits]


def test_two_words_rank_items_with_both_first_then_items_with_one(index):
    result = search.run(index, "sygefravær hjemmeplejen")
    found = titles(result)
    assert found[0] == "Sygefravær blandt medarbejderne i hjemmeplejen"
    assert {"Personalepolitisk redegørelse", "Kvalitetsstandard for hjemmepleje"} <= set(found[1:])
    assert not result.fallback and result.total == 3


def test_two_words_of_which_no_item_has_both_say_so_and_show_either(index):
    result = search.run(index, "havmiljøet kvalitetsstandarden")
    assert set(titles(result)) == {"Tilsyn med havmiljøet i bugten", "Kvalitetsstandard for hjemmepleje"}
    assert result.fallback and any("any of them" in n for n in result.notes)


def test_an_item_about_a_word_outranks_one_that_repeats_it_in_every_section(index):
    """Item 5 has the word as its title; item 4 repeats it in resume, indstilling, sagsfremstilling, referat
    and beslutning, which summed field by field outweighs a title (it does with FIELD_TIEBREAK 1)."""
    assert titles(search.run(index, "affaldssortering"))[0] == "Affaldssortering"


def test_a_word_ending_in_oe_meets_its_inflected_forms(index):
    assert titles(search.run(index, "havmiljø")) == ["Tilsyn med havmiljøet i bugten"]
    assert titles(search.run(index, "havmiljoe")) == ["Tilsyn med havmiljøet i bugten"]


def test_a_quoted_phrase_is_exact_and_words_outside_quotes_expand_with_a_note(index):
    exact = search.run(index, '"livets afslutning"')
    assert titles(exact) == ["Livets afslutning"] and not exact.notes
    widened = search.run(index, "palliation")
    assert set(titles(widened)) == {"Palliation i plejen", "Livets afslutning"}
    assert any("also searched for palliation = livets afslutning" in n for n in widened.notes)
    assert not search.run(index, "pårørende").notes
