"""The OpenSearch engine, writing side: every generation a physical index, the alias its commit.

An index folder's items live in physical indices named `<alias>-g<generation>`; the alias (the config's
`index`) points to the committed one, and every search goes through the alias. A writer starts the
next generation as a clone of the committed index (hard-linked segments: cheap) or, after `create()`,
as an empty one; bulk writes, deletes and a refresh go there, invisible to searches; its commit writes
the generation into the index's `_meta`, blocks its writes, then moves the alias in one atomic
request. So a run killed at any moment (mid-bulk, before the alias moves) leaves the alias on the
committed generation, untouched, and the next writer drops the debris and starts again: its result is
the same as a clean build's, and indexer.state's files.json (stamped with the committed generation)
stays true. The committed index and the one before it are kept (a search that resolved the alias just
before a commit still finds its shards); older ones are deleted.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from functools import partial
from pathlib import Path

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, TransportError
from opensearchpy.helpers import scan

from corpus import faults

from ...engine import EngineConfig, EngineError
from ...memory import default_memory_mb, writer_bytes
from ...schema import SCHEMA_VERSION, VALUED_FIELDS
from . import lexicon
from .client import ClusterError, connect, guarded
from .documents import INDEXED, index_terms, source, stored_document
from .mapping import FILLER, STACK, STORED, added_properties, field_roles, mapping, settings

BULK_DOCS = 500  # items per bulk request
BULK_BYTES = 8_000_000  # or fewer, when their text is long
TERMS_PER_QUERY = 1000
TERMS_PAGE = 1000  # terms a shard lists per request (a rewritten query's clauses: at most 1024)
REGEXP_TERM = 50  # characters of the last term listed a "terms after it" expression spells (max_regex_length 1000)
COUNTS_PER_SEARCH = 300  # terms counted per _msearch (3 counts each)
PAGE = 1000  # hits per page of documents() and all_documents()
RETRY_SECONDS = 30.0  # how long a search that failed on some shard is asked again
VALUES_PAGE = 10_000  # values per page of a composite aggregation (distinct_values)
# A commit lists each VALUED_FIELDS field's values in the index's _meta, which searches read with the
# generation (a facet's values for its counts and filters without a search of every item: ~200 ms at
# 1M); a field of more values than this is not listed and is asked of the cluster.
LISTED_VALUES = 5_000
# A generation that wrote at least this share of its items is merged into one segment before its commit
# (at 1M items: 104 s, and every class of the bench's searches 20-50 % faster at p95); one that wrote
# less (a nightly run's changes) adds its segments to those it cloned.
MERGED_SHARE = 0.1
MERGE_SECONDS = 3600  # how long the merge's request may take
_GENERATION = re.compile(r"-g(\d{6,})$")
# Named: an item whose `ocr` field holds OCR text (every other item's holds FILLER alone): what an item an
# older referat wrote does not store (lexicon.indexed_document's `ocr`).
OCR_TEXT = {"bool": {"must_not": [{"term": {lexicon.OCR: FILLER}}], "_name": lexicon.OCR}}


class WriteFailed(ClusterError):
    """The cluster refused a write (the message says which item and why); nothing was committed."""


def index_name(index_dir: str | os.PathLike, config: EngineConfig) -> str:
    """The alias of an index folder: the config's `index`, else made from the folder's name and path."""
    if config.index:
        return config.index
    path = Path(index_dir).resolve()
    slug = re.sub(r"[^a-z0-9]+", "-", path.name.lower()).strip("-")[:40] or "index"
    return f"referat-{slug}-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"


class OpenSearchWriteEngine:
    """An index folder's items in an OpenSearch cluster (indexer.engine.WriteEngine)."""

    name = "opensearch"

    def __init__(self, index_dir: str | os.PathLike, config: EngineConfig, client: OpenSearch | None = None):
        self.index_dir = Path(index_dir)
        self.alias = index_name(index_dir, config)
        self.config = replace(config, index=self.alias)  # recorded so: a moved or copied folder keeps its index
        self.client = client or connect(config)
        self.where = f"OpenSearch at {config.url or 'http://127.0.0.1:9200'}, index {self.alias}"
        self._fresh = False  # the next writer starts from an empty index (create() on an existing one)

    # -- the generations -----------------------------------------------------------------------
    def physical(self, generation: int) -> str:
        return f"{self.alias}-g{generation:06d}"

    def _generations(self) -> dict[int, tuple[str, bool]]:
        """generation -> (physical index, whether the alias points to it), of this alias's indices."""
        found = self.client.indices.get(index=f"{self.alias}-g*", expand_wildcards="all",
                                        allow_no_indices=True, ignore_unavailable=True)
        out = {}
        for name, info in found.items():
            m = _GENERATION.search(name)
            if m and name == self.physical(int(m.group(1))):
                out[int(m.group(1))] = (name, self.alias in info.get("aliases", {}))
        return out

    @guarded
    def _live(self) -> str | None:
        """The physical index the alias points to, None before the first `create()`. Read from the
        node's own cluster state: it answers while the cluster has lost its manager (a commit's alias
        move is acknowledged by every node before it returns)."""
        try:
            return next(iter(self.client.indices.get_alias(name=self.alias, local=True)))
        except NotFoundError:
            return None

    @guarded
    def exists(self) -> bool:
        return self._live() is not None

    def generation(self) -> int:
        return self._committed()

    def _committed(self) -> int:
        """The committed generation: the `_meta` its commit wrote into the live index (0 without one)."""
        return int(self._live_meta().get("generation", 0))

    @guarded
    def _live_meta(self) -> dict:
        """What the live index's commit recorded (mapping: `_meta`'s `referat`), {} before the first."""
        live = self._live()
        if live is None:
            return {}
        meta = self.client.indices.get_mapping(index=live, local=True)[live]["mappings"].get("_meta", {})
        return meta.get("referat", {})

    def _index_settings(self) -> dict:
        shards = self.config.shards or 1
        replicas = self.config.replicas
        if replicas is None:
            replicas = 1 if self.client.cluster.health()["number_of_data_nodes"] >= 2 else 0
        return settings(shards, replicas)

    @guarded
    def create(self, analysis: dict | None = None) -> None:
        """A first index: an empty generation 0 under the alias. Over an existing one (a rebuild): the
        next writer starts empty, and its commit replaces the live index whole. The whole Danish
        analysis only: switching parts of it off (`analysis`, a measurement) is the Whoosh engine's."""
        if analysis:
            raise EngineError("the opensearch engine indexes with the whole Danish analysis; "
                              "switching parts of it off is for the whoosh engine")
        if self.exists():
            self._fresh = True
            return
        self._drop_debris(keep=())
        name = self.physical(0)
        self.client.indices.create(index=name, body={"settings": self._index_settings(),
                                                     "mappings": mapping(0, SCHEMA_VERSION)})
        self.client.indices.put_settings(index=name, body={"index.blocks.write": True})
        self.client.indices.update_aliases(body={"actions": [{"add": {"index": name, "alias": self.alias}}]})

    def analysis_settings(self) -> dict:
        return {}

    def field_names(self) -> set[str]:
        return set(field_roles())

    def recover(self) -> None:
        """A killed run's uncommitted generation (an index the alias does not name) goes."""
        live = self._live()
        self._drop_debris(keep=(live,) if live else ())

    def _drop_debris(self, keep: Iterable[str]) -> None:
        """Delete this alias's indices but `keep`: a killed run's uncommitted generation, old ones."""
        keep = set(keep)
        for name, aliased in self._generations().values():
            if name not in keep and not aliased:
                self.client.indices.delete(index=name, ignore_unavailable=True)

    @contextmanager
    @guarded
    def writer(self, batch_files: int = 0, memory_mb: int | None = None) -> Iterator[OpenSearchGeneration]:
        """A generation written in bulks of at most BULK_DOCS items and BULK_BYTES (or, with `memory_mb`,
        the writer's share of that budget: indexer.memory), each sent as it fills."""
        live = self._live()
        if live is None:
            raise WriteFailed(f"no index '{self.alias}' on the cluster: create() it first")
        meta = self._live_meta()
        committed = int(meta.get("generation", 0))
        # every item has its pairs (mapping): the next generation's do when this one's all did, or it is new
        pairs = self._fresh or bool(meta.get("pairs"))
        previous = self._generations().get(committed - 1, ("", False))[0]
        self._drop_debris(keep=(live, previous))
        target = self.physical(committed + 1)
        index_settings = self._index_settings()
        writing = {"index.refresh_interval": -1}  # nothing refreshed until the commit
        if self._fresh:
            self.client.indices.create(index=target, body={"settings": {**index_settings, **writing},
                                                           "mappings": mapping(committed, SCHEMA_VERSION)})
        else:
            self.client.indices.clone(index=live, target=target, wait_for_active_shards=1, body={
                "settings": {"index.blocks.write": False, **writing,
                             "index.number_of_replicas": index_settings["number_of_replicas"]}})
            # fields a later referat added (a mapping only grows: nothing the index has changes)
            self.client.indices.put_mapping(index=target, body={"properties": added_properties()})
        bulk_bytes = BULK_BYTES if memory_mb is None else max(1, min(BULK_BYTES, writer_bytes(memory_mb)))
        lexicon.remove_before(self.index_dir, 0, also=(committed + 1,))  # a killed run's, never committed
        base = None if self._fresh or not committed else lexicon.open_lexicon(self.index_dir, committed)
        counted = Counted(base, derive=bool(committed) and not self._fresh and base is None,
                          folder=self.index_dir if self.index_dir.is_dir() else None,
                          budget=None if memory_mb is None else writer_bytes(memory_mb))
        generation = OpenSearchGeneration(self, target, committed + 1, live, bulk_bytes, counted, pairs)

        try:
            yield generation
        finally:
            counted.close()
            if base is not None:
                base.close()
            if not generation.committed:
                with suppress(TransportError):  # else the next writer drops it
                    self.client.indices.delete(index=target, ignore_unavailable=True)
        self._fresh = False

    # -- reading ---------------------------------------------------------------------------------
    @guarded
    def documents(self, field: str, values: Iterable[str]) -> list[dict]:
        wanted = [term for value in values for term in index_terms(field, value)]
        if not wanted:
            return []
        index = self._live() or self.alias
        found = []
        for start in range(0, len(wanted), TERMS_PER_QUERY):
            query = {"terms": {field: wanted[start:start + TERMS_PER_QUERY]}}
            found += [stored_document(hit["_source"][STORED]) for hit in self._pages(index, query)]
        return found

    @guarded
    def all_documents(self) -> Iterator[dict]:
        for hit in self._pages(self._live() or self.alias, {"match_all": {}}):
            yield stored_document(hit["_source"][STORED])

    def stored_items(self, index: str | None = None) -> Iterator[dict]:
        """What the cluster stores of every item (documents.stored_source: the lexicon reads it)."""
        for hit in self._pages(index or self._live() or self.alias, {"match_all": {}}):
            yield hit["_source"][STORED]

    @guarded
    def lexicon_problem(self) -> tuple[str, str, Callable[[], None] | None] | None:
        """(file, what is wrong, its repair) when the committed generation's lexicon is missing or damaged
        (searches then ask the cluster for the term statistics): indexer.health reports it, --repair
        counts it again from the cluster (count_lexicon), within the writer's share of the default budget."""
        generation = self._committed()
        if not generation or lexicon.is_sound(self.index_dir, generation):
            return None
        name = lexicon.LEXICON_FILE.format(generation=generation)
        live = self._live()
        assert live is not None
        return name, "missing or damaged (every search asks the cluster for its term statistics meanwhile)", \
            lambda: self.count_lexicon(live, generation, writer_bytes(default_memory_mb()))

    @guarded
    def count_lexicon(self, index: str, number: int, budget: int | None, older: bool = True) -> None:
        """The lexicon of generation `number` (its physical `index`, refreshed) counted from every item the
        cluster stores, in id order page by page, its rows within `budget` bytes (lexicon.Delta's runs).
        Items written before INDEXED was stored (an older referat) are counted too: whether their text is
        OCR's is asked with each page, and the UNSTORED fields' rows are the cluster's own (its term
        dictionary and counts: _cluster_rows); without `older`, one raises lexicon.Unsound (a writer's
        commit: its lexicon is not worth a pass over the cluster's term dictionaries)."""
        folder = self.index_dir if self.index_dir.is_dir() else None
        delta = lexicon.Delta(folder=folder, budget=budget)
        query = {"bool": {"must": [{"match_all": {}}], "should": [OCR_TEXT]}}
        try:
            for hit in self._pages(index, query):
                stored = hit["_source"][STORED]
                document = lexicon.indexed_document(stored, lexicon.OCR in hit.get("matched_queries", ()))
                assert document is not None
                if INDEXED not in stored:
                    if not older:
                        raise lexicon.Unsound("items without their lexicon data")
                    delta.without = lexicon.UNSTORED
                delta.add_document(document)
            self.write_lexicon(index, number, None, delta)
        finally:
            delta.close()

    def write_lexicon(self, index: str, number: int, base: lexicon.Lexicon | None, delta: lexicon.Delta) -> None:
        """lexicon.write, the rows and items of the fields `delta` goes without counted by the cluster."""
        also: list[lexicon.Row] = []
        docs: dict[str, int] = {}
        for name in delta.without:
            also += self._cluster_rows(index, name)
            for counted in (name, name + STACK):
                docs[counted] = self._count(index, {"exists": {"field": counted}})
        lexicon.write(self.index_dir, number, base, delta, also=sorted(also), also_docs=docs)

    def _count(self, index: str, query: dict) -> int:
        return int(self._complete(lambda: self.client.count(index=index, body={"query": query}))["count"])

    def _cluster_rows(self, index: str, name: str) -> list[lexicon.Row]:
        """The lexicon's rows of text field `name` as the cluster counts them: every term of its two
        fields' term dictionaries (_terms), each counted at its own position, stacked and either."""
        terms = sorted(set(self._terms(index, name)) | set(self._terms(index, name + STACK)))
        rows = []
        for start in range(0, len(terms), COUNTS_PER_SEARCH):
            lines: list[dict] = []
            for term in terms[start:start + COUNTS_PER_SEARCH]:
                main, stacked = {"term": {name: term}}, {"term": {name + STACK: term}}
                for query in (main, stacked, {"bool": {"should": [main, stacked]}}):
                    lines += [{"index": index}, {"query": query, "size": 0, "track_total_hits": True}]
            answers = self._complete(partial(self._counted, lines))
            totals = [r["hits"]["total"]["value"] for r in answers["responses"]]
            for at, term in enumerate(terms[start:start + COUNTS_PER_SEARCH]):
                counts = totals[3 * at:3 * at + 3]
                if counts[2]:
                    rows.append((f"{name}\t{term}\t".encode(), counts))
        return rows

    def _counted(self, lines: list[dict]) -> dict:
        """An _msearch's answer, as one that failed on a shard when any of its searches did (asked again)."""
        answer = self.client.msearch(body=lines)
        failed = sum(r.get("_shards", {}).get("failed", 0) + ("error" in r) for r in answer["responses"])
        return {**answer, "_shards": {"failed": failed, "total": len(answer["responses"])}}

    def _terms(self, index: str, name: str) -> Iterator[str]:
        """Every term of field `name` in the index's term dictionaries (a deleted item's too: its counts
        are 0), read as the cluster rewrites a query that matches every term, TERMS_PAGE at a time (its
        `top_terms_N` rewrite keeps a shard's first N in term order) after the last term of a full page."""
        after = ""
        while True:
            if after:
                query = {"regexp": {name: {"value": _above(after[:REGEXP_TERM]), "flags": "NONE",
                                           "rewrite": f"top_terms_{TERMS_PAGE}"}}}
            else:
                query = {"prefix": {name: {"value": "", "rewrite": f"top_terms_{TERMS_PAGE}"}}}
            answer = self.client.indices.validate_query(index=index, body={"query": query},
                                                        params={"rewrite": "true", "all_shards": "true"})
            if not answer.get("valid"):
                raise ClusterError(f"{self.where}: the terms of {name} cannot be listed "
                                   f"({answer.get('explanations', [{}])[0].get('error', 'invalid query')})")
            pages = [_clauses(e.get("explanation", ""), name) for e in answer.get("explanations", [])]
            full = [page for page in pages if len(page) >= TERMS_PAGE]
            bound = min(max(page) for page in full) if full else None
            yield from sorted({t for page in pages for t in page if t > after and (bound is None or t <= bound)})
            if bound is None:
                return
            if bound <= after:
                raise ClusterError(f"{self.where}: the terms of {name} cannot be listed (more than "
                                   f"{TERMS_PAGE} terms share a prefix of {REGEXP_TERM} characters)")
            after = bound

    def _pages(self, index: str, query: dict) -> Iterator[dict]:
        """Every hit of `query` in a committed index, page by page after the last id: no scroll context
        (which lives on one node, and dies with it), so each page is a search any copy of a shard
        answers; a committed index never changes, so the pages are one snapshot."""
        after = None
        while True:
            body = {"query": query, "size": PAGE, "sort": [{"id": "asc"}], "_source": [STORED],
                    **({"search_after": after} if after else {})}
            hits = self.search(body, index=index)["hits"]["hits"]
            yield from hits
            if len(hits) < PAGE:
                return
            after = hits[-1]["sort"]

    @guarded
    def search(self, body: dict, index: str | None = None) -> dict:
        """A search of the index (its alias, or `index`) whose answer is complete: one that failed on a
        shard (a node just went away, its replica not yet promoted) is asked again, for a while."""
        return self._complete(lambda: self.client.search(index=index or self.alias, body=body))

    @guarded
    def doc_count(self) -> int:
        return int(self._complete(lambda: self.client.count(index=self.alias))["count"])

    def _complete(self, request: Callable[[], dict]) -> dict:
        deadline = time.monotonic() + RETRY_SECONDS
        pause = 0.05
        while True:
            try:
                response = request()
                failed = response.get("_shards", {}).get("failed", 0)
                if not failed:
                    return response
                problem: Exception = ClusterError(f"{self.where}: {failed} of {response['_shards']['total']} "
                                                  f"shards did not answer")
            except TransportError as exc:
                if not (exc.status_code == "N/A" or (isinstance(exc.status_code, int) and exc.status_code >= 500)):
                    raise
                problem = exc
            if time.monotonic() + pause > deadline:
                raise problem
            time.sleep(pause)  # the cluster reallocates the shards of a lost node within seconds
            pause = min(2 * pause, 1.0)

    def close(self) -> None:
        self.client.close()


