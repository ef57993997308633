"""Every date format seen in minutes, the meeting date over the writing date, and year inference."""
import pytest

from corpus.dates import find_dates, infer_year, meeting_date


@pytest.mark.parametrize("text, iso", [
    ("Tid: 21.februar 2023 kl. 8.30", "2023-02-21"),
    ("den 27. november 2024 kl. 08:30", "2024-11-27"),
    ("Den 7. juni 2023", "2023-06-07"),
    ("Mødedato: 9. juni 2017", "2017-06-09"),
    ("REFERAT Direktørforum d. 08-02-2024", "2024-02-08"),
    ("Mødedato Torsdag d. 08. februar 2024 kl. 14:00", "2024-02-08"),
    ("Møde 2024-05-03", "2024-05-03"),
    ("Møde 3.5.2024", "2024-05-03"),
    ("Møde 12. okt. 2022", "2022-10-12"),
])
def test_date_formats(text, iso):
    assert meeting_date(text, text) == (iso, False)


def test_the_meeting_date_beats_the_date_the_minutes_were_written():
    header = "13. juni 2023\n\nReferat Klyngestyregruppe\n\nTidspunkt: Den 7. juni 2023 kl. 08:30 - 11.30\n"
    assert meeting_date(header, header) == ("2023-06-07", False)
    header = "Referat\nDato: 28. juni 2017\nMødedato: 9. juni 2017\n"
    assert meeting_date(header, header) == ("2017-06-09", False)


def test_year_is_inferred_from_the_text():
    header = "Dagsorden\nTid: 21.februar kl. 8.30 – 11.30\n"
    body = (
        "Sundhedsstyregruppen godkendte den 10. november 2022 anbefalingerne. "
        "Sundhedsstyregruppen besluttede 15. november 2021 en evaluering. "
        "Lemvig laver en undersøgelse i marts 2023. Kick-off i september 2023. Data fra 2021 og 2022."
    )
    assert meeting_date(header, header + body) == ("2023-02-21", True)


def test_year_inference_prefers_the_year_the_references_surround():
    text = "Næste møde 5. maj 2019. Budget for 2019. Godkendt 1. december 2018."
    assert infer_year(14, 3, text) == 2019


def test_no_date_at_all():
    assert meeting_date("Referat uden dato", "Referat uden dato") == (None, False)


def test_invalid_dates_are_ignored():
    assert find_dates("31. februar 2023 og 45-13-2023") == []


def _read(tmp_path, text, name="m.txt"):
    from textwrap import dedent

    import corpus
    from tests.conftest import write
    return corpus.read(write(tmp_path / name, dedent(text)))


_HEADER_ROWS = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in [
    ("UDVALG", "Beskæftigelsesudvalget"), ("MØDESTED", "Mødelokale 2, Rådhuset"), ("MØDENUMMER", "3"),
    ("SAGSBEHANDLER", "Lone Berg"), ("FRAVÆR", "Ingen"), ("DELTAGERE", "Alle"), ("STATUS", "Offentliggjort"),
    ("OPRETTET", "15-03-2022 10:12:40"), ("STARTTIDSPUNKT", "22-03-2022 16:00:00"), ("SLUTTIDSPUNKT", "22-03-2022 18:00:00")])


@pytest.mark.parametrize("rows", [_HEADER_ROWS, _HEADER_ROWS.replace("</td><td>", "</td></tr><tr><td>")])
def test_a_start_field_deep_in_an_export_header_is_the_meeting_date(tmp_path, rows):
    m = _read(tmp_path, f"""\
        <html><body><main>
        <h1>Referat</h1>
        <table>{rows}</table>
        <h2>1. Godkendelse af dagsorden</h2><h3>Beslutning</h3><p>Godkendt.</p>
        <h2>2. Ledighed i kommunen</h2><h3>Beslutning</h3><p>Taget til efterretning.</p>
        </main></body></html>
        """, name="m.html")
    assert m.date == "2022-03-22" and len(m.items) == 2


@pytest.mark.parametrize("field", ["Mødetidspunkt: torsdag den 3. november 2022 kl. 17.00",
                                   "Tid: 3. november 2022, 17.00-19.00", "Mødetidspunkt\n03-11-2022 17:00"])
def test_meeting_time_fields(tmp_path, field):
    m = _read(tmp_path, "Referat Handicaprådet\nDato: 10. november 2022\n" + field + """

1. Tilgængelighed på rådhuset
Beslutning
Drøftet.
""")
    assert m.date == "2022-11-03"


def test_a_date_line_above_the_title_beats_an_earlier_meeting_named_before_the_items(tmp_path):
    m = _read(tmp_path, """\
        9. juni 2023
        Ældrerådsmøde, juni 2023

        Ældrerådet godkendte referatet af mødet den 12. maj 2023 og tog derefter hul på dagens punkter.

        1. Nyt fra plejecentrene
        Formanden orienterede om besøg på to plejecentre.

        2. Eventuelt
        Intet.
        """)
    assert m.date == "2023-06-09"


def test_the_date_beside_the_title_beats_the_dateline_the_minutes_were_written_on(tmp_path):
    m = _read(tmp_path, """\
        Skanderborg, den 6. juli 2023

        Referat fra Ældrerådet
        1. juli 2023

        1. Godkendelse af dagsorden
        Beslutning
        Godkendt.
        """)
    assert m.date == "2023-07-01"
