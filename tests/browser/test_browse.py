"""An architect browses the catalogue in a real browser; axe-core checks every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_home_and_a_component_page_are_accessible(
    page: Any, live_server: str, assert_accessible: Any
) -> None:
    page.goto(live_server + "/")
    assert page.title().startswith("Welkom")
    assert_accessible(page)

    page.get_by_label("Zoek een component").fill("zaak")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Open Zaak", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open Zaak")
    assert_accessible(page)


def test_keyboard_user_can_skip_to_the_content(page: Any, live_server: str) -> None:
    page.goto(live_server + "/componenten")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"


@pytest.mark.parametrize(
    "path",
    [
        "/componenten",
        "/referentiecomponenten",
        "/referentiecomponenten/zaakregistratiecomponent",
        "/organisaties",
        "/organisaties/gemeente-utrecht",
        "/componenten/bestaat-niet",
        "/bedrijfsfuncties",
        "/bedrijfsfuncties/aanmaken-c-q-wijzigen-klantafspraak",
        "/standaarden",
        "/standaarden/zaken-api-standaard",
        "/vergelijk?c=open-zaak&c=open-notificaties&c=open-klant",
        "/componenten/filter/gemeente?q=open&licentie=EUPL-1.2",
    ],
)
def test_other_pages_are_accessible(
    page: Any, live_server: str, path: str, assert_accessible: Any, console_errors: list[str]
) -> None:
    response = page.goto(live_server + path)
    assert response is not None
    if path.endswith("bestaat-niet"):
        assert response.status == 404
        # The browser logs the 404 of the page itself; that is the point of this page.
        console_errors[:] = [e for e in console_errors if "404" not in e]
    else:
        assert response.ok
    assert_accessible(page)
