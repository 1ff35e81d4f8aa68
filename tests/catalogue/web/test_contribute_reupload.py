"""A corrected publiccode.yml updates the open submission (after showing the difference) and
keeps the form's edits where the file is silent; every message links to the form field that
fixes it, release date included (issue 12, section 4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from catalogue.models import Submission
from tests.accounts import Account, csrf_of, sign_in
from tests.conftest import ROOT

FILE = ROOT / "data" / "publiccode" / "dutch" / "ConductionNL__bag_publiccode.yml"


def _count(app: Any, account: Account) -> int:
    with app.extensions["catalogue_db"].session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Submission)
                .where(Submission.author_id == account.id)
            )
            or 0
        )


def _document(app: Any, number: int) -> dict[str, Any]:
    with app.extensions["catalogue_db"].session() as session:
        submission = session.get(Submission, number)
        assert submission is not None
        return dict(submission.document)


def _upload(client: Any, text: str, path: str = "/bijdragen/publiccode") -> Any:
    return client.post(path, data={"csrf_token": csrf_of(client, path), "text": text})


def _lock(client: Any, path: str) -> str:
    found = re.search(
        r'name="lock_version"[^>]*value="(\d+)"', client.get(path).get_data(as_text=True)
    )
    assert found is not None
    return found.group(1)


@pytest.mark.both_backends
def test_a_corrected_file_updates_the_open_submission_and_keeps_the_form_edits(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    supplier = accounts_of["outsider"]  # a maintainer of Conduction, who made this repository
    client = sign_in(app.test_client(), supplier)
    original = FILE.read_text(encoding="utf-8")
    first = _upload(client, original)
    assert first.status_code == 302
    number = int(first.headers["Location"].rstrip("/").split("/")[-1])

    # The file names no licence: the warning links to the licence field of the form.
    preview = client.get(f"/bijdragen/{number}").get_data(as_text=True)
    assert f'href="/bijdragen/{number}/licentie#license"' in preview
    # Every field the form offers has its field: the release date too.
    basics = client.get(f"/bijdragen/{number}/basis").get_data(as_text=True)
    assert 'id="release_date"' in basics and 'type="date"' in basics
    licence_page = f"/bijdragen/{number}/licentie"
    saved = client.post(
        licence_page,
        data={
            "csrf_token": csrf_of(client, licence_page),
            "lock_version": _lock(client, licence_page),
            "license": "EUPL-1.2",
            "maintenance_type": "",
            "main_copyright_owner": "VNG Realisatie",
            "repo_owner": "",
        },
    )
    assert saved.status_code == 302

    corrected = original.replace("De BAG API's zijn bedoeld", "De BAG-API's zijn bedoeld").replace(
        "developmentStatus: stable", "developmentStatus: beta"
    )
    shown = _upload(client, corrected)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "werkt uw open bijdrage bij" in page
    assert "Uw wijzigingen in het formulier blijven" in page and "Licentie" in page
    assert "beta" in page  # the difference, before anything is saved
    assert _document(app, number)["development_status"] == "stable"
    assert _count(app, supplier) == 1

    text = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', page, re.S)
    assert text is not None
    confirm = client.post(
        f"/bijdragen/{number}/publiccode",
        data={
            "csrf_token": csrf_of(client, f"/bijdragen/{number}"),
            "confirm": "1",
            "lock_version": _lock(client, f"/bijdragen/{number}"),
            "name": "publiccode.yml",
            "text": corrected,
        },
    )
    assert confirm.status_code == 302
    document = _document(app, number)
    assert _count(app, supplier) == 1  # updated, not a second submission
    assert document["development_status"] == "beta"
    assert document["license"] == "EUPL-1.2"  # the file is silent: the form's value stays
    assert document["main_copyright_owner"] == "VNG Realisatie"
    assert document["descriptions"]["nl"]["short_description"].startswith("De BAG-API's")

    # A file that does speak about an edited field replaces it, and says so first.
    licensed = corrected.replace(
        "developmentStatus: beta", "developmentStatus: beta\n\nlegal:\n  license: MIT"
    )
    again = _upload(client, licensed, f"/bijdragen/{number}/publiccode").get_data(as_text=True)
    assert "Het bestand vervangt deze wijzigingen uit het formulier" in again


def test_a_file_for_another_repository_is_refused(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    supplier = accounts_of["outsider"]
    client = sign_in(app.test_client(), supplier)
    first = _upload(client, FILE.read_text(encoding="utf-8"))
    number = int(first.headers["Location"].rstrip("/").split("/")[-1])
    other = FILE.read_text(encoding="utf-8").replace(
        "VNG-Realisatie/Haal-Centraal-BRP-bevragen", "example/another-repository"
    )
    refused = _upload(client, other, f"/bijdragen/{number}/publiccode")
    assert refused.status_code == 422
    assert "hoort bij een andere repository" in refused.get_data(as_text=True)


def test_the_release_date_is_a_form_field_and_checked(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    supplier = accounts_of["outsider"]
    client = sign_in(app.test_client(), supplier)
    number = int(
        _upload(client, FILE.read_text(encoding="utf-8"))
        .headers["Location"]
        .rstrip("/")
        .split("/")[-1]
    )
    path = f"/bijdragen/{number}/basis"
    # The file's categories fill their box, one a line, so saving the step keeps them.
    shown = client.get(path).get_data(as_text=True)
    assert re.search(r'id="categories"[^>]*>\s*collaboration\nit-development</textarea>', shown)
    data = {
        "csrf_token": csrf_of(client, path),
        "lock_version": _lock(client, path),
        "name": "BAG API",
        "url": "https://github.com/VNG-Realisatie/Haal-Centraal-BRP-bevragen",
        "software_version": "2.1.0",
        "release_date": "2026-03-01",
        "platforms": "web",
        "categories": "collaboration\nit-development",
    }
    assert client.post(path, data=data).status_code == 302
    assert _document(app, number)["release_date"] == "2026-03-01"
    assert _document(app, number)["software_version"] == "2.1.0"
    # Lists are saved one value a line.
    assert _document(app, number)["platforms"] == ["web"]
    assert _document(app, number)["categories"] == ["collaboration", "it-development"]
    page = client.get(path).get_data(as_text=True)
    assert 'id="platforms"' in page and 'id="categories"' in page and 'id="roadmap"' in page
    bad = client.post(
        path, data={**data, "lock_version": _lock(client, path), "release_date": "1 maart"}
    )
    assert bad.status_code == 422
    assert _document(app, number)["release_date"] == "2026-03-01"
