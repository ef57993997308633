"""The user's query language, turned into the engine-neutral query tree (search.tree); malformed input
comes back as a message.

Words, "phrases", AND/OR/NOT, `-word`, `field:value`, `prefix*` and `=exact` (no stemming). Facet
fields written in the query (`cluster:Midtklyngen`, `year:2023`) become filters, so they get the same
forgiving name matching as the command-line options.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.hygiene import normalise as normalise_chars
from corpus.metadata import bare_case_numbers
from indexer.analysis import analysis
from indexer.cases import normal_case_number
from indexer.facets import BY_PREFIX
from indexer.schema import BY_FIELD, FIELDS, FORM_SOURCES, SECTION_SCOPES, form_field

from .exact import rewrite_exact
from .expand import FEATURES, GRADED_TERMS, drop_question_words, expand_synonyms, minimum_match
from .result import Message
from .tree import And, DisMax, Every, Node, Nothing, Or, Phrase, Prefix, Range, Term, simplify, transform

MAX_QUERY_CHARS = 1000
# Ranking weights (BM25F field boosts, declared with the fields in indexer.schema): a word in the title
# says most about an item, a word in the decision more than one in the background text; a word only in an
# attachment (bilag) least.
FIELD_BOOSTS = {f.name: f.boost for f in FIELDS if f.kind == "text" and f.boost != 1.0}
# A word found in several fields of an item: its best field counts whole, each other field by this much
# (search.engines.whoosh.docsets), so repeating a word in every section adds less than having it where it matters.
# (Whoosh's own matchers, which rank the few queries numpy does not, exact forms and prefixes, add them up.)
# Measured on the judged sets (README, "Ranking, measured"): 0 (best field only) and 1 (plain sum) rank worse.
FIELD_TIEBREAK = 0.5
TEXT_FIELD_ALIASES = {
    "title": "title", "titel": "title", "tekst": "tekst",
    "indstilling": "indstilling", "sagsfremstilling": "sagsfremstilling", "referat": "referat",
    "beslutning": "beslutning", "bilag": "bilag", "exact": "exact", "sagsnr": "case_numbers",
    "case": "case_numbers", "nummer": "number", "number": "number",
}
# Facets written in the query (`cluster:Midtklyngen`, `år:2023`): every prefix of indexer.facets.
FILTER_FIELD_ALIASES = {prefix: facet.name for prefix, facet in BY_PREFIX.items()}
FIELD_RE = re.compile(r'(?<![\w:])([A-Za-zæøåÆØÅ_]+):(=?"[^"]*"|[^\s()]+)')


class QueryError(Exception):
    """A query that cannot be run; the message is one line for the user. `code` and `params` let a page
    in another language say it in its own words (search/web/labels.py)."""

    def __init__(self, message: str, code: str | None = None, **params):
        super().__init__(message)
        self.code, self.params = code, params


@dataclass
class ParsedQuery:
    query: Node
    text: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    has_operators: bool = False
    terms: int = 0
    case_numbers: list[str] = field(default_factory=list)  # pasted case numbers: their items rank first
    expansions: list[str] = field(default_factory=list)  # synonyms added (`KOL = kronisk obstruktiv lungesygdom`)


def _outside_quotes(text: str, pattern: str, repl) -> str:
    parts = re.split(r'("[^"]*")', text)
    return "".join(p if p.startswith('"') and p.endswith('"') and len(p) > 1 else re.sub(pattern, repl, p)
                   for p in parts)


CASE_FIELD = "case_numbers"


def case_numbers_as_terms(text: str) -> tuple[str, list[str]]:
    """A case number pasted into the query (in a form corpus.metadata recognises, outside quotes and not
    already a field's value) is looked for as the items' case number or as words of their text:
    `21-014446` becomes `(case_numbers:"21-014446" OR "21-014446")`."""
    found: list[str] = []

    def rewrite(part: str) -> str:
        out, at = [], 0
        for number in bare_case_numbers(part):
            start = part.find(number, at)
            if start > 0 and part[start - 1] == ":":
                continue
            found.append(normal_case_number(number))
            out += [part[at:start], f'({CASE_FIELD}:"{normal_case_number(number)}" OR "{number}")']
            at = start + len(number)
        return "".join(out) + part[at:]

    parts = re.split(r'("[^"]*")', text)
    text = "".join(p if p.startswith('"') and p.endswith('"') and len(p) > 1 else rewrite(p) for p in parts)
    return text, list(dict.fromkeys(found))


def normalise(text: str) -> tuple[str, dict[str, list[str]], list[str]]:
    """Repairs and rewrites before Whoosh parses: characters as documents have them (corpus.hygiene:
    `ｔｅｌｅｋｏｌ`, `tele\xadkol`), quotes, parentheses, `-word`, `=word`, filters."""
    notes: list[str] = []
    text = " ".join(normalise_chars(text).split())
    if not text:
        raise QueryError("empty query: give one or more words to search for", "empty_query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})", "query_too_long",
                         length=len(text), limit=MAX_QUERY_CHARS)
    text = text.replace("“", '"').replace("”", '"').replace("„", '"')
    if text.count('"') % 2:
        text = text[::-1].replace('"', "", 1)[::-1]
        notes.append(Message("unbalanced quote ignored", "unbalanced_quote"))
    depth, balanced = 0, True
    for ch in _outside_quotes(text, r"[^()]", ""):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        balanced = balanced and depth >= 0
    if depth or not balanced:
        text = _outside_quotes(text, r"[()]", " ")
        notes.append(Message("unbalanced parentheses ignored", "unbalanced_parentheses"))
    filters: dict[str, list[str]] = {}

    def take_filter(m: re.Match) -> str:
        name, value = m.group(1).lower(), m.group(2).strip('"')
        if name in FILTER_FIELD_ALIASES:
            filters.setdefault(FILTER_FIELD_ALIASES[name], []).append(value)
            return " "
        if name in TEXT_FIELD_ALIASES:
            fields: tuple[str, ...] = SECTION_SCOPES.get(TEXT_FIELD_ALIASES[name], (TEXT_FIELD_ALIASES[name],))
            value = m.group(2)
            if value.startswith("=") and set(fields) <= set(FORM_SOURCES):  # a form in these fields only
                fields, value = tuple(form_field(f) for f in fields), value[1:]
            if len(fields) == 1:
                return f"{fields[0]}:{value}"
            return "(" + " OR ".join(f"{f}:{value}" for f in fields) + ")"
        known = ", ".join(sorted(set(TEXT_FIELD_ALIASES) | set(FILTER_FIELD_ALIASES)))
        raise QueryError(f"unknown field '{m.group(1)}' (known fields: {known})", "unknown_field", field=m.group(1),
                         known=known)

    empty = re.search(r'(?<![\w:])([A-Za-zæøåÆØÅ_]+):(?=\s|$|\))', _outside_quotes(text, r'"', " "))
    if empty:
        raise QueryError(f"'{empty.group(1)}:' needs a value after it, e.g. {empty.group(1)}:telekol",
                         "field_without_value", field=empty.group(1))
    text = FIELD_RE.sub(take_filter, text)
    text = _outside_quotes(text, r'(?<![\w-])-(?=[\w"(])', "NOT ")
    text = re.sub(r'(?<![\w=])=("[^"]*"|[\w-]+\*?)', r"exact:\1", text)
    return text.strip(), filters, notes


OPERATORS = ("AND", "OR", "NOT")


def check_operators(text: str) -> str:
    """A query whose operators lack a word on either side is a usage error with a hint; a query that
    starts with NOT (or -word) means "every item except"."""
    tokens = re.findall(r'"[^"]*"|[()]|[^\s()]+', text)
    hint = "put a word on both sides, or write the word in lower case to search for it"
    for i, token in enumerate(tokens):
        if token not in OPERATORS:
            continue
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if after is None or after == ")" or (after in OPERATORS and not (token != "NOT" and after == "NOT")):
            raise QueryError(f"'{token}' has nothing after it in '{text}': {hint}", "operator_alone", operator=token,
                             query=text)
        if token != "NOT" and (before is None or before == "(" or before in OPERATORS):
            raise QueryError(f"'{token}' has nothing before it in '{text}': {hint}", "operator_alone",
                             operator=token, query=text)
    if tokens and tokens[0] == "NOT":
        return "* " + text
    return text


def every_for_star(query: Node) -> Node:
    """`*` is every item: one Every() over the document list, not one per field walking every posting."""

    def convert(node: Node) -> Node:
        if isinstance(node, Every):
            return Every()
        if isinstance(node, Or) and node.children and all(isinstance(q, Every) for q in node.children):
            return Every()
        return node

    return transform(query, convert)


def is_listing(query: Node) -> bool:
    """Whether the query has no words: every item (`*`, or filters alone)."""
    return isinstance(query, Every)


def section_prefixes(text: str) -> list[str]:
    """The sections named in the query text (`section:beslutning`)."""
    return [m.group(2).strip('"') for m in FIELD_RE.finditer(text)
            if FILTER_FIELD_ALIASES.get(m.group(1).lower()) == "section"]


def single_word_phrases(query: Node) -> Node:
    """A phrase left with one word once its stop words are gone ("Status på") is that word: a term
    query, not a position check on every item that has it."""

    def convert(node: Node) -> Node:
        if isinstance(node, Phrase) and len(node.words) == 1:
            return Term(node.field, node.words[0], boost=node.boost)
        return node

    return transform(query, convert)


def ocr_as_alternative(query: Node) -> Node:
    """A scanned item counts a word once: the better of its ordinary and its OCR-key match, not both."""

    def convert(node: Node) -> Node:
        if not isinstance(node, Or):
            return node
        fielded = [q for q in node.children if isinstance(q, (Term, Phrase, Prefix, Range))]
        if fielded and len(fielded) == len(node.children):
            ocr = [q for q in fielded if q.field == "ocr"]
            rest = [q for q in fielded if q.field != "ocr"]
            if ocr and rest:
                return DisMax((Or(tuple(rest)), *ocr))
        return node

    return transform(query, convert)


PLAIN_WORDS = re.compile(r"[^\W_][\w-]*(?: [^\W_][\w-]*)*")  # words and nothing else: no syntax to parse
ANY_WORD_SCALE = 0.9  # Whoosh's scaled OR group: an item matching more of the words ranks higher


def _parse(fields: list[str], any_word: bool, cleaned: str, settings: dict | None = None) -> Node:
    """The tree of `cleaned`: the common shapes (plain words, one quoted phrase, `*`) built directly,
    anything else by Whoosh's parser (search.engines.whoosh.parsing), which builds the same tree of
    them (tests compare the two)."""
    try:
        if cleaned == "*":
            return Every()
        words = cleaned.split(" ")
        if PLAIN_WORDS.fullmatch(cleaned) and not set(words) & set(OPERATORS):
            return plain_words(fields, words, any_word, settings)
        inner = cleaned[1:-1]
        if not any_word and len(cleaned) > 2 and cleaned[0] == cleaned[-1] == '"' and PLAIN_WORDS.fullmatch(inner):
            return quoted_phrase(fields, inner, settings)
        return parsed_by_parser(fields, cleaned, any_word, settings)
    except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
        raise QueryError(f"cannot understand the query ({type(exc).__name__}: {exc})", "not_understood",
                         query=cleaned) from None


def parsed_by_parser(fields: list[str], cleaned: str, any_word: bool = False, settings: dict | None = None) -> Node:
    """The tree Whoosh's multifield parser makes of `cleaned`, with the fields' boosts."""
    from .engines.whoosh.parsing import parse as parse_with_whoosh

    boosts = {f: FIELD_BOOSTS.get(f, 1.0) for f in fields}
    return parse_with_whoosh(cleaned, fields, boosts, any_word, ANY_WORD_SCALE, settings or {})


def analyse(fields: list[str], text: str, settings: dict | None = None) -> dict[str, list[str]]:
    """The query-time terms of `text` in each of `fields`: the one place where a query's words meet the
    Danish analysis (indexer.analysis: each field by the kind indexer.schema declares, with the index's
    `settings`, the engine's analysis_settings), each distinct analysis run once. A field of exact
    values takes the value whole (lowercased where the field lowercases)."""
    out: dict[str, list[str]] = {}
    made: dict[str, list[str]] = {}
    for f in fields:
        declared = BY_FIELD.get(f)
        kind = declared.analysis if declared else "text"
        if kind:
            if kind not in made:
                made[kind] = [t.text for t in analysis(kind, **(settings or {})).tokens(text, "query")]
            out[f] = made[kind]
        else:
            value = text.strip()
            out[f] = [value.lower() if declared and declared.kind == "keyword" else value] if value else []
    return out


def plain_words(fields: list[str], words: list[str], any_word: bool = False, settings: dict | None = None) -> Node:
    """The tree of words with no syntax between them (every word must match, or with `any_word` any of
    them, in any of `fields`, with the fields' boosts), built directly as Whoosh's parser builds it: each
    word analysed once per distinct analyzer, where the parser took a third of a search. A word that
    analyses to several tokens in a field needs them all there (any of them, with `any_word`); a stop
    word drops out."""
    boosts = {f: FIELD_BOOSTS.get(f, 1.0) for f in fields}
    parts: list[Node] = []
    for word in words:
        tokens = analyse(fields, word, settings)
        terms: list[Node] = []
        for f in fields:
            texts = tokens[f]
            if len(texts) == 1:
                terms.append(Term(f, texts[0], boost=boosts[f]))
            elif texts:  # the parser joins a word's tokens with its group: AND, or OR for any word
                several = [Term(f, t, boost=boosts[f]) for t in texts]
                terms += several if any_word else [And(tuple(several))]
        if terms:
            parts.append(Or(tuple(terms)) if len(terms) > 1 else terms[0])
    # As the parser's: one word twice is one part, a single part stands alone.
    if not parts:
        return Nothing()
    if any_word:  # Whoosh's normalize merges the words' groups into the scaled OR
        flat = [kid for part in parts for kid in (part.children if isinstance(part, Or) else (part,))]
        return simplify(Or(tuple(flat), scale=ANY_WORD_SCALE))
    return simplify(And(tuple(parts)))


def quoted_phrase(fields: list[str], text: str, settings: dict | None = None) -> Node:
    """The tree Whoosh's parser makes of one quoted phrase of plain words: the phrase of its tokens
    (stop words gone) in each field, with the field's boost; a field left with one token looks for that
    term (without the boost, as the parser has it), one left with none drops out."""
    tokens = analyse(fields, text, settings)
    parts: list[Node] = []
    for f in fields:
        if len(tokens[f]) == 1:
            parts.append(Term(f, tokens[f][0]))
        elif tokens[f]:
            parts.append(Phrase(f, tuple(tokens[f]), slop=1, boost=FIELD_BOOSTS.get(f, 1.0)))
    return simplify(Or(tuple(parts))) if parts else Nothing()


def parse(text: str, fields: list[str], any_word: bool = False,
          features: frozenset[str] = FEATURES, settings: dict | None = None) -> ParsedQuery:
    """The query tree for `text`; `features` names the query-time helpers that are on; `settings` (the
    engine's analysis_settings) say how the index analyses words (analyse)."""
    cleaned, filters, notes = normalise(text)
    cleaned, numbers = case_numbers_as_terms(cleaned)
    has_operators = bool(re.search(r"\b(AND|OR|NOT)\b|\"", cleaned))
    if cleaned and not re.sub(r"\b(AND|OR|NOT)\b|[()\s]", "", cleaned):
        raise QueryError(f"nothing to search for in '{text.strip()}': only operators", "only_operators",
                         query=text.strip())
    if not cleaned:
        if filters:
            return ParsedQuery(Every(), text, filters, notes)
        raise QueryError("nothing to search for", "nothing")
    cleaned = check_operators(cleaned)
    if "questions" in features:
        cleaned = drop_question_words(cleaned)
    expansions: list[str] = []
    if "synonyms" in features:
        cleaned, expansions = expand_synonyms(cleaned)
    query = every_for_star(_parse(fields, any_word, cleaned, settings))
    if isinstance(query, Nothing):
        raise QueryError(f"nothing to search for in '{text.strip()}' (only operators or stop words?)",
                         "only_operators", query=text.strip())
    words = len(query.children) if isinstance(query, And) and not has_operators else 1
    if not has_operators and not any_word and words >= GRADED_TERMS:
        query = minimum_match(query, questions="questions" in features)
    query = rewrite_exact(query, [f for f in fields if f not in ("participants", "ocr")])
    query = ocr_as_alternative(single_word_phrases(query))
    return ParsedQuery(query, text, filters, notes, has_operators, words, numbers, expansions)
