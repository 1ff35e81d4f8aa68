"""Helpers for the search tests: the seed's size, and a search loop that runs beside other work."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from catalogue.search import SearchService
from catalogue.search.interfaces import SearchQuery
from catalogue.services.seeding import COMPONENTS_FILE, read_catalogue_file
from tests.conftest import DATA_DIR


# How many components the seed loads: counted from data/, so growing the catalogue needs no edit here.
@functools.cache
def seeded_components() -> int:
    """How many components the seed file holds (read when a test asks, not at collection)."""
    return len(read_catalogue_file(DATA_DIR / COMPONENTS_FILE)["components"])


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


def seeded_documents(directory: Path) -> list[dict[str, Any]]:
    """The seeded catalogue's search documents, read from a real SQLite database made in
    ``directory`` (for module fixtures that build their own index)."""
    from catalogue.db import Database
    from catalogue.migrate import upgrade
    from catalogue.search.sync import load_documents
    from catalogue.services.seeding import seed

    database = Database(f"sqlite:///{directory / 'catalogue.db'}")
    try:
        upgrade(database.engine)
        with database.session() as session:
            seed(session, DATA_DIR)
            session.commit()
            return load_documents(session)
    finally:
        database.dispose()
