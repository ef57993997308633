"""What a new user trips over (issue 22), through the CLI: an empty index, a path that is not there, a
dangling link, counts in the singular."""
import json
import re

import pytest
from click.testing import CliRunner

from search.cli import EXIT_USAGE, main
from tests.conftest import SAMPLE, write


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_an_empty_index_is_an_index(tmp_path):
    empty = write(tmp_path / "empty.txt", "")
    ix = tmp_path / "E"
    assert invoke("index", "--index", ix, empty).exit_code == 1  # the file failed; the index exists, empty
    found = invoke("search", "--index", ix, "kol")
    assert found.exit_code == 0
    assert found.stdout.strip() == "No items yet — index some minutes with `referat index`"
    assert json.loads(invoke("search", "--index", ix, "kol", "--json").stdout)["empty_index"] is True
    for _ in range(2):  # healthy, and stays so: no repair loop
        check = invoke("check", "--index", ix)
        assert check.exit_code == 0 and check.stdout.rstrip().endswith("healthy"), check.stdout
        assert "None" not in check.stdout
    assert not list(ix.glob("*None*"))
    assert invoke("meetings", "--index", ix).exit_code == 0
    assert invoke("stats", "--index", ix).exit_code == 0


def test_indexing_a_path_that_is_not_there_creates_nothing(tmp_path):
    result = invoke("index", "--index", tmp_path / "ix", tmp_path / "nothere")
    assert result.exit_code == EXIT_USAGE
    assert "nothere: no such file or directory; nothing was indexed" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_a_dangling_link_is_named_by_the_link(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gone.txt").symlink_to(tmp_path / "target-that-was-deleted.txt")
    result = invoke("index", "--index", tmp_path / "ix", folder)
    assert f"{folder / 'gone.txt'}: failed: a symbolic link to {tmp_path / 'target-that-was-deleted.txt'}" \
        in result.stderr
    assert "referat: " + str(tmp_path / "target-that-was-deleted.txt") not in result.stderr


def test_one_file_one_item_in_the_singular(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "m.txt", (SAMPLE / "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt").read_text("utf-8"))
    result = invoke("index", "--index", tmp_path / "ix", folder)
    assert "indexed 1 file, 1 meeting, 6 items" in result.stdout
    one = invoke("search", "--index", tmp_path / "ix", "telekol", "--limit", "1")
    assert "1 items" not in one.stdout and "1 item matches" in one.stdout


# Two invented meetings of one committee: the first carries a case number in each of the forms the
# readers recognise; the second mentions two of them in its text.
CASES_APRIL = """\
Referat Sundhedsudvalget, Lejre Kommune

Mødedato: 2. april 2025 kl. 15.00-17.00

Dagsorden

1. Godkendelse af dagsorden

Beslutning:
Godkendt.

2. Ny plan for genoptræning (sagsnr. 12/27845)

Sagsfremstilling
Forvaltningen fremlægger en plan for genoptræning efter udskrivning.

Beslutning
Godkendt.

3. Demensvenlig kommune

Sagsnr.: EMN-2025-010561

Sagsfremstilling
Kommunen vil være demensvenlig og uddanne medarbejdere i kommunikation.

Beslutning
Taget til efterretning.

4. Akutpladser i vinterperioden

Sagsnr.: 21-014446

Sagsfremstilling
Der oprettes fire ekstra akutpladser fra december.

Beslutning
Godkendt.

5. Budgetopfølgning på ældreområdet (sagsnr. 2012-21786)

Sagsfremstilling
Forbruget på ældreområdet følger budgettet.

Beslutning
Taget til efterretning.
"""
CASES_MAY = """\
Referat Sundhedsudvalget, Lejre Kommune

Mødedato: 7. maj 2025 kl. 15.00-17.00

Dagsorden

1. Godkendelse af dagsorden

Beslutning:
Godkendt.

2. Vagtplaner for sygeplejen

Sagsfremstilling
Vagtplanerne følger de ekstra akutpladser fra sag 21-014446, og genoptræningsplanen fra sag 12/27845.

Beslutning
Godkendt.
"""


@pytest.fixture(scope="module")
def case_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("cases")
    folder = root / "minutes"
    folder.mkdir()
    write(folder / "2025-04-02_sundhedsudvalget.txt", CASES_APRIL)
    write(folder / "2025-05-07_sundhedsudvalget.txt", CASES_MAY)
    assert invoke("index", "--index", root / "ix", folder).exit_code == 0
    return root / "ix"


def titles(index_dir, *query) -> list[str]:
    result = invoke("search", "--index", index_dir, "--json", *query)
    assert result.exit_code == 0, result.output
    return [h["title"] for h in json.loads(result.stdout)["hits"]]


@pytest.mark.parametrize("number, title", [
    ("21-014446", "Akutpladser i vinterperioden"), ("EMN-2025-010561", "Demensvenlig kommune"),
    ("12/27845", "Ny plan for genoptræning"), ("2012-21786", "Budgetopfølgning på ældreområdet"),
    ("emn-2025-010561", "Demensvenlig kommune"),
])
def test_a_pasted_case_number_finds_its_case(case_index, number, title):
    assert titles(case_index, number)[0] == title


def test_the_case_comes_first_and_the_text_that_mentions_it_second(case_index):
    assert titles(case_index, "21-014446") == ["Akutpladser i vinterperioden", "Vagtplaner for sygeplejen"]
    assert titles(case_index, "12/27845") == ["Ny plan for genoptræning", "Vagtplaner for sygeplejen"]
    text = invoke("search", "--index", case_index, "21-014446").stdout
    assert "note: the items of case 21-014446 come first" in text
    # with other words: the case's items that have them first, then the text
    assert titles(case_index, "akutpladser", "21-014446") == ["Akutpladser i vinterperioden",
                                                              "Vagtplaner for sygeplejen"]
    # a number in quotes is words of the text only
    assert sorted(titles(case_index, '"21-014446"')) == ["Akutpladser i vinterperioden", "Vagtplaner for sygeplejen"]
    assert "come first" not in invoke("search", "--index", case_index, '"21-014446"').stdout


def test_hit_lines_and_stats_name_the_body_when_there_is_no_cluster(case_index, tmp_path):
    text = invoke("search", "--index", case_index, "akutpladser").stdout
    assert "Sundhedsudvalget, Lejre Kommune · 2025-04-02 · punkt 4" in text
    table = invoke("stats", "--index", case_index).stdout
    assert "(unknown)" not in table and "municipal committee" in table
    assert "  Sundhedsudvalget, Lejre Kommune" in table
    stats = json.loads(invoke("stats", "--index", case_index, "--json").stdout)
    assert stats["by_body"]["municipal committee"]["Sundhedsudvalget, Lejre Kommune"] == {"2025": 7}
    rows = invoke("stats", "--index", case_index, "--format", "csv").stdout.splitlines()
    assert rows[0] == "body_kind,body,year,items"


def test_a_municipal_committee_without_the_town_in_its_name_gets_it(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "m.txt", CASES_MAY.replace("Referat Sundhedsudvalget, Lejre Kommune",
                                              "Lejre Kommune\n\nReferat Sundhedsudvalget"))
    invoke("index", "--index", tmp_path / "ix", folder)
    text = invoke("search", "--index", tmp_path / "ix", "vagtplaner").stdout
    assert "Sundhedsudvalget · Lejre Kommune · 2025-05-07 · punkt 2" in text


def test_a_page_past_the_end_says_so(case_index):
    text = invoke("search", "--index", case_index, "godkendt", "--page", "50").stdout
    assert "page 50 is past the end: the last page is 1 (--page 1)" in text
    text = invoke("meetings", "--index", case_index, "--page", "9", "--limit", "1").stdout
    assert "page 9 is past the end: the last page is 2 (--page 2)" in text


def test_show_says_the_outcome_once(case_index):
    hit = json.loads(invoke("search", "--index", case_index, "akutpladser", "--json").stdout)["hits"][0]
    text = invoke("show", "--index", case_index, hit["id"]).stdout
    assert text.count("outcome:") == 1 and re.search(r"^outcome: +godkendt$", text, re.MULTILINE)


def test_meetings_csv_has_municipality_and_body_kind(case_index):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(invoke("meetings", "--index", case_index, "--format", "csv").stdout)))
    assert rows and all(r["municipality"] == "Lejre" and r["body_kind"] == "municipal committee" for r in rows)


