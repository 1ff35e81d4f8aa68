"""Search: wiring of the backend and the outbox writer into the app.

``init_app(app)`` picks the backend from ``SEARCH_BACKEND`` ("whoosh", the default, or
"postgres"), records changes in the outbox on every session of the app, and runs the writer
after each commit that recorded some. When the index is missing or corrupt, searches are
answered from the database (``degraded=True``) while a rebuild runs in a background thread.
The search page is catalogue/web/search.py, registered by app.py: search never imports web.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from catalogue.db import Database
from catalogue.progress import Progress
from catalogue.search import sync
from catalogue.search.database_backend import DatabaseBackend
from catalogue.search.interfaces import (
    IndexReport,
    SearchBackend,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)
from catalogue.search.recovery import search_with_recovery

EXTENSION = "catalogue_search"
BACKENDS = ("whoosh", "postgres")

logger = logging.getLogger(__name__)


class SearchConfigurationError(RuntimeError):
    """The search settings do not fit the database."""


def make_backend(kind: str, database: Database, index_dir: Path) -> SearchBackend:
    """The configured backend."""
    if kind == "whoosh":
        from catalogue.search.whoosh_backend import WhooshBackend

        return WhooshBackend(index_dir)
    if kind == "postgres":
        if database.engine.dialect.name != "postgresql":
            msg = "SEARCH_BACKEND 'postgres' needs a PostgreSQL DATABASE_URL; use 'whoosh'"
            raise SearchConfigurationError(msg)
        from catalogue.search.postgres_backend import PostgresBackend

        return PostgresBackend(database.engine)
    msg = f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {kind!r}"
    raise SearchConfigurationError(msg)


class SearchService:
    """One app's search: the backend, the database fallback and the single writer."""

    def __init__(
        self,
        database: Database,
        backend: SearchBackend,
        index_dir: Path,
        *,
        rebuild_when_missing: bool = True,
    ) -> None:
        self.database = database
        self.backend = backend
        self.fallback = DatabaseBackend(database.session_factory)
        self.lock_path = Path(index_dir) / sync.LOCK_FILE
        self.rebuild_when_missing = rebuild_when_missing
        self._rebuild_thread: threading.Thread | None = None
        self._thread_guard = threading.Lock()

    def search(self, query: SearchQuery) -> SearchResults:
        """Search the index (the database when it is unavailable), and when nothing is found
        fall back to any word, then to the spelling correction (recovery.py)."""
        return search_with_recovery(self.search_as_typed, query)

    def search_as_typed(self, query: SearchQuery) -> SearchResults:
        """Search the index; when it is unavailable, the database, and start a rebuild."""
        try:
            return self.backend.search(query)
        except SearchUnavailable as error:
            logger.warning("search index unavailable, answering from the database: %s", error)
        # Rebuild only a missing or corrupt index: a query that fails on a sound index would
        # otherwise start a rebuild on every search.
        if self.rebuild_when_missing and not self.backend.available():
            self.rebuild_in_background()
        return self.fallback.search(query)

    def apply_outbox(self, *, wait: float = 0.0) -> int:
        """Apply pending outbox rows (see sync.apply_outbox)."""
        return sync.apply_outbox(
            self.database.session_factory, self.backend, self.lock_path, wait=wait
        )

    def after_commit(self) -> None:
        """The writer after a commit: never lets an index problem fail the committed request."""
        try:
            self.apply_outbox()
        except Exception:
            # The rows stay in the outbox; the next commit, `search-sync` or a rebuild applies them.
            logger.exception("applying the search outbox failed; the rows stay pending")

    def rebuild(self, *, wait: float = 60.0, progress: Progress | None = None) -> int | None:
        """Rebuild the index now; None when another writer kept the lock for ``wait`` seconds.
        ``progress`` is told ``(done, total)`` over the documents."""
        return sync.rebuild(
            self.database.session_factory,
            self.backend,
            self.lock_path,
            wait=wait,
            progress=progress,
        )

    def rebuild_in_background(self) -> None:
        """Start one rebuild thread unless one is running."""
        with self._thread_guard:
            if self._rebuild_thread is not None and self._rebuild_thread.is_alive():
                return
            self._rebuild_thread = threading.Thread(
                target=self._rebuild_quietly, name="search-rebuild", daemon=True
            )
            self._rebuild_thread.start()

    def _rebuild_quietly(self) -> None:
        try:
            self.rebuild()
        except Exception:
            logger.exception("rebuilding the search index failed")

    def wait_for_rebuild(self, timeout: float = 30.0) -> None:
        """Wait for a background rebuild to finish (for the CLI and tests)."""
        thread = self._rebuild_thread
        if thread is not None:
            thread.join(timeout)

    def check(self) -> IndexReport:
        """How the index differs from the database."""
        return sync.check(self.database.session_factory, self.backend)


def get_service(app: Flask | None = None) -> SearchService:
    """The search service of ``app`` (the current app by default)."""
    application: Any = app or current_app
    service = application.extensions.get(EXTENSION)
    if service is None:
        msg = "search is not set up: call catalogue.search.init_app(app) in create_app"
        raise RuntimeError(msg)
    result: SearchService = service
    return result


def search_catalogue(query: SearchQuery) -> SearchResults:
    """Search the current app's catalogue with its search service (the page and the API)."""
    return get_service().search(query)


def init_app(app: Flask) -> None:
    """Pick the backend, record changes and run the writer after commits (the page is web's)."""
    if EXTENSION in app.extensions:
        return
    database: Database = app.extensions["catalogue_db"]
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    backend = make_backend(str(app.config["SEARCH_BACKEND"]), database, index_dir)
    service = SearchService(
        database,
        backend,
        index_dir,
        rebuild_when_missing=bool(app.config["SEARCH_REBUILD_WHEN_MISSING"]),
    )
    app.extensions[EXTENSION] = service
    sync.install(
        database.session_factory,
        after_commit=service.after_commit if app.config["SEARCH_WRITE_AFTER_COMMIT"] else None,
    )