class Counted:
    """The lexicon of the generation being written, as it changes (lexicon): the committed one's
    (`base`; None: empty) plus `delta`, its rows within `budget` bytes (runs spilled into `folder`);
    `derive`: counted again from every item at the commit instead (no sound lexicon to start from, or a
    change the delta cannot follow)."""

    def __init__(self, base: lexicon.Lexicon | None, derive: bool = False, folder: Path | None = None,
                 budget: int | None = None):
        self.base = base
        self.delta = lexicon.Delta(folder=folder, budget=budget)
        self.derive = derive
        self.subtracted: set[str] = set()  # meetings whose committed items are subtracted already

    def subtract(self, stored: dict, ocr: bool) -> None:
        """A committed item this generation deletes or replaces (`ocr`: whether the cluster has OCR text
        of it). One an older referat wrote (without INDEXED) is subtracted but for its UNSTORED fields,
        whose rows the cluster counts at the commit."""
        if self.derive:
            return
        if lexicon.INDEXED not in stored:
            self.delta.without = lexicon.UNSTORED
        document = lexicon.indexed_document(stored, ocr)
        assert document is not None
        self.delta.add_document(document, -1)

    def save(self, engine: OpenSearchWriteEngine, index: str, number: int) -> None:
        """Before the commit of `number` (its index refreshed): the lexicon written, or none at all."""
        if not engine.index_dir.is_dir():
            return
        try:
            if self.derive:
                self.delta.close()
                engine.count_lexicon(index, number, self.delta.budget, older=False)
            else:
                engine.write_lexicon(index, number, self.base, self.delta)
        except lexicon.Unsound:  # searches ask the cluster; `referat check` says so
            lexicon.remove_before(engine.index_dir, 0, also=(number,))

    def close(self) -> None:
        """The delta's spilled runs go (after the commit, or a failure)."""
        self.delta.close()


