"""A small FirstAgenda Publication portal on 127.0.0.1 for the fetch tests.

It behaves like the real ones as far as referat uses them: the front page sets the anonymous session
cookie, the API answers 302 without it, `/api/agenda/udvalgsliste` lists committees with their meetings,
`/api/agenda/dagsorden/{id}` is a meeting, `/vis/pdf/dagsorden/{id}` its PDF and `/vis/pdf/bilag/{id}` an
attachment's PDF (each through a redirect, as the portals do). Every request is recorded with its
arrival time and Host header; faults are queued per path and used once each (a status, a delay, an HTML
page, a block until the test releases it).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

COOKIE = "FirstAgendaAnonymous"


@dataclass
class Request:
    at: float  # time.monotonic() on arrival
    path: str
    host: str
    cookie: bool


@dataclass
class Fault:
    status: int | None = None
    sleep: float = 0.0
    body: bytes | None = None
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    reached: threading.Event | None = None  # set when the request arrives
    release: threading.Event | None = None  # the answer waits for this
    stall_after: int | None = None  # send this many bytes of `body` (announcing all), then wait for release


class Portal:
    def __init__(self) -> None:
        self.committees: dict[str, dict] = {}  # id -> {"Navn", "meetings": {meeting id: listing entry}}
        self.meetings: dict[str, bytes] = {}
        self.pdfs: dict[str, bytes] = {}
        self.bilag: dict[str, bytes] = {}  # attachment id -> its PDF
        self.requests: list[Request] = []
        self.faults: dict[str, list[Fault]] = {}
        self.front_redirect_loop = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc

    def start(self) -> Portal:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- content -------------------------------------------------------------------------------
    def add_meeting(self, committee_id: str, committee: str, meeting_id: str, data: dict, name: str = "Referat",
                    pdf: bytes | None = None) -> None:
        entry = {"Id": meeting_id, "Dato": data["Moede"]["Dato"], "Navn": name, "ReleasedDate": None}
        self.committees.setdefault(committee_id, {"Navn": committee, "meetings": {}})["meetings"][meeting_id] = entry
        self.meetings[meeting_id] = json.dumps(data, ensure_ascii=False).encode("utf-8")
        if pdf is not None:
            self.pdfs[meeting_id] = pdf

    def fault(self, path: str, fault: Fault) -> None:
        self.faults.setdefault(path, []).append(fault)

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    def udvalgsliste(self) -> dict:
        group = [{"Id": cid, "Navn": c["Navn"], "Historisk": False, "Moeder": list(c["meetings"].values())}
                 for cid, c in self.committees.items()]
        return {"Udvalg": {"Aktuelle politiske udvalg": group}}

    # --- HTTP ----------------------------------------------------------------------------------
    def _handler(self):
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                has_cookie = f"{COOKIE}=" in (self.headers.get("Cookie") or "")
                with portal._lock:
                    host = self.headers.get("Host", "")
                    portal.requests.append(Request(time.monotonic(), self.path, host, has_cookie))
                    queued = portal.faults.get(self.path)
                    fault = queued.pop(0) if queued else None
                if fault is not None and fault.stall_after is not None:
                    return self._stall(fault)
                if fault is not None:
                    if fault.reached is not None:
                        fault.reached.set()
                    if fault.release is not None:
                        fault.release.wait(30)
                    if fault.sleep:
                        time.sleep(fault.sleep)
                    if fault.status is not None:
                        return self._send(fault.status, fault.body or b"", fault.content_type, fault.headers)
                self._route(has_cookie)

            def _send(self, status, body=b"", content_type="text/html; charset=utf-8", headers=None):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _stall(self, fault):
                """Half an answer: the headers and the first bytes, then nothing until released."""
                self.send_response(fault.status or 200)
                self.send_header("Content-Type", fault.content_type)
                self.send_header("Content-Length", str(len(fault.body)))
                self.end_headers()
                self.wfile.write(fault.body[:fault.stall_after])
                self.wfile.flush()
                fault.reached.set()
                fault.release.wait(30)

            def _route(self, has_cookie):
                path = urlsplit(self.path).path
                if path == "/":
                    if portal.front_redirect_loop:
                        return self._send(302, headers={"Location": "/"})
                    return self._send(200, b"<html><body>Dagsordener og referater</body></html>",
                                      headers={"Set-Cookie": f"{COOKIE}=s3ssion; Path=/; HttpOnly"})
                if path.startswith("/api/") and not has_cookie:
                    return self._send(302, headers={"Location": "/Home/AnonymousAuthentication?callback=%2f"})
                if path == "/api/agenda/udvalgsliste":
                    return self._json(portal.udvalgsliste())
                if path.startswith("/api/agenda/dagsorden/"):
                    meeting = portal.meetings.get(unquote(path.rsplit("/", 1)[1]))
                    if meeting is None:
                        return self._send(404, b"not found")
                    return self._send(200, meeting, "application/json; charset=utf-8")
                # A meeting's or a bilag's PDF: `/vis/pdf/KIND/ID` redirects to the file, as the portal does.
                for kind, files in (("Dagsorden", portal.pdfs), ("Bilag", portal.bilag)):
                    if path.startswith(f"/vis/pdf/{kind.lower()}/"):
                        wanted = unquote(path.rsplit("/", 1)[1])
                        if wanted not in files:
                            return self._send(404, f"<html>Ingen PDF af {wanted}</html>".encode())
                        return self._send(302, headers={"Location": f"/Pdf/{kind}/{wanted}.pdf"})
                    if path.startswith(f"/Pdf/{kind}/"):
                        return self._send(200, files[unquote(path.rsplit("/", 1)[1])[:-4]], "application/pdf")
                return self._send(404, b"not found")

            def _json(self, data):
                return self._send(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                                  "application/json; charset=utf-8")

        return Handler


def meeting_json(meeting_id: str, committee: str, when: str, items: list[tuple[str, str, dict[str, str]]],
                 name: str = "Referat", bilag: dict[str, list[tuple[str, str]]] | None = None) -> dict:
    """A meeting in the shape of `/api/agenda/dagsorden/{id}`: items are (number, title, {heading: text});
    `bilag` gives an item number's attachments as (id, name), each with a PDF version."""
    punkter = []
    for number, title, sections in items:
        html = "".join(f"<div><h3>{heading}</h3><span><p>{text}</p></span></div>" for heading, text in sections.items())
        punkter.append({"Id": f"{meeting_id[:8]}-{number}", "Punktnummer": number, "Navn": title,
                        "SagsNummer": f"26-{int(number):06d}", "IsOpen": True,
                        "Bilag": [{"Id": ref, "Navn": title, "HarPdfVersion": "true", "Order": n}
                                  for n, (ref, title) in enumerate((bilag or {}).get(number, []))],
                        "Felter": [{"Navn": "", "Html": f"<div id='sagsfremstillingContainer'>{html}</div>"}]})
    return {"Id": meeting_id, "TillaegsDagsorden": False,
            "Udvalg": {"Id": "0", "Navn": committee, "Historisk": False},
            "Moede": {"Dato": f"{when}T15:00:00+01:00", "Sted": "Regionshuset", "Navn": name, "Afsluttet": True},
            "Dagsordenpunkter": punkter}
