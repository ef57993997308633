"""Meeting identity, copies, agenda/minutes versions, case keys and formalities (pure functions)."""
from textwrap import dedent

import pytest

import corpus
from indexer.cases import case_keys, formality
from indexer.meetings import group_documents, meeting_key, merge
from tests.conftest import BOTH_ENGINES, write

pytestmark = BOTH_ENGINES

AGENDA = dedent("""\
    Dagsorden Klyngestyregruppe Horsens-klyngen
    Mødedato: 14. marts 2024 kl. 13.00

    1. Godkendelse af dagsorden

    2. Rekruttering af sygeplejersker på tværs af sektorer

    Sagsnr. 27.00.00-A00-12-24

    Indstilling
    At gruppen drøfter en fælles rekrutteringsindsats.

    Sagsfremstilling
    Kommunerne og hospitalet mangler sygeplejersker i hjemmeplejen og på medicinsk afdeling.

    3. Status på TeleKOL

    Sagsfremstilling
    Projektgruppen giver en status på udrulningen af telemedicin til borgere med KOL.

    4. Eventuelt
    """)

MINUTES = AGENDA.replace("Dagsorden Klyngestyregruppe", "Referat Klyngestyregruppe").replace(
    "4. Eventuelt\n", "4. Eventuelt\n\nBeslutning\nIntet.\n").replace(
    "på medicinsk afdeling.\n", "på medicinsk afdeling.\n\nBeslutning\nGodkendt. Arbejdsgruppen nedsættes.\n").replace(
    "til borgere med KOL.\n", "til borgere med KOL.\n\nBeslutning\nTaget til efterretning.\n")

SUPPLEMENT = dedent("""\
    Tillægsdagsorden Klyngestyregruppe Horsens-klyngen
    Mødedato: 14. marts 2024 kl. 13.00

    5. Vagtlægeordningen i sommerperioden

    Sagsfremstilling
    Der er mangel på vagtlæger i juli.
    """)


def read(tmp_path, name, text):
    return corpus.read(write(tmp_path / name, text))


def test_agenda_and_minutes_are_one_meeting_with_the_decision(tmp_path):
    agenda, minutes = read(tmp_path, "d.txt", AGENDA), read(tmp_path, "r.txt", MINUTES)
    assert (agenda.kind, minutes.kind) == ("dagsorden", "referat")
    assert meeting_key(agenda) == meeting_key(minutes)
    [group] = group_documents([agenda, minutes])
    meeting = merge(group)
    assert meeting.versions == ("dagsorden", "referat")
    assert [i.item.title for i in meeting.items] == [
        "Godkendelse af dagsorden", "Rekruttering af sygeplejersker på tværs af sektorer", "Status på TeleKOL",
        "Eventuelt"]
    recruit = meeting.items[1]
    assert recruit.item.outcome == "godkendt"
    assert "Arbejdsgruppen nedsættes" in recruit.item.section_map()["beslutning"]
    assert "fælles rekrutteringsindsats" in recruit.item.section_map()["indstilling"]
    assert recruit.versions == ("dagsorden", "referat")
    assert {s.kind for s in recruit.sources} == {"dagsorden", "referat"}
    assert recruit.primary.kind == "referat" and recruit.primary.path.endswith("r.txt")


def test_a_decision_changes_the_digest_and_a_copy_does_not(tmp_path):
    agenda, minutes = read(tmp_path, "d.txt", AGENDA), read(tmp_path, "r.txt", MINUTES)
    alone = merge([agenda])
    with_copy = merge([agenda], {agenda.content_hash: [str(tmp_path / "copy.txt")]})
    decided = merge([agenda, minutes])
    assert [i.id for i in alone.items] == [i.id for i in decided.items] == [i.id for i in with_copy.items]
    assert [i.digest for i in alone.items] == [i.digest for i in with_copy.items]
    assert len(with_copy.items[1].sources) == 2
    assert alone.items[1].digest != decided.items[1].digest


def test_supplementary_agenda_items_join_the_meeting(tmp_path):
    docs = [read(tmp_path, "d.txt", AGENDA), read(tmp_path, "t.txt", SUPPLEMENT)]
    [group] = group_documents(docs)
    meeting = merge(group)
    assert [i.item.number for i in meeting.items] == ["1", "2", "3", "4", "5"]
    assert meeting.items[-1].versions == ("tillægsdagsorden",)


def test_different_bodies_or_unknown_dates_are_never_merged(tmp_path):
    other = read(tmp_path, "o.txt", AGENDA.replace("Horsens-klyngen", "Randers-klyngen"))
    undated = [read(tmp_path, f"u{n}.txt", AGENDA.replace("Mødedato: 14. marts 2024 kl. 13.00", f"Version {n}"))
               for n in (1, 2)]
    assert undated[0].date is None
    groups = group_documents([read(tmp_path, "d.txt", AGENDA), other] + undated)
    assert len(groups) == 4


@pytest.mark.parametrize("title, name", [
    ("Godkendelse af dagsorden", "godkendelse af dagsorden"),
    ("Godkendelse af referat fra sidste møde", "godkendelse af referat"),
    ("Underskriftsark", "underskriftsark"),
    ("Evt.", "eventuelt"),
    ("Meddelelser", "meddelelser"),
    ("Velkomst og godkendelse af dagsorden", "velkomst"),
    ("Godkendelse af opdateret kommissorium", None),
    ("Status på TeleKOL", None),
])
def test_formalities(title, name):
    assert formality(title) == name


def test_case_keys():
    assert case_keys("Eventuelt", (), "b") == ()
    assert case_keys("Budget", ("27.00.00-a00-1-24", "27.00.00-A00-1-24 "), "b") == ("sag:27.00.00-A00-1-24",)
    assert case_keys("Status på TeleKOL", (), "horsens") == case_keys("Status på  TeleKOL.", (), "horsens")
    assert case_keys("Status på TeleKOL", (), "horsens") != case_keys("Status på TeleKOL", (), "randers")


def test_two_meetings_of_one_body_on_one_day_stay_apart(tmp_path):
    morning = read(tmp_path, "a.txt", AGENDA)
    afternoon = read(tmp_path, "b.txt", AGENDA.replace("Rekruttering af sygeplejersker på tværs af sektorer",
                                                       "Budget for genoptræning").replace(
        "Status på TeleKOL", "Status på økonomien"))
    assert meeting_key(morning) == meeting_key(afternoon)
    groups = group_documents([morning, afternoon])
    assert len(groups) == 2
    first, second = merge(groups[0], taken=set()), merge(groups[1], taken={merge(groups[0]).id})
    assert first.id != second.id and len(second.items) == 4


def test_similar_titles_under_one_number_are_different_items(tmp_path):
    agenda = read(tmp_path, "d.txt", AGENDA)
    changed = read(tmp_path, "r.txt", MINUTES.replace("Status på TeleKOL", "Status på økonomien"))
    meeting = merge([agenda, changed])
    titles = [i.item.title for i in meeting.items]
    assert "Status på TeleKOL" in titles and "Status på økonomien" in titles
