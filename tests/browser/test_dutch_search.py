"""Dutch search in a real browser (issue 12, section 1), in Dutch and English, at desktop width
and at 320 CSS px: what people type finds the components, each card shows status, licence and
main GEMMA reference component, and the page says when it searched a correction or any word.
axe-core checks every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TEXT = {
    "nl": {
        "search": "Zoek een component",
        "go": "Zoeken",
        "corrected": "Met ‘formullieren’ vonden we niets. U ziet de resultaten voor ‘formulieren’.",
        "relaxed": "Geen component past bij al uw woorden.",
        "status": "Hoe ver is het",
        "licence": "Licentie",
    },
    "en": {
        "search": "Search for a component",
        "go": "Search",
        "corrected": "Nothing was found for ‘formullieren’. You see the results for ‘formulieren’.",
        "relaxed": "No component matches all your words.",
        "status": "Development status",
        "licence": "Licence",
    },
}


def _search(page: Any, live_server: str, language: str, q: str) -> None:
    page.goto(f"{live_server}/?lang={language}")
    page.get_by_label(TEXT[language]["search"]).fill(q)
    page.get_by_role("button", name=TEXT[language]["go"]).first.click()
    page.wait_for_url("**/componenten?**")


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_people_find_components_by_the_dutch_words_they_type(
    page: Any, live_server: str, assert_accessible: Any, language: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    text = TEXT[language]

    _search(page, live_server, language, "archief")
    first = page.locator(".hits .card").first
    expect(first.locator("h3")).to_have_text("Open Archiefbeheer")
    facts = first.locator(".card-facts")
    assert text["status"] in facts.inner_text() and text["licence"] in facts.inner_text()
    expect(facts.get_by_role("link", name="Archiefbeheercomponent")).to_be_visible()
    assert_accessible(page)

    _search(page, live_server, language, "zaaksysteem")
    names = page.locator(".hits .card h3").all_inner_texts()
    # Open Zaak and the ZAC by the compound's part; ZaakBrug by the word itself (it connects
    # zaaksystemen, "Verbinden zaaksystemen oud en nieuw"), in the catalogue of 102.
    assert {"Open Zaak", "Dimpact Zaakafhandelcomponent (ZAC)", "ZaakBrug"} == set(names[:3])

    _search(page, live_server, language, "formullieren")
    expect(page.get_by_text(text["corrected"])).to_be_visible()
    expect(page.locator(".hits .card h3").first).to_have_text("Open Formulieren")
    assert_accessible(page)

    _search(page, live_server, language, "formulieren huwelijk")
    expect(page.get_by_text(text["relaxed"])).to_be_visible()
    assert_accessible(page)
