"""Rendering of results in every output format: text (coloured on a terminal, wrapped to its width),
json, ndjson, csv and tsv. `render(obj, fmt, ...)` is the one entry point for search and stats."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click

from corpus import Meeting

from .result import Hit, ItemView, MeetingList, Result, Stats


def highlighted(snippet: str, colour: bool) -> str:
    if colour:
        return re.sub(r"\*\*(.+?)\*\*", lambda m: click.style(m.group(1), fg="yellow", bold=True), snippet)
    return snippet.replace("**", "")


FORMATS = ("text", "json", "ndjson", "csv", "tsv")


def wrap(text: str, width: int | None, indent: str = "   ") -> list[str]:
    """Lines of at most `width` visible characters (the ** markers do not count), broken between words
    only: a long word or id stays whole on a line of its own."""
    if not width:
        return [indent + text]
    lines, line, used = [], [], len(indent)
    for word in text.split():
        size = len(word.replace("**", ""))
        if line and used + 1 + size > width:
            lines.append(indent + " ".join(line))
            line, used = [], len(indent)
        used += size + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(indent + " ".join(line))
    return lines


def _hit_row(hit: Hit) -> dict:
    row = hit.to_json()
    row["snippet"] = hit.snippet.replace("**", "")
    row["sections"] = ",".join(hit.sections)
    row["versions"] = ",".join(hit.versions)
    row["sources"] = " ".join(s.path for s in hit.sources)
    row["attachment"] = hit.attachment["where"] if hit.attachment else ""
    return row


def _meeting_rows(listing: MeetingList) -> list[dict]:
    return [{**r.to_json(), "versions": ",".join(r.versions), "formats": ",".join(r.formats)} for r in listing.rows]


def _table(rows: list[dict], delimiter: str) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def _stats_rows(stats: Stats) -> list[dict]:
    return [{"cluster": cluster, "year": year, "items": n}
            for cluster, row in stats.by_cluster_year.items() for year, n in row.items()]


def render(obj: Result | Stats | MeetingList, fmt: str, colour: bool = False, width: int | None = None) -> str:
    """`obj` in output format `fmt`; text is coloured when `colour` and wrapped to `width` when given."""
    if fmt == "json":
        return json.dumps(obj.to_json(), ensure_ascii=False, indent=1)
    if isinstance(obj, MeetingList):
        rows = _meeting_rows(obj)
    else:
        rows = [_hit_row(h) for h in obj.hits] if isinstance(obj, Result) else _stats_rows(obj)
    if fmt == "ndjson":
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    if fmt in ("csv", "tsv"):
        return _table(rows, "," if fmt == "csv" else "\t")
    if isinstance(obj, MeetingList):
        return meetings_text(obj)
    return result_text(obj, colour, width) if isinstance(obj, Result) else stats_text(obj)


def meetings_text(listing: MeetingList) -> str:
    if not listing.total:
        return "No meetings match."
    first = (listing.page - 1) * listing.limit + 1
    noun = "meeting" if listing.total == 1 else "meetings"
    out = [f"{listing.total} {noun}" + (f"; showing {first}-{first + len(listing.rows) - 1}" if listing.rows else "")]
    width = min(max((len(r.name) for r in listing.rows), default=0), 60)
    for r in listing.rows:
        versions = ",".join(r.versions) or "-"
        out.append(f"{r.date or '(no date)':<10}  {r.name[:60]:<{width}}  {r.items:>3} items  {versions:<26}  {r.id}")
    return "\n".join(out)


def result_text(result: Result, colour: bool, width: int | None = None) -> str:
    out: list[str] = []
    for note in result.notes:
        out.append(click.style(f"note: {note}", fg="magenta") if colour else f"note: {note}")
    if not result.total:
        out.append(f"No items match {result.query!r}.")
        return "\n".join(out)
    first = (result.page - 1) * result.limit + 1
    last = first + len(result.hits) - 1
    out.append(f"{result.total} items match {result.query!r}" + (f"; showing {first}-{last}" if result.hits else ""))
    for n, hit in enumerate(result.hits, start=first):
        head = f"{n}. {hit.title}"
        meta = " · ".join(x for x in (hit.cluster, hit.forum, hit.date, f"punkt {hit.number}") if x)
        out.append("")
        out += [click.style(line, bold=True) if colour else line for line in wrap(head, width, "")]
        out += wrap(f"{meta}   [{hit.id}]", width)
        if hit.sources:
            out += wrap(source_line(hit.sources, hit.versions), width)
        if hit.attachment:
            out += wrap(attachment_line(hit), width)
        if hit.snippet:
            out += [highlighted(line, colour) for line in wrap(hit.snippet, width)]
    out.append("")
    for name, counts in result.facets.items():
        if counts:
            listing = ", ".join(f"{k} ({v})" for k, v in counts.items())
            out += wrap(f"{name}: {listing}", width, "")
    return "\n".join(out)


def attachment_line(hit: Hit) -> str:
    """`only in Bilag 2 – Handleplan 2024, s. 14 (referat open ID --attachment 2 --page 14)`: where the
    words were found when it was in an attachment."""
    a = hit.attachment
    command = f"referat open {hit.id} --attachment {a['number']}" + (f" --page {a['page']}" if a["page"] else "")
    more = [p for m in a.get("matching", []) if m["number"] == a["number"] for p in m["pages"][1:]]
    others = [f"{m['label']} s. {', '.join(map(str, m['pages']))}" for m in a.get("matching", [])
              if m["number"] != a["number"]]
    also = ", ".join(([f"s. {', '.join(map(str, more))}"] if more else []) + others)
    return (f"{'only in' if a.get('only') else 'in'} {a['where']}" + (f" (also {also})" if also else "")
            + (f" ({command})" if a["uri"] else ""))


def source_line(sources: list, versions: list[str]) -> str:
    """`file: NAME p. 3 · 2 more files · versions: dagsorden, referat`: where a hit comes from (the file's
    name; `referat show` gives every path)."""
    first = sources[0]
    text = f"file: {Path(first.path).name}" + (f" {first.where}" if first.where else "")
    others = len({s.path for s in sources}) - 1
    if others:
        text += f" · {others} more file{'s' if others > 1 else ''}"
    if len(versions) > 1:
        text += f" · versions: {', '.join(versions)}"
    return text


def watch_report_text(found: dict[str, list[Hit]]) -> str:
    if not found:
        return "no saved searches (add one with: referat watch add NAME QUERY)"
    out = []
    for name, hits in found.items():
        out.append(f"{name}: {len(hits)} new or changed items")
        for hit in hits:
            meta = " · ".join(x for x in (hit.cluster, hit.forum, hit.date) if x)
            out.append(f"  {hit.number}. {hit.title}  ({meta})  [{hit.id}]")
            if hit.sources:
                out.append("    " + source_line(hit.sources, hit.versions))
    return "\n".join(out)


def item_text(item: ItemView, meeting=None) -> str:
    """The whole item; with `meeting` (search.meetings.MeetingView) its place in the meeting's agenda."""
    out = [f"{item.number}. {item.title}"]
    facets = [(name.replace("_", " "), value) for name, value in item.facets.items() if name != "year"]
    for label, value in (
        *facets, ("date", item.date),
        ("time", item.time), ("presenter", item.presenter), ("case numbers", ", ".join(item.case_numbers)),
        ("outcome", item.outcome), ("versions", ", ".join(item.versions)), ("formality", item.formality),
        ("meeting", item.meeting), ("id", item.id),
        ("group", item.marks.get("group")), ("closed", "yes (lukket punkt)" if item.marks.get("closed") else None),
        ("listed only", "yes: in the agenda list, no text" if item.marks.get("listed_only") else None),
    ):
        if value:
            out.append(f"{label + ':':14} {value}")
    for warning in item.marks.get("warnings", []):
        out.append(f"{'warning:':14} {warning}")
    sources = item.sources or []
    if not sources:
        out.append(f"{'file:':14} {item.path} (item {item.position})")
    for n, source in enumerate(sources, start=1):
        where = ", ".join(x for x in (source.format, source.kind, source.where, f"item {source.position}") if x)
        out.append(f"{'source ' + str(n) + ':':14} {source.path} ({where})")
    for a in item.attachments:
        read = f"{a['pages']} page{'s' if a['pages'] != 1 else ''}: {a['uri']}" if a["uri"] else "not read (no file)"
        out.append(f"{'attachment:':14} {a['label']} ({read})")
    for name, text in item.sections.items():
        out += ["", name.capitalize(), "-" * len(name), text]
    if meeting is not None:
        head = f"Meeting {meeting.date or '(no date)'} {meeting.name} ({len(meeting.items)} items)"
        out += ["", head, "-" * len(head)]
        for entry in meeting.items:
            mark = "→" if entry.id == item.id else " "
            outcome = f"  [{entry.outcome}]" if entry.outcome else ""
            out.append(f"{mark} {entry.number:>3}. {entry.title}{outcome}")
    return "\n".join(out)


