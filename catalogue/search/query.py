"""Pure query building: which fields are searched, how much each counts, and the facets.

No database, no Flask, no index on disk: only the constants and the functions that turn a
user's text and filters into a Whoosh query, plus the facet rule shared by every backend.

The facet rule
--------------
* Within one facet the selected values are OR-ed ("EUPL-1.2 or MIT"); facets are AND-ed.
* The counts of a facet are computed over the documents that match the text and the filters of
  every OTHER facet (drill sideways). A value's count is therefore exactly the number of results
  you get when you select only that value in that facet, and the counts of a facet stay visible
  (and sum to at least the total) while you select in it.
* A document without a value for a facet is counted under ``UNKNOWN`` ("onbekend"), so unknown
  is never mistaken for absent and the counts of a facet with no filter sum to at least the total.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema

from catalogue.search.dutch import STOP_WORDS, query_parts

# The facet value of documents that have no value for the facet.
UNKNOWN = "onbekend"

# The longest query text we look at; longer input is cut, not refused.
MAX_QUERY_LENGTH = 200
# At most this many selected values per facet are honoured (URLs are user input).
MAX_VALUES_PER_FACET = 20

# The free-text fields, in both languages where the catalogue has both.
SEARCH_FIELDS: tuple[str, ...] = (
    "name",
    "aliases",
    "name_parts",
    "reference_components",
    "standards",
    "organisations",
    "short_nl",
    "features_nl",
    "long_nl",
    "text_parts",
    "short_en",
    "features_en",
    "long_en",
)

# The field that holds the lowercased name and aliases whole, for the exact-name boost.
EXACT_FIELD = "exact"

# How much a match in each field counts. An exact name (or alias) match gets a boost far above
# anything the texts can add up to, so typing a component's name always puts it first.
SEARCH_BOOSTS: dict[str, float] = {
    EXACT_FIELD: 50.0,
    "name": 8.0,
    "aliases": 5.0,
    # The parts of Dutch compounds (dutch.py): "archief" finds Open Archiefbeheer by its name.
    "name_parts": 5.0,
    "text_parts": 1.0,
    "reference_components": 3.0,
    "standards": 2.0,
    "short_nl": 2.0,
    "short_en": 2.0,
    "features_nl": 2.0,
    "features_en": 2.0,
    "organisations": 1.0,
    "long_nl": 1.0,
    "long_en": 1.0,
}

# The fields whose text is English; every other text field is Dutch.
ENGLISH_FIELDS = frozenset(name for name in SEARCH_FIELDS if name.endswith("_en"))


@dataclass(frozen=True)
class Facet:
    """A facet: its name in documents and code, its URL parameter, and whether its values are
    codes the page translates (``coded``) or names the document carries."""

    name: str
    param: str
    coded: bool = False

    @property
    def field(self) -> str:
        """The index field that holds this facet's values."""
        return f"facet_{self.name}"


FACETS: tuple[Facet, ...] = (
    Facet("reference_component", "referentiecomponent"),
    Facet("standard", "standaard"),
    Facet("layer", "laag", coded=True),
    Facet("hosting_model", "hosting", coded=True),
    Facet("license", "licentie"),
    Facet("development_status", "status", coded=True),
    Facet("maintenance_type", "onderhoud", coded=True),
    Facet("technology_platform", "platform"),
    Facet("maintainer", "beheerder"),
    Facet("municipality", "gemeente"),
)
FACET_BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}

_SPACE = re.compile(r"\s+")
# Control characters never belong in search text; removing them also frees \x02/\x03 for the
# PostgreSQL highlighter's markers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise_text(text: str | None, *, limit: int = MAX_QUERY_LENGTH) -> str:
    """User text with control characters removed, whitespace collapsed, cut at ``limit``."""
    cleaned = _SPACE.sub(" ", _CONTROL.sub(" ", text or "")).strip()
    return cleaned[:limit].strip()


def exact_key(text: str) -> str:
    """The form in which names are compared for an exact match."""
    return normalise_text(text, limit=1000).casefold()


def words(text: str) -> list[str]:
    """The lowercased words of ``text``, for spelling suggestions."""
    return [word.casefold() for word in _WORD.findall(text)]


# A word as query.words gives it, without anything Whoosh's parser could read as syntax.
_PLAIN_WORD = re.compile(r"\w+")

# Query-syntax words are never "misspelt".
OPERATORS = frozenset({"and", "or", "not", "to"})


def correctable(word: str) -> bool:
    """True for words worth a spelling suggestion: not too short, not an operator."""
    return len(word) > 3 and word not in OPERATORS


def max_edits(word: str) -> int:
    """How many typing errors a suggestion may correct: one in short words, two in longer ones."""
    return 1 if len(word) <= 5 else 2


