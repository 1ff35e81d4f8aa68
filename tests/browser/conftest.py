"""Browser fixtures: the app served over real HTTP in a thread, driven by Debian's chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# axe-core impacts that fail a page.
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def live_server(database_url: str, tmp_path: Path, app_factory: Any) -> Iterator[str]:
    """The app on a free local port; yields its base URL."""
    app = app_factory(database_url, tmp_path)
    # Build the search index before the first page: a search answered from the database while a
    # background rebuild runs knows no Dutch compounds, and how long that lasts depends on load.
    app.extensions["catalogue_search"].rebuild()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        service = app.extensions.get("catalogue_search")
        if service is not None:
            service.wait_for_rebuild()
        app.extensions["catalogue_db"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors of the test's page; a test that expects one clears it."""
    return []


@pytest.fixture
def page(browser: Any, console_errors: list[str], live_server: str) -> Iterator[Any]:
    """A fresh browser page; fails the test on any console error (CSP violations included).

    It depends on ``live_server`` so the server stops only after the page is closed: a server
    going away under a still-loading page would log connection resets.
    """
    context = browser.new_context(locale="nl-NL")
    new_page = context.new_page()
    errors = console_errors
    new_page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    context.close()
    assert errors == [], errors


@pytest.fixture
def assert_accessible() -> Any:
    """A check to call on a loaded page: axe-core finds no serious or critical violation."""
    return _assert_accessible


def _assert_accessible(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]
    assert blocking == [], "\n".join(blocking)
