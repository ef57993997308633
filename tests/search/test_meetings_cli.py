"""The meeting model from the command line: a case followed over four meetings, the meeting list with
filters and formats, a meeting's agenda, `show` with sources and context, `open` at the PDF page, and
formalities ranked below substantive items."""
import json
import os
from textwrap import dedent

import pytest
from click.testing import CliRunner

import indexer
import search
from search.cli import EXIT_USAGE, main
from tests.conftest import BOTH_ENGINES, engine_env, referat_command
from tests.pdfwriter import make_pdf

pytestmark = BOTH_ENGINES

MEETING = dedent("""\
    Referat Klyngestyregruppe Randers-klyngen
    Mødedato: {date} kl. 9.00

    1. Godkendelse af dagsorden

    Beslutning
    Godkendt.

    2. Udskrivning af ældre medicinske patienter

    Sagsnr. 29.30.00-G01-4-22

    Sagsfremstilling
    {story}

    Beslutning
    {decision}

    3. Status på telemedicinsk sårvurdering

    Sagsfremstilling
    Projektet er i gang i {town}.

    Beslutning
    {status}

    4. Eventuelt

    Referat
    Budgettet for genoptræning blev nævnt kort.
    """)
ROUNDS = [  # written to files in another order than their dates
    ("2023-09-05", "5. september 2023", "Kommunerne beder om en fælles plan.", "Sagen blev drøftet.",
     "Taget til efterretning.", "Randers"),
    ("2023-03-02", "2. marts 2023", "Hospitalet foreslår en arbejdsgruppe.", "Udsat til næste møde.",
     "Taget til efterretning.", "Norddjurs"),
    ("2024-01-18", "18. januar 2024", "Planen er klar til godkendelse.", "Godkendt.", "Drøftet.", "Favrskov"),
    ("2023-06-01", "1. juni 2023", "Arbejdsgruppen har lavet et udkast.", "Taget til efterretning.",
     "Drøftet.", "Syddjurs"),
]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def index(tmp_path_factory, engine_name):
    folder = tmp_path_factory.mktemp("minutes")
    for n, (_, date, story, decision, status, town) in enumerate(ROUNDS):
        (folder / f"m{n}.txt").write_text(MEETING.format(date=date, story=story, decision=decision, status=status,
                                                         town=town), "utf-8")
    pages = [["Referat Direktørforum Sundhedsklynge Nord", "Mødedato: 30. november 2022 kl. 10.00", "",
              "1. Godkendelse af dagsorden", "", "Beslutning", "Godkendt uden bemærkninger."],
             ["2. Lægevagten i Vendsyssel", "", "Sagsfremstilling", "Vagtlægerne mangler i Hjørring.", "",
              "Beslutning", "Planen blev godkendt med en tilføjelse."],
             ["3. Genoptræning efter udskrivelse", "", "Beslutning", "Drøftet."]]
    (folder / "nord.pdf").write_bytes(make_pdf(pages, header="Sundhedsklynge Nord"))
    ix = tmp_path_factory.mktemp("ix") / "ix"
    with engine_env(engine_name):
        report = indexer.build(ix, [folder])
    assert (report.files, report.meetings, report.items) == (5, 5, 19)
    return ix


def item_id(ix, query):
    return search.run(ix, query, limit=1).hits[0].id


def test_a_case_by_number_is_listed_in_date_order_with_outcomes(index):
    first = item_id(index, '"ældre medicinske patienter" year:2023 "fælles plan"')
    case = json.loads(invoke("case", "--index", index, first, "--json").stdout)
    assert case["case_numbers"] == ["29.30.00-G01-4-22"]
    assert [a["date"] for a in case["appearances"]] == ["2023-03-02", "2023-06-01", "2023-09-05", "2024-01-18"]
    assert [a["outcome"] for a in case["appearances"]] == ["udsat", "taget til efterretning", "drøftet", "godkendt"]
    text = invoke("case", "--index", index, "29.30.00-G01-4-22").stdout
    assert text.index("2023-03-02") < text.index("2024-01-18") and "outcome: godkendt" in text


def test_a_status_item_without_a_number_is_linked_by_title_within_its_body(index):
    status = item_id(index, "sårvurdering Favrskov")
    case = search.open(index).case(status)
    assert len(case.appearances) == 4 and case.case_numbers == [] and case.linked_by == "title"
    formality = item_id(index, "title:eventuelt")
    result = invoke("case", "--index", index, formality)
    assert result.exit_code == EXIT_USAGE and "formality" in result.output


