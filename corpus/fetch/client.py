"""Talking to a FirstAgenda Publication portal, politely.

The protocol, as public harvesters of these portals use it: a GET of the front page (or
`/Home/AnonymousAuthentication`) sets an anonymous session cookie, without which the API answers 302;
`GET /api/agenda/udvalgsliste` lists the committees grouped by period, each with its meetings inline
(`{"Udvalg": {period: [{"Id", "Navn", "Moeder": [{"Id", "Dato", "Navn", ...}]}]}}`);
`GET /api/agenda/dagsorden/{id}` is one meeting; `/vis/pdf/dagsorden/{id}?redirectDirectlyToPdf=true`
is its published PDF where the portal offers one, and `/vis/pdf/bilag/{id}?redirectDirectlyToPdf=true` the
PDF of an attachment (an item's `Bilag[].Id` whose `HarPdfVersion` is true).

Politeness: one request at a time per host with a delay between them, a User-Agent naming referat,
timeouts, retries with backoff on 5xx, 429 and timeouts, Retry-After honoured. Redirects are followed by
hand and only on the portal's own host; anything unexpected becomes a PortalError naming the URL.
"""
from __future__ import annotations

import email.utils
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from typing import Self
from urllib.parse import quote, urljoin, urlsplit

import httpx

MAX_REDIRECTS = 8
RETRY_STATUS = {429, 500, 502, 503, 504}


def _user_agent() -> str:
    try:
        v = version("referat")
    except PackageNotFoundError:
        v = "dev"
    return f"referat/{v} (minutes search for Danish health clusters; fetches published agendas and minutes)"


USER_AGENT = _user_agent()


class PortalError(Exception):
    """The portal answered something referat cannot use; the message names the URL."""

    def __init__(self, url: str, problem: str):
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


class MeetingGone(PortalError):
    """A listed meeting the portal does not give (404 or 403): that meeting is skipped, not the source."""


@dataclass(frozen=True)
class Politeness:
    delay: float = 1.0  # seconds between the end of one request and the start of the next, per host
    timeout: float = 30.0
    retries: int = 3  # further attempts after a 5xx, 429, timeout or dropped connection
    backoff: float = 2.0  # first wait before a retry (doubling), unless Retry-After says otherwise
    max_wait: float = 300.0  # a Retry-After longer than this gives up instead


@dataclass
class _Host:
    client: httpx.Client
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = float("-inf")


class Http:
    """One httpx client (and cookie jar) per host, used one request at a time with a delay."""

    def __init__(self, politeness: Politeness | None = None, transport: httpx.BaseTransport | None = None):
        self.politeness = politeness or Politeness()
        self._transport = transport
        self._hosts: dict[str, _Host] = {}
        self.requests = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for host in self._hosts.values():
            host.client.close()
        self._hosts.clear()

    def _host(self, netloc: str) -> _Host:
        if netloc not in self._hosts:
            client = httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=self.politeness.timeout,
                                  follow_redirects=False, transport=self._transport)
            self._hosts[netloc] = _Host(client)
        return self._hosts[netloc]

    def cookies(self, netloc: str) -> httpx.Cookies:
        return self._host(netloc).client.cookies

    def get(self, url: str, *, follow: bool = False, accept: str = "*/*", limit: int | None = None) -> httpx.Response:
        """GET with retries; with `follow`, redirects on the same host are followed (a loop is an error).
        With `limit` (bytes) a body announced or found to be larger is not read on: TooLarge."""
        seen: list[str] = []
        while True:
            response = self._get_once(url, accept, limit)
            if not follow or not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("location", ""))
            if urlsplit(target).netloc != urlsplit(url).netloc:
                raise PortalError(url, f"redirects to another host ({target}); referat only follows the portal's own")
            seen.append(url)
            if seen.count(target) >= 2 or len(seen) >= MAX_REDIRECTS:
                raise PortalError(seen[0], f"redirect loop ({' -> '.join(seen + [target])})")
            url = target

    def _get_once(self, url: str, accept: str, limit: int | None = None) -> httpx.Response:
        p = self.politeness
        host = self._host(urlsplit(url).netloc)
        with host.lock:
            attempt = 0
            while True:
                wait = host.last + p.delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                problem, retry_after = None, None
                try:
                    self.requests += 1
                    response = (host.client.get(url, headers={"Accept": accept}) if limit is None
                                else _capped(host.client, url, accept, limit))
                except httpx.TimeoutException:
                    problem = f"no answer within {p.timeout:g} s"
                except httpx.RequestError as exc:  # connection refused or reset, a broken answer
                    problem = f"connection failed ({type(exc).__name__}: {exc})"
                else:
                    if response.status_code not in RETRY_STATUS:
                        host.last = time.monotonic()
                        return response
                    problem = f"HTTP {response.status_code}"
                    retry_after = _retry_after(response.headers.get("retry-after"))
                finally:
                    host.last = time.monotonic()
                if attempt >= p.retries:
                    raise PortalError(url, f"{problem} (after {attempt + 1} attempts)")
                pause = retry_after if retry_after is not None else p.backoff * 2 ** attempt
                if pause > p.max_wait:
                    raise PortalError(url, f"{problem}; the portal asks to wait {pause:.0f} s, "
                                           f"more than {p.max_wait:.0f} s")
                time.sleep(max(pause, 0.0))
                attempt += 1


