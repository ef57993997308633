"""The Danish analyzer: inflections meet, stop words go, hyphenated and abbreviated tokens stay findable."""
import json
import pickle
from pathlib import Path

import pytest
from whoosh import index as windex

from indexer.analysis import KINDS, analyse, analysis, stem, terms
from indexer.engines.whoosh.analysis import tokenizer
from indexer.engines.whoosh.schema import build_schema


def test_inflections_share_a_term():
    forms = ["korrespondancebrev", "korrespondancebreve", "korrespondancebrevet", "Korrespondancebrevene"]
    assert len({terms(f)[0] for f in forms}) == 1
    assert terms("rekrutteringer") == terms("rekruttering")
    assert terms("nationalt") == terms("nationale")


def test_stop_words_are_dropped():
    assert terms("børn og unge i psykisk mistrivsel") == terms("børn unge psykisk mistrivsel")
    assert terms("det er at") == []


def test_hyphenated_tokens_are_indexed_whole_and_in_parts():
    index_terms = terms("Tele-KOL og lænde-rygsmerter i 2024-2027, 72-timers", mode="index")
    for whole in ("telekol", stem("lænderygsmerter"), "20242027", stem("72timers")):
        assert whole in index_terms
    for part in ("kol", stem("rygsmerter"), "2024", "2027", "72"):
        assert part in index_terms


def test_query_forms_of_a_hyphenated_word_agree():
    assert terms("Tele-KOL") == terms("TeleKOL") == terms("telekol") == ["telekol"]
    assert terms("lænde-rygsmerter") == terms("lænderygsmerter")


def test_abbreviations_survive():
    assert terms("KOL RHG IV AP PLO STIME") == ["kol", "rhg", "iv", "ap", "plo", stem("stime")]


def test_danish_letters_are_folded_after_stemming():
    assert terms("lægevagten") == terms("laegevagten")
    assert terms("Gødstrup") == terms("Goedstrup")
    assert terms("pårørende") == terms("paarørende")


def test_phrase_positions_after_a_split_compound():
    tokens = [(t.text, t.pos) for t in analyse("text", "72-timers behandlingsansvar", mode="index")]
    positions = {text: pos for text, pos in tokens}
    assert positions["behandlingsansvar"] == positions[stem("timers")] + 1


def test_schema_with_the_analyzer_pickles_and_creates_an_index(tmp_path):
    pickle.dumps(build_schema())
    ix = windex.create_in(str(tmp_path), build_schema())
    assert ix.schema.names()


GOLDEN = json.loads((Path(__file__).parent / "data" / "analysis_golden.json").read_text("utf-8"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", ["index", "query"])
def test_the_plain_analysis_makes_the_tokens_the_whoosh_chain_made(kind, mode):
    """data/analysis_golden.json holds what the Whoosh tokenizers made of a varied Danish text (compounds,
    suspended hyphens, æøå spelled every way, OCR damage, stop words, numbers, case numbers) before the
    analysis became plain Python: the plain function and the Whoosh wrapper around it make it still."""
    text, expected = GOLDEN["text"], GOLDEN["tokens"]
    assert [[t.text, t.pos, t.start, t.end] for t in analyse(kind, text, mode)] == expected[f"{kind}/{mode}"]
    whoosh = tokenizer(kind)
    assert [[t.text, t.pos, t.startchar, t.endchar] for t in whoosh(text, positions=True, chars=True, mode=mode)
            ] == expected[f"{kind}/{mode}"]
    assert [[t.text, t.pos, t.startchar, t.endchar, t.stopped]
            for t in whoosh(text, positions=True, chars=True, mode=mode, removestops=False)
            ] == expected[f"{kind}/{mode}/stops"]
    assert [[t.text, t.pos, t.start, t.end, t.stopped] for t in analysis(kind).tokens(text, mode, keep_stops=True)
            ] == expected[f"{kind}/{mode}/stops"]


@pytest.mark.parametrize("kind", KINDS)
def test_whole_texts_and_the_writers_positions_are_the_whoosh_chains(kind):
    text, expected = GOLDEN["text"], GOLDEN["tokens"]
    whole = [[t.text, t.pos, t.start, t.end] for word in ("Børn*", "ÆLDRE", "sund?hed")
             for t in analysis(kind).tokens(word, "query", whole=True)]
    assert whole == expected[f"{kind}/whole"]
    positions = expected.get(f"{kind}/positions")
    if positions is not None:
        assert analysis(kind).positions(text) == positions
    gathered: dict[str, list[int]] = {}
    for token in analyse(kind, text, "index"):
        gathered.setdefault(token.text, []).append(token.pos)
    assert analysis(kind).positions(text) == gathered


def test_analysis_without_folding_or_exceptions_is_the_whoosh_chains():
    text, expected = GOLDEN["text"], GOLDEN["tokens"]
    unfolded = [[t.text, t.pos] for t in analysis("text", fold=False, exceptions=False).tokens(text)]
    assert unfolded == expected["text/unfolded"]
    assert unfolded != [[t.text, t.pos] for t in analyse("text", text)]


def test_an_unknown_kind_or_mode_is_refused():
    with pytest.raises(ValueError, match="unknown analysis"):
        analyse("stemmed", "ord")
    with pytest.raises(ValueError, match="unknown mode"):
        analyse("text", "ord", mode="search")
