"""A real `referat serve` in a subprocess on 127.0.0.1 and a free port, ready when it answers."""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import referat_command

READY_WITHIN_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/static/style.css")
        return conn.getresponse().status == 200
    except OSError:
        return False


@contextmanager
def serving(index_dir: Path, *extra: str):
    """Yield the base URL of a running server; stop it (and check it was still running) afterwards."""
    with server(index_dir, *extra) as (base, _):
        yield base


@contextmanager
def server(index_dir: Path, *extra: str):
    """Yield (base URL, process) of a running server; stop it (and check it was still running) afterwards."""
    port = free_port()
    proc = subprocess.Popen([referat_command(), "serve", "--index", str(index_dir), "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        while not answers(port):
            if proc.poll() is not None:
                said = proc.stderr.read()[-2000:] if proc.stderr else ""
                raise AssertionError(f"referat serve exited with {proc.returncode}: {said}")
            if time.monotonic() > deadline:
                raise AssertionError(f"referat serve did not answer within {READY_WITHIN_S} s")
            time.sleep(0.05)  # polling interval of the readiness check, not a wait for an event
        yield f"http://127.0.0.1:{port}", proc
        assert proc.poll() is None, "the server stopped while in use"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
