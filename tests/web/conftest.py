"""An index of the sample minutes plus two invented meetings, built once for the web tests: one whose
text carries markup (<script>, <img>), and its follow-up, where a case comes back. `make_corpus` writes
them anywhere a test needs a fresh index."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, engine_env, write

# An invented meeting in the real TXT layout. Item 2 quotes markup that must reach the browser as text.
HOSTILE_MEETING = """Referat Klyngestyregruppe, Gødstrup-klyngen

Mødedato: 20. januar 2025 kl. 9.00-11.00
Sted: Mødelokale 1, Regionshospitalet Gødstrup

Deltagere:
Karen Holm, direktør, Herning Kommune (formand)
Ole Bech, hospitalsdirektør, Regionshospitalet Gødstrup

Dagsorden

1. Godkendelse af dagsorden

Indstilling:
At dagsordenen godkendes.

Beslutning:
Godkendt.

2. Hjemmeside med <script>alert('xss')</script> i teksten

Indstilling
At gruppen drøfter den nye hjemmeside for telemedicin, hvor koden <script>alert('xss')</script> blev fundet i et indlæg.

Sagsfremstilling
Leverandøren har fjernet <img src=x onerror=alert(1)> fra siden. Telemedicin skal fortsat beskrives for borgerne.

Beslutning
Taget til efterretning.

3. Telemedicin i hjemmeplejen (sagsnr. 24/01234)

Indstilling
At gruppen godkender planen for telemedicin i hjemmeplejen.

Beslutning
Godkendt.
"""
HOSTILE_FILE = "2025-01-20_goedstrup-klyngen_klyngestyregruppe.txt"
# The same body two months later: the case of item 3 comes back, so the item has a case history.
FOLLOW_UP_MEETING = """Referat Klyngestyregruppe, Gødstrup-klyngen

Mødedato: 24. marts 2025 kl. 9.00-10.30
Sted: Mødelokale 1, Regionshospitalet Gødstrup

Deltagere:
Karen Holm, direktør, Herning Kommune (formand)
Ole Bech, hospitalsdirektør, Regionshospitalet Gødstrup

Dagsorden

1. Godkendelse af dagsorden

Beslutning:
Godkendt.

2. Telemedicin i hjemmeplejen, status efter tre måneder (sagsnr. 24/01234)

Sagsfremstilling
Planen er taget i brug i to kommuner. Borgerne er tilfredse med videoopkaldene.

Beslutning
Taget til efterretning.
"""
FOLLOW_UP_FILE = "2025-03-24_goedstrup-klyngen_klyngestyregruppe.txt"


def make_corpus(folder: Path) -> Path:
    """The sample minutes and the invented meeting, copied into `folder`."""
    shutil.copytree(SAMPLE, folder, dirs_exist_ok=True)
    write(folder / HOSTILE_FILE, HOSTILE_MEETING)
    write(folder / FOLLOW_UP_FILE, FOLLOW_UP_MEETING)
    return folder


@pytest.fixture(scope="session")
def web_index(tmp_path_factory, engine_name) -> Path:
    import indexer

    root = tmp_path_factory.mktemp("web")
    index_dir = root / "ix"
    with engine_env(engine_name):
        report = indexer.build(index_dir, [make_corpus(root / "minutes")])
    assert report.failed == [] and report.files == 6
    return index_dir


@pytest.fixture(scope="session")
def client(web_index):
    from starlette.testclient import TestClient

    from search.web import create_app

    with TestClient(create_app(web_index)) as test_client:
        yield test_client
