"""The maintainer's path after "submit" in Debian's chromium, in Dutch and in English, at desktop
width and at 320 CSS pixels: the confirmation with what happens next, the news badge after a
reviewer's request, the corrected file shown as a difference before it is saved, and the
password pages; axe-core checks each page (issue 12, sections 4 and 5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.db import Database
from catalogue.models import Organisation, Submission
from catalogue.services import accounts, submissions

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = ROOT / "data" / "publiccode" / "dutch" / "ConductionNL__bag_publiccode.yml"
PASSWORD = "Een lange zin als wachtwoord 2026"  # noqa: S105 - a test password
TEXT = {
    "nl": {
        "email": "E-mailadres",
        "password": "Wachtwoord",
        "login": "Inloggen",
        "upload": "publiccode.yml uploaden of plakken",
        "file": "Bestand uploaden",
        "see": "Bekijken",
        "submit": "Indienen voor beoordeling",
        "submitted": "Uw bijdrage is ingediend.",
        "next": "Wat er nu gebeurt",
        "no_mail": "Deze site verstuurt geen e-mail.",
        "badge": "1 met nieuws",
        "contribute": "Bijdragen",
        "reupload": "Een nieuwe versie van publiccode.yml uploaden",
        "paste": "Of plak de inhoud hier",
        "difference": "Verschil bekijken",
        "kept": "Uw wijzigingen in het formulier blijven",
        "save": "Opslaan in mijn bijdrage",
        "forgot": "Wachtwoord vergeten?",
    },
    "en": {
        "email": "E-mail address",
        "password": "Password",
        "login": "Log in",
        "upload": "Upload or paste a publiccode.yml",
        "file": "Upload a file",
        "see": "Preview",
        "submit": "Submit for review",
        "submitted": "Your contribution has been submitted.",
        "next": "What happens now",
        "no_mail": "This site sends no e-mail.",
        "badge": "1 with news",
        "contribute": "Contribute",
        "reupload": "Upload a new version of publiccode.yml",
        "paste": "Or paste the contents here",
        "difference": "See the difference",
        "kept": "Your changes in the form stay",
        "save": "Save in my contribution",
        "forgot": "Forgot your password?",
    },
}


def _maintainer(database_url: str, email: str) -> None:
    database = Database(database_url)
    try:
        with database.session() as session:
            organisation = session.scalar(
                select(Organisation).where(Organisation.slug == "conduction")
            )
            assert organisation is not None
            accounts.register(
                session,
                email=email,
                password=PASSWORD,
                organisation_id=organisation.id,
                trusted=True,
            )
    finally:
        database.dispose()


def _request_changes(database_url: str, number: int) -> None:
    """A reviewer (made here, through the services) asks for a change."""
    database = Database(database_url)
    try:
        with database.session() as session:
            organisation = session.scalar(
                select(Organisation).where(Organisation.cbs_code == "GM0344")
            )
            assert organisation is not None
            reviewer = accounts.register(
                session,
                email="beoordelaar@example.org",
                password=PASSWORD,
                organisation_id=organisation.id,
                role="reviewer",
                trusted=True,
            )
            submissions.request_changes(
                session, number, actor=reviewer, reason="Vul de licentie in, bijvoorbeeld EUPL-1.2."
            )
    finally:
        database.dispose()


def _licence_step(database_url: str, number: int, email: str) -> None:
    database = Database(database_url)
    try:
        with database.session() as session:
            author = session.scalar(select(accounts.User).where(accounts.User.email == email))
            submission = session.get(Submission, number)
            assert author is not None and submission is not None
            submissions.save_step(
                session,
                number,
                "licence",
                {"license": "EUPL-1.2"},
                actor=author,
                lock_version=submission.version,
            )
    finally:
        database.dispose()


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_maintainers_path_after_submit(
    browser: Any,
    live_server: str,
    database_url: str,
    assert_accessible: Any,
    language: str,
    width: int,
) -> None:
    text = TEXT[language]
    email = f"onderhouder-{language}-{width}@example.org"
    _maintainer(database_url, email)
    context = browser.new_context(viewport={"width": width, "height": 800})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server}/login?lang={language}")
        expect(page.get_by_role("link", name=text["forgot"])).to_be_visible()
        page.get_by_label(text["email"]).fill(email)
        page.get_by_label(text["password"], exact=True).fill(PASSWORD)
        page.get_by_role("button", name=text["login"]).click()
        page.wait_for_url(re.compile(r"/bijdragen$"))

        page.get_by_role("link", name=text["upload"]).click()
        page.get_by_label(text["file"]).set_input_files(str(UPLOAD))
        page.get_by_role("button", name=text["see"]).click()
        page.wait_for_url(re.compile(r"/bijdragen/\d+$"))
        number = int(page.url.rsplit("/", 1)[1])
        page.get_by_role("button", name=text["submit"]).click()
        page.wait_for_url(re.compile(r"ingediend=1"))
        expect(page.get_by_text(text["submitted"])).to_be_visible()
        expect(page.get_by_role("heading", name=text["next"])).to_be_visible()
        expect(page.get_by_text(text["no_mail"]).first).to_be_visible()
        assert_accessible(page)

        _request_changes(database_url, number)
        page.reload()
        menu = page.get_by_role("navigation").first
        assert text["badge"] in menu.inner_text()
        assert_accessible(page)
        menu.get_by_role("link", name=re.compile(text["contribute"])).click()
        page.wait_for_url(re.compile(r"/bijdragen$"))
        assert text["badge"] not in page.get_by_role("navigation").first.inner_text()
        assert_accessible(page)

        # The licence is filled in the form; the corrected file (a new description) is silent
        # about it, so the form's value stays; the difference shows before anything is saved.
        _licence_step(database_url, number, email)
        page.goto(f"{live_server}/bijdragen/{number}")
        page.get_by_role("link", name=text["reupload"]).click()
        corrected = UPLOAD.read_text(encoding="utf-8").replace(
            "developmentStatus: stable", "developmentStatus: beta"
        )
        page.get_by_label(text["paste"]).fill(corrected)
        page.get_by_role("button", name=text["difference"]).click()
        expect(page.get_by_role("heading", name=text["kept"])).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name=text["save"]).click()
        page.wait_for_url(re.compile(rf"/bijdragen/{number}\?bijgewerkt=1"))
        assert_accessible(page)

        page.goto(f"{live_server}/account/wachtwoord")
        assert_accessible(page)
        page.goto(f"{live_server}/wachtwoord-vergeten")
        assert_accessible(page)
        if width == 320:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            assert not overflow
    finally:
        context.close()
    assert errors == [], errors
