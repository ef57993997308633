"""Query semantics: `-word` as shell arguments, no query, `*`, dangling operators, empty fields, and a
typo retry that never "corrects" a word the index holds."""
from textwrap import dedent

import pytest
from click.testing import CliRunner

import indexer
import search
from search import QueryError
from search.cli import EXIT_USAGE, main
from search.query import every_for_star, parse
from search.tree import Every
from tests.conftest import BOTH_ENGINES, write

pytestmark = BOTH_ENGINES


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)



def test_minus_word_as_its_own_shell_argument_excludes_it(sample_index):
    both = invoke("search", "--index", sample_index, "--json", "børn")
    without = invoke("search", "--index", sample_index, "børn", "-overvægt", "--json")
    assert without.exit_code == 0, without.output
    assert '"total": 1' in without.output and '"total": 2' in both.output
    alone = invoke("search", "--index", sample_index, "-overvægt", "--json")
    assert alone.exit_code == 0 and '"total": 16' in alone.output  # every item but the one


def test_an_unknown_long_option_is_still_a_usage_error(sample_index):
    result = invoke("search", "--index", sample_index, "telekol", "--clustr", "horsens")
    assert result.exit_code == EXIT_USAGE and "No such option" in result.output


@pytest.mark.parametrize("query, message", [
    ("telekol OR", "'OR' has nothing after it"),
    ("telekol NOT", "'NOT' has nothing after it"),
    ("telekol AND", "'AND' has nothing after it"),
    ("OR telekol", "'OR' has nothing before it"),
    ("telekol AND OR børn", "'AND' has nothing after it"),
    ("(telekol OR) børn", "'OR' has nothing after it"),
    ("title:", "'title:' needs a value"),
    ("telekol beslutning:", "'beslutning:' needs a value"),
])
def test_dangling_operators_and_empty_fields_are_usage_errors(sample_index, query, message):
    with pytest.raises(QueryError, match=message):
        search.run(sample_index, query)
    result = invoke("search", "--index", sample_index, query)
    assert result.exit_code == EXIT_USAGE
    assert message.split(" ")[0] in result.output and "Traceback" not in result.output


def test_operators_with_words_on_both_sides_still_work(sample_index):
    assert search.run(sample_index, "børn OR NOT overvægt").total >= 1
    assert search.run(sample_index, "NOT overvægt").total == 16


def test_star_and_filters_alone_are_one_cheap_listing(sample_index):
    assert parse("*", ["title", "tekst", "referat"]).query == Every()
    listing = search.run(sample_index, "*", limit=50)
    dates = [h.date or "" for h in listing.hits]
    assert dates == sorted(dates, reverse=True)
    assert search.run(sample_index, "cluster:horsens").total == 6


def test_typo_retry_leaves_an_indexed_word_alone_and_names_the_filter(danish_index):
    result = search.run(danish_index, "pårørende", section="beslutning")
    assert result.total == 0 and result.suggestion is None
    assert any("--section beslutning" in note and "items match 'pårørende'" in note for note in result.notes)
    clustered = search.run(danish_index, "genoptræningsplaner", cluster="midtklyngen")
    assert clustered.total == 0 and clustered.suggestion is None
    assert any("--cluster midtklyngen" in note for note in clustered.notes)


def test_typo_retry_never_offers_an_ocr_misreading_or_a_field_name(danish_index):
    result = search.run(danish_index, "pårørnde")
    assert result.suggestion == "pårørende"
    assert search.run(danish_index, "hgringen").suggestion != "hgring"
    for query in ("titel", "klynge"):
        assert search.run(danish_index, query).suggestion is None


def test_snippets_mark_what_matched_and_never_a_stop_word(tmp_path):
    minutes = tmp_path / "m"
    minutes.mkdir()
    write(minutes / "a.txt", dedent("""\
        Referat Klyngestyregruppe Horsens-klyngen
        Mødedato: 3. marts 2023

        1. Indsats for borgere med demens

        Sagsfremstilling
        Vi skal hjælpe dem bedre. Borgere med demens og deres pårørende skal kende dem, der hjælper.
        """))
    indexer.build(tmp_path / "ix", [minutes])
    hit = search.run(tmp_path / "ix", "demens").hits[0]
    assert "**demens**" in hit.snippet and "**dem**" not in hit.snippet
    with pytest.raises(QueryError, match="stop words"):
        search.run(tmp_path / "ix", "dem")


def test_snippets_of_scanned_items_mark_their_ocr_matches(danish_index):
    result = search.run(danish_index, "pårørende")
    scanned = [h for h in result.hits if h.title.startswith("Hgring")]
    assert scanned and "**pargrende**" in scanned[0].snippet