def test_every_option_has_help_and_examples_show_real_ids(case_index):
    from tests.test_docs import all_commands

    for path, command in all_commands():
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, (path, param.name)
    some = json.loads(invoke("search", "--index", case_index, "akutpladser", "--json").stdout)["hits"][0]
    shape = re.compile(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+-\d+")  # date, who met, (a hash,) the item's number
    assert shape.fullmatch(some["id"]), some["id"]
    for command in ("show", "case", "open"):
        example = invoke(command, "--help").stdout.split("Example:")[1].split()[2]
        assert shape.fullmatch(example), (command, example)


@pytest.mark.parametrize("typed, meant", [("vinterperiden", "vinterperioden"), ("vinterperiden.", "vinterperioden."),
                                          ('"vinterperiden"', '"vinterperioden"')])
def test_did_you_mean_offers_another_query_than_the_one_typed(case_index, typed, meant):
    result = json.loads(invoke("search", "--index", case_index, typed, "--json").stdout)
    assert result["total"] and result["suggestion"] == meant != typed


def test_a_first_index_interrupted_leaves_an_empty_index_that_is_healthy(tmp_path):
    import signal

    from tests.indexer.faults import start_at_fault

    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "m.txt", CASES_MAY)
    ix = tmp_path / "ix"
    proc = start_at_fault(["index", "--index", str(ix), str(folder)], "before-commit", tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err
    found = invoke("search", "--index", ix, "vagtplaner")
    assert found.exit_code == 0 and "No items yet" in found.stdout
    check = invoke("check", "--index", ix)
    assert check.exit_code == 0 and check.stdout.rstrip().endswith("healthy"), check.stdout
