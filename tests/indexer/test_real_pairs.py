"""../shared/real: a meeting published as a PDF and as an XML export is one meeting in the index."""
from collections import defaultdict
from pathlib import Path

import indexer
from indexer.meetings import unpack_sources


def test_pdf_and_xml_of_one_meeting_are_one_meeting(tmp_path, shared_dir):
    real = shared_dir / "real"
    report = indexer.build(tmp_path / "ix", [real])
    failed = {Path(p).name for p, _ in report.failed}
    ix = indexer.open_index(tmp_path / "ix")
    meetings_of = defaultdict(set)
    with ix.searcher() as searcher:
        for stored in searcher.all_stored_fields():
            for source in unpack_sources(stored):
                meetings_of[Path(source.path).name].add(stored["meeting"])
    pairs = [(pdf.name, pdf.with_suffix(".xml").name) for pdf in sorted(real.glob("*.pdf"))
             if pdf.with_suffix(".xml").exists()]
    assert len(pairs) == 3
    for pdf, xml in pairs:
        assert pdf not in failed and xml not in failed
        assert len(meetings_of[pdf]) == 1 and meetings_of[pdf] == meetings_of[xml], (pdf, xml)
    assert sum(len(m) for m in meetings_of.values()) == len(meetings_of), "a file belongs to one meeting"
