"""Helpers of the OpenSearch engine's tests: invented minutes, their items, an engine on a test index."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import corpus
from indexer.build import item_documents
from indexer.engine import EngineConfig
from indexer.engines.opensearch import OpenSearchWriteEngine, lexicon

MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]
TOPICS = ["Tele-KOL til borgere med kronisk obstruktiv lungesygdom", "IV-behandling i eget hjem",
          "Tvangs- og genindlæggelser i psykiatrien", "Rekruttering af sygeplejersker til akutteamet",
          "Sundheds- og omsorgsplan for ældreområdet", "Demens og pårørende i hjemmeplejen"]


def meeting_text(n: int, version: str = "") -> str:
    """An invented referat of three items, some with hyphenated words, case numbers and participants."""
    date = f"{n % 28 + 1}. {MONTHS[n // 28 % 12]} {2020 + n // 336}"
    items = []
    for k in range(3):
        topic = TOPICS[(n + k) % len(TOPICS)]
        items.append(f"{k + 1}. {topic} {version}\n\nSagsnr.: 24-{n:03d}{k:03d}\n\nIndstilling\nAt gruppen drøfter "
                     f"{topic.lower()} og de næste skridt for plan {n}.\n\nSagsfremstilling\nKlyngen har set på "
                     f"{topic.lower()} i {n % 5 + 2} kommuner. Tele-KOL og IV-behandling indgår.\n\nBeslutning\n"
                     f"{'Godkendt.' if k % 2 else 'Taget til efterretning.'}\n")
    return (f"Referat Faglig Strategisk Gruppe, Horsens-klyngen\n\nMødedato: {date} kl. 13.00-15.00\n\n"
            f"Deltagere:\nHanne Lykke, direktør, Horsens Kommune\nPeter Dam, hospitalsdirektør\n\nDagsorden\n\n"
            + "\n".join(items))


def write_minutes(folder: Path, numbers, version: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in numbers:
        path = folder / f"referat-{n:04d}.txt"
        path.write_text(meeting_text(n, version), "utf-8")
        paths.append(path)
    return paths


def items(paths) -> list[dict]:
    """The items indexer.build writes for these files, each read alone."""
    return [doc for path in paths for doc in item_documents(corpus.read(str(path)))]


def by_meeting(docs: list[dict]) -> dict[str, list[dict]]:
    meetings: dict[str, list[dict]] = {}
    for doc in docs:
        meetings.setdefault(doc["meeting"], []).append(doc)
    return meetings


def engine(url: str, index_dir: Path, *, name: str | None = None, **settings) -> OpenSearchWriteEngine:
    """An engine on an index of this test's own (`osw-test-...`)."""
    config = EngineConfig("opensearch", url=url, index=name or f"osw-test-{uuid.uuid4().hex[:10]}", **settings)
    return OpenSearchWriteEngine(index_dir, config)


def drop(engine: OpenSearchWriteEngine) -> None:
    """Delete every index of the engine's alias (a test's cleanup)."""
    for name, _ in engine._generations().values():
        engine.client.indices.delete(index=name, ignore_unavailable=True)
    engine.close()


def write_generation(engine: OpenSearchWriteEngine, docs: list[dict]) -> int:
    """One generation the way indexer.build writes one: each meeting deleted, then its items added."""
    with engine.writer(1) as writer:
        for meeting, members in by_meeting(docs).items():
            writer.delete_meeting(meeting)
            for doc in members:
                writer.add(doc)
        return writer.commit()


def normalised(stored: dict) -> dict:
    """Stored fields as JSON has them (tuples are lists): what a stored document compares as."""
    return json.loads(json.dumps(stored, ensure_ascii=False))


def contents(engine: OpenSearchWriteEngine) -> list[str]:
    """Every item's stored fields, comparable across indices."""
    return sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in engine.all_documents())


def rows_of_fields(body: bytes) -> bytes:
    """A lexicon's body without its rows of a term in any field (and their items line), and so without
    the line giving their number: what a lexicon is that its writer did not give those rows."""
    anywhere = (f"{lexicon.ANYWHERE}\t".encode(), b"#docs\t" + f"{lexicon.ANYWHERE}\t".encode())
    return b"\n".join(line for line in body.split(b"\n")[:-2] if not line.startswith(anywhere))