def parse_filters(getlist: Callable[[str], list[str]]) -> dict[str, tuple[str, ...]]:
    """Facet filters from request arguments: ``getlist(param)`` gives the repeated values.

    Unknown parameters are ignored, values are de-duplicated in order and capped in number.
    """
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        values: list[str] = []
        for raw in getlist(facet.param):
            value = normalise_text(raw)
            if value and value not in values:
                values.append(value)
        if values:
            filters[facet.name] = tuple(values[:MAX_VALUES_PER_FACET])
    return filters


# ---------------------------------------------------------------- what the words of a query are

# "all": every word must match (the default); "any": one word, or one part of a compound, is
# enough (the fallback when "all" finds nothing, see recovery.py).
Match = Literal["all", "any"]

# Query syntax a user can type: phrases, groups, wildcards, operators, and "-word" (PostgreSQL's
# websearch NOT). Such a text is searched as typed, without stop words dropped, compounds split
# or a fallback to any word.
_SYNTAX = re.compile(r'["()*?]|(?:^|\s)-\w|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')


@dataclass(frozen=True)
class QueryWord:
    """A word of the query, and its parts when it is a Dutch compound."""

    word: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextPlan:
    """The query text and its words: stop words dropped (unless nothing else is left), each
    compound with its parts. ``syntax`` texts are searched as typed and have no words."""

    text: str
    words: tuple[QueryWord, ...] = ()
    syntax: bool = False

    @property
    def relaxable(self) -> bool:
        """True when "any" can find more than "all": more than one word, or a compound."""
        return not self.syntax and (len(self.words) > 1 or any(w.parts for w in self.words))


def plan_text(q: str | None) -> TextPlan:
    """What to search for in ``q`` (see TextPlan)."""
    text = normalise_text(q)
    if not text:
        return TextPlan(text)
    if _SYNTAX.search(text):
        return TextPlan(text, syntax=True)
    # Single characters and runs of underscores ("__") are no words to search for.
    found = list(
        dict.fromkeys(
            word for word in words(text) if len(word) > 1 and any(c.isalnum() for c in word)
        )
    )
    # Stop words never make a query find nothing: "producten en diensten" asks for products
    # and services; only a text of nothing but stop words is searched for them.
    kept = [word for word in found if word not in STOP_WORDS] or found
    if not kept:
        return TextPlan(text, syntax=True)
    return TextPlan(text, tuple(QueryWord(word, query_parts(word)) for word in kept))


# ---------------------------------------------------------------- Whoosh queries


def _parser(schema: Schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS), schema, fieldboosts={f: SEARCH_BOOSTS[f] for f in SEARCH_FIELDS}
    )
    # Users type words, phrases and AND/OR/NOT; field names, ranges, boosts and "*:*" from the
    # URL could reach the facet fields or the whole index, so those plugins are off.
    for plugin in (
        qparser.FieldsPlugin,
        qparser.RangePlugin,
        qparser.BoostPlugin,
        qparser.EveryPlugin,
    ):
        parser.remove_plugin_class(plugin)
    return parser


