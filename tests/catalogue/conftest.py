"""Fixtures for the tests of catalogue/: accounts of every role, and search on a real index.

Accounts are made through the real services (tests/accounts.py). The search fixtures wire search
into the test's app with a real Whoosh index on disk in tmp_path; ``catalogue.search.init_app`` is
idempotent, so they work whether or not app.py already calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import catalogue.search as search
from catalogue.models import Role
from catalogue.search import SearchService, get_service
from tests.accounts import Account, make_account
from tests.searching import seeded_components

# ---------------------------------------------------------------- accounts


@pytest.fixture
def accounts_of(app: Any) -> dict[str, Account]:
    """A maintainer, a reviewer and an admin of Amsterdam, and a maintainer of another organisation."""
    return {
        "maintainer": make_account(app, Role.MAINTAINER),
        "reviewer": make_account(app, Role.REVIEWER),
        "admin": make_account(app, Role.ADMIN),
        "outsider": make_account(app, Role.MAINTAINER, organisation="conduction"),
    }


@pytest.fixture
def make_user(app: Any) -> Callable[..., Account]:
    """``make_account`` bound to the test's app."""
    return lambda role=Role.MAINTAINER, **options: make_account(app, role, **options)


# ---------------------------------------------------------------- search


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
