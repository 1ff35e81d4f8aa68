"""Issue 10, findings 6-9 and 11: inputs that gave a 500 now get a plain answer.

Each test failed on main: an empty plan (max() of nothing), a NUL byte on PostgreSQL, JSON 1,000
deep, a CRLF in ``next=``, and a database that does not answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from catalogue.models import AuditEvent, Role
from catalogue.services import accounts
from tests.accounts import PASSWORD, csrf_of, make_account, sign_in
from tests.conftest import close_app, make_app


def test_finding_6_a_plan_that_selects_nothing_is_a_plain_page(client: Any) -> None:
    # The only need is one the landscape already covers: the advisor selects nothing. (Open Zaak
    # realises the Zaakregistratiecomponent; the Zaakafhandelcomponent, asked here before, now
    # has eligible providers such as Valtimo, whose status is derived.)
    response = client.get(
        "/advies/plan.json?referentie=zaakregistratiecomponent&heeft=open-zaak&gemeente=GM0214"
    )
    assert response.get_json()["plan"]["selected"] == []
    response = client.get(
        "/advies/plan?referentie=zaakregistratiecomponent&heeft=open-zaak&gemeente=GM0214"
    )
    assert response.status_code == 200
    assert 'class="graph"' not in response.get_data(as_text=True)  # nothing to draw
    from catalogue.services.graphs import DependencyGraph
    from catalogue.web.graph_svg import render_svg

    assert render_svg(DependencyGraph(root="plan"), title="x", kind_labels={}) == ""


@pytest.mark.both_backends
def test_finding_7_a_nul_byte_in_any_text_field_is_a_field_error(app: Any) -> None:
    account = make_account(app, Role.MAINTAINER)
    client = app.test_client()
    token = csrf_of(client, "/login")
    login = client.post(
        "/login", data={"email": "a\x00b@example.org", "password": "x", "csrf_token": token}
    )
    assert login.status_code == 422
    assert "stuurteken" in login.get_data(as_text=True)
    with app.extensions["catalogue_db"].session() as session:
        reasons = [
            e.detail.get("reason")
            for e in session.scalars(select(AuditEvent).where(AuditEvent.kind == "login_failed"))
        ]
    assert reasons == ["invalid input"]  # the refused login is in the audit log

    register = client.post(
        "/registreren",
        data={
            "email": "nieuw@example.org",
            "display_name": "Naam\x00",
            "organisation": 1,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": csrf_of(client, "/registreren"),
        },
    )
    assert register.status_code == 422 and "stuurteken" in register.get_data(as_text=True)

    member = sign_in(app.test_client(), account)
    token = csrf_of(member, "/account")
    named = member.post("/account/sleutels", data={"name": "ci\x00", "csrf_token": token})
    assert named.status_code == 422 and "stuurteken" in named.get_data(as_text=True)
    created = member.post("/bijdragen/nieuw", data={"csrf_token": token})
    number = created.headers["Location"].rsplit("/", 2)[1]
    comment = member.post(
        f"/bijdragen/{number}/reactie", data={"body": "nul\x00byte", "csrf_token": token}
    )
    assert comment.status_code == 422 and "stuurteken" in comment.get_data(as_text=True)
    # Line breaks belong in a comment; not in a one-line field.
    fine = member.post(
        f"/bijdragen/{number}/reactie", data={"body": "twee\r\nregels", "csrf_token": token}
    )
    assert fine.status_code == 302
    step = member.post(
        f"/bijdragen/{number}/basis",
        data={"name": "twee\r\nregels", "url": "https://example.org/x", "csrf_token": token},
    )
    assert step.status_code == 422 and "stuurteken" in step.get_data(as_text=True)
    # A NUL in a query string or a path is a 400, never a database error.
    assert client.get("/componenten?q=a%00b").status_code == 400
    assert client.get("/componenten/sig%00nalen").status_code == 400


def test_finding_8_deep_json_is_a_400_problem(client: Any) -> None:
    deep = "[" * 1000 + "]" * 1000
    response = client.post(
        "/api/v1/advice", data=deep, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    shallow = client.post("/api/v1/advice", json={"sector": "gemeente"})
    assert shallow.status_code < 500


def test_finding_9_a_crlf_in_next_never_reaches_a_header(app: Any) -> None:
    account = make_account(app, Role.MAINTAINER)
    client = app.test_client()
    token = csrf_of(client, "/login")
    response = client.post(
        "/login?next=/bijdragen%0d%0aSet-Cookie:%20x=1",
        data={"email": account.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bijdragen")
    assert "Set-Cookie: x" not in str(response.headers)


def test_huge_ids_in_a_path_are_a_404(app: Any) -> None:
    account = make_account(app, Role.ADMIN)
    client = sign_in(app.test_client(), account)
    for path in ("/bijdragen/9223372036854775808", "/beheer/accounts/2147483648"):
        assert client.get(path).status_code == 404


def test_finding_11_a_dead_database_is_a_503_with_retry_after(tmp_path: Path) -> None:
    # Port 9 (discard) has no PostgreSQL: the connection is refused at once.
    dead = make_app("postgresql+psycopg://postgres@127.0.0.1:9/none", tmp_path)
    try:
        client = dead.test_client()
        page = client.get("/organisaties")
        assert page.status_code == 503
        assert page.headers["Retry-After"].isdigit()
        assert "niet bereikbaar" in page.get_data(as_text=True)
        api = client.get("/api/v1/organisations")
        assert api.status_code == 503 and api.mimetype == "application/problem+json"
        assert api.headers["Retry-After"].isdigit()
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.get_json()["checks"]["database"].startswith("unavailable")
        assert client.get("/health").status_code == 200  # the process itself is alive
    finally:
        close_app(dead)


@pytest.mark.both_backends
def test_readiness_reports_the_database_and_the_search_index(app: Any) -> None:
    client = app.test_client()
    client.get("/componenten?q=zaak")  # the index exists once something searched
    app.extensions["catalogue_search"].wait_for_rebuild()
    ready = client.get("/health/ready")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "search": "ok"}}
    assert ready.headers["Cache-Control"] == "no-store"


def test_an_unconfirmed_audit_label_with_nul_is_stored(app: Any) -> None:
    """The audit log never fails on hostile input (it would take the refusal down with it)."""
    with app.extensions["catalogue_db"].session() as session:
        accounts.record_refused_login(session, "x\x00y@example.org")
    with app.extensions["catalogue_db"].session() as session:
        label = session.scalar(select(AuditEvent.actor_label))
        assert label is not None and "\x00" not in label
