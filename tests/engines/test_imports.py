"""Everything that imports Whoosh lives behind the Whoosh engine (#23): per package, the one place
where `whoosh` may be imported (its writing side in indexer, its searching side in search)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# package -> the folders inside it where Whoosh may be imported
ALLOWED = {
    "corpus": (),
    "indexer": ("indexer/engines/whoosh/",),
    "search": ("search/engines/whoosh/",),
}


def whoosh_imports(path: Path) -> list[int]:
    """The line numbers of the file's imports of whoosh (or of a module inside it)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if any(name == "whoosh" or name.startswith("whoosh.") for name in names):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_whoosh_is_imported_only_behind_the_whoosh_engine(package):
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        if not (ALLOWED[package] and where.startswith(ALLOWED[package])) and (lines := whoosh_imports(path)):
            found[where] = lines
    assert not found, f"whoosh imported outside {', '.join(ALLOWED[package]) or package}: {found}"
    for place in ALLOWED[package]:  # the check sees the imports it allows
        assert any(whoosh_imports(path) for path in (ROOT / place).rglob("*.py")), place


def test_the_check_sees_every_form_of_import(tmp_path):
    """The check itself: plain, dotted, from-imports and imports inside a function are found, relative
    imports and names that only start with whoosh are not."""
    source = tmp_path / "m.py"
    source.write_text("import whoosh\nimport whoosh.query as q\nfrom whoosh import qparser\n"
                      "def f():\n    from whoosh.query import Term\n"
                      "from .whoosh import x\nimport whooshy\nfrom search.engines.whoosh import open_engine\n",
                      "utf-8")
    assert whoosh_imports(source) == [1, 2, 3, 5]
    assert whoosh_imports(ROOT / "search" / "engines" / "whoosh" / "queries.py")
