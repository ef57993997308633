"""Cluster and region from names, hospitals and participants' municipalities; the user's override file."""
import json
from textwrap import dedent

import corpus
from tests.conftest import write

ITEMS = "\n1. Godkendelse af dagsorden\n\nBeslutning\nGodkendt.\n\n2. Eventuelt\n\nReferat\nIntet.\n"


def meeting(tmp_path, header, registry=None):
    return corpus.read(write(tmp_path / "m.txt", dedent(header) + ITEMS), registry)


def test_sundhedsklynge_midt_is_not_midtklyngen(tmp_path):
    a = meeting(tmp_path, "REFERAT Direktørforum Sundhedsklynge Midt d. 08-02-2024\n")
    assert (a.cluster, a.region) == ("Sundhedsklynge Midt", "Region Nordjylland")
    b = meeting(tmp_path, "Referat KLYNGESTYREGRUPPEMØDE MIDTKLYNGEN\nTidspunkt: Den 7. juni 2023\n")
    assert (b.cluster, b.region) == ("Midtklyngen", "Region Midtjylland")


def test_cluster_from_participants_municipalities_only(tmp_path):
    m = meeting(tmp_path, """\
        Dagsorden Faglig Operationel gruppe Voksen Somatik.
        Tid: 21. februar 2023 kl. 8.30

        Deltagere.
        Struer kommune	Lotte Jensen, Velfærdsdirektør
        Herning kommune	Anne Holm, Sundhedschef
        Lemvig Kommune	Merete Kristensen, Ældrechef
        RH Gødstrup	Bodil Overgaard, Chefsygeplejerske
        """)
    assert (m.cluster, m.region) == ("Gødstrup-klyngen", "Region Midtjylland")
    assert m.forum == "Faglig Operativ Gruppe Voksen Somatik"
    assert len(m.participants) == 4


def test_nordjylland_participants_give_sundhedsklynge_midt(tmp_path):
    m = meeting(tmp_path, """\
        Referat Direktørforum 12. januar 2024
        Deltagere:
        Bente Hansen, Direktør i Aalborg Kommune
        Hanne Madsen, Direktør i Jammerbugt Kommune
        Lisbeth Lund, Aalborg Universitetshospital
        """)
    assert m.cluster == "Sundhedsklynge Midt"


def test_unknown_body_warns_and_user_registry_adds_it(tmp_path):
    header = "Referat Sundhedsråd Vestfyn\nMødedato: 3. marts 2027\n"
    plain = meeting(tmp_path, header)
    assert (plain.cluster, plain.body, plain.body_kind) == (None, "Sundhedsråd Vestfyn", "sundhedsråd")
    unknown = meeting(tmp_path, "Referat Direktørforum\nMødedato: 3. marts 2024\n")
    assert unknown.cluster is None
    assert any("cluster not recognised" in w for w in unknown.warnings)
    registry = tmp_path / "extra.json"
    registry.write_text(json.dumps({"bodies": [
        {"name": "Sundhedsråd Fyn", "region": "Region Syddanmark", "aliases": ["Sundhedsråd Vestfyn"]}
    ]}), "utf-8")
    extended = meeting(tmp_path, header, str(registry))
    assert (extended.cluster, extended.region) == ("Sundhedsråd Fyn", "Region Syddanmark")
    assert extended.forum == "Sundhedsråd"


def test_user_registry_overrides_a_builtin_body(tmp_path):
    registry = tmp_path / "override.json"
    registry.write_text(json.dumps({"bodies": [
        {"name": "Midtklyngen", "region": "Region Midt (ny)", "aliases": ["Midtklyngen"]}
    ]}), "utf-8")
    m = meeting(tmp_path, "Referat Klyngestyregruppe Midtklyngen 7. juni 2023\n", str(registry))
    assert m.region == "Region Midt (ny)"


def test_broken_registry_file_is_a_clear_error(tmp_path):
    import pytest

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(corpus.RegistryError, match="not valid JSON"):
        meeting(tmp_path, "Referat\n", str(bad))


def test_user_registry_adds_a_body_of_another_kind(tmp_path):
    registry = tmp_path / "extra.json"
    registry.write_text(json.dumps({"bodies": [
        {"name": "Sundhedsråd Vesterhavet", "kind": "sundhedsråd", "region": "Region Syddanmark",
         "aliases": ["Sundhedsråd Vesterhavet", "SR Vesterhavet"]}
    ]}), "utf-8")
    m = meeting(tmp_path, "Referat SR Vesterhavet\nMødedato: 3. marts 2027\n", str(registry))
    assert (m.body_kind, m.region, m.cluster) == ("sundhedsråd", "Region Syddanmark", None)
