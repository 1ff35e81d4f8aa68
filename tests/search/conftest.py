"""Search fixtures: the app with search wired in, a real Whoosh index on disk in tmp_path.

``catalogue.search.init_app`` is idempotent, so these fixtures work whether or not app.py
already calls it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import catalogue.search as search
from catalogue.search import SearchService, get_service
from catalogue.search.interfaces import SearchQuery
from catalogue.services.seeding import COMPONENTS_FILE, read_catalogue_file
from tests.conftest import DATA_DIR


# How many components the seed loads: counted from data/, so growing the catalogue needs no edit here.
@functools.cache
def seeded_components() -> int:
    """How many components the seed file holds (read when a test asks, not at collection)."""
    return len(read_catalogue_file(DATA_DIR / COMPONENTS_FILE)["components"])


@pytest.fixture
def search_app(app: Any) -> Iterator[Any]:
    """The test's app with search wired in (index in tmp_path/index, not built yet)."""
    search.init_app(app)
    yield app
    # A rebuild started by a degraded search must not outlive the test's database.
    get_service(app).wait_for_rebuild()


@pytest.fixture
def service(search_app: Any) -> SearchService:
    """The app's search service."""
    return get_service(search_app)


@pytest.fixture
def indexed(service: SearchService) -> SearchService:
    """The search service with a freshly built index of the seeded catalogue."""
    assert service.rebuild() == seeded_components()
    return service


@pytest.fixture
def manual_app(database_url: str, tmp_path: Path, app_factory: Any) -> Iterator[Any]:
    """An app whose writer does not run after commits, so the outbox can be inspected."""
    application = app_factory(database_url, tmp_path, SEARCH_WRITE_AFTER_COMMIT=False)
    search.init_app(application)
    yield application
    get_service(application).wait_for_rebuild()
    application.extensions["catalogue_db"].dispose()


@pytest.fixture
def manual(manual_app: Any) -> SearchService:
    """The search service of ``manual_app``, with its index built."""
    service = get_service(manual_app)
    service.rebuild()
    return service


@pytest.fixture
def backend_app(backend: str, database_url: str, tmp_path: Path, app_factory: Any) -> Iterator[Any]:
    """The app with an indexed search: Whoosh on SQLite, or the PostgreSQL backend on
    PostgreSQL."""
    kind = "postgres" if backend == "postgres" else "whoosh"
    application = app_factory(database_url, tmp_path, SEARCH_BACKEND=kind)
    search.init_app(application)
    service = get_service(application)
    assert service.backend.name == kind
    service.rebuild()
    yield application
    service.wait_for_rebuild()
    application.extensions["catalogue_db"].dispose()


@pytest.fixture
def backend_service(backend_app: Any) -> SearchService:
    """The search service of ``backend_app``."""
    return get_service(backend_app)


@pytest.fixture
def manual_app_runner(manual_app: Any) -> Any:
    """Click's runner for ``manual_app``."""
    return manual_app.test_cli_runner()


@contextmanager
def searching_meanwhile(service: SearchService) -> Iterator[tuple[list[str], list[int]]]:
    """Search for "zaak" in a loop on another thread while the block runs (a rebuild, say).

    Yields (failures, totals): a failure is an answer that was degraded, empty or without
    open-zaak first; totals are the hit counts seen. The thread stops when the block ends."""
    failures: list[str] = []
    totals: list[int] = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            results = service.search(SearchQuery(q="zaak"))
            totals.append(results.total)
            if results.degraded or not results.hits or results.hits[0].slug != "open-zaak":
                failures.append(repr(results)[:200])

    thread = threading.Thread(target=search)
    thread.start()
    try:
        yield failures, totals
    finally:
        stop.set()
        thread.join(timeout=30)
