"""Issue "Discover and compare" in a real browser, once in Dutch and once in English:
an architect searches, filters by reference component, opens a component and reads its
dependency table; a procurement officer compares three components and downloads the CSV.
axe-core checks every page visited."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

TEXT = {
    "nl": {
        "search": "Zoek een component",
        "go": "Zoeken",
        "table": "Dezelfde afhankelijkheden als tabel",
        "licence": "Licentie",
        "pick": "Vergelijk {}",
        "compare": "Vergelijk de 3 gekozen componenten",
        "update": "Keuze voor vergelijken bijwerken",
        "csv": "Download als CSV (puntkomma’s, voor Excel in het Nederlands)",
        "facet": "GEMMA-referentiecomponent",
        "apply": "Filters toepassen",
    },
    "en": {
        "search": "Search for a component",
        "go": "Search",
        "table": "The same dependencies as a table",
        "licence": "Licence",
        "pick": "Compare {}",
        "compare": "Compare the 3 chosen components",
        "update": "Update the choice for comparing",
        "csv": "Download as CSV (semicolons, for Excel in Dutch)",
        "facet": "GEMMA reference component",
        "apply": "Apply filters",
    },
}


def _start(page: Any, live_server: str, language: str) -> None:
    page.goto(f"{live_server}/?lang={language}")
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("language", ["nl", "en"])
def test_architect_searches_filters_and_reads_dependencies(
    page: Any, live_server: str, assert_accessible: Any, language: str
) -> None:
    text = TEXT[language]
    _start(page, live_server, language)
    page.get_by_label(text["search"]).fill("zaak")
    page.get_by_role("button", name=text["go"]).first.click()
    page.wait_for_url("**/componenten?**")
    assert_accessible(page)

    facet = page.get_by_role("group", name=text["facet"])
    # With JavaScript, htmx sends the form on change and pushes the new URL; no button needed.
    option = facet.get_by_label("Zaakregistratiecomponent", exact=False).first
    if not option.is_visible():
        # A long facet shows its first values; the rest are behind "Nog … keuzes".
        facet.locator("summary").click()
    with page.expect_response(lambda response: "referentiecomponent=" in response.url):
        option.check()
    page.wait_for_url("**referentiecomponent=**")
    hits = page.locator(".hits .card h3").all_inner_texts()
    assert "Open Zaak" in hits
    assert_accessible(page)

    page.get_by_role("link", name="Open Zaak", exact=True).click()
    table = page.get_by_role("table", name=text["table"])
    rows = table.locator("tbody tr").all_inner_texts()
    assert any("Open Notificaties" in row for row in rows)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_procurement_officer_compares_three_and_downloads_csv(
    page: Any, live_server: str, assert_accessible: Any, language: str, tmp_path: Path
) -> None:
    text = TEXT[language]
    _start(page, live_server, language)
    # Maykin's components that match "open" fit on one page of results, so all three can be ticked.
    page.goto(f"{live_server}/componenten?q=open&beheerder=maykin-media")
    chosen = ["Open Zaak", "Open Notificaties", "Open Klant"]
    for name in chosen:
        # Each tick is part of the search state: wait for htmx to bring the updated results.
        with page.expect_response(lambda response: "/componenten?" in response.url):
            page.get_by_label(text["pick"].format(name), exact=True).check()
    page.get_by_role("link", name=text["compare"]).click()
    page.wait_for_url("**/vergelijk?**")
    headers = page.locator("table.compare thead th").all_inner_texts()[1:]
    assert sorted(headers) == sorted(chosen)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=text["csv"]).click()
    target = tmp_path / "vergelijking.csv"
    download_info.value.save_as(target)
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    # Dutch-locale Excel splits on ";" (tests/catalogue/web/test_compare.py parses it as Excel does).
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff")), delimiter=";"))
    header = next(row for row in rows if row[1:] == headers)
    licence = dict(
        zip(header[1:], next(row for row in rows if row[0] == text["licence"])[1:], strict=True)
    )
    assert licence["Open Zaak"] == licence["Open Notificaties"] == "EUPL-1.2"
