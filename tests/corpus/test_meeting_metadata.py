"""The body that met, its kind, municipality, region and cluster, and the meeting date, read from the header."""
from textwrap import dedent

import pytest

import corpus
from tests.conftest import write

ITEMS = """
1. Godkendelse af dagsorden
Beslutning
Godkendt.

2. Status på genoptræning i Viborg og Silkeborg
Sagsfremstilling
Regionshospitalet Viborg og Silkeborg Kommune har drøftet forløbene, jf. referat af mødet den 21. januar 2021.
Beslutning
Taget til efterretning, som besluttet på mødet den 25. november 2020.
"""


def read(tmp_path, header, name="m.txt"):
    return corpus.read(write(tmp_path / name, dedent(header) + ITEMS))


def test_municipal_committee_in_a_clusters_area_is_no_clusters_meeting(tmp_path):
    m = read(tmp_path, """\
        Roskilde Kommune
        Social- og Sundhedsudvalget - Referat - 14. marts 2024
        Mødested: Sjællands Universitetshospital, Roskilde
        """)
    assert (m.body, m.body_kind, m.municipality) == ("Social- og Sundhedsudvalget", "municipal committee", "Roskilde")
    assert (m.cluster, m.region, m.date) == (None, "Region Sjælland", "2024-03-14")


def test_region_wide_body_meeting_in_a_hospital_town(tmp_path):
    m = read(tmp_path, """\
        Møde i Sundhedskoordinationsudvalget den 22. november 2023 kl. 08:30
        Sted: Regionshuset Viborg, Skottenborg 26
        Region Midtjyllands sundhedsaftale
        """)
    assert (m.body, m.body_kind, m.cluster) == ("Sundhedskoordinationsudvalget", "sundhedsaftale body", None)
    assert (m.region, m.date) == ("Region Midtjylland", "2023-11-22")


def test_udvalg_field_and_regional_committee(tmp_path):
    m = read(tmp_path, """\
        Region Syddanmark
        Udvalg: Sundhedsudvalget
        Mødedato: 25-10-2016 kl. 15:00
        """)
    assert (m.body, m.body_kind, m.region, m.cluster) == ("Sundhedsudvalget", "regional committee", "Region Syddanmark", None)
    assert m.date == "2016-10-25"


def test_cluster_forum_gets_its_cluster_from_the_header(tmp_path):
    m = read(tmp_path, """\
        Referat Klyngestyregruppe Randers-klyngen
        Tid: den 7. juni 2023 kl. 08:30
        """)
    assert (m.body_kind, m.cluster, m.region) == ("cluster forum", "Randers-klyngen", "Region Midtjylland")


def test_sundhedsraad_by_its_title(tmp_path):
    m = read(tmp_path, """\
        Dagsorden Sundhedsråd Aarhus
        Mødedato: 3. marts 2027 kl. 14:00
        """)
    assert (m.body, m.body_kind, m.cluster, m.region) == ("Sundhedsråd Aarhus", "sundhedsråd", None, "Region Midtjylland")


def test_region_oestdanmark_from_2027(tmp_path):
    m = read(tmp_path, """\
        Referat Sundhedsudvalget
        Region Sjællands sundhedsudvalg
        Mødedato: 12. januar 2027
        """)
    assert (m.body_kind, m.region) == ("regional committee", "Region Østdanmark")


def test_other_body(tmp_path):
    m = read(tmp_path, """\
        Referat Ældrerådet, Greve Kommune
        Mødedato: 5. maj 2025
        """)
    assert (m.body_kind, m.municipality, m.cluster) == ("other", "Greve", None)


def test_body_guessed_from_decision_labels_is_warned(tmp_path):
    text = dedent("""\
        Åbent referat
        tirsdag den 4. december 2012, kl. 13:00
        i Mødecenter C på Ballerup Rådhus

        1. Meddelelser
        Sagsnr.: 2011-29298
        Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012
        Taget til efterretning

        2. Evaluering af rygestopkurser
        Indstilling
        Centret indstiller, at evalueringen tages til efterretning.
        Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012
        Taget til efterretning
        """)
    m = corpus.read(write(tmp_path / "m.txt", text))
    assert (m.body, m.body_kind, m.municipality, m.cluster) == (
        "Sundheds- og Forebyggelsesudvalget", "municipal committee", "Ballerup", None)
    assert any("guessed" in w for w in m.warnings)
    assert m.items[1].section_map()["beslutning"] == "Taget til efterretning"


def test_unknown_body_is_said_not_guessed_from_participants(tmp_path):
    m = read(tmp_path, """\
        Referat
        Mødedato: 5. maj 2025
        Deltagere: Anne Holm, Herning Kommune; Bo Dam, Regionshospitalet Gødstrup
        """)
    assert (m.body, m.cluster) == (None, None)
    assert any("body not recognised" in w for w in m.warnings)


@pytest.mark.parametrize("header, date, inferred", [
    ("Referat Sundhedsudvalget\nMødedato: 25-10-2016 kl. 15:00\n", "2016-10-25", False),
    ("Referat Sundhedsudvalget\nTorsdag, Marts 3, 2016 - 08:00\n", "2016-03-03", False),
    ("Referat Sundhedsudvalget\nden 22. november 2023 kl. 08:30\n", "2023-11-22", False),
    ("Referat Sundhedsudvalget\nMødedato: 25. september, 2025 kl. 12:30\n", "2025-09-25", False),
    ("Referat Sundhedsudvalget\nDato: 28. juni 2017\nMødedato: 9. juni 2017\n", "2017-06-09", False),
    (" 13. juni 2023\nReferat Sundhedsudvalget\nTidspunkt: Den 7. juni 2023 kl. 08:30\n", "2023-06-07", False),
    ("Referat Sundhedsudvalget d. 08-02-2024\n", "2024-02-08", False),
    ("Referat Sundhedsudvalget\nTid: 21.februar kl. 8.30\nOpfølgning på mødet 3. januar 2023\n", "2023-02-21", True),
    ("Referat Sundhedsudvalget\nAjourført: 29. august 2025\n", None, False),
    ("Referat Sundhedsudvalget\nSted: Rådhuset\n", None, False),
])
def test_meeting_date_only_from_the_header(tmp_path, header, date, inferred):
    m = read(tmp_path, header)
    assert (m.date, m.date_inferred) == (date, inferred)
    if date is None:
        assert any("no meeting date" in w for w in m.warnings)
