"""search.run() over the sample minutes: filters, facets, sorting, paging, query language, fallback."""
import pytest

import indexer
import search
from search import QueryError
from tests.conftest import BOTH_ENGINES, engine_env, write

pytestmark = BOTH_ENGINES


def titles(result):
    return [h.title for h in result.hits]


def test_facets_match_a_hand_count(sample_index):
    result = search.run(sample_index, "dagsorden", limit=50)
    assert result.total == 4
    assert result.facets["cluster"] == {"Aarhus-klyngen": 1, "Horsens-klyngen": 1, "Randers-klyngen": 1,
                                        "Sundhedsklynge Nord": 1}
    assert result.facets["year"] == {"2023": 2, "2022": 1, "2024": 1}
    assert result.facets["forum"] == {"Direktørforum": 1, "Faglig Operativ Gruppe Børn og Unge": 1,
                                      "Faglig Strategisk Gruppe": 1, "Klyngestyregruppe": 1}
    assert result.facets["section"] == {}  # the word is in the titles, in no section


def test_the_section_facet_counts_the_sections_that_matched(sample_index):
    result = search.run(sample_index, "rekruttering")
    assert [len(h.sections) for h in result.hits] == [4, 3]  # the hits have more sections than matched
    assert result.facets["section"] == {"indstilling": 1, "sagsfremstilling": 1}
    assert search.run(sample_index, "rekruttering", section="indstilling").facets["section"] == {"indstilling": 1}
    listing = search.run(sample_index, "", cluster="horsens")
    assert sum(listing.facets["section"].values()) >= listing.total  # no words: the sections the items have


def test_every_facet_of_the_table_filters_and_counts(tmp_path):
    minutes = tmp_path / "m"
    minutes.mkdir()
    write(minutes / "a.txt", """Referat
Sundhedsrådet, Horsens-klyngen
Dato: 12. marts 2024

Deltagere: Anne Holm (AH), Bo Berg

1. Genoptræning efter hofteoperation
Beslutning
Godkendt.
""")
    ix = tmp_path / "ix"
    indexer.build(ix, [minutes])
    with search.open(ix) as index:
        everything = index.search()
        assert everything.total == 1 and everything.facets["year"] == {"2024": 1}
        assert index.search(person="Anne Holm").total == 1
        assert index.search(person="Bo Holm").total == 0  # a name, not words from two names
        assert index.search("participant:AH").total == 1
        assert index.search(year=["2020", "2024"]).total == 1
        with pytest.raises(TypeError, match="unknown search option"):
            index.search(colour="red")


def test_facets_count_the_whole_result_set_not_the_page(sample_index):
    result = search.run(sample_index, "*", limit=2)
    assert len(result.hits) == 2 and result.total == 17
    assert sum(result.facets["cluster"].values()) == 17
    assert result.facets["cluster"]["Horsens-klyngen"] == 6


@pytest.mark.parametrize("kwargs, expected", [
    (dict(cluster="horsens"), 6),
    (dict(cluster="Horsens-klyngen"), 6),
    (dict(cluster="RANDERS klyngen"), 4),
    (dict(region="nordjylland"), 4),
    (dict(region="Region Midtjylland"), 13),
    (dict(forum="klyngestyregruppe"), 4),
    (dict(year="2023"), 7),
    (dict(year="2022-2023"), 11),
    (dict(date_from="2023-03-01", date_to="2023-12-31"), 4),
    (dict(date_from="2024-01-01"), 6),
    (dict(date_to="2022-12-31"), 4),
    (dict(cluster="horsens", year="2024"), 6),
    (dict(cluster="horsens", year="2023"), 0),
    (dict(cluster=["horsens", "randers"], forum="klyngestyregruppe"), 4),
    (dict(region="midtjylland", year="2023", forum="Faglig Operativ Gruppe Børn og Unge"), 3),
])
def test_filters_and_their_combinations(sample_index, kwargs, expected):
    assert search.run(sample_index, "*", limit=50, **kwargs).total == expected


