"""Full-text search inside PostgreSQL: a table of search documents with a weighted tsvector.

The table ``search.component_document`` is created by migration 0002 on PostgreSQL only, in its
own schema so the ORM metadata (the default schema) is the same on SQLite and PostgreSQL. It is
described here with Core, on its own MetaData.

Texts are indexed with the ``dutch`` configuration, English descriptions with ``english``; each
field gets the tsvector weight (A-C) that matches its place in query.SEARCH_BOOSTS, and an exact
name or alias match adds a fixed bonus, as in the Whoosh backend. A rebuild replaces every row in
one transaction, so readers see the old documents until the new ones are committed (MVCC is the
atomic swap here). Facets follow the same drill-sideways rule (see query.py).

A search with a text runs two statements. The first matches the text once (the GIN index) and
returns the ids of every match with its rank (only rows that pass the facet filters are ranked;
the filters arrive as a bit string over component ids), and the generation of the documents it
read (``search.state``, raised by a trigger on every write, migration 0005). Python cuts the
page from the ranks; the second statement reads that page's slugs, names and highlighted
snippets, sent in psycopg's pipeline mode so that PostgreSQL runs ts_headline while Python
counts the facets with numpy over (document, value) pairs, as the Whoosh backend does. Without
a text only the second runs.

What the counts and the page order need of all documents (facet values, labels, the order by
name and by last update, and the spelling vocabulary) is derived once per generation and kept
in a ``_State``. A statement that reports another generation than the kept state's is not used:
the state is derived again and the search run in one REPEATABLE READ transaction (one
snapshot), so counts and hits always describe the same documents, whoever wrote them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import html
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    delete,
    func,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, insert
from sqlalchemy.exc import DBAPIError

from catalogue.search import documents as docs
from catalogue.search.interfaces import (
    FacetValue,
    Hit,
    IndexReport,
    SearchDocument,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)
from catalogue.search.query import (
    ENGLISH_FIELDS,
    FACETS,
    SEARCH_BOOSTS,
    SEARCH_FIELDS,
    UNKNOWN,
    correctable,
    exact_key,
    plan_text,
    sort_facet_values,
    tsquery_text,
    words,
)

SEARCH_SCHEMA = "search"
# Added to the rank of an exact name or alias match: more than any ts_rank can reach (<= 1).
EXACT_BONUS = 10.0
# Markers ts_headline puts around matches; documents never contain control characters
# (query.normalise_text removes them), so after escaping they can only be ours.
START, STOP = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
    'FragmentDelimiter=" … "'
)

metadata = MetaData(schema=SEARCH_SCHEMA)
component_document = Table(
    "component_document",
    metadata,
    Column("component_id", Integer, primary_key=True),
    Column("slug", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("exact", ARRAY(Text), nullable=False),
    Column("body", JSONB, nullable=False),
    Column("facets", JSONB, nullable=False),
    Column("tsv", TSVECTOR, nullable=False),
    Column("updated_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    Column("digest", Text, nullable=False),
)


def weight_of(field: str) -> str:
    """The tsvector weight class of a field, from its boost."""
    boost = SEARCH_BOOSTS[field]
    return "A" if boost >= 5 else "B" if boost >= 2 else "C"


def config_of(field: str) -> str:
    """The text search configuration of a field."""
    return "english" if field in ENGLISH_FIELDS else "dutch"


def _tsvector() -> ColumnElement[Any]:
    parts = [
        func.setweight(
            func.to_tsvector(
                literal_column(f"'{config_of(field)}'::regconfig"), bindparam(f"text_{field}")
            ),
            literal_column(f"'{weight_of(field)}'"),
        )
        for field in SEARCH_FIELDS
    ]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector.op("||")(part)
    return vector


def _row(document: SearchDocument) -> dict[str, Any]:
    document = dict(document)
    body = dict(document)
    body["spelling"] = docs.spelling_text(document, "nl")
    body["spelling_en"] = docs.spelling_text(document, "en")
    updated = document.get("updated_at")
    row: dict[str, Any] = {
        "component_id": int(document["id"]),
        "slug": document["slug"],
        "name": document["name"],
        "exact": list(document.get("exact") or []),
        "body": body,
        "facets": document.get("facets") or {},
        "updated_at": dt.datetime.fromisoformat(updated) if updated else None,
        "version": int(document.get("version") or 0),
        "digest": document["digest"],
    }
    for field in SEARCH_FIELDS:
        row[f"text_{field}"] = docs.text_of(document, field)
    return row


# ---------------------------------------------------------------- derived data per generation
#
# The documents are numbered by their position in the state's ascending ids; sets of documents
# are numpy boolean arrays over those positions.


@dataclasses.dataclass(frozen=True)
class _FacetIndex:
    """One facet's values over the documents of a state."""

    # The values; a value's index in this list is its number below.
    values: list[str]
    numbers: dict[str, int]
    # One (document, value number) pair per value a document has.
    pair_doc: np.ndarray
    pair_value: np.ndarray
    # The documents of each value: value_docs[starts[v]:starts[v + 1]].
    value_docs: np.ndarray
    starts: np.ndarray
    # The label every document with the value gives it (the value itself when none gives one);
    # None when the documents differ, see ``mixed``.
    labels: list[str | None]
    # value number -> [(label, the documents that give it)], by label, where documents differ.
    mixed: dict[int, list[tuple[str, np.ndarray]]]
    # Each value's place in query.sort_facet_values' order among values of equal count
    # ("unknown" last, then by label); only used when no value has ``mixed`` labels.
    tie_order: np.ndarray

    @classmethod
    def build(cls, found: dict[str, list[tuple[int, str | None]]]) -> _FacetIndex:
        """From value -> [(document, its label or None)], documents ascending."""
        values = sorted(found)
        numbers = {value: number for number, value in enumerate(values)}
        pair_doc: list[int] = []
        pair_value: list[int] = []
        starts = [0]
        labels: list[str | None] = []
        mixed: dict[int, list[tuple[str, np.ndarray]]] = {}
        for number, value in enumerate(values):
            given = found[value]
            pair_doc += [document for document, _label in given]
            pair_value += [number] * len(given)
            starts.append(len(pair_doc))
            distinct = {label for _document, label in given}
            if len(distinct) == 1:
                only = distinct.pop()
                labels.append(value if only is None else only)
            else:
                labels.append(None)
                by_label: dict[str, list[int]] = {}
                for document, label in given:
                    if label is not None:
                        by_label.setdefault(label, []).append(document)
                mixed[number] = [
                    (label, np.asarray(documents, dtype=np.int32))
                    for label, documents in sorted(by_label.items())
                ]
        docs_array = np.asarray(pair_doc, dtype=np.int32)
        tie_order = np.zeros(len(values), dtype=np.int64)
        ordered = sorted(
            range(len(values)),
            key=lambda n: (values[n] == UNKNOWN, (labels[n] or "").casefold(), n),
        )
        tie_order[ordered] = np.arange(len(values))
        return cls(
            values=values,
            numbers=numbers,
            pair_doc=docs_array,
            pair_value=np.asarray(pair_value, dtype=np.int32),
            value_docs=docs_array,
            starts=np.asarray(starts, dtype=np.int64),
            labels=labels,
            mixed=mixed,
            tie_order=tie_order,
        )

    def having(self, chosen: Iterable[str], size: int) -> np.ndarray:
        """The documents with any of the ``chosen`` values."""
        selected = np.zeros(size, dtype=bool)
        for value in chosen:
            number = self.numbers.get(value)
            if number is not None:
                selected[self.value_docs[self.starts[number] : self.starts[number + 1]]] = True
        return selected

    def counts(
        self, candidates: np.ndarray, counted: np.ndarray | None = None
    ) -> list[tuple[str, str, int]]:
        """(value, label, count) of every value some of the ``candidates`` have; ``counted``
        are the counts per value number when the caller has them already."""
        if counted is None:
            counted = np.bincount(
                self.pair_value[candidates[self.pair_doc]], minlength=len(self.values)
            )
        present = np.flatnonzero(counted)
        values, labels = self.values, self.labels
        found = [
            (values[number], labels[number], count)
            for number, count in zip(present.tolist(), counted[present].tolist(), strict=True)
        ]
        for at, number in enumerate(present.tolist() if self.mixed else ()):
            if number in self.mixed:
                value, _label, count = found[at]
                label = next(
                    (name for name, docs_ in self.mixed[number] if candidates[docs_].any()), value
                )
                found[at] = (value, label, count)
        return found

    def facet_values(
        self, candidates: np.ndarray, counted: np.ndarray | None, selected: set[str]
    ) -> list[FacetValue]:
        """The facet's values among ``candidates`` in query.sort_facet_values' order, and the
        ``selected`` values none of them has (count 0, so they can be unticked)."""
        if counted is None:
            counted = np.bincount(
                self.pair_value[candidates[self.pair_doc]], minlength=len(self.values)
            )
        missing = sorted(
            value
            for value in selected
            if (number := self.numbers.get(value)) is None or not counted[number]
        )
        # A selected value with no results keeps its box.
        zero = sort_facet_values((value, self.label_anywhere(value), 0) for value in missing)
        if self.mixed:
            found = self.counts(candidates, counted) + zero
            return [
                FacetValue(v, label, n, v in selected) for v, label, n in sort_facet_values(found)
            ]
        present = np.flatnonzero(counted)
        numbers = present[np.lexsort((self.tie_order[present], -counted[present]))]
        values, labels = self.values, self.labels
        shown = [
            FacetValue(values[number], labels[number], count, values[number] in selected)
            for number, count in zip(numbers.tolist(), counted[numbers].tolist(), strict=True)
        ]
        return shown + [FacetValue(value, label, 0, True) for value, label, _count in zero]

    def label_anywhere(self, value: str) -> str:
        """The label of ``value`` in any document (the least if they differ)."""
        number = self.numbers.get(value)
        if number is None:
            return value
        label = self.labels[number]
        if label is None:
            return self.mixed[number][0][0] if self.mixed[number] else value
        return label


