"""Issue 10, section 6: behind a proxy the app sees the client's address; a per-account lockout
beside the per-address limit; the API's Link header from the configured base URL, not ``Host``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from catalogue.models import AuditEvent, Role
from tests.accounts import PASSWORD, csrf_of, make_account
from tests.conftest import close_app, make_app


def _failed_addresses(app: Any) -> list[str | None]:
    with app.extensions["catalogue_db"].session() as session:
        return list(
            session.scalars(select(AuditEvent.remote_addr).where(AuditEvent.kind == "login_failed"))
        )


def _fail_login(client: Any, email: str, **headers: str) -> Any:
    token = csrf_of(client)
    return client.post(
        "/login",
        data={"email": email, "password": "helemaal fout wachtwoord", "csrf_token": token},
        headers=headers,
    )


def test_a_trusted_proxy_gives_the_client_address_to_audit_and_rate_limit(
    database_url: str, tmp_path: Path
) -> None:
    behind = make_app(database_url, tmp_path / "a", TRUSTED_PROXIES=1, RATELIMIT_LOGIN="2/minute")
    try:
        for client_address in ("203.0.113.7", "203.0.113.7", "198.51.100.9"):
            response = _fail_login(
                behind.test_client(), "niemand@example.org", **{"X-Forwarded-For": client_address}
            )
            assert response.status_code == 422
        assert _failed_addresses(behind) == ["203.0.113.7", "203.0.113.7", "198.51.100.9"]
        # The third try from the first address is over its limit; the other address is not.
        third = _fail_login(
            behind.test_client(), "niemand@example.org", **{"X-Forwarded-For": "203.0.113.7"}
        )
        assert third.status_code == 429
    finally:
        close_app(behind)


def test_without_trusted_proxies_a_forged_forwarded_header_is_ignored(app: Any) -> None:
    _fail_login(app.test_client(), "niemand@example.org", **{"X-Forwarded-For": "203.0.113.7"})
    assert _failed_addresses(app) == ["127.0.0.1"]


def test_an_account_is_locked_after_too_many_failures_from_anywhere(
    database_url: str, tmp_path: Path
) -> None:
    app = make_app(
        database_url,
        tmp_path / "b",
        TRUSTED_PROXIES=1,
        ACCOUNT_LOCKOUT_ATTEMPTS=3,
        RATELIMIT_LOGIN="100/minute",
    )
    try:
        account = make_account(app, Role.MAINTAINER)
        for number in range(3):  # three addresses: no per-address limit is reached
            _fail_login(
                app.test_client(), account.email, **{"X-Forwarded-For": f"203.0.113.{number}"}
            )
        client = app.test_client()
        right = client.post(
            "/login",
            data={"email": account.email, "password": PASSWORD, "csrf_token": csrf_of(client)},
            headers={"X-Forwarded-For": "198.51.100.1"},
        )
        assert right.status_code == 422  # locked: even the right password does not open it
        with app.extensions["catalogue_db"].session() as session:
            reasons = list(
                session.scalars(select(AuditEvent.detail).where(AuditEvent.kind == "login_failed"))
            )
        assert reasons[-1] == {"reason": "locked"}
        other = make_account(app, Role.MAINTAINER, email="ander@example.org")
        fine = app.test_client()
        response = fine.post(
            "/login",
            data={"email": other.email, "password": PASSWORD, "csrf_token": csrf_of(fine)},
        )
        assert response.status_code == 302  # other accounts are not affected
    finally:
        close_app(app)


def test_the_link_header_comes_from_the_base_url_not_from_host(
    database_url: str, tmp_path: Path
) -> None:
    app = make_app(database_url, tmp_path / "c", BASE_URL="https://componentenwijzer.example")
    try:
        response = app.test_client().get(
            "/api/v1/components?per_page=5", headers={"Host": "evil.example"}
        )
        link = response.headers["Link"]
        assert "evil.example" not in link
        assert "<https://componentenwijzer.example/api/v1/components?" in link
    finally:
        close_app(app)
    plain = make_app(database_url, tmp_path / "d")
    try:
        response = plain.test_client().get(
            "/api/v1/components?per_page=5", headers={"Host": "evil.example"}
        )
        assert "evil.example" not in response.headers["Link"]
    finally:
        close_app(plain)
