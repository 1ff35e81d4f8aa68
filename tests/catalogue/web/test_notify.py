"""The maintainer's path after "submit" (issue 12, section 4): the confirmation with what happens
next and the expected review time, the badge for news, e-mail through a real SMTP server
(aiosmtpd on this machine), one consistent state after approval, and password reset and change
with single-use, expiring, rate-limited links."""

from __future__ import annotations

import datetime as dt
import re
import socket
import statistics
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from catalogue.errors import ValidationError
from catalogue.models import Role, Submission
from catalogue.services import accounts, notices, submissions
from tests.accounts import MUNICIPALITY, PASSWORD, Account, csrf_of, login, make_account, sign_in
from tests.factories import make_component

NEW_PASSWORD = "Een ander lang wachtwoord voor de proef 2027"  # noqa: S105 - a test password


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to ``address``."""
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message: EmailMessage) -> str:
        """The plain-text body."""
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on localhost, and its inbox."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(
    database_url: str, tmp_path: Path, smtp: tuple[Inbox, int], app_factory: Any
) -> Iterator[Any]:
    """The app, sending e-mail to the local SMTP server."""
    from tests.conftest import close_app

    application = app_factory(
        database_url,
        tmp_path,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp[1],
        SMTP_SENDER="Componentenwijzer <noreply@componentenwijzer.test>",
        RATELIMIT_PASSWORD_RESET="3 per hour",  # noqa: S106 - a rate, not a password
    )
    yield application
    close_app(application)


def _own_component(app: Any) -> str:
    """The slug of a component the maintainers' municipality maintains, made for this test."""
    with app.extensions["catalogue_db"].session() as session:
        return make_component(session, maintaining_organisation=MUNICIPALITY).slug


def _open_change(app: Any, maintainer: Account, slug: str | None = None) -> int:
    """An open change to ``slug`` (by default a component made for it) by ``maintainer``."""
    slug = slug or _own_component(app)
    with app.extensions["catalogue_db"].session() as session:
        user = accounts.get_user(session, maintainer.id)
        change = submissions.start_update(session, slug, actor=user)
        return int(change.id)


def _submit(client: Any, submission_id: int) -> Any:
    token = csrf_of(client, f"/bijdragen/{submission_id}")
    page = client.get(f"/bijdragen/{submission_id}").get_data(as_text=True)
    lock = re.search(r'name="lock_version" value="(\d+)"', page)
    assert lock is not None
    return client.post(
        f"/bijdragen/{submission_id}/indienen",
        data={"csrf_token": token, "lock_version": lock.group(1)},
    )


def _decide(client: Any, submission_id: int, decision: str, reason: str = "") -> Any:
    path = f"/beoordelen/{submission_id}"
    page = client.get(path).get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page)
    assert lock is not None
    return client.post(
        path,
        data={
            "csrf_token": csrf_of(client, path),
            "lock_version": lock.group(1),
            "decision": decision,
            "reason": reason,
        },
    )


def _decided_in_the_past(app: Any, maintainer: Account, reviewer: Account, days: float) -> None:
    slug = _own_component(app)
    with app.extensions["catalogue_db"].session() as session:
        author = accounts.get_user(session, maintainer.id)
        change = submissions.start_update(session, slug, actor=author)
        submissions.submit_for_review(session, change.id, actor=author)
        submissions.request_changes(
            session, change.id, actor=accounts.get_user(session, reviewer.id), reason="graag X"
        )
        decided = dt.datetime.now(dt.UTC)
        change.submitted_at = decided - dt.timedelta(days=days)
        change.decided_at = decided


# ---------------------------------------------------------------- submit, confirmation, e-mail


