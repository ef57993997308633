"""The two forms of one grouping (search.grouping): over numpy codes of a whole ranking (Whoosh), over a
list of keys of a ranked prefix (OpenSearch). Both give the same groups in the same order."""
import random

import numpy as np

from search.grouping import group_page, group_ranked


def test_grouping_a_list_of_keys_is_grouping_their_codes():
    rng = random.Random(7)
    for _ in range(200):
        keys = [rng.choice([None, "a", "b", "c", "d", "e"]) for _ in range(rng.randint(0, 30))]
        first, limit = rng.randint(0, 5), rng.randint(1, 6)
        table: dict[str, int] = {}
        codes = np.array([table.setdefault(k, len(table)) if k else -1 for k in keys], dtype=np.int64)
        _, page = group_page(np.arange(len(keys)), codes, first, limit)
        assert group_ranked(keys, first, limit) == [list(members) for members in page], (keys, first, limit)


def test_an_item_without_a_case_is_a_group_of_its_own():
    assert group_ranked(["x", None, "x", None, "y"], 0, 10) == [[0, 2], [1], [3], [4]]
    assert group_ranked(["x", None, "x", None, "y"], 1, 2) == [[1], [3]]
