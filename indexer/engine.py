"""The writing half of the engine seam: where an index's items live, and how a generation is written.

An index folder always holds referat's own files (its meta file, the file states, the outbox of saved
searches, the side files); the items themselves live in an engine: Whoosh, in the same folder (the
default), or an OpenSearch cluster, named in the meta file's `engine` entry, recorded when the index is
made (`referat index --engine opensearch --url ...`) and used by every later command.

indexer.build writes through `WriteEngine` only; search reads through search.engines.Engine, which
extends it. Engines are registered by name in ENGINES (module paths, imported on first use).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from importlib import import_module
from typing import Protocol, runtime_checkable

DEFAULT_ENGINE = "whoosh"
# name -> (writing side, searching side), each "module:factory" taking (index_dir, EngineConfig): the
# first returns a WriteEngine (indexer), the second a search.engines.Engine (search imports it, never indexer).
ENGINES = {
    "whoosh": ("indexer.engines.whoosh:open_engine", "search.engines.whoosh:open_engine"),
    "opensearch": ("indexer.engines.opensearch:open_engine", "search.engines.opensearch:open_engine"),
}
OPENSEARCH_AUTH_ENV = "REFERAT_OPENSEARCH_AUTH"  # "user:password" for a cluster that asks for it


@dataclass(frozen=True)
class EngineConfig:
    """Which engine holds an index's items, as recorded in the index folder's meta file."""
    name: str = DEFAULT_ENGINE
    url: str | None = None  # OpenSearch: the cluster's address, e.g. http://127.0.0.1:9200
    index: str | None = None  # OpenSearch: the index (alias) name; made from the folder when not given
    shards: int | None = None  # OpenSearch: primary shards of a new index (default 1)
    replicas: int | None = None  # OpenSearch: replicas (default 1 on a cluster of 2+ data nodes, else 0)

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict | None) -> EngineConfig:
        return cls(**{k: v for k, v in (data or {}).items() if k in ("name", "url", "index", "shards", "replicas")})


class GenerationWriter(Protocol):
    """One generation being written: nothing is visible to searches until `commit`; leaving the
    context without a commit (an error, an interrupt) leaves the index as it was."""

    def delete_meeting(self, meeting_id: str) -> None:
        """Remove every item of the meeting (its files are being reindexed or are gone)."""

    def add(self, document: dict) -> None:
        """Add one item: the fields of indexer.schema, as indexer.build.item_documents makes them."""

    def commit(self) -> int:
        """Make the generation visible; returns its number."""


@runtime_checkable
class WriteEngine(Protocol):
    """Where an index's items live, for writing."""

    name: str

    def exists(self) -> bool:
        """Whether the engine holds an index for this folder yet (made by a first `referat index`)."""

    def create(self) -> None:
        """Make an empty index (a first build, or a rebuild after a schema change)."""

    def generation(self) -> int:
        """The number of the newest committed generation (0 before the first commit)."""

    def writer(self, batch_files: int) -> AbstractContextManager[GenerationWriter]:
        """A writer for one generation; `batch_files` lets an engine choose how to parallelise."""

    def documents(self, field: str, values: Iterable[str]) -> list[dict]:
        """The stored fields of the items whose `field` (id, meeting, path, case, case_numbers) has one
        of `values`, in no particular order."""

    def all_documents(self) -> Iterator[dict]:
        """The stored fields of every item."""

    def doc_count(self) -> int:
        """How many items the newest generation holds."""

    def close(self) -> None:
        """Release files and connections."""


def engine_config(index_dir: str | os.PathLike) -> EngineConfig:
    """The engine recorded in the index folder's meta file; Whoosh for an index that names none."""
    from .store import read_meta

    return EngineConfig.from_json(read_meta(index_dir).get("engine"))


def open_write_engine(index_dir: str | os.PathLike, config: EngineConfig | None = None) -> WriteEngine:
    """The engine of an index folder (or the one `config` names, for a folder about to be made)."""
    config = config or engine_config(index_dir)
    if config.name not in ENGINES:
        raise ValueError(f"unknown engine '{config.name}': one of {', '.join(ENGINES)}")
    return load_factory(ENGINES[config.name][0])(index_dir, config)


def load_factory(path: str):
    """The factory named `module:function` in ENGINES."""
    module, factory = path.split(":")
    return getattr(import_module(module), factory)
