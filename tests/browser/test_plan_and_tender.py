"""Issue 12, the architect's and the buyer's journeys in Debian chromium, in Dutch and English.

The architect of Buren (28,000 inhabitants) takes over what Buren publishes that it uses, gets a
plan that does not introduce it again, tries a replacement and lands on its verdict, and prints.
The procurement officer compares components, downloads the XLSX and the CSV, and prints. axe-core
checks every page, at desktop width and at 320 CSS px (WCAG 2.1 reflow, criterion 1.4.10).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TEXT = {
    "nl": {
        "take_over": "Vul stap 3 in met wat deze gemeente publiceert",
        "make": "Maak het plan",
        "heading": "Uw plan: Gemeente Buren",
        "in_use": "Wat u al gebruikt",
        "see": "Bekijk het effect",
        "xlsx": "Download als Excel-bestand (.xlsx, met een blad met bronnen)",
        "csv": "Download als CSV (puntkomma’s, voor Excel in het Nederlands)",
        "licence": "Licentie",
        "sheets": ["Vergelijking", "Bronnen"],
        "verdicts": ("Dat mag niet", "Niet aan te raden", "Let op", "Dat kan"),
    },
    "en": {
        "take_over": "Fill in step 3 with what this municipality publishes",
        "make": "Make the plan",
        "heading": "Your plan: Gemeente Buren",
        "in_use": "What you already use",
        "see": "See the effect",
        "xlsx": "Download as an Excel file (.xlsx, with a sheet of sources)",
        "csv": "Download as CSV (semicolons, for Excel in Dutch)",
        "licence": "Licence",
        "sheets": ["Comparison", "Sources"],
        "verdicts": ("Not allowed", "Not advisable", "Take care", "That works"),
    },
}
COMPARE = "/vergelijk?c=open-zaak&c=open-notificaties&c=open-klant"


def _start(page: Any, live_server: str, language: str, width: int = 1280) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/?lang={language}")
    assert page.locator("html").get_attribute("lang") == language


def _reflows(page: Any) -> None:
    """No horizontal scrolling of the page itself; wide tables scroll inside their own box."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_architect_starts_from_what_buren_publishes(
    page: Any, live_server: str, assert_accessible: Any, language: str
) -> None:
    text = TEXT[language]
    _start(page, live_server, language)
    page.goto(f"{live_server}/advies")
    page.locator("#gemeente").select_option("GM0214")
    # Without JavaScript too: the button sends the form back, pre-filled from Buren's claims.
    page.get_by_role("button", name=text["take_over"]).click()
    page.wait_for_url("**vul_in=**")
    ticked = page.locator(".prefill input[name=heeft]:checked")
    published = sorted(ticked.evaluate_all("boxes => boxes.map(b => b.value)"))
    assert published, "Buren publishes that it uses catalogue components"
    assert page.locator(".prefill .source").count() == len(published)
    assert_accessible(page)

    page.locator("details", has=page.locator("#f-indiening-c-q-wijziging-aanvraag")).locator(
        "summary"
    ).click()
    page.locator("#f-indiening-c-q-wijziging-aanvraag").check()
    page.locator("details", has=page.locator("#r-zaakafhandelcomponent")).locator("summary").click()
    page.locator("#r-zaakafhandelcomponent").check()
    page.get_by_role("button", name=text["make"]).click()
    page.wait_for_url("**/advies/plan?**")

    expect(page.get_by_role("heading", level=1)).to_have_text(text["heading"])
    in_use = page.locator("section[aria-labelledby=al-in-gebruik]")
    expect(in_use.get_by_role("heading")).to_have_text(text["in_use"])
    hrefs = in_use.locator("li a").evaluate_all("links => links.map(a => a.pathname)")
    assert sorted(h.rsplit("/", 1)[1] for h in hrefs) == published
    roadmap_links = page.locator("#keuzes ~ article h3 a, article.choice h3 a").evaluate_all(
        "links => links.map(a => a.pathname)"
    )
    assert not {h.rsplit("/", 1)[1] for h in roadmap_links} & set(published)
    assert_accessible(page)

    # What-if: the result is where the browser lands, and it has the focus.
    page.get_by_role("button", name=text["see"]).click()
    page.wait_for_url("**#wat-als-uitkomst")
    # Chromium moves the focus to the fragment's (focusable) target while it renders the page,
    # which can be just after the load event that wait_for_url waits for: wait for it (5 s).
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'wat-als-uitkomst'",
        timeout=5000,
    )
    assert page.evaluate("document.activeElement.id") == "wat-als-uitkomst"
    verdict = page.locator("#wat-als-uitkomst .verdict").inner_text()
    assert verdict.startswith(text["verdicts"])
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_printed_plan_has_the_profile_date_link_and_a_whole_graph(
    page: Any, live_server: str, language: str
) -> None:
    _start(page, live_server, language)
    page.goto(
        f"{live_server}/advies/plan?gemeente=GM0214&heeft=&referentie=zaakafhandelcomponent"
        "&functie=indiening-c-q-wijziging-aanvraag"
    )
    page.emulate_media(media="print")
    expect(page.locator("#uw-antwoorden")).to_be_visible()
    stamp = page.locator(".stamp")
    expect(stamp).to_be_visible()
    assert dt.date.today().isoformat() in stamp.inner_text()
    assert "/advies/plan?" in stamp.locator("a").inner_text()
    graph = page.locator(".graph-scroll svg")
    assert graph.count() == 1
    box = graph.bounding_box()
    body = page.locator("main").bounding_box()
    assert box is not None and body is not None
    assert box["x"] + box["width"] <= body["x"] + body["width"] + 1, "the drawing is cropped"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_procurement_officer_exports_xlsx_and_csv_with_sources(
    page: Any, live_server: str, assert_accessible: Any, language: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    text = TEXT[language]
    _start(page, live_server, language)
    page.goto(live_server + COMPARE)
    headers = page.locator("table.compare thead th").all_inner_texts()[1:]
    assert headers == ["Open Zaak", "Open Notificaties", "Open Klant"]
    assert page.locator("table.compare td .source").count() > 0
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=text["xlsx"]).click()
    workbook_path = tmp_path / "vergelijking.xlsx"
    download_info.value.save_as(workbook_path)
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == text["sheets"]
    rows = list(workbook[text["sheets"][0]].iter_rows(values_only=True))
    assert any(row[1] == dt.date.today().isoformat() for row in rows[:3])
    assert any(str(row[1]).endswith(COMPARE) for row in rows[:3])
    assert workbook[text["sheets"][1]].max_row > 4

    with page.expect_download() as download_info:
        page.get_by_role("link", name=text["csv"]).click()
    csv_path = tmp_path / "vergelijking.csv"
    download_info.value.save_as(csv_path)
    raw = csv_path.read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(raw), delimiter=";"))
    licence = next(row for row in table if row[0] == text["licence"])
    assert licence[1] == licence[2] == "EUPL-1.2"

    page.emulate_media(media="print")
    expect(page.locator(".stamp")).to_be_visible()
    assert not page.locator("ul.actions").is_visible()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "path",
    [
        COMPARE,
        "/advies?gemeente=GM0214",
        "/advies/plan?gemeente=GM0214&referentie=zaakafhandelcomponent"
        "&functie=indiening-c-q-wijziging-aanvraag",
    ],
)
def test_compare_and_plan_reflow_at_320_px(
    page: Any, live_server: str, assert_accessible: Any, language: str, path: str
) -> None:
    _start(page, live_server, language, width=320)
    response = page.goto(live_server + path)
    assert response is not None and response.ok
    _reflows(page)
    assert_accessible(page)