class TooLarge(Exception):
    """A download larger than its cap; the message says how large, as far as is known."""

    def __init__(self, url: str, size: int | None, limit: int):
        known = f"{size / 1e6:.1f} MB" if size is not None else f"more than {limit / 1e6:.1f} MB"
        super().__init__(f"{url}: {known}, over the cap of {limit / 1e6:.1f} MB")
        self.size = size


def _capped(client: httpx.Client, url: str, accept: str, limit: int) -> httpx.Response:
    """A GET whose body is read only up to `limit` bytes: the announced length is checked first, then
    the bytes as they come (a server may announce none)."""
    with client.stream("GET", url, headers={"Accept": accept}) as response:
        announced = response.headers.get("content-length")
        if response.status_code == 200 and announced and announced.isdigit() and int(announced) > limit:
            raise TooLarge(url, int(announced), limit)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise TooLarge(url, None, limit)
    return httpx.Response(response.status_code, headers=response.headers, content=bytes(body),
                          request=response.request)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, from either of its forms (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as the committee list names it."""
    id: str
    committee_id: str
    committee: str
    date: date
    name: str  # "Dagsorden", "Referat", "Tillægsdagsorden", ...
    fingerprint: str  # the listing entry as canonical JSON: a changed entry means a changed meeting


@dataclass(frozen=True)
class Committee:
    id: str
    name: str
    period: str
    meetings: tuple[MeetingRef, ...]


class Portal:
    """One FirstAgenda Publication site, reached through a shared Http."""

    def __init__(self, base_url: str, http: Http):
        self.base = base_url.rstrip("/")
        self.http = http
        self.netloc = urlsplit(self.base).netloc
        self._session = False

    def _handshake(self) -> None:
        """The anonymous session: the front page sets the cookie (through the portal's own redirects);
        if it does not, the explicit authentication endpoint is asked."""
        front = self.base + "/"
        self.http.get(front, follow=True, accept="text/html")
        if not self.http.cookies(self.netloc):
            self.http.get(f"{self.base}/Home/AnonymousAuthentication?callback={quote(front, safe='')}",
                          follow=True, accept="text/html")
        self._session = True

    def _api(self, path: str) -> object:
        url = self.base + path
        if not self._session:
            self._handshake()
        response = self.http.get(url, accept="application/json")
        if response.is_redirect:  # the session expired or was never given: one new handshake
            self._handshake()
            response = self.http.get(url, accept="application/json")
            if response.is_redirect:
                raise PortalError(url, f"the API redirects to {response.headers.get('location', '?')} even after the "
                                       "anonymous session handshake (no session cookie accepted)")
        return _json(url, response)

    def committees(self) -> list[Committee]:
        url = self.base + "/api/agenda/udvalgsliste"
        try:
            return parse_committees(url, self._api("/api/agenda/udvalgsliste"))
        except MeetingGone as exc:
            raise PortalError(exc.url, exc.problem + " for the committee list (not a FirstAgenda portal?)") from None

    @staticmethod
    def page_url(base: str, meeting_id: str) -> str:
        """Where a person reads the meeting on the portal (the link a fetched item gives back to its publisher)."""
        return f"{base.rstrip('/')}/vis?id={quote(meeting_id, safe='')}"

    def meeting(self, meeting_id: str) -> tuple[bytes, dict]:
        """The meeting's JSON as published (bytes) and parsed; its shape is checked."""
        path = f"/api/agenda/dagsorden/{quote(meeting_id, safe='')}"
        data = check_meeting(self.base + path, self._api(path))
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), data

    def attachment_pdf(self, attachment_id: str, limit: int) -> bytes | None:
        """An attachment's (bilag's) published PDF, as the portal serves the meeting's own; None where it
        gives none. Raises TooLarge above `limit` bytes, PortalError when the portal fails to answer."""
        url = f"{self.base}/vis/pdf/bilag/{quote(attachment_id, safe='')}?redirectDirectlyToPdf=true"
        response = self.http.get(url, follow=True, accept="application/pdf", limit=limit)
        if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
            return None
        return response.content

    def meeting_pdf(self, meeting_id: str) -> bytes | None:
        """The published PDF of the whole meeting, or None where the portal offers none (404, or a
        page instead of a PDF). Raises PortalError when the portal fails to answer."""
        url = f"{self.base}/vis/pdf/dagsorden/{quote(meeting_id, safe='')}?redirectDirectlyToPdf=true"
        response = self.http.get(url, follow=True, accept="application/pdf")
        if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
            return None
        return response.content


def _json(url: str, response: httpx.Response) -> object:
    if response.status_code in (403, 404, 410):
        raise MeetingGone(url, f"HTTP {response.status_code}")
    if response.status_code != 200:
        raise PortalError(url, f"HTTP {response.status_code}")
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        start = " ".join(response.text[:60].split())
        raise PortalError(url, f"expected JSON, got {kind} ({start!r}...)") from None


def _schema(url: str, problem: str) -> PortalError:
    return PortalError(url, f"unexpected answer (the portal's schema changed?): {problem}")


def _meeting_date(url: str, value: object) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise _schema(url, f"meeting date {value!r} is not a date") from None


def parse_committees(url: str, data: object) -> list[Committee]:
    if not isinstance(data, dict) or not isinstance(data.get("Udvalg"), dict):
        raise _schema(url, "no 'Udvalg' object of committee groups")
    committees = []
    for period, group in data["Udvalg"].items():
        if not isinstance(group, list):
            raise _schema(url, f"committee group {period!r} is not a list")
        for entry in group:
            if not isinstance(entry, dict) or not entry.get("Id") or not isinstance(entry.get("Navn"), str):
                raise _schema(url, f"a committee in {period!r} has no Id/Navn")
            moeder = entry.get("Moeder") or []
            if not isinstance(moeder, list):
                raise _schema(url, f"the meetings of {entry['Navn']!r} are not a list")
            meetings = []
            for m in moeder:
                if not isinstance(m, dict) or not m.get("Id") or not m.get("Dato"):
                    raise _schema(url, f"a meeting of {entry['Navn']!r} has no Id/Dato")
                meetings.append(MeetingRef(str(m["Id"]), str(entry["Id"]), entry["Navn"].strip(),
                                           _meeting_date(url, m["Dato"]), str(m.get("Navn") or "Dagsorden").strip(),
                                           json.dumps(m, sort_keys=True, ensure_ascii=False)))
            committees.append(Committee(str(entry["Id"]), entry["Navn"].strip(), str(period), tuple(meetings)))
    return committees


def check_meeting(url: str, data: object) -> dict:
    """The meeting's JSON object, once it has the fields referat's FirstAgenda reader needs: Udvalg.Navn,
    Moede.Dato, Dagsordenpunkter[]."""
    if not isinstance(data, dict):
        raise _schema(url, "the meeting is not a JSON object")
    if not isinstance(data.get("Dagsordenpunkter"), list):
        raise _schema(url, "no 'Dagsordenpunkter' list of agenda items")
    if not isinstance(data.get("Udvalg"), dict) or not isinstance(data["Udvalg"].get("Navn"), str):
        raise _schema(url, "no 'Udvalg.Navn' (the committee)")
    if not isinstance(data.get("Moede"), dict) or not data["Moede"].get("Dato"):
        raise _schema(url, "no 'Moede.Dato' (the meeting date)")
    _meeting_date(url, data["Moede"]["Dato"])
    return data