def test_meetings_list_with_filters_and_formats(index):
    text = invoke("meetings", "--index", index).stdout
    assert text.startswith("5 meetings") and text.index("2024-01-18") < text.index("2022-11-30")
    listing = json.loads(invoke("meetings", "--index", index, "--cluster", "randers", "--year", "2023",
                                "--format", "json").stdout)
    assert listing["total"] == 3
    assert [(m["date"], m["items"], m["versions"]) for m in listing["meetings"]] == [
        ("2023-09-05", 4, ["referat"]), ("2023-06-01", 4, ["referat"]), ("2023-03-02", 4, ["referat"])]
    tsv = invoke("meetings", "--index", index, "--from", "2024-01-01", "--format", "tsv").stdout.splitlines()
    header = tsv[0].split("\t")
    assert header[:3] == ["id", "date", "name"] and len(tsv) == 2
    assert dict(zip(header, tsv[1].split("\t"), strict=True))["versions"] == "referat"
    rows = invoke("meetings", "--index", index, "--year", "2024", "--format", "ndjson").stdout.splitlines()
    assert [json.loads(r)["date"] for r in rows] == ["2024-01-18"]
    bad = invoke("meetings", "--index", index, "--cluster", "nowhere")
    assert bad.exit_code == EXIT_USAGE


def test_meeting_agenda_and_show_with_sources_and_context(index):
    some = item_id(index, "Vagtlægerne Hjørring")
    agenda = invoke("meeting", "--index", index, some).stdout
    assert "Lægevagten i Vendsyssel  [godkendt]" in agenda and "Genoptræning efter udskrivelse  [drøftet]" in agenda
    shown = invoke("show", "--index", index, some).stdout
    assert "nord.pdf (pdf, referat, p. 2, item 2)" in shown
    assert "→   2. Lægevagten i Vendsyssel" in shown
    hits = invoke("search", "--index", index, "vagtlægerne").stdout
    assert "nord.pdf p. 2" in hits


def test_open_gives_the_pdf_page(index, tmp_path):
    some = item_id(index, "genoptræning udskrivelse")
    printed = invoke("open", "--index", index, "--print", some).stdout.strip()
    assert printed.startswith("file://") and printed.endswith("nord.pdf#page=3")

    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = {**os.environ, "PATH": str(bin_dir)}
    none = subprocess.run([referat_command(), "open", "--index", str(index), some], env=env, capture_output=True,
                          text=True, check=False)
    assert none.returncode == 0 and none.stdout.strip() == printed
    opener = bin_dir / "xdg-open"
    opener.write_text(f"#!/bin/sh\necho \"$1\" > {tmp_path / 'opened'}\n", "utf-8")
    opener.chmod(0o755)
    done = subprocess.run([referat_command(), "open", "--index", str(index), some], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == f"opened {printed}"
    assert (tmp_path / "opened").read_text("utf-8").strip() == printed


def test_formalities_rank_below_substantive_items(index):
    hits = search.run(index, "genoptræning", limit=10).hits
    titles = [h.title for h in hits]
    assert titles[0] == "Genoptræning efter udskrivelse" and titles[-1] == "Eventuelt"


def test_an_unfiltered_page_read_from_the_table_is_the_listing_of_the_whole_table(index, tmp_path):
    """`referat meetings` without filters parses only its page's rows of the meeting table; every page,
    either order, is what the listing of the whole table gives, and a table in the older one-line layout
    is read whole."""
    import shutil

    from indexer.meeting_table import TABLE_FILE

    def pages(ix_dir):
        out, read_whole = [], set()
        for sort in ("-date", "date"):
            for limit, page in ((50, 1), (2, 1), (2, 2), (2, 3), (3, 9)):
                with search.open(ix_dir) as fresh, search.open(ix_dir) as whole:
                    whole.bodies()  # the table read whole first: the listing filters it in memory
                    paged = fresh.meetings(sort=sort, limit=limit, page=page)
                    assert paged == whole.meetings(sort=sort, limit=limit, page=page), (sort, limit, page)
                    out.append([r.date for r in paged.rows])
                    read_whole.add(fresh._has("meetings"))
        return out, read_whole

    dates, read_whole = pages(index)
    assert read_whole == {False}
    assert dates[0] == ["2024-01-18", "2023-09-05", "2023-06-01", "2023-03-02", "2022-11-30"]
    assert dates[2:4] == [["2023-06-01", "2023-03-02"], ["2022-11-30"]] and dates[4] == []
    older = tmp_path / "ix"
    shutil.copytree(index, older)
    table = json.loads((older / TABLE_FILE).read_text("utf-8"))
    (older / TABLE_FILE).write_text(json.dumps({"generation": table["generation"], "meetings": table["meetings"]}),
                                    "utf-8")
    assert pages(older) == (dates, {True})
    short = tmp_path / "short"  # a row gone from the middle: the count disagrees, the table is read whole
    shutil.copytree(index, short)
    lines = (short / TABLE_FILE).read_text("utf-8").split("\n")
    (short / TABLE_FILE).write_text("\n".join(lines[:2] + lines[3:]), "utf-8")
    assert pages(short)[1] == {True}
