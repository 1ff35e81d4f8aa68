"""Issue 10 (harden): membership is granted, sessions really end, four eyes, and registration
that tells nobody which addresses have an account.

Each test here failed on main before the change it covers: the finding's number is in its name.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from catalogue.errors import NotAuthorized
from catalogue.models import AuditEvent, OrgRole, Role, Submission, User
from catalogue.services import accounts, disputes, submissions
from catalogue.services.components import get_component
from tests.accounts import (
    COMPONENT,
    MUNICIPALITY,
    PASSWORD,
    Account,
    csrf_of,
    login,
    make_account,
    new_submission,
    sign_in,
)
from tests.factories import make_component


def _register(client: Any, email: str, organisation_id: int) -> Any:
    return client.post(
        "/registreren",
        data={
            "email": email,
            "organisation": organisation_id,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": csrf_of(client, "/registreren"),
        },
    )


def _amsterdam_id(app: Any) -> int:
    from catalogue.models import Organisation

    with app.extensions["catalogue_db"].session() as session:
        found = session.scalar(select(Organisation.id).where(Organisation.cbs_code == "GM0363"))
        assert found is not None
        return int(found)


def _unconfirmed(app: Any, email: str = "nieuw@example.org") -> Account:
    account = make_account(app, Role.MAINTAINER, email=email)
    with app.extensions["catalogue_db"].session() as session:
        accounts.get_user(session, account.id).organisation_confirmed = False
    return account


def _events(app: Any, kind: str) -> list[AuditEvent]:
    with app.extensions["catalogue_db"].session() as session:
        found = list(session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))
        for event in found:
            session.expunge(event)
        return found


# ---------------------------------------------------------------- 1: membership is granted


def test_finding_1_registration_makes_an_unconfirmed_viewer(app: Any) -> None:
    client = app.test_client()
    response = _register(client, "zelf@example.org", _amsterdam_id(app))
    assert response.status_code == 302
    with app.extensions["catalogue_db"].session() as session:
        user = session.scalar(select(User).where(User.email == "zelf@example.org"))
        assert user is not None
        assert user.organisation_confirmed is False
        assert user.organisation_role == OrgRole.VIEWER
        assert user.membership_decided_at is None


def test_finding_1_an_unconfirmed_account_cannot_touch_its_claimed_organisation(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        colleague = accounts.get_user(session, accounts_of["maintainer"].id)
        concept = submissions.start_update(session, COMPONENT, actor=colleague)
        concept_id = concept.id
    newcomer = sign_in(app.test_client(), _unconfirmed(app))
    token = csrf_of(newcomer, "/bijdragen")
    # Amsterdam's concept: not listed, not readable, not changeable, not submittable.
    assert f"/bijdragen/{concept_id}" not in newcomer.get("/bijdragen").get_data(as_text=True)
    assert newcomer.get(f"/bijdragen/{concept_id}").status_code == 403
    assert (
        newcomer.post(
            f"/bijdragen/{concept_id}/basis", data={"name": "x", "csrf_token": token}
        ).status_code
        == 403
    )
    assert (
        newcomer.post(f"/bijdragen/{concept_id}/indienen", data={"csrf_token": token}).status_code
        == 403
    )
    # Amsterdam's component: no edit; Amsterdam's claims: no dispute.
    assert newcomer.get(f"/componenten/{COMPONENT}/wijzigen").status_code == 403
    assert (
        newcomer.post(
            f"/componenten/{COMPONENT}/betwisten",
            data={"claim": "x", "reason": "y", "csrf_token": token},
        ).status_code
        == 403
    )
    with database.session() as session:
        newcomer_user = session.scalar(select(User).where(User.email == "nieuw@example.org"))
        with pytest.raises(NotAuthorized):
            submissions.start_update(session, COMPONENT, actor=newcomer_user)
        claim = disputes.claims_of(get_component(session, COMPONENT))[0]
        with pytest.raises(NotAuthorized):
            disputes.open_dispute(
                session, COMPONENT, claim_key=claim.key, reason="nee", actor=newcomer_user
            )


def test_finding_1_an_unconfirmed_accounts_own_draft_is_seen_by_nobody_else(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    newcomer = sign_in(app.test_client(), _unconfirmed(app))
    created = newcomer.post(
        "/bijdragen/nieuw", data={"csrf_token": csrf_of(newcomer, "/bijdragen")}
    )
    assert created.status_code == 302
    path = created.headers["Location"].rsplit("/", 1)[0]
    assert newcomer.get(path).status_code == 200
    colleague = sign_in(app.test_client(), accounts_of["maintainer"])
    assert colleague.get(path).status_code == 403
    assert path not in colleague.get("/bijdragen").get_data(as_text=True)
    number = int(path.rsplit("/", 1)[1])
    with app.extensions["catalogue_db"].session() as session:
        assert session.get(Submission, number).organisation_id is None
        newcomer_user = session.scalar(select(User).where(User.email == "nieuw@example.org"))
        with pytest.raises(NotAuthorized):
            submissions.submit_for_review(session, number, actor=newcomer_user)


def test_finding_1_a_beheerder_confirms_refuses_and_removes_members_and_it_is_audited(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        accounts.get_user(
            session, accounts_of["maintainer"].id
        ).organisation_role = OrgRole.BEHEERDER
    waiting = _unconfirmed(app, "wacht@example.org")
    refused = _unconfirmed(app, "nee@example.org")
    elsewhere = make_account(
        app, Role.MAINTAINER, email="elders@example.org", organisation="conduction"
    )
    with database.session() as session:
        accounts.get_user(session, elsewhere.id).organisation_confirmed = False

    beheerder = sign_in(app.test_client(), accounts_of["maintainer"])
    page = beheerder.get("/organisatie/leden")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "wacht@example.org" in text and "nee@example.org" in text
    assert "elders@example.org" not in text  # another organisation's account
    token = csrf_of(beheerder, "/organisatie/leden")

    def decide(account: Account, decision: str, role: str = "editor") -> Any:
        return beheerder.post(
            f"/organisatie/leden/{account.id}",
            data={"decision": decision, "organisation_role": role, "csrf_token": token},
        )

    assert decide(waiting, "confirm").status_code == 302
    assert decide(refused, "refuse").status_code == 302
    assert decide(elsewhere, "confirm").status_code == 403
    with database.session() as session:
        confirmed = accounts.get_user(session, waiting.id)
        assert confirmed.organisation_confirmed and confirmed.organisation_role == "editor"
        assert not accounts.get_user(session, refused.id).organisation_confirmed
        assert not accounts.get_user(session, elsewhere.id).organisation_confirmed
        pending = accounts.pending_members(
            session, actor=accounts.get_user(session, accounts_of["admin"].id)
        )
        assert [u.email for u in pending] == ["elders@example.org"]  # decided ones left the list
    # The confirmed member now sees the organisation's work.
    with database.session() as session:
        colleague = accounts.get_user(session, accounts_of["reviewer"].id)
        concept = submissions.start_update(session, COMPONENT, actor=colleague)
    member = sign_in(app.test_client(), waiting)
    assert member.get(f"/bijdragen/{concept.id}").status_code == 200
    assert decide(waiting, "remove").status_code == 302
    assert member.get(f"/bijdragen/{concept.id}").status_code == 403
    assert [e.subject for e in _events(app, "member_confirmed")] == ["wacht@example.org"]
    assert [e.subject for e in _events(app, "member_refused")] == ["nee@example.org"]
    assert [e.subject for e in _events(app, "member_removed")] == ["wacht@example.org"]


def test_finding_1_only_admins_and_beheerders_see_the_pending_list(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    _unconfirmed(app)
    assert (
        sign_in(app.test_client(), accounts_of["maintainer"]).get("/organisatie/leden").status_code
        == 403
    )
    assert (
        sign_in(app.test_client(), accounts_of["reviewer"]).get("/organisatie/leden").status_code
        == 403
    )
    admin_page = sign_in(app.test_client(), accounts_of["admin"]).get("/organisatie/leden")
    assert admin_page.status_code == 200 and "nieuw@example.org" in admin_page.get_data(
        as_text=True
    )
    with app.extensions["catalogue_db"].session() as session:
        maintainer = accounts.get_user(session, accounts_of["maintainer"].id)
        with pytest.raises(NotAuthorized):
            accounts.decide_membership(session, maintainer.id, "confirm", actor=maintainer)


# ---------------------------------------------------------------- 2 and 3: sessions that end


def test_finding_2_logout_deletes_the_remember_cookie_and_a_copy_no_longer_works(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    client = app.test_client()
    login(client, accounts_of["maintainer"], remember=True)
    remembered = client.get_cookie("remember_token")
    assert remembered is not None
    # The copy works while the login lasts (so the replay below can fail for the right reason).
    copy = app.test_client()
    copy.set_cookie("remember_token", remembered.value)
    assert copy.get("/account").status_code == 200
    response = client.post("/uitloggen", data={"csrf_token": csrf_of(client, "/account")})
    assert response.status_code == 302
    deleted = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert deleted and re.search(r"expires=Thu, 01 Jan 1970", deleted[0], re.IGNORECASE)
    assert client.get("/account").status_code == 302  # the browser itself is logged out
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered.value)
    assert replay.get("/account").status_code == 302


def test_finding_3_a_copied_session_cookie_dies_with_the_logout(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    client = app.test_client()
    login(client, accounts_of["maintainer"])
    stolen = client.get_cookie("session")
    assert stolen is not None
    copy = app.test_client()
    copy.set_cookie("session", stolen.value)
    assert copy.get("/account").status_code == 200
    client.post("/uitloggen", data={"csrf_token": csrf_of(client, "/account")})
    assert copy.get("/account").status_code == 302
    assert _events(app, "logout")


def test_logging_out_everywhere_keeps_this_session_and_ends_the_others(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    here, there = app.test_client(), app.test_client()
    login(here, accounts_of["maintainer"])
    login(there, accounts_of["maintainer"], remember=True)
    remembered = there.get_cookie("remember_token")
    assert remembered is not None
    page = here.get("/account").get_data(as_text=True)
    assert "Overal uitloggen" in page
    response = here.post(
        "/account/overal-uitloggen", data={"csrf_token": csrf_of(here, "/account")}
    )
    assert response.status_code == 302
    assert "alle andere apparaten uitgelogd" in here.get("/account").get_data(as_text=True)
    assert here.get("/account").status_code == 200
    assert there.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered.value)
    assert replay.get("/account").status_code == 302
    assert len(_events(app, "sessions_ended")) == 1


def test_end_other_sessions_gives_a_new_session_id_and_the_old_one_stops_working(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    """The service a password change or reset calls (``accounts.end_other_sessions``)."""
    with app.extensions["catalogue_db"].session() as session:
        user = accounts.get_user(session, accounts_of["maintainer"].id)
        old = user.get_id()
        assert accounts.user_for_session_id(session, old) is not None
        new = accounts.end_other_sessions(session, user)
        assert new != old
        assert accounts.user_for_session_id(session, old) is None
        assert accounts.user_for_session_id(session, new) is not None


# ---------------------------------------------------------------- 4: four eyes


def test_finding_4_a_reviewer_who_changed_a_submission_cannot_approve_it(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    second = make_account(app, Role.REVIEWER, email="tweede@example.org")
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        made = make_component(session, maintaining_organisation=MUNICIPALITY).slug
    with database.session() as session:
        maintainer = accounts.get_user(session, accounts_of["maintainer"].id)
        reviewer = accounts.get_user(session, accounts_of["reviewer"].id)
        change = submissions.start_update(session, made, actor=maintainer)
        submissions.save_step(
            session,
            change.id,
            "licence",
            {"license": "MIT"},
            actor=reviewer,
            lock_version=change.version,
        )
        submissions.submit_for_review(session, change.id, actor=reviewer)
        assert change.editor_ids == [maintainer.id, reviewer.id]
        number = change.id
    with database.session() as session:
        reviewer = accounts.get_user(session, accounts_of["reviewer"].id)
        with pytest.raises(NotAuthorized):
            submissions.approve(session, number, actor=reviewer)
    with database.session() as session:
        revision = submissions.approve(session, number, actor=accounts.get_user(session, second.id))
        assert revision.approved_by_id == second.id


def test_a_reviewer_cannot_resolve_a_dispute_about_their_own_organisations_component(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    outside = make_account(app, Role.REVIEWER, organisation="conduction")
    with app.extensions["catalogue_db"].session() as session:
        maintainer = accounts.get_user(session, accounts_of["maintainer"].id)
        claim = disputes.claims_of(get_component(session, COMPONENT))[0]
        dispute = disputes.open_dispute(
            session, COMPONENT, claim_key=claim.key, reason="Klopt niet.", actor=maintainer
        )
        number = dispute.id
    own = sign_in(app.test_client(), accounts_of["reviewer"])  # Amsterdam maintains Signalen
    data = {"outcome": "dismissed", "resolution": "Klopt wel."}
    token = csrf_of(own, "/beoordelen")
    assert (
        own.post(
            f"/beoordelen/betwistingen/{number}", data={**data, "csrf_token": token}
        ).status_code
        == 403
    )
    other = sign_in(app.test_client(), outside)
    token = csrf_of(other, "/beoordelen")
    assert (
        other.post(
            f"/beoordelen/betwistingen/{number}", data={**data, "csrf_token": token}
        ).status_code
        == 302
    )


# ---------------------------------------------------------------- 10: registration enumeration


def test_finding_10_registration_answers_the_same_for_a_known_address(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    organisation = _amsterdam_id(app)
    new = _register(app.test_client(), "onbekend@example.org", organisation)
    known = _register(app.test_client(), accounts_of["maintainer"].email, organisation)
    assert new.status_code == known.status_code == 302
    assert new.headers["Location"] == known.headers["Location"]
    follow_new = app.test_client().get(new.headers["Location"]).get_data(as_text=True)
    follow_known = app.test_client().get(known.headers["Location"]).get_data(as_text=True)
    assert _without_tokens(follow_new) == _without_tokens(follow_known)
    assert [e.subject for e in _events(app, "registered_again")] == [
        accounts_of["maintainer"].email
    ]
    # A weak password is still refused for either address, on its own field.
    for email in ("ander@example.org", accounts_of["maintainer"].email):
        client = app.test_client()
        response = client.post(
            "/registreren",
            data={
                "email": email,
                "organisation": organisation,
                "password": "Password2024!!",
                "confirm": "Password2024!!",
                "csrf_token": csrf_of(client, "/registreren"),
            },
        )
        assert response.status_code == 422
        assert "Er is al een account" not in response.get_data(as_text=True)


def _without_tokens(html: str) -> str:
    return re.sub(r'content="[^"]+"|value="[^"]+"|nonce-[^"\s]+', "", html)


def test_a_step_posted_without_its_version_is_refused_as_stale_and_changes_nothing(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    """The step form's optimistic lock no longer lapses when ``lock_version`` is left out."""
    author = sign_in(app.test_client(), accounts_of["maintainer"])
    number = new_submission(author)
    path = f"/bijdragen/{number}/basis"
    fields = {"csrf_token": csrf_of(author, path), "url": "https://example.org/lock/repository"}
    with app.extensions["catalogue_db"].session() as session:
        before = session.get(Submission, number).version

    refused = author.post(path, data={**fields, "name": "Zonder versie"})
    assert refused.status_code == 409
    with app.extensions["catalogue_db"].session() as session:
        after = session.get(Submission, number)
        assert after.version == before
        assert after.document.get("name") != "Zonder versie"
    # The page it answers with carries the current version, so saving again works.
    current = re.search(r'name="lock_version"[^>]*value="(\d+)"', refused.get_data(as_text=True))
    assert current is not None and int(current.group(1)) == before
    saved = author.post(
        path, data={**fields, "name": "Met versie", "lock_version": current.group(1)}
    )
    assert saved.status_code in (200, 302)


def test_signed_in_refuses_a_request_without_an_account(app: Any) -> None:
    """A view behind ``@requires`` reads its account with ``signed_in``; should it ever run
    without one, it is refused (log in first), not carried on with None."""
    from catalogue.errors import ErrorCode, NotAuthorized
    from catalogue.web.auth import signed_in

    with app.test_request_context("/bijdragen"):
        with pytest.raises(NotAuthorized) as refused:
            signed_in()
    assert refused.value.args[0].code is ErrorCode.LOGIN_REQUIRED
