"""The Danish analysis (indexer.analysis) as Whoosh tokenizers, for the schema's text fields and
Whoosh's query parser. Whoosh pickles them into the index's table of contents, so they hold only their
settings; the analysis itself is indexer.analysis's, shared with every other engine."""
from __future__ import annotations

from collections.abc import Callable

from whoosh.analysis import Token, Tokenizer

from ...analysis import Analysis, analysis


class DanishTokenizer(Tokenizer):
    """A field kind's analysis ("text", "exact", "ocr", see indexer.analysis.KINDS) as Whoosh tokens."""

    def __init__(self, kind: str = "text", fold: bool = True, exceptions: bool = True):
        self.kind = kind
        self.fold = fold
        self.exceptions = exceptions

    def __eq__(self, other):
        return (other is not None and self.__class__ is other.__class__ and self.kind == other.kind
                and self.fold == other.fold and self.exceptions == other.exceptions)

    @property
    def analysis(self) -> Analysis:
        return analysis(self.kind, self.fold, self.exceptions)

    def positions(self, value: str, words: set[str] | None = None) -> dict[str, list[int]]:
        """Each index-time term of `value` with its positions (the writer's path: indexer.engines.whoosh.postings);
        `words` gains the spelling list's words of `value` (indexer.analysis.Analysis.positions)."""
        return self.analysis.positions(value, words)

    def word_analyser(self) -> Callable[[str], tuple[bool, str, tuple[str, ...]]]:
        return self.analysis.word_analyser()

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        # Whoosh's parser hands over prefix, wildcard and range texts whole (tokenize=False).
        for token in self.analysis.tokens(value, "index" if mode == "index" else "query", keep_stops=not removestops,
                                          whole=not tokenize):
            t.text, t.stopped, t.boost = token.text, token.stopped, 1.0
            if keeporiginal:
                t.original = value[token.start:token.end]
            if positions:
                t.pos = start_pos + token.pos
            if chars:
                t.startchar, t.endchar = start_char + token.start, start_char + token.end
            yield t


def tokenizer(kind: str = "text", fold: bool = True, exceptions: bool = True) -> DanishTokenizer:
    return DanishTokenizer(kind, fold, exceptions)
