"""`referat serve` for real: a subprocess on loopback answering HTTP, and its usage errors."""
from __future__ import annotations

import json
import socket
import subprocess
import urllib.request
from pathlib import Path

from indexer.build import usable_cores
from tests.conftest import BOTH_ENGINES, referat_command
from tests.indexer.faults import children, wait_for

from .live import READY_WITHIN_S, server, serving

pytestmark = BOTH_ENGINES


def test_serve_answers_on_loopback(web_index):
    with serving(web_index) as base:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{base}/?q=telekol") as r:
            assert r.status == 200 and "<mark>TeleKOL</mark>" in r.read().decode("utf-8")


def test_serve_on_a_taken_port_is_a_usage_error(web_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run([referat_command(), "serve", "--index", str(web_index), "--port", str(port)],
                           check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and "--port" in r.stderr
    assert "Traceback" not in r.stderr


def test_serve_with_several_worker_processes(web_index):
    with serving(web_index, "--workers", "2") as base:
        for _ in range(4):
            with urllib.request.urlopen(f"{base}/api/search?q=telekol") as r:
                assert json.loads(r.read())["total"] == 1


def _workers(pid: int) -> list[int]:
    """The server's worker processes (spawned by multiprocessing; its resource tracker is not one)."""
    return [c for c in children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def test_serve_starts_one_worker_process_per_core_by_default(web_index):
    cores = usable_cores()
    expected = cores if cores > 1 else 0  # one process serves alone, with no workers
    with server(web_index) as (base, proc):
        wait_for(lambda: len(_workers(proc.pid)) >= expected, "the worker processes to start", READY_WITHIN_S)
        assert len(_workers(proc.pid)) == expected
        with urllib.request.urlopen(f"{base}/api/search?q=telekol") as r:
            assert json.loads(r.read())["total"] == 1