def test_filters_written_in_the_query(sample_index):
    assert search.run(sample_index, "børn cluster:randers").total == 1
    assert search.run(sample_index, "* year:2022").total == 4


def test_section_restricts_matching(sample_index):
    everywhere = search.run(sample_index, "rekruttering")
    assert everywhere.total == 2
    only_decision = search.run(sample_index, "arbejdsgruppen", section="beslutning")
    assert titles(only_decision) == ["Rekruttering og fastholdelse af sygeplejersker på tværs af sektorer"]
    assert search.run(sample_index, "rekruttering", section="beslutning").total == 0
    with pytest.raises(QueryError, match="unknown section"):
        search.run(sample_index, "x", section="forord")
    # a section's labels name it too (corpus.labels): "konklusion" is a decision
    assert search.run(sample_index, "arbejdsgruppen", section="konklusion").total == only_decision.total


def test_sort_by_date_both_ways(sample_index):
    ascending = search.run(sample_index, "*", sort="date", limit=50)
    dates = [h.date or "" for h in ascending.hits]
    assert dates == sorted(dates) and dates[0] == "2022-11-30"
    descending = search.run(sample_index, "*", sort="-date", limit=50)
    assert [h.date or "" for h in descending.hits] == sorted(dates, reverse=True)
    assert all(h.score is None for h in descending.hits)


def test_paging_covers_every_hit_once(sample_index):
    seen = []
    for page in range(1, 5):
        seen += [h.id for h in search.run(sample_index, "*", limit=5, page=page, sort="date").hits]
    assert len(seen) == 17 and len(set(seen)) == 17
    assert search.run(sample_index, "*", limit=5, page=9).hits == []


def test_title_ranks_above_body(sample_index):
    result = search.run(sample_index, "rekruttering")
    assert result.hits[0].title.startswith("Rekruttering")


def test_phrases(sample_index):
    assert titles(search.run(sample_index, '"kronisk obstruktiv lungesygdom"')) == ["Status på TeleKOL i Horsens-klyngen"]
    assert search.run(sample_index, '"obstruktiv kronisk lungesygdom"').total == 0


def test_boolean_operators_and_minus(sample_index):
    assert search.run(sample_index, "børn OR lægevagten").total == 3
    assert search.run(sample_index, "børn AND overvægt").total == 1
    assert titles(search.run(sample_index, "børn NOT overvægt")) == ["Børn og unge i psykisk mistrivsel – fælles indsats"]
    assert titles(search.run(sample_index, "børn -overvægt")) == ["Børn og unge i psykisk mistrivsel – fælles indsats"]
    assert search.run(sample_index, "(børn OR lægevagten) AND strategi").total == 0


def test_prefix_and_exact_forms(sample_index):
    assert titles(search.run(sample_index, "korrespondance*")) == ["Korrespondancebreve mellem hospital og kommune"]
    assert search.run(sample_index, "korrespondancebrevene").total == 1
    assert search.run(sample_index, "=korrespondancebrevene").total == 0
    assert search.run(sample_index, "=korrespondancebreve").total == 1


def test_hyphenated_and_glued_spellings_find_each_other(sample_index):
    for spelling in ("TeleKOL", "Tele-KOL", "telekol"):
        assert titles(search.run(sample_index, spelling))[0] == "Status på TeleKOL i Horsens-klyngen"
    assert search.run(sample_index, "KOL").total >= 1
    assert search.run(sample_index, "IV-behandling").total == 1


def test_any_word_fallback_when_all_words_match_nothing(sample_index):
    strict = search.run(sample_index, "telekol plejehjem")
    assert strict.fallback is True and strict.total == 2
    assert any("any of them" in n for n in strict.notes)
    assert search.run(sample_index, "telekol sygeplejersker").fallback is False
    assert search.run(sample_index, "telekol AND plejehjem").total == 0


