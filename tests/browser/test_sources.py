"""``/bronnen`` and a harvested component page in a real browser, checked with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pytest_httpserver import HTTPServer

from tests.catalogue.web.test_sources import harvest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bronnen_is_accessible_in_both_languages(
    page: Any,
    live_server: str,
    assert_accessible: Any,
    app_factory: Any,
    database_url: str,
    tmp_path: Path,
    httpserver: HTTPServer,
    lang: str,
) -> None:
    harvest(app_factory, database_url, tmp_path, httpserver)
    page.goto(f"{live_server}/bronnen?lang={lang}")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == ("Bronnen" if lang == "nl" else "Sources")
    expect(page.get_by_role("table").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="DON publiccode.yml crawler").click()
    assert page.get_by_role("heading", name="Laatste harvest" if lang == "nl" else "Last harvest")
    assert_accessible(page)


def test_derived_facts_are_accessible(page: Any, live_server: str, assert_accessible: Any) -> None:
    page.goto(f"{live_server}/componenten/open-klant")
    expect(page.locator("#afgeleid")).to_be_visible()
    assert_accessible(page)
