"""An item as OpenSearch receives it: Whoosh's analysis done here, in Python (see mapping)."""
from __future__ import annotations

from functools import cache
from itertools import pairwise

from ...analysis import Analysis, analysis
from ...schema import BY_FIELD, FORM_SOURCES, form_field
from .mapping import BOOST, EXACT_FIELD, FILLER, PAIRS, STACK, STORED, field_roles, pair_term, stored_fields


@cache
def _analyzers() -> dict[str, Analysis]:
    """The analysis of each text field, as indexer.schema declares it."""
    return {name: analysis(BY_FIELD[name].analysis or "text") for name, role in field_roles().items()
            if role == "text"}


def slots(analyzer, text: str) -> list[list[str]]:
    """The index-time terms of `text` per position, in the order the analyzer makes them (a position
    no term reaches, which indexer.analysis never leaves, stays empty)."""
    found: list[list[str]] = []
    for token in analyzer.tokens(text, "index"):
        while len(found) <= token.pos:
            found.append([])
        found[token.pos].append(token.text)
    return found


def layers(positions: list[list[str]]) -> tuple[str, list[str]]:
    """(the field's text, its stack's values): see mapping for the layout."""
    main = " ".join(terms[0] if terms else FILLER for terms in positions)
    aligned = [terms[1] if len(terms) > 1 else FILLER for terms in positions]
    while aligned and aligned[-1] == FILLER:
        aligned.pop()
    overflow = [term for terms in positions for term in terms[2:]]
    stack = [" ".join(aligned)] if aligned else []
    if overflow:
        stack = [stack[0] if stack else "", " ".join(overflow)]
    return main, stack


def pairs(positions: list[list[str]]) -> list[str]:
    """A text field's pairs (mapping): each of a position's first two terms, those a phrase reaches,
    then each of the next position's, as `a b`, once each."""
    return list(dict.fromkeys(pair_term(a, b) for here, after in pairwise(positions)
                              for a in here[:2] for b in after[:2]))


def index_terms(field: str, value) -> list[str]:
    """What a value of a keyword field is indexed as: itself, or (a comma list: case_numbers) each of
    its values, lowercased, as the Whoosh engine's keyword field takes them."""
    if field_roles().get(field) != "keywords":
        return [str(value)]
    return [v.strip().lower() for v in str(value).split(",") if v.strip()]


ORDER = "_order"  # in STORED: the key order of its dict values (the sections, in the order the minutes have them)
# in STORED: what the stored fields do not say of an item's indexed text (its meeting's participants, whether
# its text is OCR's), so that the lexicon can subtract a deleted item's terms (lexicon.indexed_document)
INDEXED = "_indexed"


def stored_source(document: dict) -> dict:
    """The stored fields, with the key order of each dict value written beside it: OpenSearch's source
    filtering (`_source: [STORED]`) gives objects back in no particular order."""
    stored = {k: v for k, v in document.items() if k in stored_fields() and v is not None}
    order = {k: list(v) for k, v in stored.items() if isinstance(v, dict)}
    indexed = {"participants": document.get("participants"), "ocr": document.get("ocr") is not None}
    return {**stored, ORDER: order, INDEXED: indexed} if order else {**stored, INDEXED: indexed}


def stored_document(stored: dict) -> dict:
    """The stored fields of an item as indexer.build gave them (stored_source undone)."""
    order = stored.get(ORDER)
    out = {k: v for k, v in stored.items() if k not in (ORDER, INDEXED)}
    if order is None:
        return out
    for name, keys in order.items():
        value = out.get(name)
        if isinstance(value, dict):
            out[name] = {key: value[key] for key in keys if key in value} | value
    return out


def source(document: dict) -> dict:
    """The OpenSearch document of one item (the fields of indexer.schema, as indexer.build makes them)."""
    roles, analyzers = field_roles(), _analyzers()
    out: dict = {STORED: stored_source(document)}
    if "_boost" in document:
        out[BOOST] = document["_boost"]
    for name, value in document.items():
        role = roles.get(name)
        if value is None or role in (None, "stored"):
            continue
        if role == "text":
            positions = slots(analyzers[name], str(value))
            _put_layers(out, name, [positions])
            if adjacent := pairs(positions):
                out[name + PAIRS] = adjacent
        elif role == "integer":
            out[name] = int(value)
        elif role == "keywords":
            out[name] = index_terms(name, value)
        else:
            out[name] = str(value)
    for name in FORM_SOURCES:
        if document.get(name):
            _put_text(out, form_field(name), [str(document[name])], analyzers[EXACT_FIELD])
    for name in analyzers:
        if not out.get(name):
            out[name] = FILLER
    return out


def _put_text(out: dict, name: str, values: list[str], analyzer) -> None:
    """One value per text; several (exact's sources) are kept apart by the field's position gap."""
    _put_layers(out, name, [slots(analyzer, value) for value in values])


def _put_layers(out: dict, name: str, values: list[list[list[str]]]) -> None:
    mains, stacks = [], []
    for positions in values:
        main, stack = layers(positions)
        mains.append(main)
        stacks.extend(stack)
    out[name] = mains[0] if len(mains) == 1 else mains
    if any(stacks):
        out[name + STACK] = stacks[0] if len(stacks) == 1 else stacks
