"""A maintainer contributes a real publiccode.yml and a reviewer publishes it, in Debian's chromium.

The file is ConductionNL/bag_publiccode's publiccode.yaml (data/publiccode/dutch/), whose
repository URL is not in the seed catalogue, so it becomes a new component. It lacks a licence;
the maintainer sees that warning, fixes it in the form and submits. A reviewer logs in with a
TOTP code and approves, and the component is then found by the catalogue's search. axe-core
checks every form on the way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.db import Database
from catalogue.models import Organisation
from catalogue.services import accounts

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = ROOT / "data" / "publiccode" / "dutch" / "ConductionNL__bag_publiccode.yml"
NAME = "Bevragen Ingeschreven Personen (BAG) API"
PASSWORD = "Een lange zin als wachtwoord 2026"  # noqa: S105 - a test password


def _make_reviewer(database_url: str) -> tuple[str, str]:
    database = Database(database_url)
    try:
        with database.session() as session:
            organisation = session.scalar(
                select(Organisation).where(Organisation.cbs_code == "GM0344")
            )
            user = accounts.register(
                session,
                email="beoordelaar@example.org",
                password=PASSWORD,
                organisation_id=organisation.id,
                role="reviewer",
                trusted=True,
            )
            user.totp_secret = pyotp.random_base32()
            return user.email, user.totp_secret
    finally:
        database.dispose()


def test_a_maintainer_contributes_a_publiccode_file_and_a_reviewer_publishes_it(
    page: Any,
    live_server: str,
    database_url: str,
    assert_accessible: Any,
    console_errors: list[str],
) -> None:
    # A maintainer registers for their organisation.
    page.goto(live_server + "/registreren")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill("onderhouder@example.org")
    page.get_by_label("Organisatie").select_option(label="Conduction")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    # The same answer whether or not the address had an account; then log in.
    page.wait_for_url(re.compile(r"/registreren/ontvangen$"))
    assert_accessible(page)
    # An admin confirms that this person works for Conduction (membership is granted).
    _confirm_member(database_url, "onderhouder@example.org")
    page.get_by_role("link", name="Inloggen").last.click()
    page.get_by_label("E-mailadres").fill("onderhouder@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/bijdragen$"))
    assert_accessible(page)

    # ... uploads the real file and sees its warnings, located, in Dutch.
    page.get_by_role("link", name="publiccode.yml uploaden of plakken").click()
    assert_accessible(page)
    page.get_by_label("Bestand uploaden").set_input_files(str(UPLOAD))
    page.get_by_role("button", name="Bekijken").click()
    page.wait_for_url(re.compile(r"/bijdragen/\d+$"))
    warnings = page.get_by_role("table", name=re.compile("^Waarschuwingen"))
    licence_row = warnings.get_by_role("row").filter(has_text="legal.license")
    assert "Het veld license ontbreekt" in licence_row.inner_text()
    expect(page.get_by_text("Vul een geldige SPDX-licentie in")).to_be_visible()
    assert_accessible(page)

    # ... fixes the licence in the form (an SPDX check refuses nonsense first) ...
    page.get_by_role("link", name="Licentie en onderhoud").first.click()
    assert_accessible(page)
    page.get_by_label("Licentie (SPDX)").fill("Geen licentie")
    page.get_by_role("button", name="Opslaan en controleren").click()
    expect(page.get_by_text("Dit is geen geldige SPDX-licentie").first).to_be_visible()
    assert_accessible(page)
    # The browser logs the 422 of the refused form itself; that is the point of this step.
    console_errors[:] = [e for e in console_errors if "422" not in e]
    page.get_by_label("Licentie (SPDX)").fill("EUPL-1.2")
    page.get_by_role("button", name="Opslaan en controleren").click()
    page.wait_for_url(re.compile(r"/bijdragen/\d+$"))
    fixed = page.get_by_role("table", name=re.compile("^Opgelost in het formulier"))
    assert "legal.license" in fixed.inner_text()
    assert (
        "legal.license"
        not in page.get_by_role("table", name=re.compile("^Waarschuwingen")).inner_text()
    )

    # ... and submits it for review.
    page.get_by_role("button", name="Indienen voor beoordeling").click()
    expect(page.get_by_text("ingediend, wacht op beoordeling").first).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()

    # A reviewer logs in with a TOTP code from their app.
    email, secret = _make_reviewer(database_url)
    page.goto(live_server + "/login")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/login/code$"))
    assert_accessible(page)
    page.get_by_label("Code uit uw app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url(re.compile(r"/bijdragen$"))

    # ... finds the submission in the queue and approves it.
    page.get_by_role("link", name="Beoordelen").click()
    page.get_by_role("link", name=NAME).click()
    assert (
        "EUPL-1.2" in page.get_by_role("table", name="Nieuw component: alle gegevens").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Goedkeuren en publiceren").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("gepubliceerd", exact=True).first).to_be_visible()

    # The component is now in the catalogue's search, and its page shows the licence.
    page.goto(live_server + "/componenten?q=BAG")
    page.get_by_role("link", name=NAME).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    assert "EUPL-1.2" in page.content()
    history = page.goto(page.url + "/geschiedenis")
    assert history is not None and history.ok
    # People by name (or "medewerker <id>") and organisation, never by e-mail address.
    assert "medewerker" in page.content() and "Conduction" in page.content()
    assert "@example.org" not in page.content()


def _confirm_member(database_url: str, email: str) -> None:
    """What an admin does on /organisatie/leden, through the same service."""
    from catalogue.models import User

    database = Database(database_url)
    try:
        with database.session() as session:
            organisation = session.scalar(
                select(Organisation).where(Organisation.cbs_code == "GM0344")
            )
            admin = accounts.register(
                session,
                email="beheer@example.org",
                password=PASSWORD,
                organisation_id=organisation.id,
                role="admin",
                trusted=True,
            )
            member = session.scalar(select(User).where(User.email == email))
            accounts.decide_membership(session, member.id, "confirm", actor=admin)
    finally:
        database.dispose()


def _account(database_url: str, email: str, role: str) -> str | None:
    database = Database(database_url)
    try:
        with database.session() as session:
            amsterdam = session.scalar(
                select(Organisation).where(Organisation.cbs_code == "GM0363")
            )
            user = accounts.register(
                session,
                email=email,
                password=PASSWORD,
                organisation_id=amsterdam.id,
                role=role,
                trusted=True,
            )
            if role != "maintainer":
                user.totp_secret = pyotp.random_base32()
            return user.totp_secret
    finally:
        database.dispose()


def _log_in(page: Any, live_server: str, email: str, secret: str | None) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    if secret:
        page.get_by_label("Code uit uw app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Controleren").click()
    page.wait_for_url(re.compile(r"/bijdragen$"))


def test_every_contributing_form_is_accessible(
    page: Any, live_server: str, database_url: str, assert_accessible: Any
) -> None:
    _log_in(
        page,
        live_server,
        "gemeente@example.org",
        _account(database_url, "gemeente@example.org", "maintainer"),
    )
    page.goto(live_server + "/componenten/signalen/wijzigen")
    assert_accessible(page)
    page.get_by_role("button", name="Wijzigen in stappen").click()
    step = page.url.rsplit("/", 1)[0]
    for slug, query in (
        ("basis", ""),
        ("referentiecomponenten", "?zoek=melding"),
        ("standaarden", "?zoek=api&zoek2=open"),
        ("hosting", ""),
        ("licentie", ""),
        ("beschrijvingen", ""),
    ):
        page.goto(f"{step}/{slug}{query}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    for path in (
        "/componenten/signalen/betwisten",
        "/componenten/signalen/geschiedenis",
        "/account",
        "/componenten/signalen",
    ):
        page.goto(live_server + path)
        assert_accessible(page)
    page.get_by_role("button", name="Uitloggen").click()

    _log_in(
        page,
        live_server,
        "beheerder@example.org",
        _account(database_url, "beheerder@example.org", "admin"),
    )
    for path in (
        "/beoordelen",
        "/beheer",
        "/beheer/accounts",
        "/beheer/organisaties",
        "/beheer/samenvoegen/componenten",
        "/beheer/samenvoegen/organisaties",
        "/beheer/logboek",
    ):
        page.goto(live_server + path)
        assert_accessible(page)
    page.goto(live_server + "/beheer/accounts")
    page.get_by_role("link", name="gemeente@example.org").click()
    assert_accessible(page)
