"""The data-quality page in a real browser, in Dutch and English; axe-core checks both."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("language", "heading", "fill_in"),
    [("nl", "Kwaliteit van de gegevens", "vul aan"), ("en", "Data quality", "fill in")],
)
def test_quality_page_is_accessible_in_both_languages(
    page: Any, live_server: str, assert_accessible: Any, language: str, heading: str, fill_in: str
) -> None:
    response = page.goto(f"{live_server}/kwaliteit?lang={language}")
    assert response is not None and response.ok
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.locator("html").get_attribute("lang") == language
    links = page.get_by_role("link", name=fill_in)
    assert links.count() > 0
    assert links.first.get_attribute("href").endswith("/wijzigen")
    assert_accessible(page)