class _ParserWhenNeeded:
    """:func:`_parser`, made on the first ``parse``: a query of plain words never needs it,
    and making one cost about a tenth of such a query's time."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._parser: qparser.QueryParser | None = None

    def parse(self, text: str) -> wq.Query:
        if self._parser is None:
            self._parser = _parser(self.schema)
        return self._parser.parse(text)


def word_query(
    word: str, schema: Schema, parser: qparser.QueryParser | _ParserWhenNeeded
) -> wq.Query:
    """``parser.parse(word)`` for one plain word (query.words: lowercased ``\\w+``), built
    directly: each search field's analyzer turns the word into its term, boosted per field.

    Whoosh's parser runs a dozen plugins over the text for the same result and took about
    0.6 ms per word, most of a short query's time. Anything the parser might read otherwise (a
    field that parses itself, an analyzer that gives several tokens, an operator word, no term
    at all) goes to the parser. tests/catalogue/search/test_query.py checks that both give equal queries
    for every word of the catalogue.
    """
    if word in OPERATORS or not _PLAIN_WORD.fullmatch(word):
        return parser.parse(word)
    terms: list[wq.Query] = []
    # Fields that share an analyzer share its answer (most of the fields share a few).
    analysed: dict[int, list[str]] = {}
    for name in SEARCH_FIELDS:
        field = schema[name]
        if field.self_parsing():
            return parser.parse(word)
        texts = analysed.get(id(field.analyzer))
        if texts is None:
            texts = list(field.process_text(word, mode="query", tokenize=True, removestops=True))
            analysed[id(field.analyzer)] = texts
        if len(texts) > 1:
            return parser.parse(word)
        if texts:
            terms.append(wq.Term(name, texts[0], boost=SEARCH_BOOSTS[name]))
    if not terms:
        return parser.parse(word)
    return (terms[0] if len(terms) == 1 else wq.Or(terms)).normalize()


def word_queries(schema: Schema, kept: int = 4096) -> Callable[[str], wq.Query]:
    """:func:`word_query` for ``schema``, each word's query made once and kept (the ``kept``
    used last): the same words come back search after search, and a query is not changed once
    made (Whoosh's ``normalize`` and the rest return new ones)."""
    parser = _ParserWhenNeeded(schema)

    def made(word: str) -> wq.Query:
        return word_query(word, schema, parser)

    return functools.lru_cache(maxsize=kept)(made)


def build_query(
    q: str,
    schema: Schema,
    *,
    match: Match = "all",
    words: Callable[[str], wq.Query] | None = None,
) -> wq.Query:
    """The text query: every word must match some field (boosted per field), or the whole
    text must equal a name or alias (boosted far above the rest). Empty text matches all.

    A compound word also matches when all its parts do ("zaakafhandeling": zaak and
    afhandeling); with ``match="any"`` one word or one part is enough. Query syntax is parsed
    as typed (see plan_text). ``words`` makes a plain word's query (:func:`word_queries`
    keeps them); by default :func:`word_query`."""
    plan = plan_text(q)
    if not plan.text:
        return wq.Every()
    parser = _ParserWhenNeeded(schema)
    make = words or functools.partial(word_query, schema=schema, parser=parser)
    if plan.syntax:
        parsed = parser.parse(plan.text)
    else:
        clauses: list[wq.Query] = []
        for word in plan.words:
            options = [make(word.word)]
            if word.parts:
                parts = [make(part) for part in word.parts]
                options += parts if match == "any" else [wq.And(parts)]
            clauses.append(options[0] if len(options) == 1 else wq.Or(options))
        group = wq.Or if match == "any" else wq.And
        parsed = clauses[0] if len(clauses) == 1 else group(clauses)
    exact = wq.Term(EXACT_FIELD, exact_key(plan.text), boost=SEARCH_BOOSTS[EXACT_FIELD])
    return wq.Or([parsed, exact])


def tsquery_text(plan: TextPlan, *, match: Match = "all") -> str:
    """The words of a plan in PostgreSQL's ``to_tsquery`` syntax, with the same meaning as
    build_query: ``'zaakafhandeling' | ('zaak' & 'afhandeling')`` per word, joined by ``&``
    (or all joined by ``|`` with ``match="any"``). Words are ``\\w+`` (query.words): no quote or
    backslash, so quoting them is enough."""

    def term(word: str) -> str:
        return f"'{word}'"

    clauses = []
    for word in plan.words:
        options = [term(word.word)]
        if word.parts:
            if match == "any":
                options += [term(part) for part in word.parts]
            else:
                options.append("(" + " & ".join(term(part) for part in word.parts) + ")")
        clauses.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
    return (" | " if match == "any" else " & ").join(clauses)


def build_filter(
    filters: Mapping[str, tuple[str, ...]], *, exclude: str | None = None
) -> wq.Query | None:
    """The facet filter: OR within a facet, AND across facets; ``exclude`` leaves one facet
    out (for its drill-sideways counts). None when nothing is filtered."""
    parts: list[wq.Query] = []
    for facet in FACETS:
        values = filters.get(facet.name)
        if not values or facet.name == exclude:
            continue
        parts.append(wq.Or([wq.Term(facet.field, value) for value in values]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


# ---------------------------------------------------------------- the facet rule on plain documents


def matches_filters(
    document: Mapping[str, Any],
    filters: Mapping[str, tuple[str, ...]],
    *,
    exclude: str | None = None,
) -> bool:
    """True when ``document`` passes every facet filter except ``exclude``'s."""
    facets = document.get("facets") or {}
    for name, values in filters.items():
        if name == exclude or name not in FACET_BY_NAME or not values:
            continue
        if not set(values) & set(facets.get(name) or [UNKNOWN]):
            return False
    return True


def count_facets(
    documents: Iterable[Mapping[str, Any]], filters: Mapping[str, tuple[str, ...]]
) -> dict[str, list[tuple[str, str, int]]]:
    """Drill-sideways counts over documents that already match the text:
    facet -> [(value, label, count)], most frequent first, then by label."""
    documents = list(documents)
    counted: dict[str, list[tuple[str, str, int]]] = {}
    for facet in FACETS:
        counts: Counter[str] = Counter()
        labels: dict[str, str] = {}
        for document in documents:
            if not matches_filters(document, filters, exclude=facet.name):
                continue
            for value in document.get("facets", {}).get(facet.name) or [UNKNOWN]:
                counts[value] += 1
                labels.setdefault(value, label_of(document, facet.name, value))
        counted[facet.name] = sort_facet_values(
            [(value, labels[value], count) for value, count in counts.items()]
        )
    return counted


def label_of(document: Mapping[str, Any], facet: str, value: str) -> str:
    """The display name the document gives a facet value (the value itself if it gives none)."""
    return str((document.get("labels") or {}).get(facet, {}).get(value, value))


def sort_facet_values(values: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """Most frequent first; ties by name; "unknown" last among equals."""
    return sorted(values, key=lambda item: (-item[2], item[0] == UNKNOWN, item[1].casefold()))
