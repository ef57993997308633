"""Rendering of results in every output format: text (coloured on a terminal, wrapped to its width),
json, ndjson, csv and tsv. `render(obj, fmt, ...)` is the one entry point for search and stats."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click

from corpus.model import Meeting

from .names import body_name
from .result import Hit, ItemView, MeetingList, Result, Stats


def highlighted(snippet: str, colour: bool) -> str:
    if colour:
        return re.sub(r"\*\*(.+?)\*\*", lambda m: click.style(m.group(1), fg="yellow", bold=True), snippet)
    return snippet.replace("**", "")


FORMATS = ("text", "json", "ndjson", "csv", "tsv")
EMPTY_INDEX = "No items yet — index some minutes with `referat index`"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """`1 item`, `2 items`: the count with its noun in the number it takes."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def wrap(text: str, width: int | None, indent: str = "   ") -> list[str]:
    """Lines of at most `width` visible characters (the ** markers do not count), broken between words
    only: a long word or id stays whole on a line of its own."""
    if not width:
        return [indent + text]
    lines: list[str] = []
    line: list[str] = []
    used = len(indent)
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
    row["case"] = (hit.case or {}).get("key") or ""
    row["also_in"] = " ".join(a["id"] for a in hit.also_in)
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
    return [{"body_kind": kind, "body": body, "year": year, "items": n}
            for kind, rows in stats.by_body.items() for body, row in rows.items() for year, n in row.items()]


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


