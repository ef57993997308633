"""The hits of one case folded into one: a case that went Fagudvalg → Økonomiudvalget → Byråd is one hit.

Grouping runs over the whole ranked list of matching items (numpy, one code per item from the `case`
column: indexer.cases.group_key), so every page is a full page of groups and a case's appearances are
never split over pages. A group takes the place of its best-ranked item; it shows its most recent
appearance, with the others folded under it. An engine that reads a short ranked prefix (OpenSearch)
groups it with group_ranked, the same grouping over a list, which needs no numpy (a one-shot search
does not import it).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def group_ranked(keys: Sequence[str | None], first: int, limit: int) -> list[list[int]]:
    """The members of the groups `first` to `first + limit` of ranked items whose case keys are `keys`
    (None: no case, a group of its own), each group its members' places in `keys`, in rank order; the
    groups in the order of their best-ranked member (group_page's grouping)."""
    groups: dict[object, list[int]] = {}
    for place, key in enumerate(keys):
        groups.setdefault(key if key is not None else ("alone", place), []).append(place)
    return list(groups.values())[first:first + limit]


def group_page(order: np.ndarray, codes: np.ndarray, first: int, limit: int) -> tuple[int, list[np.ndarray]]:
    """(how many groups the ranked documents `order` make, the members of the groups `first` to
    `first + limit`, each in rank order). `codes` is the case code per document (-1: no case, an item
    that is a group of its own)."""
    import numpy as np

    if not len(order):
        return 0, []
    keys = codes[order].astype(np.int64)
    alone = np.nonzero(keys < 0)[0]
    keys[alone] = -1 - alone
    _, first_at, inverse = np.unique(keys, return_index=True, return_inverse=True)
    chosen = np.argsort(first_at, kind="stable")[first:first + limit]
    inverse = inverse.reshape(-1)
    return len(first_at), [order[inverse == g] for g in chosen]


def newest(members: list[dict]) -> int:
    """Which of a group's stored items it shows: the most recent appearance (the best-ranked on a tie)."""
    return max(range(len(members)), key=lambda k: (members[k].get("date") or "", -k))
