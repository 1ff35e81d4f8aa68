"""Pages a person can take in at a glance (issue 12, section 5), in Debian's chromium: the
component page's summary on the first screen, the search filters folded on a phone with a skip
link to the results, and WCAG 2.1 reflow (1.4.10) at 320 CSS pixels on the search, component,
plan and compare pages, in Dutch and English, with axe-core on each."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# 1.4.10 Reflow: content fits 320 CSS pixels without scrolling in two directions.
REFLOW_WIDTH = 320
PAGES = {
    "search": "/componenten?q=zaak",
    "component": "/componenten/open-zaak",
    "plan": "/advies/plan?referentie=zaakregistratiecomponent",
    "compare": "/vergelijk?c=open-zaak&c=open-notificaties&c=open-klant",
}


def _page_overflow(page: Any) -> list[str]:
    """What sticks out of the viewport and makes the page scroll sideways (empty when none)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          const wide = [];
          for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 1 && !el.closest('.table-scroll, .graph-scroll, pre')) {
              const name = el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className;
              wide.push(name + ' ' + Math.round(box.right));
            }
          }
          return wide.slice(0, 8).concat(['scrollWidth ' + document.documentElement.scrollWidth]);
        }"""
    )


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_reflow_at_320_css_pixels(
    browser: Any, live_server: str, assert_accessible: Any, name: str, language: str
) -> None:
    context = browser.new_context(
        viewport={"width": REFLOW_WIDTH, "height": 640},
        locale="nl-NL" if language == "nl" else "en-GB",
    )
    try:
        page = context.new_page()
        path = PAGES[name]
        response = page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={language}")
        assert response is not None and response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        overflow = _page_overflow(page)
        assert overflow == [], overflow
        assert_accessible(page)
    finally:
        context.close()


def test_on_a_phone_the_filters_fold_and_a_skip_link_leads_to_the_results(
    browser: Any, live_server: str, assert_accessible: Any
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(live_server + "/componenten?q=zaak")
        fold = page.locator("details.filters-fold")
        assert fold.get_attribute("open") is None
        first_result = page.locator("ul.cards li.card h3 a").first
        # Folded filters take little room: the first result is near the top, not screens down.
        assert first_result.bounding_box()["y"] < 2 * 740
        page.get_by_role("link", name="Naar de resultaten").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "resultaten-kop"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('.hits') !== null")
        assert focused  # the next stops are in the results, not the filters
        page.get_by_text("Filters tonen").click()
        assert fold.get_attribute("open") is not None
        expect(page.locator("details.filters-fold input[type=checkbox]").first).to_be_visible()
        assert_accessible(page)
    finally:
        context.close()


def test_on_a_wide_screen_the_filters_are_open(page: Any, live_server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/componenten?q=zaak")
    assert page.locator("details.filters-fold").get_attribute("open") is not None


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_component_summary_is_on_the_first_screen(
    page: Any, live_server: str, assert_accessible: Any, language: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/componenten/open-zaak?lang={language}")
    summary = page.locator("section.summary")
    box = summary.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800
    terms = summary.locator("dt").all_inner_texts()
    expected = {
        "nl": [
            "Wat het doet",
            "Ontwikkelstatus",
            "Licentie",
            "Hosting",
            "GEMMA-referentiecomponenten",
            "Beheerder en leveranciers",
            "Gebruikers",
        ],
        "en": [
            "What it does",
            "Development status",
            "Licence",
            "Hosting",
            "GEMMA reference components",
            "Maintainer and suppliers",
            "Users",
        ],
    }[language]
    assert terms == expected
    assert_accessible(page)