def past_end(page: int, total: int, limit: int) -> str:
    last = -(-total // limit)
    return f"page {page} is past the end: the last page is {last} (--page {last})"


def meetings_text(listing: MeetingList) -> str:
    if not listing.total:
        return "No meetings match."
    first = (listing.page - 1) * listing.limit + 1
    noun = "meeting" if listing.total == 1 else "meetings"
    out = [f"{listing.total} {noun}" + (f"; showing {first}-{first + len(listing.rows) - 1}" if listing.rows else "")]
    if not listing.rows:
        out.append(past_end(listing.page, listing.total, listing.limit))
    width = min(max((len(r.name) for r in listing.rows), default=0), 60)
    for r in listing.rows:
        versions = ",".join(r.versions) or "-"
        out.append(f"{r.date or '(no date)':<10}  {r.name[:60]:<{width}}  {r.items:>3} items  {versions:<26}  {r.id}")
    return "\n".join(out)


def result_text(result: Result, colour: bool, width: int | None = None) -> str:
    out: list[str] = []
    for note in result.notes:
        out.append(click.style(f"note: {note}", fg="magenta") if colour else f"note: {note}")
    if result.empty_index:
        out.append(EMPTY_INDEX)
        return "\n".join(out)
    if not result.total:
        out.append(f"No items match {result.query!r}.")
        return "\n".join(out)
    first = (result.page - 1) * result.limit + 1
    last = first + len(result.hits) - 1
    cases = f" ({plural(result.groups, 'case')})" if result.groups is not None and result.groups != result.total else ""
    showing = f"; showing {first}-{last}" if result.hits else ""
    out.append(f"{plural(result.total, 'item')} match{'es' if result.total == 1 else ''} {result.query!r}"
               f"{cases}{showing}")
    if not result.hits:
        out.append(past_end(result.page, result.shown_total, result.limit))
    for n, hit in enumerate(result.hits, start=first):
        head = f"{n}. {hit.title}"
        meta = " · ".join(x for x in (*who_met(hit), hit.date, f"punkt {hit.number}") if x)
        out.append("")
        out += [click.style(line, bold=True) if colour else line for line in wrap(head, width, "")]
        out += wrap(f"{meta}   [{hit.id}]", width)
        if hit.sources:
            out += wrap(source_line(hit.sources, hit.versions), width)
        if hit.attachment:
            out += wrap(attachment_line(hit), width)
        if hit.snippet:
            out += [highlighted(line, colour) for line in wrap(hit.snippet, width)]
        if hit.also_in:
            out += wrap("also in " + ", ".join(f"{a['name']} {a['date'] or '(no date)'}" for a in hit.also_in), width)
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
    if not a:
        return ""
    command = f"referat open {hit.id} --attachment {a['number']}" + (f" --page {a['page']}" if a["page"] else "")
    more = [p for m in a.get("matching", []) if m["number"] == a["number"] for p in m["pages"][1:]]
    others = [f"{m['label']} s. {', '.join(map(str, m['pages']))}" for m in a.get("matching", [])
              if m["number"] != a["number"]]
    also = ", ".join(([f"s. {', '.join(map(str, more))}"] if more else []) + others)
    return (f"{'only in' if a.get('only') else 'in'} {a['where']}" + (f" (also {also})" if also else "")
            + (f" ({command})" if a["uri"] else ""))


def who_met(hit: Hit) -> tuple[str | None, ...]:
    """Who held the meeting, for a hit line: the cluster and its forum, else the body (named cleanly)
    and its municipality."""
    if hit.cluster:
        return hit.cluster, hit.forum
    body = body_name(hit.body) if hit.body else None
    place = f"{hit.municipality} Kommune" if hit.municipality else None
    if body and place and hit.municipality.lower() in body.lower():
        place = None
    return (body, place) if body else (hit.forum, place)


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
        out.append(f"{name}: {len(hits)} new or changed {'item' if len(hits) == 1 else 'items'}")
        for hit in hits:
            meta = " · ".join(x for x in (*who_met(hit), hit.date) if x)
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
        ("versions", ", ".join(item.versions)), ("formality", item.formality),
        ("meeting", item.meeting), ("id", item.id),
        ("group", item.marks.get("group")), ("closed", "yes (lukket punkt)" if item.marks.get("closed") else None),
        ("listed only", "yes: in the agenda list, no text" if item.marks.get("listed_only") else None),
        ("cluster from", "the participant list (inferred)" if item.marks.get("cluster_inferred") else None),
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
        head = f"Meeting {meeting.date or '(no date)'} {meeting.name} ({plural(len(meeting.items), 'item')})"
        out += ["", head, "-" * len(head)]
        for entry in meeting.items:
            mark = "→" if entry.id == item.id else " "
            outcome = f"  [{entry.outcome}]" if entry.outcome else ""
            out.append(f"{mark} {entry.number:>3}. {entry.title}{outcome}")
    return "\n".join(out)


def _count_table(title: str, groups: dict[str, dict[str, dict[str, int]]]) -> list[str]:
    """Item counts by year: a row per name, under the heading of its group (one group without a heading)."""
    rows_of = [row for names in groups.values() for row in names.values()]
    years = sorted({y for row in rows_of for y in row})
    indent = "  " if len(groups) > 1 or "" not in groups else ""
    width = max([len(title)] + [len(indent + n) for names in groups.values() for n in names])
    header = f"{title:<{width}} " + " ".join(f"{y:>9}" for y in years) + f" {'total':>7}"
    out = [header, "-" * len(header)]
    for group, names in groups.items():
        if indent:
            total = sum(sum(row.values()) for row in names.values())
            out.append(f"{group:<{width}} " + " ".join(" " * 9 for _ in years) + f" {total:>7}")
        for name, row in names.items():
            out.append(f"{indent + name:<{width}} " + " ".join(f"{row.get(y, 0):>9}" for y in years)
                       + f" {sum(row.values()):>7}")
    return out


def stats_text(stats: Stats) -> str:
    rows = _count_table("body kind / body", stats.by_body) if stats.by_body else []
    clusters = {c: row for c, row in stats.by_cluster_year.items() if c != "(no cluster)"}
    if clusters or not rows:
        rows += ([""] if rows else []) + _count_table("cluster", {"": clusters})
    if stats.bodies:
        rows += ["", _body_table(stats.bodies)]
    rows.append(f"{plural(stats.items, 'item')} of {plural(stats.meetings, 'meeting')} "
                f"in {plural(stats.files, 'file')}")
    rows.append(f"last successful reindex: {stats.last_reindex or 'never'}"
                + (f" (last index: {stats.last_index})" if stats.last_index else ""))
    return "\n".join(rows)


def _body_table(by_body: dict[str, dict]) -> str:
    """Meetings and items per body, with its kind, municipality and election periods."""
    width = max(len("body"), *(len(b) for b in by_body))
    described = {b: ", ".join(x for x in (r["kind"], r["municipality"], *r["periods"]) if x)
                 for b, r in by_body.items()}
    what = max(len("kind, municipality, period"), *(len(d) for d in described.values()))
    header = f"{'body':<{width}}  {'kind, municipality, period':<{what}}  {'meetings':>8}  {'items':>7}"
    rows = [header, "-" * len(header)]
    for body, row in by_body.items():
        rows.append(f"{body:<{width}}  {described[body]:<{what}}  {row['meetings']:>8}  {row['items']:>7}")
    return "\n".join(rows)


def meeting_outline(meeting: Meeting) -> str:
    """What `referat parse` shows: the meeting's metadata, then each item with its marks and warnings."""
    out = [meeting.path]
    body = meeting.body
    if body and meeting.body_kind:
        body += f" ({meeting.body_kind}" + (f", {meeting.municipality} Kommune" if meeting.municipality else "") + (
            f", {meeting.period}" if meeting.period else "") + ")"
    cluster = meeting.cluster and meeting.cluster + (" (inferred from the participant list)" if meeting.cluster_inferred
                                                     else "")
    for label, value in (("body", body), ("cluster", cluster), ("region", meeting.region),
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
        extra = " ".join(x for x in (f"({item.time})" if item.time else "",
                                     f"v/ {item.presenter}" if item.presenter else "") if x)
        marks = " ".join(x for x in ("[lukket]" if item.closed else "",
                                     "[kun på dagsordenslisten]" if item.listed_only else "",
                                     f"[sagsnr. {', '.join(item.case_numbers)}]" if item.case_numbers else "") if x)
        out.append(f"  {item.number:>3}. {item.title}" + (f"  {extra}" if extra else "")
                   + (f"  {marks}" if marks else ""))
        sections = ", ".join(f"{name} ({len(text)})" for name, text in item.section_map().items())
        if sections:
            out.append(f"       {sections}")
        for warning in item.warnings:
            out.append(f"       warning: {warning}")
    for warning in meeting.warnings:
        out.append(f"  warning: {warning}")
    return "\n".join(out)