def test_an_undated_meeting_has_no_year_in_the_counts_and_sorts_after_the_dated(tmp_path):
    minutes = tmp_path / "m"
    minutes.mkdir()
    write(minutes / "dated.txt", "Referat Klyngestyregruppe Horsens-klyngen\nMødedato: 3. marts 2023\n\n"
                                 "1. Demensindsats\n\nBeslutning\nGodkendt.\n")
    write(minutes / "undated.txt", "Referat Klyngestyregruppe Horsens-klyngen\n\n1. Demensindsats i kommunerne\n\n"
                                   "Beslutning\nGodkendt.\n")
    indexer.build(tmp_path / "ix", [minutes])
    result = search.run(tmp_path / "ix", "demensindsats", sort="-date")
    assert result.total == 2 and result.facets["year"] == {"2023": 1}
    assert [h.date for h in result.hits] == ["2023-03-03", None]
    assert search.run(tmp_path / "ix", "demensindsats", year="2023").total == 1


def test_snippet_matches_are_every_word_the_analysis_makes_a_query_term():
    """The snippet's shortcuts (each distinct word analysed once, matches found with str.find) find
    exactly the words a plain walk over every token finds."""
    import random

    import corpus
    from indexer.analysis import TOKEN_RE, danish_analyzer
    from search.snippets import matches
    from tests.conftest import SAMPLE

    analyse = danish_analyzer().word_analyser()
    rng = random.Random(4)
    for path in corpus.iter_files([SAMPLE]):
        for item in corpus.read(path).items:
            text = item.title + "\n" + item.body
            terms = [analyse(w.lower())[1] for w in TOKEN_RE.findall(text)]
            stems = frozenset(rng.sample(terms, min(4, len(terms))) + ["godkend", "kol"])
            expected = []
            for m in TOKEN_RE.finditer(text):
                stopped, term, parts = analyse(m.group().lower())
                hit = term if term in stems else next((p for p in parts if p in stems), None)
                if not stopped and hit:
                    expected.append((m.start(), m.end(), hit))
            assert matches(text, stems, frozenset()) == expected


def _plain_queries() -> list[str]:
    """Every word of the sample minutes alone, runs of two to four of them, and odd ones."""
    import random

    import corpus
    from indexer.analysis import TOKEN_RE
    from tests.conftest import SAMPLE

    words = sorted({w for path in corpus.iter_files([SAMPLE]) for item in corpus.read(path).items
                    for w in TOKEN_RE.findall(item.title + " " + item.body)})
    rng = random.Random(9)
    runs = [" ".join(rng.sample(words, rng.randrange(2, 5))) for _ in range(300)]
    odd = ["og i at", "Tele-KOL status", "lænde-rygsmerter 72-timers", "Ældreudvalget ÆØÅ æøå", "a-b-c d", "2023",
           "x", "OUHs", "dem demens", "ikkeetord hjemmesygepleje"]
    return words + runs + odd


def test_plain_words_become_the_query_whooshs_parser_makes_of_them():
    from search.engine import _fields
    from search.query import PLAIN_WORDS, _parse, parsed_by_parser

    for fields in (_fields(None), _fields("beslutning"), ["title", "participants"]):
        for text in _plain_queries():
            assert PLAIN_WORDS.fullmatch(text), text
            assert _parse(fields, False, text) == parsed_by_parser(fields, text), text


def test_any_words_a_quoted_phrase_and_the_star_become_the_query_whooshs_parser_makes_of_them():
    from search.engine import _fields
    from search.query import _parse, parsed_by_parser

    for fields in (_fields(None), _fields("beslutning"), ["title", "participants"]):
        assert _parse(fields, False, "*") == every_for_star(parsed_by_parser(fields, "*"))
        for text in _plain_queries():
            built, parsed = _parse(fields, True, text), parsed_by_parser(fields, text, any_word=True)
            assert built == parsed, text  # the tree's nodes compare their scale too
            phrase = f'"{text}"'
            assert _parse(fields, False, phrase) == parsed_by_parser(fields, phrase), phrase


def test_could_match_never_rules_out_a_text_that_matches():
    """The attachment pages' prefilter is a necessary condition of snippets.matches, for every word of
    the sample minutes and words spelled with æ/ø/å, the exception table's forms and stems cut inside
    a spelled-out letter (træ)."""
    import corpus
    from indexer.analysis import TOKEN_RE, danish_analyzer
    from search.snippets import could_match, matches
    from tests.conftest import SAMPLE

    text = "\n".join(i.body for f in sorted(SAMPLE.iterdir()) for i in corpus.read(f).items)
    text += " Et træ, de pårørende, Gødstrup, indstilles, besluttet, tiltrådt, udsættes, en café, søen, blåt."
    analyse = danish_analyzer().word_analyser()
    words = set(TOKEN_RE.findall(text.lower()))
    assert len(words) > 200
    for word in words:
        stopped, term, parts = analyse(word)
        if stopped:
            continue
        for stems in [frozenset([term]), *(frozenset([p]) for p in parts)]:
            if matches(text, stems, frozenset()):
                assert could_match(text, stems), (word, stems)
    assert not could_match("Intet om sagen her.", frozenset(["budgetram"]))
