"""The Danish analyzer: inflections meet, stop words go, hyphenated and abbreviated tokens stay findable."""
import pickle

from whoosh import index as windex

from indexer.analysis import danish_analyzer, stem, terms
from indexer.schema import build_schema


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
    tokens = [(t.text, t.pos) for t in danish_analyzer()("72-timers behandlingsansvar", mode="index", positions=True)]
    positions = dict((text, pos) for text, pos in tokens)
    assert positions["behandlingsansvar"] == positions[stem("timers")] + 1


def test_schema_with_the_analyzer_pickles_and_creates_an_index(tmp_path):
    pickle.dumps(build_schema())
    ix = windex.create_in(str(tmp_path), build_schema())
    assert ix.schema.names()
