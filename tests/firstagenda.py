"""Invented FirstAgenda Publication meeting JSON (`/api/agenda/dagsorden/{id}`), in the publisher's shape."""
from __future__ import annotations

import json
from pathlib import Path


def meeting_json(committee: str, when: str, items: list[tuple], participants: tuple[str, ...] = ()) -> str:
    """`items`: (number, title, case number, decision or None) per agenda item; `when` an ISO date."""
    points = []
    for number, title, case, decision in items:
        html = f"<h3>Sagsfremstilling</h3><p>Forvaltningen beskriver sagen om {title.lower()}.</p>"
        if decision:
            html += f"<h3>Beslutning</h3><p>{decision}</p>"
        points.append({"Punktnummer": str(number), "Navn": title, "SagsNummer": case,
                       "Felter": [{"Navn": "", "Html": html}], "Bilag": []})
    return json.dumps({
        "Udvalg": {"Id": "0", "Navn": committee},
        "Moede": {"Dato": f"{when}T16:00:00+01:00", "Navn": "Referat",
                  "Moededeltagere": [{"Name": p, "Absent": False} for p in participants]},
        "TillaegsDagsorden": False,
        "Dagsordenpunkter": points,
    }, ensure_ascii=False)


def write_meeting(path: Path, committee: str, when: str, items: list[tuple], **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(meeting_json(committee, when, items, **kwargs), encoding="utf-8")
    return path
