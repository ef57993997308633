"""An open Index follows a reindex: removed and changed items are gone from the next search."""
import shutil

import indexer
import search
from tests.conftest import BOTH_ENGINES, SAMPLE, write

pytestmark = BOTH_ENGINES


def test_an_open_index_sees_removed_and_changed_items_after_a_reindex(tmp_path):
    corpus = tmp_path / "minutes"
    shutil.copytree(SAMPLE, corpus)
    indexer.build(tmp_path / "ix", [corpus])
    with search.open(tmp_path / "ix") as ix:
        assert ix.search("telekol").total == 1
        (corpus / "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt").unlink()
        randers = corpus / "2023-09-05_randers-klyngen_klyngestyregruppe.html"
        write(randers, randers.read_text("utf-8").replace("månedlige data", "månedlige data om telekol"))
        indexer.reindex(tmp_path / "ix")
        assert ix.refresh()
        hits = ix.search("telekol").hits
        assert [h.path for h in hits] == [str(randers)]
