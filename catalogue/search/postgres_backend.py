"""Full-text search inside PostgreSQL: a table of search documents with a weighted tsvector.

The table ``search.component_document`` is created by migration 0002 on PostgreSQL only, in its
own schema so the ORM metadata (the default schema) is the same on SQLite and PostgreSQL. It is
described with Core, on its own MetaData, in _postgres_sql.py with the statements below.

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
in a ``_State`` (_postgres_state.py). A statement that reports another generation than the kept
state's is not used: the state is derived again and the search run in one REPEATABLE READ
transaction (one snapshot), so counts and hits always describe the same documents, whoever
wrote them.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Engine, bindparam, delete, select, text, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError

from catalogue.search import documents as docs
from catalogue.search._postgres_sql import (
    _GENERATION,
    _UNRANKED,
    _matching,
    _page_statement,
    _row,
    _snippet,
    _tsvector,
    component_document,
)
from catalogue.search._postgres_sql import HEADLINE_OPTIONS as HEADLINE_OPTIONS
from catalogue.search._postgres_sql import SEARCH_SCHEMA as SEARCH_SCHEMA
from catalogue.search._postgres_sql import START as START
from catalogue.search._postgres_sql import STOP as STOP
from catalogue.search._postgres_sql import config_of as config_of
from catalogue.search._postgres_sql import metadata as metadata
from catalogue.search._postgres_sql import weight_of as weight_of
from catalogue.search._postgres_state import _facet_values, _restrict, _State
from catalogue.search.interfaces import (
    Hit,
    IndexReport,
    SearchDocument,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)
from catalogue.search.query import correctable, exact_key, plan_text, tsquery_text, words

# Added to the rank of an exact name or alias match: more than any ts_rank can reach (<= 1).
EXACT_BONUS = 10.0


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
            facets, totals = _facet_values(state, matched, selections, query)
            return SearchResults(
                hits=[],
                total=0,
                facets=facets,
                suggestion=self._suggest(state, q, query.language),
                facet_totals=totals,
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
                facets, totals = _facet_values(state, matched, selections, query)
            rows: Sequence[Any] = cursor.fetchall()
        else:  # another driver: one after the other
            rows = connection.exec_driver_sql(_page_statement(bool(q), plan.syntax), params).all()
            facets, totals = _facet_values(state, matched, selections, query)
        # (n, generation, slug, name, headline, fallback)
        if rows[0][1] != state.generation or len(rows) != len(chosen) + 1:
            return None
        hits = [
            Hit(slug=row[2], name=row[3], score=float(score), snippet_html=_snippet(row[4], row[5]))
            for row, score in zip(rows[1:], ranks[chosen].tolist(), strict=True)
        ]
        return SearchResults(hits=hits, total=total, facets=facets, facet_totals=totals)

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
