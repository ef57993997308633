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
