"""Accounts of every role in one municipality, and logged-in clients (tests/catalogue/conftest.py
has the ``accounts_of`` and ``make_user`` fixtures built on these).

Accounts are made through the real services (argon2 hashes, audit events). ``login`` logs a
client in through the real login form, TOTP code included; ``sign_in`` puts the account in the
session directly, for the permission matrix where the login itself is not what is tested.

argon2 is slow on purpose (0.3 s a hash on the 2-core test machine), and web tests make four
to seven accounts each, all with ``PASSWORD``: ``make_account`` hashes it once per test process
and gives every account that same real hash, which the login code verifies as usual.
tests/catalogue/test_security.py checks that the hash has the production parameters and that a
registration outside ``make_account`` hashes afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyotp
from sqlalchemy import select

from catalogue.models import Component, Organisation, Role, User
from catalogue.services import accounts
from catalogue.services.accounts import registration

PASSWORD = "Vier lange woorden zijn sterk 2026"  # noqa: S105 - a test password
# Signalen is maintained by the municipality of Amsterdam in the seed catalogue.
COMPONENT = "signalen"
MUNICIPALITY = "GM0363"


@dataclass
class Account:
    """A test account: its id, e-mail address, password and TOTP secret (if any)."""

    id: int
    email: str
    role: str
    totp_secret: str | None
    session_id: str


@cache
def _argon2_hash(password: str) -> str:
    """The real argon2id hash of ``password`` with the production parameters, made once."""
    return accounts.hash_password(password)


@contextmanager
def _hashing_each_password_once() -> Iterator[None]:
    """While open, ``register`` takes its hash from ``_argon2_hash`` (see the module's doc)."""
    hash_password = registration.hash_password
    registration.hash_password = _argon2_hash
    try:
        yield
    finally:
        registration.hash_password = hash_password


def make_account(
    app: Any,
    role: str = Role.MAINTAINER,
    *,
    email: str | None = None,
    organisation: str = MUNICIPALITY,
    totp: bool | None = None,
) -> Account:
    """Create an account through the service; reviewers and admins get a TOTP secret."""
    email = email or f"{role}-{organisation.lower()}@example.org"
    with app.extensions["catalogue_db"].session() as session:
        column = Organisation.cbs_code if organisation.startswith("GM") else Organisation.slug
        found = session.scalar(select(Organisation).where(column == organisation))
        assert found is not None, organisation
        with _hashing_each_password_once():
            user = accounts.register(
                session,
                email=email,
                password=PASSWORD,
                organisation_id=found.id,
                role=role,
                trusted=True,
            )
        wants_totp = totp if totp is not None else role != Role.MAINTAINER
        user.totp_secret = pyotp.random_base32() if wants_totp else None
        session.flush()
        return Account(user.id, user.email, user.role, user.totp_secret, user.get_id())


def sign_in(client: Any, account: Account) -> Any:
    """Put the account in the client's session, as Flask-Login does after a full login."""
    from flask_login.utils import _create_identifier

    # The test client and a test request context send the same address and User-Agent, so the
    # identifier matches what "strong" session protection computes for the client's requests.
    with client.application.test_request_context(environ_base=dict(client.environ_base)):
        identifier = _create_identifier()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = account.session_id
        flask_session["_fresh"] = True
        flask_session["_id"] = identifier
    return client


def csrf_of(client: Any, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's meta tag."""
    import re

    page = client.get(path).get_data(as_text=True)
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found, "no csrf-token meta tag"
    return found.group(1)


def login(client: Any, account: Account, *, remember: bool = False) -> Any:
    """Log in through the real forms: password, then the TOTP code when the account has one."""
    token = csrf_of(client)
    data = {"email": account.email, "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    if account.totp_secret:
        assert response.headers["Location"].endswith("/login/code")
        code = pyotp.TOTP(account.totp_secret).now()
        response = client.post(
            "/login/code", data={"code": code, "csrf_token": csrf_of(client, "/login/code")}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response


def new_submission(client: Any) -> int:
    """Start a new submission as the signed-in ``client``; its number."""
    created = client.post("/bijdragen/nieuw", data={"csrf_token": csrf_of(client, "/bijdragen")})
    assert created.status_code == 302, created.status_code
    return int(created.headers["Location"].split("/")[2])


def component_id(app: Any, slug: str = COMPONENT) -> int:
    """The id of a seeded component."""
    with app.extensions["catalogue_db"].session() as session:
        found = session.scalar(select(Component.id).where(Component.slug == slug))
        assert found is not None
        return int(found)


def user_row(app: Any, account: Account) -> User:
    """The account's row, detached, for checks."""
    with app.extensions["catalogue_db"].session() as session:
        user = session.get(User, account.id)
        assert user is not None
        session.expunge(user)
        return user
