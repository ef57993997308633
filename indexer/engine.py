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
from collections import Counter
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
ENGINE_ENV = "REFERAT_ENGINE"  # the engine of a new index when a command names none (default whoosh)
OPENSEARCH_URL_ENV = "REFERAT_OPENSEARCH_URL"  # the cluster of a new opensearch index when none is named


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


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` is a cluster that did not answer or refused a request (the OpenSearch engine's
    ClusterError, whose module is loaded only with that engine): the index may be whole."""
    if type(exc).__name__ not in ("ClusterError", "WriteFailed"):
        return False
    from .engines.opensearch import ClusterError

    return isinstance(exc, ClusterError)


class EngineError(ValueError):
    """The engine asked for cannot hold this index: another one holds it already, or this referat lacks
    it; the message says which, in one line."""


class GenerationWriter(Protocol):
    """One generation being written: nothing is visible to searches until `commit`; leaving the
    context without a commit (an error, an interrupt) leaves the index as it was."""

    def delete_meeting(self, meeting_id: str) -> None:
        """Remove every item of the meeting (its files are being reindexed or are gone)."""

    def add(self, document: dict) -> None:
        """Add one item: the fields of indexer.schema, as indexer.build.item_documents makes them."""

    def commit(self) -> int:
        """Make the generation visible; returns its number."""

    @property
    def batches(self) -> int:
        """How many batches of documents the writer has written or sent so far (a memory budget makes
        more of them; nothing of them is visible before the commit)."""


@runtime_checkable
class CountsTerms(Protocol):
    """A GenerationWriter that counts, while it analyses the documents it writes, in how many of them each
    term of some text fields is: the side files' term counts (indexer.compounds), which the run then does
    not analyse a second time. Optional: a writer without it leaves the counting to the run."""

    def count_terms(self, fields: tuple[str, ...]) -> bool:
        """Before the first `add`: count the terms of `fields` (per field a document has a term in); False
        when this writer cannot (the run counts them itself)."""

    def term_counts(self) -> Counter:
        """After the last `add`, before the commit: term -> documents-and-fields it is in, over every
        document added (written to the engine first, where the writer still holds some)."""


@runtime_checkable
class CountsWords(Protocol):
    """A GenerationWriter that collects, while it analyses the documents it writes, the spelling list's
    words (indexer.spelling: meetings per word), which the run then does not read from their text a second
    time. Optional, like CountsTerms."""

    def count_words(self) -> bool:
        """Before the first `add`: count the words; False when this writer cannot (the run counts them)."""

    def word_counts(self) -> Counter:
        """After the last `add`, before the commit: word -> meetings it is in, over every document added
        (meeting by meeting, as a run adds them)."""


@runtime_checkable
class WriteEngine(Protocol):
    """Where an index's items live, for writing."""

    name: str
    config: EngineConfig  # what the meta file records as the index's `engine`

    def exists(self) -> bool:
        """Whether the engine holds an index for this folder yet (made by a first `referat index`)."""

    def create(self, analysis: dict | None = None) -> None:
        """Make an empty index (a first build, or a rebuild after a schema change). `analysis` (fold=,
        exceptions=) switches off parts of the Danish analysis, to measure what they buy."""

    def generation(self) -> int:
        """The number of the newest committed generation (0 before the first commit)."""

    def analysis_settings(self) -> dict:
        """The `analysis` the index was created with ({} for the whole Danish analysis): how the side
        files analyse its items (indexer.compounds)."""

    def recover(self) -> None:
        """Remove what a writer killed before its commit left (called under referat's writer lock)."""

    def writer(self, batch_files: int, memory_mb: int | None = None) -> AbstractContextManager[GenerationWriter]:
        """A writer for one generation; `batch_files` lets an engine choose how to parallelise, `memory_mb`
        bounds what it holds before it writes a batch (indexer.memory; None: no bound)."""

    def documents(self, field: str, values: Iterable[str]) -> list[dict]:
        """The stored fields of the items whose `field` (id, meeting, path, case, case_numbers) has one
        of `values`, in no particular order."""

    def all_documents(self) -> Iterator[dict]:
        """The stored fields of every item."""

    def doc_count(self) -> int:
        """How many items the newest generation holds."""

    def field_names(self) -> set[str]:
        """The fields the index was made with (`referat check --repair` tells from them whether a lost
        meta file's schema version is today's)."""

    def close(self) -> None:
        """Release files and connections."""


def default_config(name: str | None = None) -> EngineConfig:
    """The engine a new index is made in when a command names none (or names only `name`): REFERAT_ENGINE,
    and for OpenSearch the cluster at REFERAT_OPENSEARCH_URL; Whoosh when neither is set."""
    name = name or os.environ.get(ENGINE_ENV) or DEFAULT_ENGINE
    if name == "opensearch":
        url = os.environ.get(OPENSEARCH_URL_ENV)
        if not url:
            raise EngineError(f"the opensearch engine needs the cluster's address: --url http://HOST:9200, "
                              f"or {OPENSEARCH_URL_ENV}")
        return EngineConfig(name, url)
    return EngineConfig(name)


def engine_config(index_dir: str | os.PathLike) -> EngineConfig:
    """The engine recorded in the index folder's meta file; Whoosh for an index that names none."""
    from .store import read_meta

    return EngineConfig.from_json(read_meta(index_dir).get("engine"))


def open_write_engine(index_dir: str | os.PathLike, config: EngineConfig | None = None) -> WriteEngine:
    """The engine of an index folder (or the one `config` names, for a folder about to be made)."""
    config = config or engine_config(index_dir)
    if config.name not in ENGINES:
        raise EngineError(f"unknown engine '{config.name}': one of {', '.join(ENGINES)}")
    try:
        factory = load_factory(ENGINES[config.name][0])
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith(ENGINES[config.name][0].split(":")[0]):
            raise
        raise EngineError(f"this referat has no {config.name} engine ({exc.name} is missing)") from None
    return factory(index_dir, config)


def check_engine(recorded: EngineConfig, asked: EngineConfig) -> None:
    """Raise EngineError when `asked` (what a command names) is not the engine an index records: an
    index stays in the engine it was made in. What `asked` leaves out (the address, the index name) is
    taken from the record."""
    if any(value != getattr(recorded, key) for key, value in asked.to_json().items()):
        raise EngineError(f"this index is kept in {_described(recorded)}, not {_described(asked)}: an index "
                          f"stays in the engine it was made in (index into another folder for another engine)")


def _described(config: EngineConfig) -> str:
    where = f" at {config.url}" if config.url else ""
    return f"{config.name}{where}" + (f" (index {config.index})" if config.index else "")


def load_factory(path: str):
    """The factory named `module:function` in ENGINES."""
    module, factory = path.split(":")
    return getattr(import_module(module), factory)
