"""What a run writes: the meetings touched by new, changed and removed files, merged again from all
their documents.

A changed file can move items between meetings (a referat arrives for an agenda; a copy is deleted), so
a run rewrites every meeting a touched file belongs to, before or after, from all of its documents:
the touched files and the indexed files of the same meetings and dates. Each distinct content is read
once, however many copies hold it. A meeting one of whose indexed files cannot be read now is left as it
is, so nothing indexed is lost to a bad file.

Attachment files (corpus.attachments) are linked into the items of the meetings of their folder that
name them; one nothing names is a meeting of its own. A changed attachment brings the meeting it is
linked to; a new one, or a touched meeting, brings the other side of its folder (the meetings that may
name it, the attachments nobody named yet).

The plan holds what grouping reads of each document (its metadata, item titles, listed attachments and
Bilag sections: `skeleton`); with a Spill, the documents' text waits on disk and `Plan.merged()` reads
each meeting's documents back as it is written, so that a run holds its meetings one at a time.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from corpus import Attachment, Meeting
from corpus.attachments import link, standalone

from .meetings import MergedMeeting, group_documents, merge, merged_id
from .spill import Ref, Spill
from .state import FileState


@dataclass(frozen=True)
class PlannedMeeting:
    """A meeting to write, before its documents are read back and merged."""
    id: str
    hashes: tuple[str, ...]  # its documents' contents
    paths: dict[str, list[str]]  # content hash -> every path holding it
    members: tuple[str, ...]  # its files, in the order their states are recorded
    date: str | None


@dataclass
class Plan:
    meetings: list[PlannedMeeting] = field(default_factory=list)  # to write (`merged()` reads them back)
    stale: set[str] = field(default_factory=set)  # meeting ids whose indexed items are replaced
    files: dict[str, FileState] = field(default_factory=dict)  # the new state of every file written
    read: list[str] = field(default_factory=list)  # touched files read in this run
    copies: list[str] = field(default_factory=list)  # touched files that add nothing new to their meeting
    frozen: set[str] = field(default_factory=set)  # meeting ids left as they are (a file failed to read)
    spill: Spill | None = None
    stored: dict[str, Ref | Meeting] = field(default_factory=dict)  # content hash -> its document (or its Ref)
    attachments: dict[str, Attachment] = field(default_factory=dict)  # path -> the attachment read from it

    def keep(self, doc: Meeting) -> Meeting:
        """Keep a document read (on disk, with a Spill) and give what grouping reads of it."""
        if self.spill is None:
            self.stored[doc.content_hash] = doc
            return doc
        self.stored[doc.content_hash] = self.spill.put(doc)
        return skeleton(doc)

    def _document(self, content_hash: str, path: str) -> Meeting:
        kept = self.stored[content_hash]
        doc = kept if isinstance(kept, Meeting) else self.spill.get(kept)  # type: ignore[union-attr]
        return dataclasses.replace(doc, path=path) if doc.path != path else doc

    def merged(self) -> Iterator[MergedMeeting]:
        """Each meeting to write, merged from its documents read back, in plan order; the state of each
        of its files is recorded in `files` as it is given."""
        files = list(self.attachments.values())
        for planned in self.meetings:
            docs = [self._document(h, planned.paths[h][0]) for h in planned.hashes]
            if files:
                docs, _ = link([(d, tuple(sorted({_folder(p) for p in planned.paths[d.content_hash]})))
                                for d in docs], files)
            meeting = merge(docs, planned.paths, mid=planned.id)
            digests = {h: [i.digest for i in meeting.items if any(s.content_hash == h for s in i.sources)]
                       for h in planned.hashes}
            for path in planned.members:
                h = next(h for h in planned.hashes if path in planned.paths[h])
                self.files[path] = FileState(h, digests[h], meeting.id, planned.date)
            for item in meeting.items:
                for attachment in item.item.attachments:
                    if attachment.source in self.attachments:
                        known = self.files.get(attachment.source)
                        if known is None:
                            assert attachment.content_hash is not None, "an attachment read from its file"
                            self.files[attachment.source] = FileState(attachment.content_hash, [], meeting.id,
                                                                      attachment=True)
                        else:  # an attachment of nothing: a meeting of its own
                            known.attachment = True
            yield meeting


def skeleton(doc: Meeting) -> Meeting:
    """What grouping and linking read of a document: its metadata, item titles, the attachments its items
    list (without their text) and their Bilag sections; not its text."""
    return dataclasses.replace(doc, items=tuple(
        dataclasses.replace(item, sections=tuple(s for s in item.sections if s.name == "bilag"),
                            attachments=tuple(dataclasses.replace(a, pages=()) for a in item.attachments))
        for item in doc.items))


def plan(todo: list[str], removed: list[str], state: dict[str, FileState],
         read: Callable[[str, bool], Meeting | Attachment | None], spill: Spill | None = None,
         ahead: Callable[[list[str]], None] | None = None) -> Plan:
    """`read(path, touched)` parses one file, or reports it and gives None; with `spill`, the documents'
    text waits there until `Plan.merged()` reads it back. `ahead` is told the untouched files the plan
    may read, in the order it reads them (it skips a copy of a content read already), before the first
    of them: a big archive has several meetings a day, so a small change reads many more of them."""
    result = Plan(spill=spill)
    gone = set(removed)
    by_hash: dict[str, Meeting] = {}  # what grouping reads of each (`skeleton`)
    paths: dict[str, list[str]] = {}
    attachments = result.attachments
    failed: set[str] = set()

    def add(path: str, touched: bool) -> None:
        known = state.get(path)
        if not touched and known and not known.attachment and known.hash in by_hash:
            paths[known.hash].append(path)
            return
        doc = read(path, touched)
        if doc is None:
            failed.add(path)
            return
        if touched:
            result.read.append(path)
        if isinstance(doc, Attachment):
            attachments[path] = dataclasses.replace(doc, source=path)
            return
        if doc.content_hash not in by_hash:
            by_hash[doc.content_hash] = result.keep(doc)
        paths.setdefault(doc.content_hash, []).append(path)

    for path in todo:
        add(path, True)
    touched = set(todo)
    ids = {mid for p in touched | gone if p in state and (mid := state[p].meeting)}
    dates = {state[p].date for p in touched | gone if p in state and state[p].date}
    dates |= {d.date for d in by_hash.values() if d.date}
    # A new attachment looks for the meetings of its folder; a touched meeting for the attachments of
    # its folder that nothing names yet.
    meeting_folders = {_folder(p) for p in touched if p not in attachments}
    attachment_folders = {_folder(p) for p in attachments if p not in state or state[p].items}
    siblings: list[str] = []
    for _ in range(2):  # a sibling found by its date can bring its meeting's other files
        found = [p for p, st in state.items() if p not in touched and p not in gone and p not in siblings
                 and (st.meeting in ids or (st.date and st.date in dates)
                      or (st.attachment and st.items and _folder(p) in meeting_folders)
                      or (not st.attachment and _folder(p) in attachment_folders))]
        siblings += found
        ids |= {mid for p in found if (mid := state[p].meeting)}
    if ahead is not None and siblings:
        ahead(sorted(siblings))
    for path in sorted(siblings):
        add(path, False)
    result.frozen = {mid for p in failed if p in state and (mid := state[p].meeting)}
    result.stale = ids - result.frozen

    documents = []
    for content_hash, doc in by_hash.items():
        holders = sorted(set(paths[content_hash]))
        documents.append(dataclasses.replace(doc, path=holders[0]))
        paths[content_hash] = holders
    if attachments:  # which attachment files no document names: read from the skeletons' lists
        _, alone = link([(d, tuple(sorted({_folder(p) for p in paths[d.content_hash]}))) for d in documents],
                        list(attachments.values()))
        for read_alone in alone:
            source, digest = read_alone.source, read_alone.content_hash
            assert source is not None and digest is not None, "an attachment read from its file"
            if digest in paths:  # an identical copy elsewhere, also alone
                paths[digest].append(source)
                continue
            alone_doc = standalone(read_alone)
            result.stored[digest] = alone_doc
            documents.append(alone_doc)
            paths[digest] = [source]
    taken: set[str] = set()
    for group in group_documents(documents):
        hashes = [d.content_hash for d in group]
        members = [p for h in hashes for p in paths[h]]
        if any(state[p].meeting in result.frozen for p in members if p in state):
            continue
        mid = merged_id(group, taken)
        taken.add(mid)
        if mid in result.frozen:
            continue
        kinds = {d.content_hash: d.kind for d in group}
        seen_kinds = {kinds[state[p].hash] for p in members if p not in touched and p in state
                      and state[p].hash in kinds}
        ordered = sorted(members, key=lambda p: (p in touched, p))
        for path in ordered:
            if path in touched:
                h = next(h for h in hashes if path in paths[h])
                if kinds[h] in seen_kinds:
                    result.copies.append(path)
                seen_kinds.add(kinds[h])
        result.meetings.append(PlannedMeeting(mid, tuple(hashes), {h: paths[h] for h in hashes}, tuple(ordered),
                                              group[0].date))
    if not attachments:
        _keep_unchanged(result, state, touched)
    return result


def _keep_unchanged(result: Plan, state: dict[str, FileState], touched: set[str]) -> None:
    """Leave out of the plan each meeting that comes out exactly as it is indexed: none of its files
    touched, each still of that meeting with the same content and date, and no other file (a copy gone,
    an attachment linked) recorded for it. Such a meeting is only read because it shares a date with a
    touched one (grouping looks at every document of a date); writing it again would write the same items,
    and it was most of a small reindex once an archive holds several meetings a day."""
    candidates = {planned.id: planned for planned in result.meetings if not touched & set(planned.members)}
    if not candidates:
        return
    recorded: dict[str, set[str]] = {}
    for path, known in state.items():
        if known.meeting in candidates:
            recorded.setdefault(known.meeting, set()).add(path)
    unchanged = set()
    for mid, planned in candidates.items():
        if recorded.get(mid) == set(planned.members) and all(
                state[path].hash == h and state[path].date == planned.date and not state[path].attachment
                for h in planned.hashes for path in planned.paths[h]):
            unchanged.add(mid)
    result.meetings = [planned for planned in result.meetings if planned.id not in unchanged]
    result.stale -= unchanged


def _folder(path: str) -> str:
    return os.path.dirname(path)