def stats_text(stats: Stats) -> str:
    years = sorted({y for row in stats.by_cluster_year.values() for y in row})
    width = max([len("cluster")] + [len(c) for c in stats.by_cluster_year])
    header = f"{'cluster':<{width}} " + " ".join(f"{y:>9}" for y in years) + f" {'total':>7}"
    rows = [header, "-" * len(header)]
    for cluster, row in stats.by_cluster_year.items():
        rows.append(f"{cluster:<{width}} " + " ".join(f"{row.get(y, 0):>9}" for y in years) + f" {sum(row.values()):>7}")
    rows.append(f"{stats.items} items of {stats.meetings} meetings in {stats.files} files")
    rows.append(f"last successful reindex: {stats.last_reindex or 'never'}"
                + (f" (last index: {stats.last_index})" if stats.last_index else ""))
    return "\n".join(rows)


def meeting_outline(meeting: Meeting) -> str:
    """What `referat parse` shows: the meeting's metadata, then each item with its marks and warnings."""
    out = [meeting.path]
    body = meeting.body
    if body and meeting.body_kind:
        body += f" ({meeting.body_kind}" + (f", {meeting.municipality} Kommune" if meeting.municipality else "") + ")"
    for label, value in (("body", body), ("cluster", meeting.cluster), ("region", meeting.region),
                         ("forum", meeting.forum), ("date", meeting.date)):
        if label == "date" and value and meeting.date_inferred:
            value += " (year inferred)"
        out.append(f"  {label + ':':9} {value or '-'}")
    if meeting.participants:
        out.append(f"  participants: {len(meeting.participants)}")
    group = None
    for item in meeting.items:
        if item.group and item.group != group:
            out.append(f"  [{item.group}]")
        group = item.group
        extra = " ".join(x for x in (f"({item.time})" if item.time else "", f"v/ {item.presenter}" if item.presenter else "") if x)
        marks = " ".join(x for x in ("[lukket]" if item.closed else "", "[kun på dagsordenslisten]" if item.listed_only else "",
                                     f"[sagsnr. {', '.join(item.case_numbers)}]" if item.case_numbers else "") if x)
        out.append(f"  {item.number:>3}. {item.title}" + (f"  {extra}" if extra else "") + (f"  {marks}" if marks else ""))
        sections = ", ".join(f"{name} ({len(text)})" for name, text in item.section_map().items())
        if sections:
            out.append(f"       {sections}")
        for warning in item.warnings:
            out.append(f"       warning: {warning}")
    for warning in meeting.warnings:
        out.append(f"  warning: {warning}")
    return "\n".join(out)
