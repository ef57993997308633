"""The spelling list's counts (indexer.spelling: meetings per word) of the documents a writer writes,
taken from the words its analysis finds in them, so the run does not read their text a second time.

A writer's worker writes a contiguous share of a run's documents, which come meeting by meeting: each
meeting's words are counted once, when the next meeting starts. The first and the last meeting of a
share may be cut by the next share or batch, so their words are kept apart as edges, for the run to
join with the other shares' before counting them (`joined`).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from .analysis import words_of
from .spelling import kept_words, meeting_key, texts_of

Edges = dict[str, set[str]]  # meeting -> the words seen of it


class WrittenWords:
    """The words of the documents one worker writes, in order (`document`, then `analysed`, each
    document)."""

    def __init__(self):
        self.counts: Counter = Counter()  # meetings per word, of the meetings seen whole
        self.edges: Edges = {}
        self._meeting: str | None = None
        self._words: set[str] | None = None
        self._first = True

    def document(self, doc: Mapping) -> tuple[set[str], list[str]]:
        """(the set to which the writer's analysis adds the words of each of `doc`'s field values that
        is among the texts the list reads (indexer.analysis.Analysis.positions), those texts)."""
        meeting = meeting_key(doc)
        if self._words is None or meeting != self._meeting:
            self._close()
            self._meeting, self._words = meeting, set()
        return self._words, texts_of(doc)

    def analysed(self, texts: list[str], values: list[str]) -> None:
        """After the writer analysed `values` (of `texts`, from `document`): the words of the texts
        that were not among them (a section no field holds)."""
        assert self._words is not None, "document() first"
        for text in texts:
            if text and text not in values:
                self._words.update(words_of(text))

    def shares(self) -> tuple[Counter, Edges]:
        """(counts of the meetings seen whole, edges): what the worker sends back."""
        self._close(last=True)
        return self.counts, self.edges

    def _close(self, last: bool = False) -> None:
        if self._words is None:
            return
        words = kept_words(self._words)
        if self._first or last:
            self.edges.setdefault(self._meeting or "", set()).update(words)
        else:
            self.counts.update(words)
        self._first, self._meeting, self._words = False, None, None


def joined(shares: Iterable[tuple[Counter, Edges]]) -> Counter:
    """Meetings per word over every share (of every batch): the edges of one meeting joined first."""
    counts: Counter = Counter()
    edges: Edges = {}
    for share_counts, share_edges in shares:
        counts.update(share_counts)
        for meeting, words in share_edges.items():
            edges.setdefault(meeting, set()).update(words)
    for words in edges.values():
        counts.update(words)
    return counts
