"""Issue "Our landscape" in Debian's chromium, in Dutch and in English.

An architect of a small municipality (Aalten, 27,471 inhabitants) imports an ArchiMate exchange
file, reviews the preview and saves, sees the contract radar, asks advice for the landscape and
exports. axe-core checks every page on the way. Then a supplier's account looks for the same
landscape everywhere and finds nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue import ameff
from catalogue.db import Database
from catalogue.models import Organisation, OrgRole
from catalogue.services import accounts

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = ROOT / "tests" / "catalogue" / "ameff" / "gemeente-met-gemma.xml"
PRIVATE_NAME = "Formulierenpakket Testleverancier"
PASSWORD = "Een lange zin als wachtwoord 2026"  # noqa: S105 - a test password
BASE = "/organisaties/GM0197/landschap"

TEXT = {
    "nl": {
        "email": "E-mailadres",
        "password": "Wachtwoord",
        "login": "Inloggen",
        "nav": "Ons landschap",
        "import": "Importeren (ArchiMate)",
        "file": "ArchiMate-uitwisselbestand (.xml)",
        "preview": "Bekijken",
        "dry_run": "proefrit",
        "save": "Landschap opslaan",
        "radar": "Contractradar",
        "soon": "binnen 18 maanden",
        "advice": "Advies voor ons landschap",
        "export": "Exporteren (ArchiMate)",
        "peers": "Gemeenten zoals wij",
    },
    "en": {
        "email": "E-mail address",
        "password": "Password",
        "login": "Log in",
        "nav": "Our landscape",
        "import": "Import (ArchiMate)",
        "file": "ArchiMate exchange file (.xml)",
        "preview": "Preview",
        "dry_run": "dry run",
        "save": "Save the landscape",
        "radar": "Contract radar",
        "soon": "within 18 months",
        "advice": "Advice for our landscape",
        "export": "Export (ArchiMate)",
        "peers": "Municipalities like ours",
    },
}


def _account(database_url: str, email: str, organisation: str) -> None:
    database = Database(database_url)
    try:
        with database.session() as session:
            column = Organisation.cbs_code if organisation.startswith("GM") else Organisation.slug
            found = session.scalar(select(Organisation).where(column == organisation))
            user = accounts.register(
                session,
                email=email,
                password=PASSWORD,
                organisation_id=found.id,
                trusted=True,
            )
            user.organisation_confirmed = True
            user.organisation_role = OrgRole.EDITOR.value
    finally:
        database.dispose()


def _log_in(page: Any, live_server: str, email: str, text: dict[str, str], language: str) -> None:
    page.goto(f"{live_server}/login?lang={language}")
    page.get_by_label(text["email"]).fill(email)
    page.get_by_label(text["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=text["login"]).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_architect_imports_reviews_saves_radars_asks_advice_and_exports(
    page: Any,
    browser: Any,
    live_server: str,
    database_url: str,
    assert_accessible: Any,
    language: str,
    tmp_path: Path,
) -> None:
    text = TEXT[language]
    _account(database_url, "architect@aalten.example", "GM0197")
    _account(database_url, "verkoop@conduction.example", "conduction")
    _log_in(page, live_server, "architect@aalten.example", text, language)

    page.get_by_role("link", name=text["nav"]).click()
    page.wait_for_url(re.compile(BASE + "$"))
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)

    page.get_by_role("link", name=text["import"]).click()
    assert_accessible(page)
    page.get_by_label(text["file"]).set_input_files(str(UPLOAD))
    page.get_by_role("button", name=text["preview"]).click()
    # click() returns once the navigation has started; expect() waits for the new page.
    expect(page.get_by_text(text["dry_run"]).first).to_be_visible()
    assert page.get_by_role("cell", name=PRIVATE_NAME).count() == 0  # row headers, not cells
    expect(page.get_by_role("rowheader", name=PRIVATE_NAME)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=text["save"]).click()
    page.wait_for_url(re.compile(BASE + "$"))
    expect(page.get_by_role("rowheader", name=PRIVATE_NAME)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=text["radar"]).click()
    page.wait_for_url(re.compile(BASE + "/radar$"))
    expect(page.get_by_role("heading", name=re.compile("open zaak"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=text["peers"]).click()
    page.wait_for_url(re.compile(BASE + "/gelijken$"))
    expect(page.get_by_text("Gemeente Buren").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=text["advice"]).click()
    page.wait_for_url(re.compile(r"/advies\?"))
    assert "heeft=open-zaak" in page.url
    assert_accessible(page)

    page.goto(live_server + BASE)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=text["export"]).click()
    target = tmp_path / "export.xml"
    download_info.value.save_as(target)
    assert ameff.schema_problems(target.read_bytes()) == []
    assert PRIVATE_NAME.encode() in target.read_bytes()

    # A second user, from a supplier, sees none of that landscape anywhere.
    context = browser.new_context(locale="nl-NL")
    try:
        other = context.new_page()
        _log_in(other, live_server, "verkoop@conduction.example", text, language)
        assert other.get_by_role("link", name=text["nav"]).count() == 1  # their own, not Aalten's
        for path in ("", "/radar", "/gelijken", "/export.xml", "/importeren"):
            response = other.goto(live_server + BASE + path)
            assert response.status == 404, path
            assert PRIVATE_NAME not in other.content()
        for path in ("/componenten?q=Testleverancier", "/organisaties/gemeente-aalten"):
            other.goto(live_server + path)
            assert "Formulierenpakket" not in other.content()
    finally:
        context.close()
