"""What a new user trips over (issue 22), through the CLI: an empty index, a path that is not there, a
dangling link, counts in the singular."""
import json

from click.testing import CliRunner

from search.cli import EXIT_USAGE, main
from tests.conftest import SAMPLE, write


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_an_empty_index_is_an_index(tmp_path):
    empty = write(tmp_path / "empty.txt", "")
    ix = tmp_path / "E"
    assert invoke("index", "--index", ix, empty).exit_code == 1  # the file failed; the index exists, empty
    found = invoke("search", "--index", ix, "kol")
    assert found.exit_code == 0
    assert found.stdout.strip() == "No items yet — index some minutes with `referat index`"
    assert json.loads(invoke("search", "--index", ix, "kol", "--json").stdout)["empty_index"] is True
    for _ in range(2):  # healthy, and stays so: no repair loop
        check = invoke("check", "--index", ix)
        assert check.exit_code == 0 and check.stdout.rstrip().endswith("healthy"), check.stdout
        assert "None" not in check.stdout
    assert not list(ix.glob("*None*"))
    assert invoke("meetings", "--index", ix).exit_code == 0
    assert invoke("stats", "--index", ix).exit_code == 0


def test_indexing_a_path_that_is_not_there_creates_nothing(tmp_path):
    result = invoke("index", "--index", tmp_path / "ix", tmp_path / "nothere")
    assert result.exit_code == EXIT_USAGE
    assert "nothere: no such file or directory; nothing was indexed" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_a_dangling_link_is_named_by_the_link(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gone.txt").symlink_to(tmp_path / "target-that-was-deleted.txt")
    result = invoke("index", "--index", tmp_path / "ix", folder)
    assert f"{folder / 'gone.txt'}: failed: a symbolic link to {tmp_path / 'target-that-was-deleted.txt'}" \
        in result.stderr
    assert "referat: " + str(tmp_path / "target-that-was-deleted.txt") not in result.stderr


def test_one_file_one_item_in_the_singular(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "m.txt", (SAMPLE / "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt").read_text("utf-8"))
    result = invoke("index", "--index", tmp_path / "ix", folder)
    assert "indexed 1 file, 1 meeting, 6 items" in result.stdout
    one = invoke("search", "--index", tmp_path / "ix", "telekol", "--limit", "1")
    assert "1 items" not in one.stdout and "1 item matches" in one.stdout