class OpenSearchGeneration:
    """One generation being written into its own physical index (indexer.engine.GenerationWriter)."""

    def __init__(self, engine: OpenSearchWriteEngine, index: str, number: int, live: str,
                 bulk_bytes: int = BULK_BYTES, counted: Counted | None = None, pairs: bool = True):
        self.engine, self.client, self.index, self.number, self.live = engine, engine.client, index, number, live
        self.pairs = pairs  # whether every item of this generation has its pairs (mapping), as its commit records
        self.where = engine.where
        self.committed = False
        self.bulk_bytes = bulk_bytes
        self.batches = 0  # bulk requests sent
        self._actions: list[dict | str] = []
        self._bytes = 0
        self._added: dict[str, str] = {}  # item id -> meeting, of the items this generation wrote
        self._by_meeting: dict[str, list[str]] = {}  # meeting -> the ids added to it (a look-up per meeting)
        self._doomed: set[str] = set()  # meetings whose committed items are deleted at the next bulk
        self.counted = counted or Counted(None, derive=True)

    def items(self) -> int:
        """The items of this generation's index, as its last refresh left them."""
        return int(self.client.count(index=self.index)["count"])

    @guarded
    def delete_meeting(self, meeting_id: str) -> None:
        """The items this generation added to the meeting go now; its committed items are looked up for
        many meetings at once, at the next bulk (one search instead of one per meeting)."""
        for item_id in self._by_meeting.pop(meeting_id, []):
            self.counted.derive = True  # an item written by this generation goes again: not followed
            if self._added.get(item_id) == meeting_id:
                del self._added[item_id]
                self._queue({"delete": {"_index": self.index, "_id": item_id}}, None)
        self._doomed.add(meeting_id)

    @guarded
    def add(self, document: dict) -> None:
        meeting = document.get("meeting", "")
        self._added[document["id"]] = meeting
        self._by_meeting.setdefault(meeting, []).append(document["id"])
        body = source(document)
        if not self.counted.derive:
            self.counted.delta.add(body)
        self._queue({"index": {"_index": self.index, "_id": document["id"]}}, body)

    def _queue(self, action: dict, body: dict | None) -> None:
        self._actions.append(action)
        if body is not None:
            line = json.dumps(body, ensure_ascii=False)
            self._actions.append(line)
            self._bytes += len(line)
        if len(self._actions) >= 2 * BULK_DOCS or self._bytes >= self.bulk_bytes:
            self._flush()

    def _committed_deletes(self) -> list[dict]:
        """Deletes of the doomed meetings' committed items (this index's refreshed state: its clone's,
        refreshes being off while it is written), but of none this generation wrote since: an item
        added again, to its meeting or another, is replaced by that write."""
        doomed, self._doomed = sorted(self._doomed), set()
        counted = self.counted
        deletes = []
        for start in range(0, len(doomed), TERMS_PER_QUERY):
            # the committed items' stored fields too, for the lexicon to subtract (once per meeting: this
            # index's refreshed state is the committed one until the commit)
            fresh = {m for m in doomed[start:start + TERMS_PER_QUERY] if m not in counted.subtracted}
            counting = not counted.derive and bool(fresh)
            meetings = {"terms": {"meeting": doomed[start:start + TERMS_PER_QUERY]}}
            query = {"query": {"bool": {"filter": [meetings], "should": [OCR_TEXT]}} if counting else meetings,
                     "_source": [STORED] if counting else False}
            for hit in scan(self.client, index=self.index, query=query, size=5000 if not counting else 1000):
                if counting and hit["_source"][STORED].get("meeting") in fresh:
                    counted.subtract(hit["_source"][STORED], lexicon.OCR in hit.get("matched_queries", ()))
                if hit["_id"] not in self._added:
                    deletes.append({"delete": {"_index": self.index, "_id": hit["_id"]}})
            counted.subtracted.update(fresh)
        return deletes

    def _flush(self) -> None:
        deletes = self._committed_deletes() if self._doomed else []
        if not self._actions and not deletes:
            return
        actions, self._actions, self._bytes = [*deletes, *self._actions], [], 0
        response = self.client.bulk(body=actions)
        self.batches += 1
        if response.get("errors"):
            for entry in response["items"]:
                (op, result), = entry.items()
                if result.get("status", 200) >= 300 and not (op == "delete" and result["status"] == 404):
                    reason = result.get("error", {})
                    raise WriteFailed(f"OpenSearch refused item {result.get('_id')} ({op}): "
                                      f"{reason.get('type', '')} {reason.get('reason', reason)}".strip())
        faults.point("opensearch-bulk")

    @guarded
    def commit(self) -> int:
        """Refresh, merge a generation that wrote much of its index into one segment, record the
        generation in `_meta`, block writes, move the alias (the commit itself), then delete the
        generations before the previous one."""
        self._flush()
        self.client.indices.refresh(index=self.index)
        items = self.items()
        if self._added and len(self._added) >= MERGED_SHARE * items:
            # a committed generation never changes: searched as one segment, not as the tens its bulks made
            self.client.indices.forcemerge(index=self.index, max_num_segments=1, request_timeout=MERGE_SECONDS)
            self.client.indices.refresh(index=self.index)
        self.counted.save(self.engine, self.index, self.number)
        meta = mapping(self.number, SCHEMA_VERSION)["_meta"]
        # every item has its pairs: they all did, or every item there was written by this generation (a
        # whole build over an index made before them)
        meta["referat"]["pairs"] = self.pairs or items == len(self._added)
        values = listed_values(lambda body: self.client.search(index=self.index, body=body), VALUED_FIELDS)
        meta["referat"]["values"] = {field: listed for field, listed in values.items() if len(listed) <= LISTED_VALUES}
        self.client.indices.put_mapping(index=self.index, body={"_meta": meta})
        self.client.indices.put_settings(index=self.index, body={"index.blocks.write": True,
                                                                 "index.refresh_interval": None})
        faults.point("opensearch-flip")
        alias = self.engine.alias
        self.client.indices.update_aliases(body={"actions": [
            {"remove": {"index": self.live, "alias": alias}},
            {"add": {"index": self.index, "alias": alias}},
        ]})
        self.committed = True
        with suppress(TransportError):  # committed all the same; the next writer drops what is left
            self.engine._drop_debris(keep=(self.index, self.live))
        return self.number


