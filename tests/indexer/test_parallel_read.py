"""Big batches are parsed ahead in worker processes: the index, the failures and the progress are the
same as when one process reads every file."""
import importlib
import os

import corpus
import indexer
from bench.generate import generate
from tests.indexer.test_reindex import snapshot

build_module = importlib.import_module("indexer.build")


def _build(tmp_path, folder, name, min_files, monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_MIN_FILES", min_files)
    seen = []
    report = indexer.build(tmp_path / name, [folder], progress=lambda p: seen.append(p.name))
    return report, snapshot(tmp_path / name), seen


def test_parsed_ahead_in_workers_same_as_one_process(tmp_path, monkeypatch):
    readers = tmp_path / "readers.txt"
    real_read = corpus.read_bytes

    def read_bytes(*args, **kwargs):
        with open(readers, "a") as log:
            log.write(f"{os.getpid()}\n")
        return real_read(*args, **kwargs)

    monkeypatch.setattr(corpus, "read_bytes", read_bytes)
    folder = tmp_path / "minutes"
    generate(folder, 120, per_file=10)
    bad = folder / "broken.pdf"
    bad.write_bytes(b"not a pdf at all")

    one, one_index, one_seen = _build(tmp_path, folder, "one", 10**9, monkeypatch)
    assert set(readers.read_text().split()) == {str(os.getpid())}
    readers.unlink()
    many, many_index, many_seen = _build(tmp_path, folder, "many", 2, monkeypatch)

    assert str(os.getpid()) not in readers.read_text().split()  # every file was read by a worker
    assert many.items == one.items == 120
    assert many_index == one_index
    assert many.failed == one.failed and [p for p, _ in many.failed] == [str(bad.resolve())]
    assert many_seen == one_seen and "broken.pdf" in many_seen
