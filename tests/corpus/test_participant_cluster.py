"""A meeting whose header names no body: its participant list, as a whole, may be one cluster's meeting."""
from textwrap import dedent

import pytest

import corpus
from tests.conftest import write

MEETING = dedent("""\
    Dagsorden

    Mødedato: 12. marts 2025 kl. 13.00-15.00
    Sted: Mødelokale 2, Regionshospitalet Randers

    Deltagere:
    {participants}

    1. Godkendelse af dagsorden

    Beslutning
    Godkendt.

    2. Fælles indsats for ældre medicinske patienter

    Sagsfremstilling
    Klyngestyregruppen drøftede på sidste møde en fælles indsats, og klyngestyregruppen ønsker nu en plan.
    Indsatsen prøves først i Silkeborg.

    Beslutning
    Taget til efterretning.
    """)

CLUSTER = ["Hanne Krog, hospitalsdirektør, Regionshospitalet Randers", "Peter Lund, sundhedschef, Randers Kommune",
           "Signe Bak, direktør, Favrskov Kommune", "Ole Mørk, direktør, Norddjurs Kommune",
           "Lis Dam, direktør, Syddjurs Kommune", "Karen Vest, praksiskoordinator, almen praksis",
           "Jens Holt, planlægningschef, Region Midtjylland"]


def read(tmp_path, participants):
    return corpus.read(write(tmp_path / "m.txt", MEETING.format(participants="\n".join(participants))))


def test_a_list_of_exactly_one_cluster_s_organisations_is_that_cluster_s_meeting(tmp_path):
    meeting = read(tmp_path, CLUSTER)
    assert (meeting.cluster, meeting.cluster_inferred) == ("Randers-klyngen", True)
    assert (meeting.body, meeting.body_kind) == ("Klyngestyregruppe", "cluster forum")
    assert meeting.forum == "Klyngestyregruppe"
    assert meeting.region == "Region Midtjylland" and meeting.municipality is None
    assert meeting.to_json()["cluster_inferred"] is True
    assert any("inferred from the participant list" in w for w in meeting.warnings)


@pytest.mark.parametrize("participants", [
    CLUSTER[:-1] + ["Mads Nord, direktør, Aarhus Kommune"],  # a municipality of another cluster
    CLUSTER + ["Eva Strand, konsulent, Danske Regioner"],  # an organisation outside the cluster
    CLUSTER[:1],  # one employer
    CLUSTER[1:],  # municipalities without the hospital
    [CLUSTER[0], CLUSTER[1]],  # the hospital and one municipality of four
])
def test_a_list_with_anyone_else_or_too_few_is_no_cluster_s(tmp_path, participants):
    meeting = read(tmp_path, participants)
    assert (meeting.cluster, meeting.cluster_inferred) == (None, False)
    assert meeting.body is None


def test_the_inferred_cluster_filters_and_is_marked_in_the_index(tmp_path):
    import indexer
    import search

    read(tmp_path, CLUSTER)
    indexer.build(tmp_path / "ix", [tmp_path / "m.txt"])
    with search.open(tmp_path / "ix") as ix:
        [hit] = ix.search("indsats", cluster="randers").hits
        assert ix.show(hit.id).marks.get("cluster_inferred") is True