def test_submitting_confirms_what_happens_next_and_mails_the_author_and_the_reviewers(
    mail_app: Any, smtp: tuple[Inbox, int], accounts_of: dict[str, Account]
) -> None:
    inbox, _port = smtp
    maintainer, reviewer = accounts_of["maintainer"], accounts_of["reviewer"]
    number = _open_change(mail_app, maintainer)
    client = sign_in(mail_app.test_client(), maintainer)
    before = client.get(f"/bijdragen/{number}").get_data(as_text=True)
    assert "U krijgt een e-mail als er iets moet veranderen" in before

    response = _submit(client, number)
    assert response.status_code == 302 and "ingediend=1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw bijdrage is ingediend." in page and "Wat er nu gebeurt" in page
    assert "nog niets gepubliceerd" not in page  # it is submitted, not a trial run
    assert "er zijn nog te weinig besluiten" in page  # no decisions yet: no made-up figure

    (confirmation,) = inbox.to(maintainer.email)
    assert confirmation["From"] == "Componentenwijzer <noreply@componentenwijzer.test>"
    assert "Ingediend" in confirmation["Subject"]
    assert f"http://localhost/bijdragen/{number}" in Inbox.body(confirmation)
    (work,) = inbox.to(reviewer.email)
    assert f"/beoordelen/{number}" in Inbox.body(work)
    assert inbox.to(accounts_of["admin"].email) == []  # admins are not reviewers by role


