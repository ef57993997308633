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
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus import Attachment, Meeting
from corpus.attachments import link, standalone

from .meetings import MergedMeeting, group_documents, merge
from .state import FileState


@dataclass
class Plan:
    meetings: list[MergedMeeting] = field(default_factory=list)  # to write
    stale: set[str] = field(default_factory=set)  # meeting ids whose indexed items are replaced
    files: dict[str, FileState] = field(default_factory=dict)  # the new state of every file written
    read: list[str] = field(default_factory=list)  # touched files read in this run
    copies: list[str] = field(default_factory=list)  # touched files that add nothing new to their meeting
    frozen: set[str] = field(default_factory=set)  # meeting ids left as they are (a file failed to read)


def plan(todo: list[str], removed: list[str], state: dict[str, FileState],
         read: Callable[[str, bool], Meeting | Attachment | None]) -> Plan:
    """`read(path, touched)` parses one file, or reports it and gives None."""
    result = Plan()
    gone = set(removed)
    by_hash: dict[str, Meeting] = {}
    paths: dict[str, list[str]] = {}
    attachments: dict[str, Attachment] = {}  # path -> the attachment read from it
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
            by_hash[doc.content_hash] = doc
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
    for path in sorted(siblings):
        add(path, False)
    result.frozen = {mid for p in failed if p in state and (mid := state[p].meeting)}
    result.stale = ids - result.frozen

    documents = []
    for content_hash, doc in by_hash.items():
        holders = sorted(set(paths[content_hash]))
        documents.append(dataclasses.replace(doc, path=holders[0]))
        paths[content_hash] = holders
    if attachments:
        documents, alone = link([(d, tuple(sorted({_folder(p) for p in paths[d.content_hash]}))) for d in documents],
                                list(attachments.values()))
        for read_alone in alone:
            source, digest = read_alone.source, read_alone.content_hash
            assert source is not None and digest is not None, "an attachment read from its file"
            if digest in paths:  # an identical copy elsewhere, also alone
                paths[digest].append(source)
                continue
            documents.append(standalone(read_alone))
            paths[digest] = [source]
    taken: set[str] = set()
    for group in group_documents(documents):
        hashes = [d.content_hash for d in group]
        members = [p for h in hashes for p in paths[h]]
        if any(state[p].meeting in result.frozen for p in members if p in state):
            continue
        meeting = merge(group, {h: paths[h] for h in hashes}, taken)
        taken.add(meeting.id)
        if meeting.id in result.frozen:
            continue
        result.meetings.append(meeting)
        digests = {h: [i.digest for i in meeting.items if any(s.content_hash == h for s in i.sources)]
                   for h in hashes}
        kinds = {d.content_hash: d.kind for d in group}
        seen_kinds = {kinds[state[p].hash] for p in members if p not in touched and p in state
                      and state[p].hash in kinds}
        for path in sorted(members, key=lambda p: (p in touched, p)):
            h = next(h for h in hashes if path in paths[h])
            result.files[path] = FileState(h, digests[h], meeting.id, group[0].date)
            if path in touched:
                if kinds[h] in seen_kinds:
                    result.copies.append(path)
                seen_kinds.add(kinds[h])
        for item in meeting.items:
            for attachment in item.item.attachments:
                if attachment.source in attachments:
                    known = result.files.get(attachment.source)
                    if known is None:
                        assert attachment.content_hash is not None, "an attachment read from its file"
                        result.files[attachment.source] = FileState(attachment.content_hash, [], meeting.id,
                                                                    attachment=True)
                    else:  # an attachment of nothing: a meeting of its own
                        known.attachment = True
    return result


def _folder(path: str) -> str:
    return os.path.dirname(path)
