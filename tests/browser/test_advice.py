"""An architect fills in the profile, gets a plan, reads an explanation and the roadmap, and
downloads the export; axe-core checks the form and the plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FORMS = "rc:e-formulieren-publicatie-en-beheercomponent"
ZAAKAFHANDEL = "rc:zaakafhandelcomponent"


def _advise(database_url: str, **profile: Any) -> Any:
    """The advisor's own answer on the test's database: what the pages must show."""
    from catalogue.db import Database
    from catalogue.services.advice import advise, profile_from_mapping

    database = Database(database_url)
    try:
        with database.session() as session:
            return advise(session, profile_from_mapping(profile))
    finally:
        database.dispose()


def _known_status_zacs(database_url: str) -> list[str]:
    """Every Zaakafhandelcomponent whose status the database knows, except the ZAC (too young):
    left out, what can fill the need has an unknown status."""
    from sqlalchemy import select

    from catalogue.db import Database
    from catalogue.models import Component
    from catalogue.services.advice import build_instance, profile_from_mapping

    database = Database(database_url)
    try:
        with database.session() as session:
            instance = build_instance(session, profile_from_mapping({})).instance
            known = {c.slug for c in session.scalars(select(Component)) if c.development_status}
            return sorted(
                c.id
                for c in instance.components
                if ZAAKAFHANDEL in c.provides
                and c.id in known
                and c.id != "dimpact-zaakafhandelcomponent"
            )
    finally:
        database.dispose()


def test_architect_gets_an_explained_plan_and_exports_it(
    page: Any, live_server: str, assert_accessible: Any, tmp_path: Path, database_url: str
) -> None:
    expected = _advise(
        database_url,
        municipality="GM0214",
        business_functions=["indiening-c-q-wijziging-aanvraag"],
        reference_components=["zaakafhandelcomponent"],
        landscape_reference_components=["documentbeheercomponent"],
        strict=True,
    )
    (forms,) = [c for c in expected.explanation.choices if FORMS in c.covers]
    (zac,) = [c for c in expected.explanation.choices if ZAAKAFHANDEL in c.covers]
    page.goto(live_server + "/advies")
    assert_accessible(page)

    page.get_by_label("Gemeente", exact=True).select_option("GM0214")
    page.get_by_text("Bedrijfsfuncties (0 gekozen)").click()
    page.get_by_label("Indiening c.q. wijziging aanvraag").check()
    page.get_by_text("Referentiecomponenten (0 gekozen)").click()
    page.locator("#r-zaakafhandelcomponent").check()
    page.get_by_text("Referentiecomponenten die u al met ander pakket invult").click()
    page.locator("#g-documentbeheercomponent").check()
    # Certain facts only: components whose status the catalogue does not know stay out.
    page.get_by_label("Alleen zekere feiten").check()
    page.get_by_role("button", name="Maak het plan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw plan: Gemeente Buren")
    # Step 3 was left empty, so the plan starts from what Buren publishes that it uses (Open
    # Zaak and Open Notificaties, per their publiccode.yml usedBy) and does not introduce them.
    roadmap = page.locator("ol.waves")
    assert "Open Notificaties" not in roadmap.inner_text()
    assert "Open Zaak" not in roadmap.inner_text()
    assert "Open Zaak" in page.locator("section[aria-labelledby=al-in-gebruik]").inner_text()

    # Open Formulieren or the OWC GravityForms ZGW plugin, as the advisor chose.
    explanation = page.get_by_text(
        f"Uitleg: score en alternatieven voor {expected.facts.names[forms.component]}"
    )
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
    # One e-forms component and one Zaakafhandelcomponent (on certain facts: stated or derived
    # from its repository, data/derived_facts.yaml); Open Zaak and Open Notificaties are what
    # Buren already publishes using, so the plan adds neither.
    assert exported["plan"]["selected"] == list(expected.plan.selected)
    assert set(exported["plan"]["selected"]) == {forms.component, zac.component}
    assert not {"open-zaak", "open-notificaties"} & set(exported["plan"]["selected"])
    assert exported["landscape"]["from_published_claims"] is True


def test_the_plan_link_reproduces_the_plan(page: Any, live_server: str) -> None:
    url = live_server + "/advies/plan?referentie=zaakregistratiecomponent"
    page.goto(url)
    first = page.locator("ol.waves").inner_text()
    with page.expect_navigation():  # the link's own page is read, not the one before it
        page.get_by_role("link", name="Link naar dit plan (bewaren of delen)").click()
    assert page.locator("ol.waves").inner_text() == first


def test_the_plan_lists_what_to_verify_with_a_fill_in_link(
    page: Any, live_server: str, assert_accessible: Any, database_url: str
) -> None:
    """Without the switch an unknown status is not "no": the plan lists the chosen
    Zaakafhandelcomponent of unknown status to verify. (Valtimo's status is derived now, so the
    ones of known status are left out, read from the database.)"""
    leave_out = _known_status_zacs(database_url)
    advice = _advise(
        database_url, reference_components=["zaakafhandelcomponent"], exclude=leave_out
    )
    (item,) = [v for v in advice.to_verify if v.facts == ("status",)]
    name = advice.facts.names[item.component]
    query = "referentie=zaakafhandelcomponent" + "".join(f"&zonder={s}" for s in leave_out)
    page.goto(live_server + "/advies/plan?" + query)
    section = page.locator("section", has=page.locator("#te-controleren"))
    assert name in section.inner_text()
    assert "ontwikkelstatus onbekend" in section.inner_text()
    link = section.get_by_role("link", name=f"vul aan: {name}")
    assert link.get_attribute("href") == f"/componenten/{item.component}/wijzigen"
    assert_accessible(page)