@dataclasses.dataclass
class _State:
    """What the searches derive from all documents, for one generation of the table."""

    generation: int | None
    # The component ids, ascending.
    ids: np.ndarray
    # Each document's place in the order by lower(name) and in the order by last update (both
    # as PostgreSQL sorts, ties by id), so pages are cut in Python as SQL would cut them.
    by_name: np.ndarray
    by_update: np.ndarray
    # The documents whose name or an alias is exactly this key (query.exact_key).
    exact: dict[str, np.ndarray]
    facets: dict[str, _FacetIndex]
    # Every facet's pairs in one pair of arrays (value numbers shifted by the facet's offset),
    # to count all facets that share their candidates at once.
    pair_doc: np.ndarray = dataclasses.field(init=False)
    pair_value: np.ndarray = dataclasses.field(init=False)
    offsets: dict[str, int] = dataclasses.field(init=False)
    # The words of every document per reading language, for "did you mean"; read when first
    # needed.
    vocabulary: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.offsets = {}
        offset = 0
        for name, index in self.facets.items():
            self.offsets[name] = offset
            offset += len(index.values)
        self.pair_doc = np.concatenate(
            [index.pair_doc for index in self.facets.values()] or [np.zeros(0, dtype=np.int32)]
        )
        self.pair_value = np.concatenate(
            [index.pair_value + self.offsets[name] for name, index in self.facets.items()]
            or [np.zeros(0, dtype=np.int32)]
        )

    @property
    def size(self) -> int:
        """The number of documents."""
        return len(self.ids)

    @classmethod
    def load(cls, connection: Any) -> _State:
        """The state as ``connection``'s snapshot sees it (call it in the transaction that
        then searches, or in a REPEATABLE READ one)."""
        generation = connection.exec_driver_sql(_GENERATION).scalar()
        rows = connection.exec_driver_sql(
            "SELECT component_id, facets, body -> 'labels', exact, "
            "row_number() OVER (ORDER BY lower(name), component_id), "
            "row_number() OVER (ORDER BY updated_at DESC NULLS LAST, component_id) "
            "FROM search.component_document ORDER BY component_id"
        ).all()
        size = len(rows)
        found: dict[str, dict[str, list[tuple[int, str | None]]]] = {f.name: {} for f in FACETS}
        exact: dict[str, list[int]] = {}
        for position, (_id, facets, labels, keys, _name, _update) in enumerate(rows):
            for key in keys or ():
                exact.setdefault(key, []).append(position)
            facets = facets or {}
            labels = labels or {}
            for facet in FACETS:
                given = labels.get(facet.name) or {}
                values = found[facet.name]
                for value in facets.get(facet.name) or ():
                    label = given.get(value)
                    values.setdefault(value, []).append(
                        (position, None if label is None else str(label))
                    )
        return cls(
            generation=generation,
            ids=np.fromiter((row[0] for row in rows), dtype=np.int64, count=size),
            by_name=np.fromiter((row[4] for row in rows), dtype=np.int64, count=size),
            by_update=np.fromiter((row[5] for row in rows), dtype=np.int64, count=size),
            exact={key: np.asarray(where, dtype=np.int64) for key, where in exact.items()},
            facets={name: _FacetIndex.build(values) for name, values in found.items()},
        )

    def positions(self, ids: bytes) -> np.ndarray | None:
        """The positions of the ids in ``ids`` (4-byte big-endian integers, as int4send gives
        them); None when one of them is not a document of this state."""
        found = np.frombuffer(ids, dtype=">i4").astype(np.int64)
        if not len(found):
            return np.zeros(0, dtype=np.int64)
        if not self.size:
            return None
        positions = np.searchsorted(self.ids, found)
        positions[positions >= self.size] = 0
        if not np.array_equal(self.ids[positions], found):
            return None
        return positions

    def selections(self, filters: Mapping[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
        """Per filtered facet, the documents with any of the selected values (OR in a facet)."""
        return {
            facet.name: self.facets[facet.name].having(chosen, self.size)
            for facet in FACETS
            if (chosen := filters.get(facet.name))
        }

    def id_bits(self, selected: np.ndarray) -> bytes:
        """The documents in ``selected`` as a bit string indexed by component id (bit ``i`` of
        byte ``b`` is id ``8 * b + i``), for ``get_bit`` in SQL."""
        top = int(self.ids[-1]) + 1 if self.size else 1
        bits = np.zeros(top, dtype=bool)
        bits[self.ids[selected]] = True
        return np.packbits(bits, bitorder="little").tobytes()


def _restrict(
    documents: np.ndarray, selections: Mapping[str, np.ndarray], *, exclude: str | None = None
) -> np.ndarray:
    """``documents`` within every selection but ``exclude``'s (AND across facets)."""
    for name, selected in selections.items():
        if name != exclude:
            documents = documents & selected
    return documents


def _facet_values(
    state: _State, matched: np.ndarray, selections: Mapping[str, np.ndarray], query: SearchQuery
) -> dict[str, list[FacetValue]]:
    """The drill-sideways counts of every facet over the text matches ``matched``."""
    facets: dict[str, list[FacetValue]] = {}
    passing = _restrict(matched, selections)
    # Every facet without a filter counts the same candidates: count them all at once.
    shared = np.bincount(
        state.pair_value[passing[state.pair_doc]],
        minlength=sum(len(index.values) for index in state.facets.values()),
    )
    for facet in FACETS:
        index = state.facets[facet.name]
        selected = set(query.filters.get(facet.name, ()))
        if facet.name in selections:
            candidates = _restrict(matched, selections, exclude=facet.name)
            facets[facet.name] = index.facet_values(candidates, None, selected)
        else:
            offset = state.offsets[facet.name]
            counted = shared[offset : offset + len(index.values)]
            facets[facet.name] = index.facet_values(passing, counted, selected)
    return facets


def _page(keys: list[np.ndarray], start: int, stop: int) -> np.ndarray:
    """The indices of the rows ``start:stop`` in the order of ``keys`` (first key first; the
    last key has no ties)."""
    count = len(keys[0])
    if stop < count:
        # Only rows whose first key reaches that of the stop-th row can be on the page.
        bound = np.partition(keys[0], stop - 1)[stop - 1]
        keep = np.flatnonzero(keys[0] <= bound)
        order = np.lexsort([key[keep] for key in reversed(keys)])
        return keep[order[start:stop]]
    return np.lexsort(list(reversed(keys)))[start:stop]


# ---------------------------------------------------------------- the statements

_GENERATION = "SELECT generation FROM search.state WHERE id = 1"
_ALLOWED = "(d.component_id < %(nbits)s AND get_bit(%(allowed)s, d.component_id) = 1)"
# Not ranked: documents that do not pass the filters.
_UNRANKED = -1.0


def _parser(syntax: bool) -> str:
    """The function that reads ``%(q)s``: what the user typed (websearch syntax), or the words
    as query.tsquery_text put them."""
    return "websearch_to_tsquery" if syntax else "to_tsquery"


@functools.cache
def _matching(filtered: bool, syntax: bool = True) -> str:
    """The statement that matches the text: the generation, the ids of every match and their
    ``ts_rank`` (``_UNRANKED`` for those the filters leave out), as two strings of binary
    numbers. The exact-name bonus is added in Python (``_State.exact``)."""
    allowed = _ALLOWED if filtered else "true"
    parse = _parser(syntax)
    return (
        f"WITH query AS MATERIALIZED (SELECT {parse}('dutch', %(q)s) || "  # noqa: S608 - constants only
        f"{parse}('english', %(q)s) AS tsq) "
        f"SELECT ({_GENERATION}) AS generation, "
        "string_agg(int4send(d.component_id), '') AS ids, "
        f"string_agg(float4send(CASE WHEN {allowed} THEN ts_rank(d.tsv, query.tsq) "
        f"ELSE {_UNRANKED}::real END), '') AS ranks "
        "FROM search.component_document AS d, query WHERE d.tsv @@ query.tsq"
    )


# The text a snippet is cut from: the short description, features and long description of the
# first language (the asked one, then the others) that has any; and its configuration.
_SNIPPET_TEXT = (
    "LEFT JOIN LATERAL (SELECT l.cfg, l.txt FROM (SELECT s.n, "
    "CASE WHEN s.lang = 'en' THEN 'english' ELSE 'dutch' END AS cfg, "
    "concat_ws(' ', nullif(d.body ->> ('short_' || s.lang), ''), "
    "nullif((SELECT string_agg(f.item, ' ' ORDER BY f.n) FROM jsonb_array_elements_text("
    "d.body -> ('features_' || s.lang)) WITH ORDINALITY AS f(item, n)), ''), "
    "nullif(d.body ->> ('long_' || s.lang), '')) AS txt "
    "FROM unnest(CAST(%(langs)s AS text[])) WITH ORDINALITY AS s(lang, n)) AS l "
    "WHERE l.txt <> '' ORDER BY l.n LIMIT 1) AS src ON true"
)


@functools.cache
def _page_statement(has_text: bool, syntax: bool = True) -> str:
    """The statement that reads a page of hits: the generation, then per id in ``page`` (in
    that order) its slug, name, highlighted text and the short description to fall back on."""
    headline = (
        "ts_headline(CAST(src.cfg AS regconfig), src.txt, "
        f"{_parser(syntax)}(CAST(src.cfg AS regconfig), %(q)s), %(options)s)"
        if has_text
        else "NULL::text"
    )
    shorts = ", ".join(f"nullif(d.body ->> 'short_{language}', '')" for language in docs.LANGUAGES)
    return (
        f"SELECT 0::bigint AS n, ({_GENERATION}) AS generation, NULL::text AS slug, "  # noqa: S608 - constants only
        "NULL::text AS name, NULL::text AS headline, NULL::text AS fallback "
        "UNION ALL "
        f"SELECT p.n, NULL, d.slug, d.name, {headline}, "
        f"coalesce(nullif(d.body ->> ('short_' || %(lang)s), ''), {shorts}, '') "
        "FROM unnest(CAST(%(page)s AS integer[])) WITH ORDINALITY AS p(id, n) "
        "JOIN search.component_document AS d ON d.component_id = p.id "
        f"{_SNIPPET_TEXT if has_text else ''} ORDER BY n"
    )


def _snippet(headline: str | None, fallback: str) -> str:
    if headline and START in headline:
        escaped = html.escape(headline, quote=False)
        return escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    return html.escape(_shorten(fallback), quote=False)


class PostgresBackend:
    """Search documents in ``search.component_document`` with a GIN-indexed tsvector."""

    name = "postgres"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # The derived data of the last generation a search saw; replaced, never changed.
        self._state: _State | None = None
        # Held while the state is derived again.
        self._state_lock = threading.Lock()

    # ------------------------------------------------------------ writing

    def _upsert(self, connection: Any, documents: Iterable[SearchDocument]) -> int:
        rows = [_row(document) for document in documents]
        if not rows:
            return 0
        values = {
            column.name: bindparam(column.name)
            for column in component_document.columns
            if column.name != "tsv"
        }
        statement = insert(component_document).values(**values, tsv=_tsvector())
        statement = statement.on_conflict_do_update(
            index_elements=[component_document.c.component_id],
            set_={
                column.name: statement.excluded[column.name]
                for column in component_document.columns
                if column.name != "component_id"
            },
        )
        connection.execute(statement, rows)
        return len(rows)

    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Insert or replace documents."""
        with self.engine.begin() as connection:
            self._upsert(connection, documents)

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents."""
        wanted = [int(i) for i in ids]
        if wanted:
            with self.engine.begin() as connection:
                connection.execute(
                    delete(component_document).where(component_document.c.component_id.in_(wanted))
                )

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace every document in one transaction."""
        with self.engine.begin() as connection:
            connection.execute(delete(component_document))
            return self._upsert(connection, documents)

    def check(self, documents: Iterable[SearchDocument]) -> IndexReport:
        """Missing, stale and extra documents."""
        with self.engine.connect() as connection:
            stored = {
                str(row.component_id): {"slug": row.slug, "digest": row.digest}
                for row in connection.execute(
                    select(
                        component_document.c.component_id,
                        component_document.c.slug,
                        component_document.c.digest,
                    )
                )
            }
        return IndexReport.compare(stored, documents)

    def stored(self) -> dict[str, dict[str, Any]]:
        """Every document's slug, name, version, updated_at, digest and Dutch short text, by id."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(component_document.c.component_id, component_document.c.body)
            )
            return {
                str(row.component_id): {
                    key: row.body.get(key)
                    for key in ("slug", "name", "version", "updated_at", "digest", "short_nl")
                }
                for row in rows
            }

    def available(self) -> bool:
        """True when the table exists and holds documents (or there are no components)."""
        try:
            with self.engine.connect() as connection:
                table = connection.scalar(text("SELECT to_regclass('search.component_document')"))
                if table is None:
                    return False
                if connection.scalar(select(true()).select_from(component_document).limit(1)):
                    return True
                return not connection.scalar(text("SELECT EXISTS (SELECT 1 FROM component)"))
        except DBAPIError:
            return False

    # ------------------------------------------------------------ searching

    def search(self, query: SearchQuery) -> SearchResults:
        """Run the query with the same rules as the Whoosh backend."""
        try:
            results = self._search(query)
        except (DBAPIError, psycopg.Error) as error:
            msg = f"searching the PostgreSQL documents failed: {error}"
            raise SearchUnavailable(msg) from error
        if not results.total and not self.available():
            msg = "the PostgreSQL search documents are missing"
            raise SearchUnavailable(msg)
        return results

    def _search(self, query: SearchQuery) -> SearchResults:
        tried = self._state
        if tried is not None:
            with self.engine.connect() as connection:
                results = self._run(connection, tried, query)
            if results is not None:
                return results
        # The documents changed since the state was derived (or it never was). One thread
        # derives it again, the others wait for it rather than all reading every document.
        with self._state_lock:
            state = self._state
            if state is not None and state is not tried:
                with self.engine.connect() as connection:
                    results = self._run(connection, state, query)
                if results is not None:
                    return results
            # Derive it and search in the same snapshot.
            with self.engine.connect().execution_options(
                isolation_level="REPEATABLE READ"
            ) as connection:
                state = _State.load(connection)
                results = self._run(connection, state, query)
            if results is None:  # pragma: no cover - one snapshot cannot disagree with itself
                msg = "the PostgreSQL search documents changed while being read"
                raise SearchUnavailable(msg)
            if state.generation is not None:
                self._state = state
        return results

    def _run(self, connection: Any, state: _State, query: SearchQuery) -> SearchResults | None:
        """The search on ``state``; None when the documents are not those of ``state``."""
        plan = plan_text(query.q)
        q = plan.text
        # What PostgreSQL parses: the text as typed, or its words (compounds, no stop words).
        searched = q if plan.syntax else tsquery_text(plan, match=query.match)
        selections = state.selections(query.filters)
        every = np.ones(state.size, dtype=bool)
        allowed = _restrict(every, selections)
        if q:
            params: dict[str, Any] = {"q": searched}
            if selections:
                params["allowed"] = state.id_bits(allowed)
                params["nbits"] = len(params["allowed"]) * 8
            head = connection.exec_driver_sql(
                _matching(bool(selections), plan.syntax), params
            ).one()
            if head.generation != state.generation:
                return None
            positions = state.positions(head.ids or b"")
            if positions is None:
                return None
            # ts_rank is a real; as a double, plus the bonus, it is the double SQL would add.
            ranks = np.frombuffer(head.ranks or b"", dtype=">f4").astype(np.float64)
            matched = np.zeros(state.size, dtype=bool)
            matched[positions] = True
            ranked = ranks != _UNRANKED
            positions, ranks = positions[ranked], ranks[ranked]
            named = state.exact.get(exact_key(q))
            if named is not None:
                ranks[np.isin(positions, named)] += EXACT_BONUS
        else:
            matched = every
            positions = np.flatnonzero(allowed)
            ranks = np.zeros(len(positions))
        total = len(positions)
        if total != int(np.count_nonzero(matched & allowed)):  # pragma: no cover - a safeguard
            return None
        if not total and q:
            # Nothing to show; the matching statement has checked the generation already.
            return SearchResults(
                hits=[],
                total=0,
                facets=_facet_values(state, matched, selections, query),
                suggestion=self._suggest(state, q, query.language),
            )
        page = max(1, min(query.page, -(-total // query.per_page)))
        start = (page - 1) * query.per_page
        if query.sort == "name" or (query.sort == "relevance" and not q):
            keys = [state.by_name[positions]]
        elif query.sort == "updated":
            keys = [state.by_update[positions]]
        else:
            keys = [-ranks, state.by_name[positions]]
        chosen = _page(keys, start, start + query.per_page) if total else positions[:0]
        params = {
            "q": searched,
            "options": HEADLINE_OPTIONS,
            "lang": query.language,
            "langs": [query.language, *(x for x in docs.LANGUAGES if x != query.language)],
            "page": state.ids[positions[chosen]].tolist(),
        }
        # The page is read in pipeline mode: PostgreSQL highlights the snippets while Python
        # counts the facets, and the rows are collected after.
        driver = connection.connection.driver_connection
        if isinstance(driver, psycopg.Connection):
            with driver.pipeline():
                cursor = driver.cursor()
                cursor.execute(_page_statement(bool(q), plan.syntax), params)
                facets = _facet_values(state, matched, selections, query)
            rows: Sequence[Any] = cursor.fetchall()
        else:  # another driver: one after the other
            rows = connection.exec_driver_sql(_page_statement(bool(q), plan.syntax), params).all()
            facets = _facet_values(state, matched, selections, query)
        # (n, generation, slug, name, headline, fallback)
        if rows[0][1] != state.generation or len(rows) != len(chosen) + 1:
            return None
        hits = [
            Hit(slug=row[2], name=row[3], score=float(score), snippet_html=_snippet(row[4], row[5]))
            for row, score in zip(rows[1:], ranks[chosen].tolist(), strict=True)
        ]
        return SearchResults(hits=hits, total=total, facets=facets)

    def _suggest(self, state: _State, q: str, language: str = "nl") -> str | None:
        """ "Did you mean": unknown words replaced by the closest word in the documents (their
        names and their texts in the reader's language).

        The vocabulary is read once per generation, in a snapshot of that generation."""
        key = "spelling_en" if language == "en" else "spelling"
        vocabulary = state.vocabulary.get(key)
        if vocabulary is None:
            with self.engine.connect().execution_options(
                isolation_level="REPEATABLE READ"
            ) as connection:
                generation = connection.exec_driver_sql(_GENERATION).scalar()
                vocabulary = frozenset(
                    connection.exec_driver_sql(
                        "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', "  # noqa: S608 - key is one of two constants
                        f"body->>''{key}'') FROM search.component_document')"
                    ).scalars()
                )
            if generation is not None and generation == state.generation:
                state.vocabulary[key] = vocabulary
        corrected: list[str] = []
        replaced = False
        for word in words(q):
            if correctable(word) and word not in vocabulary:
                close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
                if close:
                    corrected.append(close[0])
                    replaced = True
                    continue
            corrected.append(word)
        return " ".join(corrected) if replaced else None


def _shorten(value: str, limit: int = 240) -> str:
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0] + " …"
