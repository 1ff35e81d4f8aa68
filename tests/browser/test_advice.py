"""An architect fills in the profile, gets a plan, reads an explanation and the roadmap, and
downloads the export; axe-core checks the form and the plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_architect_gets_an_explained_plan_and_exports_it(
    page: Any, live_server: str, assert_accessible: Any, tmp_path: Path
) -> None:
    page.goto(live_server + "/advies")
    assert_accessible(page)

    page.get_by_label("Gemeente", exact=True).select_option("GM0214")
    page.get_by_text("Bedrijfsfuncties (0 gekozen)").click()
    page.get_by_label("Indiening c.q. wijziging aanvraag").check()
    page.get_by_text("Referentiecomponenten (0 gekozen)").click()
    page.locator("#r-zaakafhandelcomponent").check()
    page.get_by_text("Referentiecomponenten die u al met ander pakket invult").click()
    page.locator("#g-documentbeheercomponent").check()
    page.get_by_role("button", name="Maak het plan").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Uw plan: Gemeente Buren"
    roadmap = page.locator("ol.waves")
    assert "Stap 1: Open Notificaties" in roadmap.inner_text()

    explanation = page.get_by_text("Uitleg: score en alternatieven voor Open Zaak")
    explanation.click()
    assert page.locator("details[open]").count() == 1
    assert "Alternatieven voor" in page.locator("details[open]").inner_text()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download als JSON").click()
    target = tmp_path / "advies.json"
    download_info.value.save_as(target)
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["profile"]["municipality"] == "GM0214"
    # The Signalen backend fills the Zaakafhandelcomponent (a GEMMA specialisation) now that its
    # licence and status are derived from its repository (data/derived_facts.yaml).
    assert exported["plan"]["selected"] == [
        "open-formulieren",
        "open-notificaties",
        "open-zaak",
        "signalen-backend",
    ]


def test_the_plan_link_reproduces_the_plan(page: Any, live_server: str) -> None:
    url = live_server + "/advies/plan?referentie=zaakregistratiecomponent"
    page.goto(url)
    first = page.locator("ol.waves").inner_text()
    page.get_by_role("link", name="Link naar dit plan (bewaren of delen)").click()
    assert page.locator("ol.waves").inner_text() == first
