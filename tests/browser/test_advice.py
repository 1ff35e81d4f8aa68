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
    # Certain facts only: Valtimo, whose status the catalogue does not know, stays out.
    page.get_by_label("Alleen zekere feiten").check()
    page.get_by_role("button", name="Maak het plan").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Uw plan: Gemeente Buren"
    # Step 3 was left empty, so the plan starts from what Buren publishes that it uses (Open
    # Zaak and Open Notificaties, per their publiccode.yml usedBy) and does not introduce them.
    roadmap = page.locator("ol.waves")
    assert "Open Notificaties" not in roadmap.inner_text()
    assert "Open Zaak" not in roadmap.inner_text()
    assert "Open Zaak" in page.locator("section[aria-labelledby=al-in-gebruik]").inner_text()

    explanation = page.get_by_text("Uitleg: score en alternatieven voor Open Formulieren")
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
    # licence and status are derived from its repository (data/derived_facts.yaml); Open Zaak and
    # Open Notificaties are what Buren already publishes using, so the plan adds neither.
    assert exported["plan"]["selected"] == ["open-formulieren", "signalen-backend"]
    assert exported["landscape"]["from_published_claims"] is True


def test_the_plan_link_reproduces_the_plan(page: Any, live_server: str) -> None:
    url = live_server + "/advies/plan?referentie=zaakregistratiecomponent"
    page.goto(url)
    first = page.locator("ol.waves").inner_text()
    page.get_by_role("link", name="Link naar dit plan (bewaren of delen)").click()
    assert page.locator("ol.waves").inner_text() == first


def test_the_plan_lists_what_to_verify_with_a_fill_in_link(
    page: Any, live_server: str, assert_accessible: Any
) -> None:
    """Without the switch an unknown status is not "no": the plan lists Valtimo to verify."""
    page.goto(live_server + "/advies/plan?referentie=zaakafhandelcomponent")
    section = page.locator("section", has=page.locator("#te-controleren"))
    assert "Valtimo" in section.inner_text()
    assert "ontwikkelstatus onbekend" in section.inner_text()
    link = section.get_by_role("link", name="vul aan: Valtimo")
    assert link.get_attribute("href") == "/componenten/valtimo/wijzigen"
    assert_accessible(page)