def distinct_values(search: Callable[[dict], dict], fields: Iterable[str],
                    query: dict | None = None) -> dict[str, dict]:
    """field -> value -> matching items, of every value of keyword or number fields among the matches of
    `query` (every item: None), a composite aggregation per field in one `search` of a body, paged:
    exact whatever the number of values."""
    out: dict[str, dict] = {field: {} for field in fields}
    after: dict[str, dict | None] = {field: None for field in out}
    open_fields = list(out)
    while open_fields:
        aggs = {}
        for i, field in enumerate(open_fields):
            composite: dict = {"size": VALUES_PAGE, "sources": [{"v": {"terms": {"field": field}}}]}
            if after[field]:
                composite["after"] = after[field]
            aggs[f"d{i}"] = {"composite": composite}
        answer = search({"size": 0, "query": query or {"match_all": {}}, "aggs": aggs})
        still = []
        for i, field in enumerate(open_fields):
            agg = answer["aggregations"][f"d{i}"]
            for bucket in agg["buckets"]:
                out[field][bucket["key"]["v"]] = bucket["doc_count"]
            after[field] = agg.get("after_key")
            if len(agg["buckets"]) == VALUES_PAGE and after[field]:  # a full page: there may be more
                still.append(field)
        open_fields = still
    return out


