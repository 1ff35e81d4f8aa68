"""Security of contributing: CSRF, headers and cookies, XSS through descriptions, optimistic
locking, rate limits (memory and Redis), TOTP, the audit log, and bad input that never crashes."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from catalogue.models import (
    AuditEvent,
    Component,
    DerivedFact,
    DerivedFactName,
    Role,
    Submission,
    SubmissionStatus,
)
from catalogue.services import accounts, submissions
from catalogue.services.facts import is_derived_source
from tests.accounts import (
    COMPONENT,
    PASSWORD,
    Account,
    csrf_of,
    login,
    make_account,
    new_submission,
    sign_in,
)

REDIS_URL = "redis://127.0.0.1:6379/15"
REQUIRE_SERVICES = os.environ.get("CATALOGUE_REQUIRE_POSTGRES") == "1"
HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror="alert(1)"> '
    '[klik](javascript:alert(1)) <a href="javascript:alert(2)">a</a>'
)


def _events(app: Any, kind: str) -> list[AuditEvent]:
    with app.extensions["catalogue_db"].session() as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))
        session.expunge_all()
        return rows


# ---------------------------------------------------------------- CSRF


def test_forms_without_a_csrf_token_are_refused(app: Any, accounts_of: dict[str, Account]) -> None:
    anonymous = app.test_client()
    assert (
        anonymous.post("/login", data={"email": "x@example.org", "password": PASSWORD}).status_code
        == 400
    )
    assert anonymous.post("/registreren", data={"email": "x@example.org"}).status_code == 400
    maintainer = sign_in(app.test_client(), accounts_of["maintainer"])
    assert maintainer.post("/bijdragen/nieuw").status_code == 400
    assert maintainer.post("/uitloggen").status_code == 400
    assert maintainer.post("/bijdragen/nieuw", data={"csrf_token": "forged"}).status_code == 400
    # The real token works, in the form and, as htmx sends it, in a header.
    assert (
        maintainer.post(
            "/bijdragen/nieuw", data={"csrf_token": csrf_of(maintainer, "/bijdragen")}
        ).status_code
        == 302
    )
    header = {"X-CSRFToken": csrf_of(maintainer, "/bijdragen")}
    assert maintainer.post("/bijdragen/nieuw", headers=header).status_code == 302


def test_the_write_api_is_exempt_from_csrf_because_it_never_reads_cookies(app: Any) -> None:
    response = app.test_client().put(f"/api/v1/components/{COMPONENT}/publiccode", data=b"name: x")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# ---------------------------------------------------------------- headers and cookies


def test_security_headers_on_the_forms(client: Any) -> None:
    for path in ("/login", "/registreren"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert (
            "unsafe-inline" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        )
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
        assert "Strict-Transport-Security" not in response.headers  # plain http in development
        page = response.get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "onclick" not in page


def test_production_sends_hsts_and_secure_cookies(
    app_factory: Any, database_url: str, tmp_path: Path
) -> None:
    app = app_factory(database_url, tmp_path, ENV="production")
    try:
        account = make_account(app, Role.MAINTAINER)
        client = app.test_client()
        response = client.get("/login", base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        token = re.search(
            r'name="csrf-token" content="([^"]+)"', response.get_data(as_text=True)
        ).group(1)
        response = client.post(
            "/login",
            base_url="https://localhost",
            headers={"Referer": "https://localhost/login"},
            data={
                "email": account.email,
                "password": PASSWORD,
                "remember": "y",
                "csrf_token": token,
            },
        )
        assert response.status_code == 302
        cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
        for name in ("session", "remember_token"):
            cookie = cookies[name].lower()
            assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie, cookie
        expires = re.search(
            r"expires=([^;]+)", cookies["remember_token"], flags=re.IGNORECASE
        ).group(1)
        lifetime = (
            dt.datetime.strptime(expires.strip(), "%a, %d %b %Y %H:%M:%S GMT")
            - dt.datetime.utcnow()
        )
        assert lifetime <= dt.timedelta(days=3, minutes=1)
    finally:
        app.extensions["catalogue_db"].dispose()


def test_passwords_are_argon2_and_common_ones_are_refused(app: Any, client: Any) -> None:
    account = make_account(app, Role.MAINTAINER)
    with app.extensions["catalogue_db"].session() as session:
        assert accounts.get_user(session, account.id).password_hash.startswith("$argon2id$")
    assert "qwertyuiop" in accounts.common_passwords()
    for weak in (
        "kort",
        "passwordpassword",
        "Password2024!!",
        "aaaaaaaaaaaaaa",
        "qwertyuiopasdfgh",
    ):
        assert accounts.password_problems(weak), weak
    assert accounts.password_problems("een goede zin van vier woorden") == []
    token = csrf_of(client, "/registreren")
    response = client.post(
        "/registreren",
        data={
            "email": "nieuw@example.org",
            "organisation": 1,
            "password": "Password2024!!",
            "confirm": "Password2024!!",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "komt te vaak voor" in response.get_data(as_text=True)


def test_password_hashes_have_the_production_parameters(app: Any) -> None:
    """argon2id with RFC 9106's low-memory profile (3 passes, 64 MiB, 4 lanes), which the login
    code keeps (it rehashes a hash made with other parameters). The test accounts share one such
    real hash (tests/accounts.py hashes ``PASSWORD`` once per process); a registration outside
    ``make_account`` hashes afresh, so the sharing stays in the tests."""
    from argon2 import PasswordHasher, Type, extract_parameters
    from argon2.profiles import RFC_9106_LOW_MEMORY

    first, second = make_account(app, Role.MAINTAINER), make_account(app, Role.REVIEWER)
    with app.extensions["catalogue_db"].session() as session:
        fresh = accounts.register(
            session,
            email="vers@example.org",
            password=PASSWORD,
            organisation_id=accounts.get_user(session, first.id).organisation_id,
        )
        stored = [accounts.get_user(session, a.id).password_hash for a in (first, second)]
        stored.append(fresh.password_hash)
    assert stored[0] == stored[1]
    assert stored[2] != stored[0]
    for hashed in stored:
        parameters = extract_parameters(hashed)
        assert parameters == RFC_9106_LOW_MEMORY
        assert parameters.type is Type.ID
        assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
            3,
            65536,
            4,
        )
        assert PasswordHasher().verify(hashed, PASSWORD)
    for account in (first, second):
        login(app.test_client(), account)
        with app.extensions["catalogue_db"].session() as session:
            assert accounts.get_user(session, account.id).password_hash == stored[0]


def test_login_never_redirects_to_another_site(app: Any) -> None:
    account = make_account(app, Role.MAINTAINER)
    client = app.test_client()
    token = csrf_of(client)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client.get("/")  # fresh
        response = client.post(
            f"/login?next={target}",
            data={"email": account.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        assert response.headers["Location"] in ("/bijdragen", "http://localhost/bijdragen"), target
        client.post("/uitloggen", data={"csrf_token": csrf_of(client, "/bijdragen")})
        token = csrf_of(client)


# ---------------------------------------------------------------- XSS through descriptions


def test_hostile_html_in_descriptions_stays_inert_in_the_preview_and_when_published(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    author = sign_in(app.test_client(), accounts_of["maintainer"])
    number = new_submission(author)
    token = csrf_of(author, "/bijdragen")
    assert (
        author.post(
            f"/bijdragen/{number}/basis",
            data={
                "csrf_token": token,
                "lock_version": "1",
                "name": 'XSS <script>alert("n")</script>',
                "url": "https://example.org/xss/repository",
                "action": "next",
            },
        ).status_code
        == 302
    )
    assert (
        author.post(
            f"/bijdragen/{number}/beschrijvingen",
            data={
                "csrf_token": token,
                "lock_version": "2",
                "nl_short_description": HOSTILE[:150],
                "nl_long_description": HOSTILE,
                "nl_features": HOSTILE,
                "action": "preview",
            },
        ).status_code
        == 302
    )
    _assert_inert(author.get(f"/bijdragen/{number}").get_data(as_text=True))
    assert (
        author.post(
            f"/bijdragen/{number}/indienen", data={"csrf_token": token, "lock_version": "3"}
        ).status_code
        == 302
    )
    reviewer = sign_in(app.test_client(), accounts_of["reviewer"])
    _assert_inert(reviewer.get(f"/beoordelen/{number}").get_data(as_text=True))
    response = reviewer.post(
        f"/beoordelen/{number}",
        data={
            "decision": "approve",
            "lock_version": "4",
            "csrf_token": csrf_of(reviewer, "/beoordelen"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with app.extensions["catalogue_db"].session() as session:
        slug = session.scalar(
            select(Component.slug).where(Component.url == "https://example.org/xss/repository")
        )
    page = app.test_client().get(f"/componenten/{slug}").get_data(as_text=True)
    assert "alert" in page  # the text is there ...
    _assert_inert(page)  # ... but as text, never as markup
    _assert_inert(app.test_client().get(f"/componenten/{slug}/geschiedenis").get_data(as_text=True))


def _assert_inert(page: str) -> None:
    assert "<script>alert" not in page
    assert "<img" not in page
    assert not re.search(r"<[^>]+\sonerror=", page)
    assert not re.search(r"<a\b[^>]*href=[\"']?\s*javascript:", page, flags=re.IGNORECASE)


# ---------------------------------------------------------------- optimistic locking


def test_two_editors_of_one_component_conflict_and_nothing_is_lost(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        maintainer = accounts.get_user(session, accounts_of["maintainer"].id)
        first = submissions.start_update(session, COMPONENT, actor=maintainer)
        second = submissions.start_update(session, COMPONENT, actor=maintainer)
        submissions.save_step(
            session,
            first.id,
            "licence",
            {"license": "EUPL-1.2"},
            actor=maintainer,
            lock_version=first.version,
        )
        submissions.save_step(
            session,
            second.id,
            "hosting",
            {"hosting_models": ["saas"]},
            actor=maintainer,
            lock_version=second.version,
        )
        for submission in (first, second):
            submissions.submit_for_review(session, submission.id, actor=maintainer)
        ids = (first.id, second.id)
    reviewer = sign_in(app.test_client(), accounts_of["reviewer"])
    token = csrf_of(reviewer, "/beoordelen")

    def approve(number: int) -> Any:
        with database.session() as session:
            version = session.get(Submission, number).version
        return reviewer.post(
            f"/beoordelen/{number}",
            data={"decision": "approve", "csrf_token": token, "lock_version": str(version)},
        )

    assert approve(ids[0]).status_code == 302
    conflict = approve(ids[1])
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Nu gepubliceerd" in page and "Voorgesteld" in page
    assert "EUPL-1.2" in page and "SaaS" in page  # both versions are on the page
    with database.session() as session:
        second_row = session.get(Submission, ids[1])
        assert second_row.status == SubmissionStatus.SUBMITTED  # nothing lost, nothing published
        assert [h["model"] for h in second_row.document["hosting_models"]] == ["saas"]
    # Bring it up to date: its own change stays, the other one is kept.
    assert (
        reviewer.post(
            f"/bijdragen/{ids[1]}/bijwerken", data={"csrf_token": token, "back": "review"}
        ).status_code
        == 302
    )
    assert approve(ids[1]).status_code == 302
    with database.session() as session:
        component = session.scalar(select(Component).where(Component.slug == COMPONENT))
        assert component.license == "EUPL-1.2"
        # The stated hosting is the second editor's. A derived "self-hostable" entry (Signalen
        # has a published Helm chart, data/derived_facts.yaml) is kept beside it, marked as
        # derived: only a stated on-premise entry would replace it.
        stated = [h for h in component.hosting_models if not is_derived_source(h.get("source"))]
        assert [h["model"] for h in stated] == ["saas"]
        derived = [h for h in component.hosting_models if is_derived_source(h.get("source"))]
        assert [h["model"] for h in derived] == (
            ["on-premise"] if _derives_self_hostable(session, component) else []
        )


def test_a_rebase_notes_the_fields_both_sides_changed_in_the_readers_language(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        maintainer = accounts.get_user(session, accounts_of["maintainer"].id)
        reviewer = accounts.get_user(session, accounts_of["reviewer"].id)
        first = submissions.start_update(session, COMPONENT, actor=maintainer)
        second = submissions.start_update(session, COMPONENT, actor=maintainer)
        for submission, licence in ((first, "EUPL-1.2"), (second, "MIT")):
            submissions.save_step(
                session,
                submission.id,
                "licence",
                {"license": licence},
                actor=maintainer,
                lock_version=submission.version,
            )
        submissions.submit_for_review(session, first.id, actor=maintainer)
        submissions.approve(session, first.id, actor=reviewer)
        submissions.rebase(session, second.id, actor=maintainer)
        notes = [c for c in session.get(Submission, second.id).comments if c.kind == "rebased"]
        # The note stores the fields, not words: the page words them.
        assert [c.body for c in notes] == ["license"]
        second_id = second.id
    client = sign_in(app.test_client(), accounts_of["maintainer"])
    dutch = client.get(f"/bijdragen/{second_id}").get_data(as_text=True)
    assert "Deze velden zijn aan beide kanten gewijzigd. Kijk ze na: Licentie" in dutch
    english = client.get(f"/bijdragen/{second_id}?lang=en").get_data(as_text=True)
    assert "Both sides changed these fields. Check them: Licence" in english


def _derives_self_hostable(session: Any, component: Component) -> bool:
    """True when the seed derived "self-hostable" for the component (a chart or an image)."""
    return (
        session.scalar(
            select(DerivedFact.id).where(
                DerivedFact.component_id == component.id,
                DerivedFact.fact == DerivedFactName.SELF_HOSTABLE,
            )
        )
        is not None
    )


def test_two_people_saving_one_submission_get_a_conflict_with_both_versions(
    app: Any, accounts_of: dict[str, Account], make_user: Any
) -> None:
    colleague = make_user(Role.MAINTAINER, email="collega@example.org")
    first, second = (sign_in(app.test_client(), a) for a in (accounts_of["maintainer"], colleague))
    number = new_submission(first)

    def save(client: Any, name: str) -> Any:
        return client.post(
            f"/bijdragen/{number}/basis",
            data={
                "csrf_token": csrf_of(client, "/bijdragen"),
                "lock_version": "1",
                "name": name,
                "url": "https://example.org/lock",
                "action": "next",
            },
        )

    assert save(first, "Eerste naam").status_code == 302
    response = save(second, "Tweede naam")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Eerste naam" in page and "Tweede naam" in page  # the saved value and the unsaved input
    with app.extensions["catalogue_db"].session() as session:
        assert session.get(Submission, number).document["name"] == "Eerste naam"


# ---------------------------------------------------------------- rate limits


def test_login_and_validate_are_rate_limited(
    app_factory: Any, database_url: str, tmp_path: Path
) -> None:
    app = app_factory(
        database_url,
        tmp_path,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_LOGIN="3 per minute",
        RATELIMIT_VALIDATE="2 per minute",
        RATELIMIT_REGISTER="2 per minute",
    )
    try:
        client = app.test_client()
        codes = [
            client.post("/login", data={"email": "x@example.org", "password": "wrong"}).status_code
            for _ in range(4)
        ]
        assert codes == [422, 422, 422, 429]
        assert client.get("/login").status_code == 200  # looking at the form is not limited
        codes = [client.post("/api/v1/validate", data=b"name: x\n").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert client.post("/api/v1/validate", data=b"x").mimetype == "application/problem+json"
        codes = [client.post("/registreren", data={}).status_code for _ in range(3)]
        assert codes == [422, 422, 429]
    finally:
        app.extensions["catalogue_db"].dispose()


def _redis() -> Any:
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as error:
        reason = f"Redis at {REDIS_URL} does not answer: {error}"
        if REQUIRE_SERVICES:
            pytest.fail(reason)
        pytest.skip(reason)
    return connection


def test_rate_limits_are_shared_through_redis(
    app_factory: Any, database_url: str, tmp_path: Path
) -> None:
    connection = _redis()
    prefix = f"cw-test-{uuid.uuid4().hex[:8]}"
    settings = {
        "RATELIMIT_STORAGE_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_VALIDATE": "3 per minute",
    }
    one = app_factory(database_url, tmp_path / "one", **settings)
    two = app_factory(database_url, tmp_path / "two", **settings)
    try:
        assert [
            one.test_client().post("/api/v1/validate", data=b"name: x").status_code
            for _ in range(2)
        ] == [200, 200]
        # The second process sees the first one's requests: the count lives in Redis.
        assert [
            two.test_client().post("/api/v1/validate", data=b"name: x").status_code
            for _ in range(2)
        ] == [200, 429]
        assert list(connection.scan_iter(f"*{prefix}*"))
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()
        for application in (one, two):
            application.extensions["catalogue_db"].dispose()


# ---------------------------------------------------------------- TOTP


def test_totp_refuses_a_wrong_code_accepts_the_right_one_and_refuses_a_replay(app: Any) -> None:
    account = make_account(app, Role.REVIEWER)
    totp = pyotp.TOTP(account.totp_secret)
    now = dt.datetime.now(dt.UTC)
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        user = accounts.get_user(session, account.id)
        right = totp.at(now)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        assert not accounts.verify_totp(session, user, wrong, now=now)
        assert not accounts.verify_totp(session, user, "12345x", now=now)
        assert accounts.verify_totp(session, user, right, now=now)
        assert not accounts.verify_totp(session, user, right, now=now)  # the same code again
        earlier = totp.at(now - dt.timedelta(seconds=30))
        assert not accounts.verify_totp(session, user, earlier, now=now)  # an older step too
        later = now + dt.timedelta(seconds=30)
        assert accounts.verify_totp(session, user, totp.at(later), now=later)
    assert len(_events(app, "totp_failed")) == 4


def test_a_reviewer_cannot_log_in_without_the_code_and_a_seen_code_is_refused(app: Any) -> None:
    account = make_account(app, Role.REVIEWER)
    client = app.test_client()
    response = client.post(
        "/login", data={"email": account.email, "password": PASSWORD, "csrf_token": csrf_of(client)}
    )
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/beoordelen").status_code == 302  # not logged in yet
    token = csrf_of(client, "/login/code")
    assert (
        client.post("/login/code", data={"code": "000000", "csrf_token": token}).status_code == 422
    )
    code = pyotp.TOTP(account.totp_secret).now()
    assert client.post("/login/code", data={"code": code, "csrf_token": token}).status_code == 302
    assert client.get("/beoordelen").status_code == 200
    # Someone who saw that code cannot use it, even with the password.
    thief = app.test_client()
    thief.post(
        "/login", data={"email": account.email, "password": PASSWORD, "csrf_token": csrf_of(thief)}
    )
    refused = thief.post(
        "/login/code", data={"code": code, "csrf_token": csrf_of(thief, "/login/code")}
    )
    assert refused.status_code == 422
    assert thief.get("/beoordelen").status_code == 302


def test_a_new_reviewer_must_set_up_totp_before_getting_in(app: Any) -> None:
    account = make_account(app, Role.REVIEWER, totp=False)
    client = app.test_client()
    response = client.post(
        "/login", data={"email": account.email, "password": PASSWORD, "csrf_token": csrf_of(client)}
    )
    assert response.headers["Location"].endswith("/login/code-instellen")
    page = client.get("/login/code-instellen").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    token = csrf_of(client, "/login/code-instellen")
    assert (
        client.post(
            "/login/code-instellen", data={"code": "123456", "csrf_token": token}
        ).status_code
        == 422
    )
    assert client.get("/beoordelen").status_code == 302
    response = client.post(
        "/login/code-instellen", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/beoordelen").status_code == 200
    with app.extensions["catalogue_db"].session() as session:
        assert accounts.get_user(session, account.id).totp_secret == secret


# ---------------------------------------------------------------- audit and bad input


def test_logins_failures_role_changes_approvals_and_token_use_are_audited(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    client = app.test_client()
    client.post(
        "/login",
        data={
            "email": accounts_of["maintainer"].email,
            "password": "fout wachtwoord!!",
            "csrf_token": csrf_of(client),
        },
    )
    login(client, accounts_of["maintainer"])
    admin = sign_in(app.test_client(), accounts_of["admin"])
    response = admin.post(
        f"/beheer/accounts/{accounts_of['outsider'].id}",
        data={
            "role": "reviewer",
            "organisation": _organisation_of(app, accounts_of["outsider"]),
            "active": "y",
            "csrf_token": csrf_of(admin, "/beheer"),
        },
    )
    assert response.status_code == 302
    with app.extensions["catalogue_db"].session() as session:
        user = accounts.get_user(session, accounts_of["maintainer"].id)
        _token, secret = accounts.create_token(
            session, actor=user, name="ci", scopes=["submissions:write"]
        )
    app.test_client().put(
        f"/api/v1/components/{COMPONENT}/publiccode",
        data=b"x: y",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert _events(app, "login_failed") and _events(app, "login")
    changed = _events(app, "role_changed")
    assert changed and changed[0].detail == {"from": "maintainer", "to": "reviewer"}
    assert changed[0].actor_label == accounts_of["admin"].email
    assert _events(app, "token_used")


def _organisation_of(app: Any, account: Account) -> int:
    with app.extensions["catalogue_db"].session() as session:
        return accounts.get_user(session, account.id).organisation_id


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/bijdragen/publiccode", {"file": (io.BytesIO(b"\xff\xfe\x00binary\x00"), "p.yml")}),
        ("/bijdragen/publiccode", {"text": "a: &x [*x]\n"}),
        ("/bijdragen/publiccode", {"text": "- just\n- a list\n"}),
        ("/bijdragen/publiccode", {"text": "name: [unclosed"}),
        ("/bijdragen/publiccode", "a file over the parser's 1 MB limit"),
        ("/bijdragen/999999/basis", {"name": "x"}),
        ("/bijdragen/999999/indienen", {}),
        ("/bijdragen/nieuw", {"lock_version": "abc"}),
        ("/componenten/bestaat-niet/betwisten", {"claim": "x", "reason": "y"}),
        ("/componenten/bestaat-niet/wijzigen", {}),
    ],
)
def test_bad_input_is_answered_never_a_crash(
    app_factory: Any, database_url: str, tmp_path: Path, path: str, data: dict[str, Any] | str
) -> None:
    app = app_factory(database_url, tmp_path, WTF_CSRF_ENABLED=False)
    try:
        client = sign_in(app.test_client(), make_account(app, Role.MAINTAINER))
        if isinstance(data, str):
            # Built by hand: the test client's own encoder leaves its temporary file open.
            body = (
                b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.yml"\r\n\r\n'
                + b"name: x\n" * 150_000
                + b"\r\n--B--\r\n"
            )
            response = client.post(path, data=body, content_type="multipart/form-data; boundary=B")
        else:
            response = client.post(path, data=data, content_type="multipart/form-data")
        assert 200 <= response.status_code < 500, (path, response.status_code)
    finally:
        app.extensions["catalogue_db"].dispose()


def test_a_step_with_nonsense_values_is_refused_with_reasons(
    app: Any, accounts_of: dict[str, Account]
) -> None:
    client = sign_in(app.test_client(), accounts_of["maintainer"])
    number = new_submission(client)
    token = csrf_of(client, "/bijdragen")
    cases = {
        "basis": {"name": "", "url": "javascript:alert(1)"},
        "licentie": {"license": "Not-A-Licence-9"},
        "referentiecomponenten": {"chosen": ["id-does-not-exist"]},
        "standaarden": {"second": ["no-such-component"]},
        "hosting": {"hosting_models": ["cloud-of-dreams"]},
        "beschrijvingen": {"nl_short_description": "x" * 151},
        "onbekend": {},
    }
    for slug, data in cases.items():
        response = client.post(
            f"/bijdragen/{number}/{slug}", data={**data, "csrf_token": token, "lock_version": "1"}
        )
        assert response.status_code in (404, 422), (slug, response.status_code)
    with app.extensions["catalogue_db"].session() as session:
        assert session.get(Submission, number).version == 1  # nothing was saved