@pytest.mark.both_backends
def test_the_expected_review_time_is_the_median_of_recent_decisions(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    waits = [1.5, 4.2, 9.0]
    for days in waits:
        _decided_in_the_past(app, accounts_of["maintainer"], accounts_of["reviewer"], days)
    number = _open_change(app, accounts_of["maintainer"])
    client = sign_in(app.test_client(), accounts_of["maintainer"])
    response = _submit(client, number)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    expected_days = int(-(-statistics.median(waits) // 1))
    assert f"Verwachte beoordelingstijd: ongeveer {expected_days} dagen." in page
    assert f"de laatste {len(waits)} besluiten" in page
    # Without an SMTP server the site says so, instead of promising mail.
    assert "Deze site verstuurt geen e-mail." in page


def test_approval_leaves_one_state_published_on_with_a_link_and_mails_the_author(
    mail_app: Any, smtp: tuple[Inbox, int], accounts_of: dict[str, Account]
) -> None:
    inbox, _port = smtp
    maintainer = accounts_of["maintainer"]
    made = _own_component(mail_app)
    number = _open_change(mail_app, maintainer, made)
    author = sign_in(mail_app.test_client(), maintainer)
    _submit(author, number)
    reviewer = sign_in(mail_app.test_client(), accounts_of["reviewer"])
    assert _decide(reviewer, number, "approve").status_code == 302

    page = author.get(f"/bijdragen/{number}").get_data(as_text=True)
    today = dt.datetime.now(dt.UTC).strftime("%d-%m-%Y")
    assert f"Gepubliceerd op {today}" in page
    assert f'href="/componenten/{made}"' in page
    assert "nog niets gepubliceerd" not in page and "proefrit" not in page
    assert "Geen verschil met de gepubliceerde versie" not in page
    published = [m for m in inbox.to(maintainer.email) if "Gepubliceerd" in m["Subject"]]
    assert len(published) == 1
    assert f"http://localhost/componenten/{made}" in Inbox.body(published[0])


@pytest.mark.both_backends
def test_a_request_for_changes_and_a_comment_reach_the_author_by_mail_and_badge(
    mail_app: Any, smtp: tuple[Inbox, int], accounts_of: dict[str, Account]
) -> None:
    inbox, _port = smtp
    maintainer = accounts_of["maintainer"]
    number = _open_change(mail_app, maintainer)
    author = sign_in(mail_app.test_client(), maintainer)
    _submit(author, number)
    assert "met nieuws" not in author.get("/").get_data(as_text=True)  # own steps are no news

    reviewer = sign_in(mail_app.test_client(), accounts_of["reviewer"])
    assert (
        _decide(reviewer, number, "request_changes", "Vul de Engelse beschrijving in.").status_code
        == 302
    )
    asked = [m for m in inbox.to(maintainer.email) if "Wijzigingen gevraagd" in m["Subject"]]
    assert len(asked) == 1 and "Vul de Engelse beschrijving in." in Inbox.body(asked[0])

    home = author.get("/").get_data(as_text=True)
    assert '<span class="badge">1 met nieuws</span>' in home
    listing = author.get("/bijdragen").get_data(as_text=True)
    assert "nieuw sinds uw vorige bezoek" in listing
    assert "met nieuws" not in listing  # seen now: the badge goes on this very page
    assert "met nieuws" not in author.get("/").get_data(as_text=True)

    reviewer.post(
        f"/bijdragen/{number}/reactie",
        data={"csrf_token": csrf_of(reviewer, f"/beoordelen/{number}"), "body": "Nog een vraag"},
    )
    commented = [m for m in inbox.to(maintainer.email) if "Nieuwe reactie" in m["Subject"]]
    assert len(commented) == 1
    assert '<span class="badge">1 met nieuws</span>' in author.get("/").get_data(as_text=True)
    english = author.get("/?lang=en").get_data(as_text=True)
    assert '<span class="badge">1 with news</span>' in english


def test_a_mail_server_that_is_down_costs_no_page(
    app_factory: Any, database_url: str, tmp_path: Path, accounts_of: dict[str, Account]
) -> None:
    from tests.conftest import close_app

    down = app_factory(database_url, tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port())
    try:
        maintainer = make_account(down, Role.MAINTAINER, email="down@example.org")
        number = _open_change(down, maintainer)
        client = sign_in(down.test_client(), maintainer)
        response = _submit(client, number)
        assert response.status_code == 302
        with down.extensions["catalogue_db"].session() as session:
            assert session.get(Submission, number).status == "submitted"
    finally:
        close_app(down)


# ---------------------------------------------------------------- password reset and change


def _reset_link(inbox: Inbox, address: str) -> str:
    (message,) = [m for m in inbox.to(address) if "wachtwoord" in m["Subject"].lower()]
    found = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", Inbox.body(message))
    assert found is not None
    return found.group(1)


def test_a_reset_link_works_once_and_ends_every_session(
    mail_app: Any, smtp: tuple[Inbox, int], accounts_of: dict[str, Account]
) -> None:
    inbox, _port = smtp
    maintainer = accounts_of["maintainer"]
    elsewhere = mail_app.test_client()
    login(elsewhere, maintainer)
    assert elsewhere.get("/bijdragen").status_code == 200

    client = mail_app.test_client()
    token = csrf_of(client, "/wachtwoord-vergeten")
    asked = client.post(
        "/wachtwoord-vergeten", data={"csrf_token": token, "email": maintainer.email.upper()}
    )
    unknown = client.post(
        "/wachtwoord-vergeten", data={"csrf_token": token, "email": "niemand@example.org"}
    )
    # The same answer for a known and an unknown address; only the known one gets mail.
    answer = "Als er een account met dit e-mailadres is"
    assert asked.status_code == unknown.status_code == 200
    assert answer in asked.get_data(as_text=True) and answer in unknown.get_data(as_text=True)
    assert inbox.to("niemand@example.org") == []
    link = _reset_link(inbox, maintainer.email)

    form = client.get(link)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "no-referrer"
    weak = client.post(
        link, data={"csrf_token": token, "password": "wachtwoord", "confirm": "wachtwoord"}
    )
    assert weak.status_code == 422
    done = client.post(
        link, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302 and "/login" in done.headers["Location"]

    assert client.get(link).status_code == 410  # spent
    assert elsewhere.get("/bijdragen").status_code == 302  # the other session ended
    fresh = mail_app.test_client()
    bad = fresh.post(
        "/login",
        data={"csrf_token": csrf_of(fresh), "email": maintainer.email, "password": PASSWORD},
    )
    assert bad.status_code == 422
    good = fresh.post(
        "/login",
        data={"csrf_token": csrf_of(fresh), "email": maintainer.email, "password": NEW_PASSWORD},
    )
    assert good.status_code == 302
    assert any("gewijzigd" in m["Subject"] for m in inbox.to(maintainer.email))


def test_reset_tokens_expire_and_cannot_be_forged(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    secret = str(app.config["SECRET_KEY"])
    with app.extensions["catalogue_db"].session() as session:
        user = accounts.get_user(session, accounts_of["maintainer"].id)
        token = accounts.password_reset_token(user, secret=secret)
        assert accounts.user_for_reset_token(session, token, secret=secret, max_age=60) is user
        with pytest.raises(ValidationError):
            accounts.user_for_reset_token(session, token, secret="another key", max_age=60)  # noqa: S106
        time.sleep(1.1)
        with pytest.raises(ValidationError):
            accounts.user_for_reset_token(session, token, secret=secret, max_age=0)
        # One changed character in the signed payload (the account id and fingerprint).
        forged = token[:3] + ("A" if token[3] != "A" else "B") + token[4:]
        with pytest.raises(ValidationError):
            accounts.user_for_reset_token(session, forged, secret=secret, max_age=60)


def test_asking_for_reset_links_is_rate_limited(
    mail_app: Any, accounts_of: dict[str, Account]
) -> None:
    client = mail_app.test_client()
    token = csrf_of(client, "/wachtwoord-vergeten")
    statuses = [
        client.post(
            "/wachtwoord-vergeten",
            data={"csrf_token": token, "email": accounts_of["maintainer"].email},
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]  # RATELIMIT_PASSWORD_RESET="3 per hour" above


def test_without_smtp_the_site_says_it_sends_no_mail_and_offers_no_reset_form(
    client: Any,
) -> None:
    page = client.get("/wachtwoord-vergeten").get_data(as_text=True)
    assert "Deze site verstuurt geen e-mail." in page and 'type="email"' not in page
    assert "Wachtwoord vergeten?" in client.get("/login").get_data(as_text=True)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
    mail_app: Any, smtp: tuple[Inbox, int], accounts_of: dict[str, Account]
) -> None:
    inbox, _port = smtp
    maintainer = accounts_of["maintainer"]
    here, there = mail_app.test_client(), mail_app.test_client()
    login(here, maintainer)
    login(there, maintainer)
    token = csrf_of(here, "/account/wachtwoord")
    wrong = here.post(
        "/account/wachtwoord",
        data={
            "csrf_token": token,
            "current_password": "niet het wachtwoord",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert "Dit is niet uw huidige wachtwoord." in wrong.get_data(as_text=True)
    changed = here.post(
        "/account/wachtwoord",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert here.get("/account").status_code == 200
    assert there.get("/account").status_code == 302
    assert [m for m in inbox.to(maintainer.email) if "gewijzigd" in m["Subject"]]


@pytest.mark.both_backends
def test_news_counts_only_other_peoples_steps_on_ones_own_submissions(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    maintainer, reviewer = accounts_of["maintainer"], accounts_of["reviewer"]
    number = _open_change(app, maintainer)
    with app.extensions["catalogue_db"].session() as session:
        author = accounts.get_user(session, maintainer.id)
        submissions.submit_for_review(session, number, actor=author)
        submissions.comment(session, number, actor=author, body="eigen reactie")
        assert notices.news_count(session, author) == 0
        other = accounts.get_user(session, reviewer.id)
        submissions.comment(session, number, actor=other, body="vraag")
        submissions.comment(session, number, actor=other, body="nog een vraag")
        assert notices.news_count(session, author) == 1  # one submission, however many steps
        assert notices.news_count(session, other) == 0
        notices.mark_news_seen(session, author.id)
        assert notices.news_count(session, author) == 0


def test_registering_a_known_address_mails_its_owner_and_answers_as_for_a_new_one(
    mail_app: Any, smtp: tuple[Inbox, int]
) -> None:
    """Issue 10, finding 10: the page never says the address has an account; the owner hears it."""
    inbox, _port = smtp
    owner = make_account(mail_app, Role.MAINTAINER, email="bestaand@example.org")
    with mail_app.extensions["catalogue_db"].session() as session:
        organisation_id = accounts.get_user(session, owner.id).organisation_id

    def register(email: str) -> Any:
        client = mail_app.test_client()
        return client.post(
            "/registreren",
            data={
                "email": email,
                "organisation": organisation_id,
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
                "csrf_token": csrf_of(client, "/registreren"),
            },
        )

    known, new = register(owner.email.upper()), register("nieuw-adres@example.org")
    assert known.status_code == new.status_code == 302
    assert known.headers["Location"] == new.headers["Location"]
    letters = inbox.to(owner.email)
    assert len(letters) == 1
    assert "Er is al een account met dit e-mailadres" in letters[0]["Subject"]
    assert "/wachtwoord-vergeten" in Inbox.body(letters[0])
    assert inbox.to("nieuw-adres@example.org") == []