def listed_values(search: Callable[[dict], dict], fields: Iterable[str]) -> dict[str, list[str]]:
    """Every value of each of `fields` in every item, as Engine.values lists them (as text, sorted): what
    a commit records and a search reads, or asks when its commit did not."""
    return {field: sorted(str(v) for v in found) for field, found in distinct_values(search, fields).items()}


def _clauses(explanation: str, name: str) -> list[str]:
    """The terms of a rewritten query's clauses (`name:term name:term ...`: a term holds no space)."""
    prefix = f"{name}:"
    return [clause[len(prefix):] for clause in explanation.split(" ") if clause.startswith(prefix)]


def _above(term: str) -> str:
    """A Lucene regular expression (flags NONE) of every term after `term` in code point order (the
    order of their UTF-8 bytes): `term` and more, or a first differing character above `term`'s."""
    pattern = ".+"
    for char in reversed(term):
        higher = _next_char(char)
        pattern = f"({_literal(char)}{pattern}" + (f"|[{_literal(higher)}-{_literal(chr(0x10FFFF))}].*)"
                                                     if higher else ")")
    return pattern


def _next_char(char: str) -> str | None:
    code = ord(char) + 1
    if 0xD800 <= code <= 0xDFFF:  # no term holds a surrogate
        code = 0xE000
    return chr(code) if code <= 0x10FFFF else None


def _literal(char: str) -> str:
    """One character as itself in a Lucene regular expression (`\\d`, `\\w`, `\\s` are classes: letters
    and digits stay bare)."""
    return char if char.isalnum() else "\\" + char