def test_snippets_highlight_matches(sample_index):
    hit = search.run(sample_index, "iltmætning").hits[0]
    assert "**iltmætning**" in hit.snippet


@pytest.mark.parametrize("query, message", [
    ("AND", "only operators"),
    ("OR NOT", "only operators"),
    ("x" * 10_000, "query too long"),
    ("foo:bar", "unknown field 'foo'"),
    ("børn year:20x3", "invalid year"),
])
def test_bad_queries_are_clear_errors(sample_index, query, message):
    with pytest.raises(QueryError, match=message):
        search.run(sample_index, query)


@pytest.mark.parametrize("query, note", [
    ('"kronisk obstruktiv', "unbalanced quote"),
    ("(børn OR overvægt", "unbalanced parentheses"),
    ("børn)", "unbalanced parentheses"),
])
def test_unbalanced_queries_are_repaired(sample_index, query, note):
    result = search.run(sample_index, query)
    assert result.total >= 1 and any(note in n for n in result.notes)


def test_lone_star_matches_everything(sample_index):
    assert search.run(sample_index, "*").total == 17


@pytest.mark.parametrize("query", ["", "   "])
def test_no_query_lists_items_newest_first(sample_index, query):
    result = search.run(sample_index, query, limit=50)
    assert result.total == 17
    dates = [h.date or "" for h in result.hits]
    assert dates == sorted(dates, reverse=True)
    assert search.run(sample_index, query, cluster="horsens").total == 6


def test_invalid_filter_values(sample_index):
    with pytest.raises(QueryError, match="invalid year"):
        search.run(sample_index, "*", year="2024-2022")
    with pytest.raises(QueryError, match="invalid date for --from"):
        search.run(sample_index, "*", date_from="i går")
    with pytest.raises(QueryError, match="unknown cluster 'Atlantis'"):
        search.run(sample_index, "*", cluster="Atlantis")


@pytest.fixture(scope="module")
def collision_index(tmp_path_factory, engine_name):
    folder = tmp_path_factory.mktemp("collision")
    items = "\n1. Kommissorium for driftsfora\n\nBeslutning\nKommissoriet blev godkendt.\n\n2. Eventuelt\n\nReferat\nIntet.\n"
    write(folder / "nord.txt", "REFERAT Direktørforum Sundhedsklynge Midt d. 08-02-2024\n" + items)
    write(folder / "midt.txt", "Referat Klyngestyregruppe Midtklyngen\nTidspunkt: Den 7. juni 2023 kl. 8.30\n" + items)
    index_dir = folder / "ix"
    with engine_env(engine_name):
        indexer.build(index_dir, [folder])
    return index_dir


def test_sundhedsklynge_midt_and_midtklyngen_stay_distinct(collision_index):
    nord = search.run(collision_index, "kommissorium", cluster="Sundhedsklynge Midt")
    assert [h.cluster for h in nord.hits] == ["Sundhedsklynge Midt"]
    midt = search.run(collision_index, "kommissorium", cluster="midtklyngen")
    assert [h.cluster for h in midt.hits] == ["Midtklyngen"]
    with pytest.raises(QueryError, match="ambiguous: Midtklyngen, Sundhedsklynge Midt"):
        search.run(collision_index, "kommissorium", cluster="midt")


def test_snippet_from_deep_inside_a_long_item(tmp_path):
    filler = "Drøftelse af samarbejdet mellem kommuner og hospital. " * 1200
    write(tmp_path / "lang.txt", "Referat Chefforum Horsens-klyngen 3. maj 2024\n\n1. Lang sag\n\nReferat\n"
          + filler + "\nTil sidst nævntes kvalitetsfondsbyggeriet.\n\n2. Eventuelt\n")
    indexer.build(tmp_path / "ix", [tmp_path / "lang.txt"])
    hit = search.run(tmp_path / "ix", "kvalitetsfondsbyggeriet").hits[0]
    assert "**kvalitetsfondsbyggeriet**" in hit.snippet
