"""Full-text search inside PostgreSQL: a table of search documents with a weighted tsvector.

The table ``search.component_document`` is created by migration 0002 on PostgreSQL only, in its
own schema so the ORM metadata (the default schema) is the same on SQLite and PostgreSQL. It is
described here with Core, on its own MetaData.

Texts are indexed with the ``dutch`` configuration, English descriptions with ``english``; each
field gets the tsvector weight (A-C) that matches its place in query.SEARCH_BOOSTS, and an exact
name or alias match adds a fixed bonus, as in the Whoosh backend. A rebuild replaces every row in
one transaction, so readers see the old documents until the new ones are committed (MVCC is the
atomic swap here). Facets follow the same drill-sideways rule (see query.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union_all,
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
    correctable,
    exact_key,
    normalise_text,
    sort_facet_values,
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


def _tsquery(config: str) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(literal_column(f"'{config}'::regconfig"), bindparam("q"))


def _row(document: SearchDocument) -> dict[str, Any]:
    document = dict(document)
    body = dict(document)
    body["spelling"] = docs.spelling_text(document)
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


class PostgresBackend:
    """Search documents in ``search.component_document`` with a GIN-indexed tsvector."""

    name = "postgres"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
            with self.engine.connect() as connection:
                results = self._search(connection, query)
        except DBAPIError as error:
            msg = f"searching the PostgreSQL documents failed: {error}"
            raise SearchUnavailable(msg) from error
        if not results.total and not self.available():
            msg = "the PostgreSQL search documents are missing"
            raise SearchUnavailable(msg)
        return results

    def _search(self, connection: Any, query: SearchQuery) -> SearchResults:
        q = normalise_text(query.q)
        t = component_document
        params: dict[str, Any] = {"q": q}
        tsquery = _tsquery("dutch").op("||")(_tsquery("english"))
        text_match: ColumnElement[bool] = t.c.tsv.op("@@")(tsquery) if q else true()
        # Containment (@>) on the whole column is what the GIN index on ``facets`` serves.
        facet_filters = {
            facet.name: or_(*(t.c.facets.contains({facet.name: [value]}) for value in values))
            for facet in FACETS
            if (values := query.filters.get(facet.name))
        }

        def where(exclude: str | None = None) -> ColumnElement[bool]:
            return and_(text_match, *(c for name, c in facet_filters.items() if name != exclude))

        total, facets = self._facet_counts(connection, text_match, facet_filters, params, query)
        hits: list[Hit] = []
        if total:
            hits = self._hits(connection, query, q, where(), tsquery, params, total)
        suggestion = self._suggest(connection, q) if not total and q else None
        return SearchResults(hits=hits, total=total, facets=facets, suggestion=suggestion)

    def _facet_counts(
        self,
        connection: Any,
        text_match: ColumnElement[bool],
        facet_filters: dict[str, ColumnElement[bool]],
        params: dict[str, Any],
        query: SearchQuery,
    ) -> tuple[int, dict[str, list[FacetValue]]]:
        """The total and the drill-sideways counts of every facet, in one statement.

        The text is matched once, into a materialised CTE that keeps, per matching row, its
        facets, its labels and whether it passes each facet filter; every facet is then
        counted over that CTE without its own filter.
        """
        t = component_document
        passes = {name: f"passes_{index}" for index, name in enumerate(facet_filters)}
        matched = (
            select(
                t.c.facets,
                func.jsonb_extract_path(t.c.body, "labels").label("labels"),
                *(condition.label(passes[name]) for name, condition in facet_filters.items()),
            )
            .where(text_match)
            .cte("matched")
            .prefix_with("MATERIALIZED")
        )

        def passing(exclude: str | None = None) -> list[ColumnElement[bool]]:
            return [matched.c[column] for name, column in passes.items() if name != exclude]

        parts: list[Select[Any]] = [
            select(
                literal("", Text).label("facet"),
                literal(None, Text).label("value"),
                func.count().label("n"),
                literal(None, Text).label("label"),
            )
            .select_from(matched)
            .where(and_(true(), *passing()))
        ]
        for facet in FACETS:
            values = (
                func.jsonb_array_elements_text(matched.c.facets[facet.name])
                .table_valued("value")
                .alias(f"v_{facet.name}")
            )
            label = func.jsonb_extract_path_text(matched.c.labels, facet.name, values.c.value)
            parts.append(
                select(
                    literal(facet.name, Text).label("facet"),
                    values.c.value,
                    func.count().label("n"),
                    func.min(label).label("label"),
                )
                .select_from(matched.join(values, true()))
                .where(and_(true(), *passing(facet.name)))
                .group_by(values.c.value)
            )
        total = 0
        found: dict[str, dict[str, tuple[str, int]]] = {facet.name: {} for facet in FACETS}
        for row in connection.execute(union_all(*parts), params):
            if row.facet == "":
                total = int(row.n)
            else:
                found[row.facet][row.value] = (row.label or row.value, int(row.n))
        facets: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            counted = found[facet.name]
            selected = set(query.filters.get(facet.name, ()))
            for value in selected - set(counted):
                # A selected value with no results keeps its box, so it can be unticked.
                label_anywhere = connection.scalar(
                    select(func.jsonb_extract_path_text(t.c.body, "labels", facet.name, value))
                    .where(t.c.facets.contains({facet.name: [value]}))
                    .limit(1)
                )
                counted[value] = (label_anywhere or value, 0)
            ordered = sort_facet_values((v, lab, count) for v, (lab, count) in counted.items())
            facets[facet.name] = [
                FacetValue(value=v, label=lab, count=count, selected=v in selected)
                for v, lab, count in ordered
            ]
        return total, facets

    def _hits(
        self,
        connection: Any,
        query: SearchQuery,
        q: str,
        condition: ColumnElement[bool],
        tsquery: ColumnElement[Any],
        params: dict[str, Any],
        total: int,
    ) -> list[Hit]:
        t = component_document
        rank: ColumnElement[Any]
        if q:
            rank = func.ts_rank(t.c.tsv, tsquery) + case(
                (bindparam("exact", exact_key(q)) == any_(t.c.exact), EXACT_BONUS), else_=0.0
            )
        else:
            rank = literal_column("0.0")
        order = {
            "name": [func.lower(t.c.name), t.c.component_id],
            "updated": [t.c.updated_at.desc().nullslast(), t.c.component_id],
        }.get(query.sort, [rank.desc(), func.lower(t.c.name)] if q else [func.lower(t.c.name)])
        pages = max(1, -(-total // query.per_page))
        statement: Select[Any] = (
            select(t.c.slug, t.c.name, rank.label("rank"), t.c.body)
            .where(condition)
            .order_by(*order)
            .offset((min(max(query.page, 1), pages) - 1) * query.per_page)
            .limit(query.per_page)
        )
        rows = connection.execute(statement, {**params, "exact": exact_key(q)}).all()
        snippets = self._snippets(connection, [row.body for row in rows], q, query.language)
        return [
            Hit(slug=row.slug, name=row.name, score=float(row.rank or 0.0), snippet_html=snippet)
            for row, snippet in zip(rows, snippets, strict=True)
        ]

    @staticmethod
    def _snippets(
        connection: Any, bodies: Sequence[dict[str, Any]], q: str, language: str
    ) -> list[str]:
        sources: list[tuple[str, str]] = []
        for body in bodies:
            chosen = ("dutch", "")
            for lang in (language, *(x for x in docs.LANGUAGES if x != language)):
                features = " ".join(body.get(f"features_{lang}") or [])
                parts = (body.get(f"short_{lang}"), features, body.get(f"long_{lang}"))
                joined = " ".join(part for part in parts if part)
                if joined:
                    chosen = ("english" if lang == "en" else "dutch", joined)
                    break
            sources.append(chosen)
        if not q:
            return [
                html.escape(_shorten(docs.snippet_source(b, language)), quote=False) for b in bodies
            ]
        headlines = (
            connection.execute(
                text(
                    "SELECT ts_headline(CAST(s.cfg AS regconfig), s.txt, "
                    "websearch_to_tsquery(CAST(s.cfg AS regconfig), :q), :options) "
                    "FROM unnest(CAST(:cfgs AS text[]), CAST(:texts AS text[])) "
                    "WITH ORDINALITY AS s(cfg, txt, ord) ORDER BY s.ord"
                ),
                {
                    "q": q,
                    "options": HEADLINE_OPTIONS,
                    "cfgs": [c for c, _ in sources],
                    "texts": [t for _, t in sources],
                },
            )
            .scalars()
            .all()
        )
        snippets = []
        for headline, body in zip(headlines, bodies, strict=True):
            if headline and START in headline:
                escaped = html.escape(headline, quote=False)
                snippets.append(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))
            else:
                source = docs.snippet_source(body, language)
                snippets.append(html.escape(_shorten(source), quote=False))
        return snippets

    @staticmethod
    def _suggest(connection: Any, q: str) -> str | None:
        """ "Did you mean": unknown words replaced by the closest word in the documents."""
        vocabulary = set(
            connection.execute(
                text(
                    "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', "
                    "body->>''spelling'') FROM search.component_document')"
                )
            ).scalars()
        )
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
