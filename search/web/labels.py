"""Every word the web page says that is not in a template: facet names, facet values, messages and notes,
in Danish, in one table each. The library and the CLI speak English; the web page speaks Danish, so what
the library reports (a QueryError, a note) carries a code, and its Danish sentence is looked up here.

A message without a Danish sentence here is shown as the general one of its kind, never in English (a
test scans these tables and the templates for English sentences).
"""
from __future__ import annotations

from ..meetings import UNKNOWN_BODY
from ..names import body_name

# The facets (indexer.facets declares which there are), in the order they are shown.
FACETS = {
    "body": "Organ", "body_kind": "Type af organ", "cluster": "Klynge", "region": "Region",
    "municipality": "Kommune", "year": "År", "forum": "Forum", "section": "Afsnit", "outcome": "Beslutning",
    "person": "Deltager", "period": "Valgperiode",
}

# Facet values that are words of the code (corpus.bodies' body kinds), as a Danish reader calls them.
VALUES = {
    "name": {UNKNOWN_BODY: "(ukendt organ)"},
    "body_kind": {
        "cluster forum": "Klyngeforum", "sundhedsråd": "Sundhedsråd", "regional committee": "Regionalt udvalg",
        "municipal committee": "Kommunalt udvalg", "sundhedsaftale body": "Sundhedsaftalens organer",
        "other": "Andet organ",
    },
}

# The fields of the search form as the form names them, by URL parameter and by the CLI option the
# library names them by.
FIELDS = {"q": "Søg", "from": "Fra", "to": "Til", "limit": "Pr. side", "page": "Side", "sort": "Sortering",
          "kopi": "kopi", "--from": "Fra", "--to": "Til", "--limit": "Pr. side", "--page": "Side",
          "--section": "Afsnit", "--year": "År"}

# Messages and notes by code (search.query.QueryError.code, search.result notes' codes).
MESSAGES = {
    "empty_index": "Ingen punkter endnu — indeksér nogle referater med referat index",
    "empty_query": "Skriv et eller flere ord at søge efter",
    "query_too_long": "Søgningen er for lang ({length} tegn; højst {limit})",
    "unknown_field": "Ukendt felt '{field}' (kendte felter: {known})",
    "field_without_value": "'{field}:' skal have en værdi efter sig, fx {field}:telekol",
    "operator_alone": "'{operator}' mangler et ord på begge sider i '{query}'; "
                      "skriv ordet med små bogstaver for at søge efter det",
    "not_understood": "Søgningen kan ikke forstås: '{query}'",
    "only_operators": "Der er intet at søge efter i '{query}': kun operatorer eller fyldord",
    "nothing": "Der er intet at søge efter",
    "bad_year": "Ugyldigt år '{value}': skriv ÅÅÅÅ eller et interval ÅÅÅÅ-ÅÅÅÅ",
    "bad_year_range": "Ugyldigt interval '{value}': det første år er efter det sidste",
    "unknown_section": "Ukendt afsnit '{value}'; et af {known}",
    "nothing_in_value": "Der er intet at søge efter i {facet} '{value}'",
    "unknown_name": "Ukendt {facet} '{value}'",
    "ambiguous_name": "'{value}' kan være flere af {facet}: {candidates}",
    "bad_date": "Ugyldig dato i feltet {field}: '{value}' (skriv ÅÅÅÅ-MM-DD)",
    "bad_sort": "Ukendt sortering '{value}'",
    "bad_appearances": "Ukendt visning '{value}': brug all (hver forekomst) eller case (én pr. sag)",
    "two_sections": "Vælg ét afsnit",
    "not_a_meeting_filter": "Møder kan ikke afgrænses efter {field}",
    "unbalanced_quote": "Et anførselstegn uden makker er ignoreret",
    "unbalanced_parentheses": "Parenteser uden makker er ignoreret",
    "filtered_away": "{count} punkter matcher '{query}', men ingen med de valgte filtre",
    "corrected": "Intet matcher '{query}'; viser resultater for '{suggestion}'",
    "any_word": "Intet punkt har alle ordene; viser punkter med mindst ét af dem",
    "most_words": "Intet punkt har alle ordene; viser punkter med de fleste af dem",
    "expanded": "Søgte også efter {expansions} ({count} punkter mere)",
    "case_number": "Punkterne i sag {number} vises først",
    "past_end": "Side {page} findes ikke; den sidste side er {last}.",
    "not_found_item": "Der findes intet punkt med id '{id}'",
    "not_found_meeting": "Der findes intet møde med id '{id}'",
    "not_found_case": "Der findes ingen sag med id '{id}'",
    "not_found_body": "Der findes intet organ med navnet '{id}'",
    "not_found_municipality": "Der findes ingen kommune med navnet '{id}'",
    "bad_copy": "'kopi' skal være et tal fra 1 til {count} for dette punkt",
    "bad_attachment": "Punktet har intet læst bilag {number}",
    "source_gone": "Kildefilen {name} findes ikke længere på serveren",
    "no_index": "Der er intet søgeindeks endnu",
    "other_bodies": "Øvrige organer",
    "page_missing": "Siden findes ikke",
    "read_only": "Her kan kun læses (GET)",
    "server_error": "Der opstod en fejl på serveren; prøv igen, eller se serverens log",
    "http_error": "Fejl {status}",
    "meetings_no_words": "Møder søges ikke på ord: brug filtrene, eller søg i punkterne",
    "repeated": "Feltet {field} må kun angives én gang",
    "too_long": "Feltet {field} er for langt: højst {limit} tegn",
    "bad_whole_number": "{field} skal være et helt tal fra 1 til {highest}",
    "too_many_values": "For mange værdier af {field}",
    "value_too_long": "En værdi af {field} er for lang: højst {limit} tegn",
}
# The general message of each kind, for a code this table does not know.
GENERAL = {"error": "Søgningen kan ikke udføres", "note": "Bemærk: søgningen er tilpasset"}


def facet_label(name: str) -> str:
    return FACETS.get(name, name.replace("_", " ").capitalize())


def value_label(name: str, value: str) -> str:
    """How a facet value reads: sections capitalised, words of the code in Danish, bodies cleanly
    (search.meetings.body_name), the rest as indexed."""
    if name == "section":
        return value.capitalize()
    if name == "body":
        return body_name(value)
    return VALUES.get(name, {}).get(value, value)


def text(code: str, **params) -> str:
    """The sentence of a code of this table, the fields and facets in it named as the form names them."""
    return MESSAGES[code].format(**_named(params))


def _named(params: dict) -> dict:
    out = dict(params)
    if isinstance(out.get("field"), str):
        out["field"] = FIELDS.get(out["field"], facet_label(out["field"]) if out["field"] in FACETS else out["field"])
    if isinstance(out.get("facet"), str):
        out["facet"] = facet_label(out["facet"]).lower()
    return out


def case_numbers(note) -> list[str]:
    """The case numbers a note says come first (search.engine's `case_number` note), for links to their cases."""
    if getattr(note, "code", None) != "case_number":
        return []
    return [n.strip() for n in note.params.get("number", "").split(",") if n.strip()]


def say(message, kind: str = "note") -> str:
    """The Danish sentence of a message with a code (search.result.Message, search.query.QueryError);
    the general one of its kind for anything else."""
    code = getattr(message, "code", None)
    template = MESSAGES.get(code) if code else None
    if template is None:
        return GENERAL[kind]
    try:
        return template.format(**_named(getattr(message, "params", {}) or {}))
    except (KeyError, IndexError):
        return GENERAL[kind]
