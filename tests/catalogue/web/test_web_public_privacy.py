"""No personal data in public (issue 10, finding 5): a crawl of the public pages and the API of a
catalogue with submissions, a publiccode.yml import, comments and disputes finds no account's
e-mail address. People appear by display name (or "medewerker <id>") and organisation.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from catalogue.models import Role, User
from catalogue.services import accounts, disputes, submissions
from catalogue.services.components import get_component
from tests.accounts import COMPONENT, make_account
from tests.catalogue.web.test_web_hostile_input import _get_rules, _path, _path_values
from tests.conftest import ROOT

NEW_FILE = ROOT / "data" / "publiccode" / "dutch" / "ConductionNL__bag_publiccode.yml"
MAX_PAGES = 400


def _busy_catalogue(app: Any) -> dict[str, Any]:
    """Every way an account leaves its name behind: edits, decisions, comments, files, disputes."""
    maintainer = make_account(app, Role.MAINTAINER)
    reviewer = make_account(app, Role.REVIEWER)
    outside = make_account(app, Role.REVIEWER, organisation="conduction")
    supplier = make_account(app, Role.MAINTAINER, organisation="conduction")
    named = make_account(app, Role.MAINTAINER, email="met.naam@example.org")
    utrecht = make_account(app, Role.MAINTAINER, organisation="GM0344")
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        accounts.get_user(session, named.id).display_name = "Ria de Vries"
    with database.session() as session:
        author = accounts.get_user(session, maintainer.id)
        judge = accounts.get_user(session, reviewer.id)
        published = submissions.start_update(session, COMPONENT, actor=author)
        submissions.save_step(
            session,
            published.id,
            "licence",
            {"license": "EUPL-1.2"},
            actor=author,
            lock_version=published.version,
        )
        submissions.submit_for_review(session, published.id, actor=author)
        submissions.comment(session, published.id, actor=judge, body="Ziet er goed uit.")
        submissions.approve(session, published.id, actor=judge, note="Akkoord")
    with database.session() as session:
        waiting = submissions.start_update(
            session, COMPONENT, actor=accounts.get_user(session, named.id)
        )
        submissions.submit_for_review(
            session, waiting.id, actor=accounts.get_user(session, named.id)
        )
        imported = submissions.start_from_publiccode(
            session,
            NEW_FILE.read_bytes(),
            actor=accounts.get_user(session, supplier.id),
            source_name=NEW_FILE.name,
        )
        submissions.save_step(
            session,
            imported.id,
            "licence",
            {"license": "EUPL-1.2"},
            actor=accounts.get_user(session, supplier.id),
            lock_version=imported.version,
        )
        submissions.submit_for_review(
            session, imported.id, actor=accounts.get_user(session, supplier.id)
        )
    with database.session() as session:
        new_component = submissions.approve(
            session, imported.id, actor=accounts.get_user(session, reviewer.id)
        )
        slug = new_component.component.slug
        claims = disputes.claims_of(get_component(session, COMPONENT))
        first = disputes.open_dispute(
            session,
            COMPONENT,
            claim_key=claims[0].key,
            reason="Wij gebruiken dit anders.",
            actor=accounts.get_user(session, maintainer.id),
        )
        disputes.open_dispute(
            session,
            COMPONENT,
            claim_key=claims[0].key,
            reason="Ook bij ons klopt deze niet.",
            actor=accounts.get_user(session, utrecht.id),
        )
        disputes.resolve(
            session,
            first.id,
            outcome="upheld",
            resolution="Klopt.",
            actor=accounts.get_user(session, outside.id),
        )
        emails = sorted(session.scalars(select(User.email)))
    return {"emails": emails, "slugs": [COMPONENT, slug]}


def test_no_account_e_mail_address_on_any_public_page_or_in_the_api(app: Any) -> None:
    busy = _busy_catalogue(app)
    emails = busy["emails"]
    assert len(emails) >= 5
    client = app.test_client()
    ids = {"submission_id": 1, "dispute_id": 1, "token_id": 1, "user_id": 1, "organisation_id": 1}
    queue = []
    for rule in _get_rules(app):
        queue.append(_path(rule, _path_values(app, rule, ids)))
    for slug in busy["slugs"]:
        queue += [
            f"/componenten/{slug}",
            f"/componenten/{slug}/geschiedenis",
            f"/api/v1/components/{slug}",
            f"/vergelijk?c={slug}&c=open-zaak",
            f"/vergelijk.csv?c={slug}&c=open-zaak",
        ]
    queue += [f"/api/v1/components?q={email}" for email in emails[:2]]
    seen: set[str] = set()
    named_seen = False
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            continue
        body = response.get_data(as_text=True)
        headers = str(response.headers)
        found = [e for e in emails if e in body or e in headers]
        assert not found, f"{path} shows {found}"
        named_seen = named_seen or "Ria de Vries" in body
        if "html" in (response.content_type or ""):
            for href in re.findall(r'href="(/[^"#]*)"', body):
                target = href.replace("&amp;", "&")
                if urlsplit(target).path.startswith(("/static", "/login", "/registreren")):
                    continue
                if target not in seen:
                    queue.append(target)
    # Guards the guard: the crawl saw the pages where names appear.
    assert f"/componenten/{COMPONENT}/geschiedenis" in seen
    assert named_seen  # the display name shows where the address used to
    assert len(seen) > 50
