"""Two gunicorn worker processes update components at the same time; no update is lost.

Each request changes one component through the service layer and commits; the commit's writer
(in that worker process) applies the outbox under the inter-process lock. After the load, the
outbox must be empty and every indexed document must match the database.

This module is also the WSGI app gunicorn serves: ``wsgi_app()`` below wraps ``create_app``
with one test-only route.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import ROOT
from tests.searching import seeded_components

SLUGS = ("open-zaak", "signalen", "open-formulieren", "kiss")
CLIENTS = 4
REQUESTS_PER_CLIENT = 8
DEADLINE_SECONDS = 40


def wsgi_app() -> Any:
    """The app gunicorn serves: create_app plus a route that updates one component."""
    from flask import Response
    from sqlalchemy.exc import IntegrityError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    import catalogue.search
    from app import create_app
    from catalogue.extensions import csrf
    from catalogue.models import Component
    from catalogue.services.components import apply_document, document_of, get_component
    from catalogue.web.context import db_session

    application = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "multiwriter-test",
            "DATABASE_URL": os.environ["CW_TEST_DATABASE_URL"],
            "SEARCH_INDEX_DIR": os.environ["CW_TEST_INDEX_DIR"],
        }
    )
    catalogue.search.init_app(application)

    @application.post("/_test/touch/<slug>/<label>")
    @csrf.exempt
    def touch(slug: str, label: str) -> Response:
        session = db_session()
        try:
            # apply_document replaces child rows before the component's version check, so two
            # concurrent updates of one component can collide on those rows; lock the row first
            # (PostgreSQL; SQLite writers are serialised anyway) and retry on any conflict.
            session.execute(select(Component.id).where(Component.slug == slug).with_for_update())
            document = document_of(get_component(session, slug))
            document["descriptions"]["nl"]["short_description"] = f"Proefwijziging {label}"
            apply_document(session, document, source_ref="multiwriter-test")
            session.commit()
        except (StaleDataError, IntegrityError, OperationalError):
            session.rollback()
            return Response("conflict", status=409)
        return Response("ok")

    @application.get("/_test/ping")
    def ping() -> str:
        return "pong"

    return application


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _request(url: str, method: str = "GET") -> int:
    # Only ever http://127.0.0.1:<port>/..., built by this module.
    request = urllib.request.Request(  # noqa: S310
        url, method=method, data=b"" if method == "POST" else None
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


@pytest.mark.slow
@pytest.mark.both_backends
def test_two_worker_processes_lose_no_update(
    database_url: str, tmp_path: Path, app_factory: Any
) -> None:
    import catalogue.search
    from catalogue.models import Component, SearchOutbox

    # The test's own view of the same database and index, to build it first and check it after.
    checker = app_factory(database_url, tmp_path, SEARCH_WRITE_AFTER_COMMIT=False)
    catalogue.search.init_app(checker)
    service = catalogue.search.get_service(checker)
    assert service.rebuild() == seeded_components()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CW_TEST_DATABASE_URL": database_url,
        "CW_TEST_INDEX_DIR": str(tmp_path / "index"),
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(Path(__file__).parent),
            "--pythonpath",
            str(ROOT),
            "--timeout",
            "60",
            "--log-level",
            "warning",
            f"{Path(__file__).stem}:wsgi_app()",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    failures: list[str] = []
    try:
        started = time.monotonic()
        while _try_ping(base) != 200:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() - started < 30, "gunicorn did not start"
            time.sleep(0.2)

        deadline = time.monotonic() + DEADLINE_SECONDS

        def client(number: int) -> None:
            for index in range(REQUESTS_PER_CLIENT):
                slug = SLUGS[(number + index) % len(SLUGS)]
                for _attempt in range(20):
                    if time.monotonic() > deadline:
                        failures.append("deadline")
                        return
                    status = _request(f"{base}/_test/touch/{slug}/{number}-{index}", "POST")
                    if status == 200:
                        break
                    if status != 409:
                        failures.append(f"{slug}: HTTP {status}")
                        return
                    time.sleep(0.01)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=DEADLINE_SECONDS + 10)
    finally:
        server.terminate()
        try:
            output = server.communicate(timeout=20)[0].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0].decode()
    assert failures == [], output

    database = checker.extensions["catalogue_db"]
    try:
        with database.session() as session:
            # Every commit's writer either applied its row or left it to the lock holder, who
            # looked again after letting go: nothing may be pending once the workers are done.
            assert session.scalars(select(SearchOutbox.component_id)).all() == []
            touched = {
                c.slug: c.description("nl").short_description
                for c in session.scalars(select(Component).where(Component.slug.in_(SLUGS)))
            }
        assert all(text.startswith("Proefwijziging") for text in touched.values()), touched
        stored = {fields["slug"]: fields for fields in service.backend.stored().values()}
        for slug, text in touched.items():
            assert stored[slug]["short_nl"] == text, slug
        report = service.check()
        assert report.consistent, report
    finally:
        database.dispose()


def _try_ping(base: str) -> int:
    try:
        return _request(f"{base}/_test/ping")
    except OSError:
        return 0
