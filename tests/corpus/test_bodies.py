"""The body that held a meeting: its kind, municipality, region, and a cluster only for a cluster's forums."""
import pytest

from corpus.bodies import BodyInfo, body_kinds, describe_body
from corpus.registry import load


@pytest.fixture(scope="module")
def registry():
    return load()


def test_municipal_committee_inside_a_cluster_area_gets_no_cluster(registry):
    info = describe_body("Sundheds- og Omsorgsudvalget", "Greve Kommune\nMødedato: 14-03-2022 kl. 16:00\n", registry)
    assert info == BodyInfo("Sundheds- og Omsorgsudvalget", "municipal committee", "Greve", None, "Region Sjælland")


def test_municipality_from_genitive_and_regionskommune(registry):
    assert describe_body("Social- og Sundhedsudvalget", "Københavns Kommune", registry).municipality == "København"
    info = describe_body("Byrådet", "Bornholms Regionskommune\nRådhuset", registry)
    assert (info.body_kind, info.municipality, info.region) == ("municipal committee", "Bornholm", "Region Hovedstaden")


def test_cluster_forum_named_with_its_cluster(registry):
    info = describe_body("Direktørforum Sundhedsklynge Midt", "", registry)
    assert (info.body_kind, info.cluster, info.region) == ("cluster forum", "Sundhedsklynge Midt", "Region Nordjylland")


def test_cluster_forum_placed_by_its_participants_not_its_venue(registry):
    text = ("Sted: Mødelokale 2, Regionshospitalet Randers\nDeltagere:\nStruer Kommune, Lotte Hansen\n"
            "Herning Kommune, Anne Holm\nRH Gødstrup, Bodil Dam\n")
    info = describe_body("Faglig Operativ Gruppe Voksen Somatik", text, registry)
    assert (info.body_kind, info.cluster, info.region) == ("cluster forum", "Gødstrup-klyngen", "Region Midtjylland")


def test_region_wide_body_meeting_in_a_hospital_town_gets_no_cluster(registry):
    text = "Mødested: Regionshuset Viborg, Skottenborg 26\nRegion Midtjyllands sundhedsaftale 2024-2027\n"
    info = describe_body("Sundhedskoordinationsudvalget", text, registry)
    assert info == BodyInfo("Sundhedskoordinationsudvalget", "sundhedsaftale body", None, None, "Region Midtjylland")


def test_sundhedsraad_by_title_alone(registry):
    info = describe_body("Sundhedsråd Sønderjylland", "", registry)
    assert (info.body_kind, info.cluster, info.region) == ("sundhedsråd", None, "Region Syddanmark")
    unknown = describe_body("Sundhedsråd Vesterhavet", "", registry)
    assert (unknown.body_kind, unknown.cluster) == ("sundhedsråd", None)


def test_regional_committee_and_genitive_region(registry):
    info = describe_body("Sundhedsudvalget", "Region Sjællands sundhedsudvalg holder møde", registry)
    assert (info.body_kind, info.region, info.cluster) == ("regional committee", "Region Sjælland", None)
    near = describe_body("Udvalget for det nære sundhedsvæsen", "Region Hovedstaden", registry)
    assert (near.body_kind, near.region) == ("regional committee", "Region Hovedstaden")


def test_region_renamed_by_the_reform(registry):
    assert describe_body("Sundhedsudvalget", "Region Sjælland", registry, year=2027).region == "Region Østdanmark"
    assert describe_body("Sundhedsudvalget", "Region Sjælland", registry, year=2026).region == "Region Sjælland"


def test_other_bodies_and_unknown(registry):
    info = describe_body("Ældrerådet", "Roskilde Kommune", registry)
    assert (info.body_kind, info.municipality, info.cluster) == ("other", "Roskilde", None)
    assert describe_body("Psykiatrisk Dialogforum", "", registry).body_kind == "other"
    assert describe_body(None, "Et notat uden afsender", registry) == BodyInfo(None, None, None, None, None)


def test_body_kinds_declared_once():
    assert body_kinds() == ("cluster forum", "sundhedsråd", "regional committee", "municipal committee",
                            "sundhedsaftale body", "other")


def test_all_98_municipalities_with_their_region(registry):
    per_region: dict[str, int] = {}
    for _, region in registry.municipalities:
        per_region[region] = per_region.get(region, 0) + 1
    assert per_region == {"Region Hovedstaden": 29, "Region Sjælland": 17, "Region Syddanmark": 22,
                          "Region Midtjylland": 19, "Region Nordjylland": 11}
    assert registry.municipality_region("Ikast-Brande") == "Region Midtjylland"
    assert "Region Østdanmark" in registry.regions
