"""The public side of contributing: the status partial for the component page (with the reason
of a rejection), the revision history, and the pages in English."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.models import Role
from catalogue.services import accounts, submissions
from tests.accounts import MUNICIPALITY, Account, make_account, sign_in
from tests.factories import make_component


def _own_component(app: Any) -> str:
    """The slug of a component the maintainers' municipality maintains, made for this test."""
    with app.extensions["catalogue_db"].session() as session:
        return make_component(session, maintaining_organisation=MUNICIPALITY).slug


def _rejected_change(app: Any, people: dict[str, Account], slug: str) -> int:
    with app.extensions["catalogue_db"].session() as session:
        maintainer = accounts.get_user(session, people["maintainer"].id)
        change = submissions.start_update(session, slug, actor=maintainer)
        submissions.save_step(
            session,
            change.id,
            "licence",
            {"license": "MIT"},
            actor=maintainer,
            lock_version=change.version,
        )
        submissions.submit_for_review(session, change.id, actor=maintainer)
        submissions.reject(
            session,
            change.id,
            actor=accounts.get_user(session, people["reviewer"].id),
            reason="De repository heeft een EUPL-licentie.",
        )
        return change.id


def test_the_status_partial_shows_the_last_decision_and_its_reason_to_everyone(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    made = _own_component(app)
    _rejected_change(app, accounts_of, made)
    page = app.test_client().get(f"/componenten/{made}").get_data(as_text=True)
    # The partial as the component page shows it (read with the component, one statement).
    start = page.index('<section class="contribution-status"')
    html = page[start : page.index("</section>", start)]
    assert "afgewezen" in html and "De repository heeft een EUPL-licentie." in html
    assert f"/componenten/{made}/geschiedenis" in html
    assert "Wijziging voorstellen" not in html  # anonymous: no edit link


def test_the_history_shows_who_changed_what_and_where_values_came_from(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    made = _own_component(app)
    with app.extensions["catalogue_db"].session() as session:
        maintainer = accounts.get_user(session, accounts_of["maintainer"].id)
        change = submissions.start_update(session, made, actor=maintainer)
        submissions.save_step(
            session,
            change.id,
            "hosting",
            {"hosting_models": ["saas"]},
            actor=maintainer,
            lock_version=change.version,
        )
        submissions.submit_for_review(session, change.id, actor=maintainer)
        submissions.approve(
            session, change.id, actor=accounts.get_user(session, accounts_of["reviewer"].id)
        )
    page = app.test_client().get(f"/componenten/{made}/geschiedenis").get_data(as_text=True)
    assert "Versie 1" in page
    # People by name and organisation, never by e-mail address.
    assert f"medewerker {accounts_of['maintainer'].id} (" in page
    assert f"medewerker {accounts_of['reviewer'].id} (" in page
    assert "@example.org" not in page
    assert f"bijdrage #{change.id}" in page  # the source of the changed field
    english = (
        app.test_client().get(f"/componenten/{made}/geschiedenis?lang=en").get_data(as_text=True)
    )
    assert "Version 1" in english and "Approved by" in english


def test_the_contributing_pages_are_in_english_on_request(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    client = sign_in(app.test_client(), accounts_of["maintainer"])
    page = client.get("/bijdragen?lang=en").get_data(as_text=True)
    assert (
        "<h1>Contribute</h1>" in page
        and "My contributions" in page
        and "Mijn bijdragen" not in page
    )
    login = app.test_client().get("/login?lang=en").get_data(as_text=True)
    assert "<h1>Log in</h1>" in login and "E-mail address" in login
    dutch = app.test_client().get("/login").get_data(as_text=True)
    assert "<h1>Inloggen</h1>" in dutch
    reviewer = make_account(app, Role.REVIEWER, email="en-reviewer@example.org")
    queue = sign_in(app.test_client(), reviewer).get("/beoordelen?lang=en").get_data(as_text=True)
    assert "Waiting for review" in queue


@pytest.mark.both_backends
def test_the_panel_counts_the_open_disputes_in_both_languages(app: Any) -> None:
    """Open disputes are counted on the component page (a dismissed one is not), in Dutch and
    in English, with the link to where they are listed."""
    from catalogue.models import Dispute, DisputeStatus
    from catalogue.services.components import get_component

    made = _own_component(app)

    def panel(lang: str) -> str:
        page = app.test_client().get(f"/componenten/{made}?lang={lang}").get_data(as_text=True)
        start = page.index('<section class="contribution-status"')
        return page[start : page.index("</section>", start)]

    assert "betwist" not in panel("nl")
    with app.extensions["catalogue_db"].session() as session:
        component_id = get_component(session, made).id
        for status in (DisputeStatus.OPEN, DisputeStatus.OPEN, DisputeStatus.DISMISSED):
            session.add(
                Dispute(
                    component_id=component_id,
                    claim_kind="standard",
                    claim_ref="x",
                    claim_label="x",
                    raised_by_label="gemeente",
                    reason="klopt niet",
                    status=status,
                )
            )
    assert "2 claims worden betwist." in panel("nl")
    english = panel("en")
    assert "2 claims are disputed." in english
    assert f"/componenten/{made}/geschiedenis#betwistingen" in english
