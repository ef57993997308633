"""The same invented minutes indexed into Whoosh (indexer.build) and into OpenSearch (the OpenSearch
WriteEngine, indexer.engines.opensearch), for the searching side's tests: the items indexer.build
writes to Whoosh are caught as it writes them and written as one generation of an OpenSearch index of
the session's own (2 shards, 1 replica: scoring must not depend on how items fall on shards).
"""
from __future__ import annotations

import importlib
import uuid
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.firstagenda import write_meeting

# Invented meetings of one municipality's committees: cases that travel committee -> Økonomiudvalget ->
# Byråd (grouping), words in titles and decisions (field weights), items without a case, and a formality
# (the agenda's approval) beside a substantive item with the same words.
ROUTE = (("Social- og Sundhedsudvalget", "2023-02-15"), ("Økonomiudvalget", "2023-03-01"),
         ("Byråd", "2023-03-13"))
CASES = (("Genoptræning efter udskrivelse fra hospitalet", "23-001122", "Anbefales med tilføjelse om genoptræning."),
         ("Demensvenlig plejebolig i Karlslunde", "23-003344", "Godkendt."),
         ("Rehabilitering og hjemmepleje: ny kvalitetsstandard", "23-005566",
          "Kvalitetsstandarden for hjemmepleje godkendes."))


def _committee_meetings(folder: Path) -> None:
    for n, (committee, when) in enumerate(ROUTE):
        items: list[tuple[str, str, str, str | None]] = [("1", "Godkendelse af dagsorden", "", "Godkendt.")]
        items += [(str(k + 2), title, case, decision) for k, (title, case, decision) in enumerate(CASES[:n + 1])]
        items.append((str(len(items) + 1), f"Orientering om sygefravær i hjemmeplejen ({committee})", "",
                      "Taget til efterretning." if n else None))
        items.append((str(len(items) + 1), "Udskrivelse af borgere med demens: status på samarbejdet i Tele-KOL", "",
                      "Drøftet; genoptræning tages op igen."))
        items.append((str(len(items) + 1), "Godkendelse af tillægsbevilling", "", "Godkendt."))
        write_meeting(folder / f"udvalg-{n}.json", committee, when, items,
                      participants=("Hanne Lykke", "Peter Dam"))


def opensearch_config(url: str, index: str):
    from indexer.engine import EngineConfig

    return EngineConfig("opensearch", url=url, index=index, shards=2, replicas=1)


def built_twice(folder: Path, sources: list[Path], url: str, index: str) -> Path:
    """indexer.build of `sources` into `folder` (Whoosh), and the items it wrote as the next generation
    of the OpenSearch alias `index` (made by the first call)."""
    from indexer.engines.opensearch import OpenSearchWriteEngine
    from tests.engines.opensearch_support import write_generation

    build = importlib.import_module("indexer.build")  # the module (the package exports the function)
    written: list[dict] = []
    real = build.merged_documents

    def capture(meeting):
        docs = real(meeting)
        written.extend(docs)
        return docs

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "merged_documents", capture)
        report = build.build(folder, sources)
    assert not report.failed, report.failed
    writer = OpenSearchWriteEngine(folder, opensearch_config(url, index))
    if not writer.exists():
        writer.create()
    write_generation(writer, written)
    writer.close()
    return folder


def drop_index(url: str, index: str) -> None:
    """Every physical index of the alias `index`."""
    from indexer.engines.opensearch import OpenSearchWriteEngine
    from tests.engines.opensearch_support import drop

    drop(OpenSearchWriteEngine(".", opensearch_config(url, index)))


@pytest.fixture(scope="session")
def twin_indexes(tmp_path_factory, opensearch_url):
    """(Whoosh index folder, OpenSearch EngineConfig) holding the same items: the repository's sample
    minutes and invented committee meetings whose cases travel to the city council."""
    root = tmp_path_factory.mktemp("twins")
    _committee_meetings(root / "udvalg")
    index = f"osr-test-{uuid.uuid4().hex[:10]}"
    try:
        folder = built_twice(root / "ix", [SAMPLE, root / "udvalg"], opensearch_url, index)
        yield folder, opensearch_config(opensearch_url, index)
    finally:
        drop_index(opensearch_url, index)
