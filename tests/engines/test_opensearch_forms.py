"""Exact forms on an OpenSearch index made before they had a field per source (its mapping holds them
all in one `exact` field): its items' forms are still found, anywhere in the item as before, and a
reindex adds the fields of each source, so that the items it writes (new ones, and those of a changed
file) have a form asked in one section looked for in that section alone. The same index was made
before the text fields' pairs: its phrases are placed by their positions until it is built again."""
from __future__ import annotations

import uuid
from textwrap import dedent

import pytest

import indexer
import search
from indexer.analysis import exact_analyzer
from indexer.engines.opensearch import documents
from indexer.engines.opensearch import engine as writer_module
from indexer.engines.opensearch import mapping as mapping_module
from indexer.engines.opensearch.mapping import EXACT_FIELD, FORM_FIELDS, PAIRS, STACK, text_fields
from indexer.schema import FORM_SOURCES
from search.engines.opensearch import OpenSearchEngine
from tests.conftest import write
from tests.search.test_exact_forms import HORSENS

from .conftest import drop_index, opensearch_config

LATER = """\
    Referat Klyngestyregruppe Horsens-klyngen
    Mødedato: 7. april 2023 kl. 9.00

    1. Aftale om akutpladser

    Indstilling
    At aftalen drøftes.

    Beslutning
    Aftalen godkendes.
    """


def one_field_of_forms(generation: int, schema: int) -> dict:
    """The mapping as referat wrote it before the forms had a field per source, and the text fields
    their pairs."""
    made = mapping_module.mapping(generation, schema)
    for name in FORM_FIELDS:
        del made["properties"][name], made["properties"][name + STACK]
    for name in text_fields():
        del made["properties"][name + PAIRS]
    del made["_meta"]["referat"]["pairs"]
    return made


def forms_in_one_field(document: dict) -> dict:
    """An item as referat sent it then: the forms of its title, sections and attachments in `exact`."""
    body = documents.source(document)
    for name in FORM_FIELDS:
        body.pop(name, None), body.pop(name + STACK, None)
    for name in text_fields():
        body.pop(name + PAIRS, None)
    texts = [str(document[name]) for name in FORM_SOURCES if document.get(name)]
    documents._put_text(body, EXACT_FIELD, texts, exact_analyzer())
    return body


@pytest.fixture
def old_index(tmp_path, opensearch_url, monkeypatch):
    name = f"forms-test-{uuid.uuid4().hex[:10]}"
    folder = tmp_path / "minutes"
    folder.mkdir()
    write(folder / "horsens.txt", dedent(HORSENS))
    with monkeypatch.context() as patched:
        patched.setattr(writer_module, "mapping", one_field_of_forms)
        patched.setattr(writer_module, "added_properties", dict)
        patched.setattr(writer_module, "source", forms_in_one_field)
        assert not indexer.build(tmp_path / "ix", [folder], engine=opensearch_config(opensearch_url, name)).failed
    forget_pairs(tmp_path / "ix")  # its commit, as that referat wrote it
    yield tmp_path / "ix", folder
    drop_index(opensearch_url, name)


def titles(result) -> set[str]:
    return {h.title for h in result.hits}


def test_an_index_with_one_field_of_forms_is_searched_and_moves_to_a_field_per_source(old_index):
    ix, folder = old_index
    with search.open(ix) as index:
        assert titles(index.search("=godkendes")) == {"Budget for sundhedsindsatsen", "Plan for demensindsatsen"}
        # its forms stand in one field: found anywhere in the item, as this index always found them
        assert titles(index.search("beslutning:=godkendes")) == {"Budget for sundhedsindsatsen"}
    write(folder / "later.txt", dedent(LATER))
    report = indexer.reindex(ix)
    assert not report.failed and len(report.added) == 1
    with search.open(ix) as index:
        assert titles(index.search("=godkendes")) == {"Budget for sundhedsindsatsen", "Plan for demensindsatsen",
                                                      "Aftale om akutpladser"}
        assert titles(index.search("beslutning:=godkendes")) == {"Budget for sundhedsindsatsen",
                                                                 "Aftale om akutpladser"}
        assert index.search("indstilling:=godkendes").total == 2  # the new item's proposal: "drøftes"
    write(folder / "horsens.txt", dedent(HORSENS) + "\n")  # the file changes: its items are written again
    assert not indexer.reindex(ix).failed
    with search.open(ix) as index:
        assert titles(index.search("beslutning:=godkendes")) == {"Aftale om akutpladser"}
        assert titles(index.search("indstilling:=godkendes")) == {"Budget for sundhedsindsatsen",
                                                                  "Plan for demensindsatsen"}


def forget_pairs(ix) -> None:
    """The live generation's commit without the record of its pairs."""
    with search.open(ix) as index:
        engine = index.engine
        assert isinstance(engine, OpenSearchEngine)
        live = engine._newest()[1]
        meta = engine.client.indices.get_mapping(index=live)[live]["mappings"]["_meta"]
        del meta["referat"]["pairs"]
        engine.client.indices.put_mapping(index=live, body={"_meta": meta})


def committed_pairs(ix) -> bool:
    """Whether the index's live generation records that every item has its pairs."""
    with search.open(ix) as index:
        engine = index.engine
        assert isinstance(engine, OpenSearchEngine)
        live = engine._newest()[1]
        return bool(engine.client.indices.get_mapping(index=live)[live]["mappings"]["_meta"]["referat"].get("pairs"))


def phrase_titles(ix) -> dict[str, set[str]]:
    with search.open(ix) as index:
        return {q: titles(index.search(q, limit=20))
                for q in ('"borgerens status"', '"status for borgerens"', '"aftale om akutpladser"',
                          '"budget for"', '"budgettet godkendes"', '"godkendes budgettet"')}


def test_an_index_made_before_the_pairs_places_its_phrases_until_it_is_built_again(old_index):
    ix, folder = old_index
    assert not committed_pairs(ix)
    before = phrase_titles(ix)
    assert "Borgerens status efter udskrivning" in before['"borgerens status"']
    assert "Budget for sundhedsindsatsen" in before['"budgettet godkendes"']
    assert before['"godkendes budgettet"'] == set()  # the words next to each other, not in that order
    write(folder / "later.txt", dedent(LATER))
    assert not indexer.reindex(ix).failed
    assert not committed_pairs(ix), "its older items have no pairs: a reindex must not say they do"
    after = phrase_titles(ix)
    assert after['"aftale om akutpladser"'] == {"Aftale om akutpladser"}
    assert {q: found for q, found in after.items() if q != '"aftale om akutpladser"'} == \
        {q: found for q, found in before.items() if q != '"aftale om akutpladser"'}
    assert not indexer.build(ix, [folder]).failed  # built again: every item has its pairs
    assert committed_pairs(ix)
    assert phrase_titles(ix) == after
