"""Logging in and out: the password check with its lockout, and the sessions of an account."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from catalogue.models import AuditEvent, User
from catalogue.services import audit
from catalogue.services.accounts.common import _aware, _now, get_user, normalise_email
from catalogue.services.accounts.passwords import (
    PASSWORD_MAX_LENGTH,
    _dummy_hash,
    _hasher,
    hash_password,
)
from catalogue.services.audit import AuditKind
from catalogue.services.permissions import Permission, require

# Failed logins of one account within the window before it is locked for that window.
LOCKOUT_ATTEMPTS = 10
LOCKOUT_MINUTES = 15


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    remote_addr: str | None = None,
    lockout_attempts: int = LOCKOUT_ATTEMPTS,
    lockout_minutes: int = LOCKOUT_MINUTES,
) -> User | None:
    """The account when e-mail and password match an active account; None otherwise.

    A failed attempt is logged. An unknown address costs as much time as a wrong password, so
    timing does not tell which addresses have an account. A second factor may still be due.
    After ``lockout_attempts`` failures within ``lockout_minutes`` the account refuses even the
    right password until that time has passed (a per-account limit beside the per-address one,
    which many addresses together would not hit).
    """
    address = normalise_email(email)[:254]
    # PostgreSQL cannot even compare text with a NUL in it; no address has one.
    lookup = bool(address) and "\x00" not in address
    user = session.scalar(select(User).where(User.email == address)) if lookup else None
    if user is None:
        _spend_a_check(password)
        _failed(session, "unknown account", remote_addr, label=address or None)
        return None
    if lockout_attempts > 0 and _is_locked(session, user, lockout_attempts, lockout_minutes):
        _spend_a_check(password)
        _failed(session, "locked", remote_addr, user=user)
        return None
    try:
        _hasher.verify(user.password_hash, password[:PASSWORD_MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        _failed(session, "wrong password", remote_addr, user=user)
        return None
    if not user.active:
        _failed(session, "inactive", remote_addr, user=user)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _spend_a_check(password: str) -> None:
    """As long as a password check takes, so timing tells nothing about why a login failed."""
    try:
        _hasher.verify(_dummy_hash(), password[:PASSWORD_MAX_LENGTH])
    except VerificationError:
        pass


def _failed(
    session: Session,
    reason: str,
    remote_addr: str | None,
    *,
    user: User | None = None,
    label: str | None = None,
) -> None:
    """Log a failed login of ``user`` (or of the address ``label`` that has no account)."""
    audit.record(
        session,
        AuditKind.LOGIN_FAILED,
        actor=user,
        actor_label=label,
        detail={"reason": reason},
        remote_addr=remote_addr,
    )


def _is_locked(session: Session, user: User, attempts: int, minutes: int) -> bool:
    """Were there ``attempts`` failed logins within ``minutes``, since the last good one?"""
    since = _now() - dt.timedelta(minutes=minutes)
    if user.last_login_at is not None and _aware(user.last_login_at) > since:
        since = _aware(user.last_login_at)
    failures = session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.kind == AuditKind.LOGIN_FAILED,
            AuditEvent.actor_id == user.id,
            AuditEvent.occurred_at > since,
        )
    )
    return int(failures or 0) >= attempts


def record_refused_login(session: Session, email: str, *, remote_addr: str | None = None) -> None:
    """Log a login refused before its password was checked (a control character, say)."""
    _failed(session, "invalid input", remote_addr, label=normalise_email(email)[:254] or None)


def complete_login(session: Session, user: User, *, remote_addr: str | None = None) -> None:
    """Record a login that passed every factor it needed."""
    user.last_login_at = _now()
    audit.record(
        session,
        AuditKind.LOGIN,
        actor=user,
        detail={"totp": user.needs_totp},
        remote_addr=remote_addr,
    )


def record_logout(session: Session, user: User, *, remote_addr: str | None = None) -> None:
    """Log a logout and end every session and remember cookie of the account on the server.

    The session id holds the account's nonce (``User.get_id``); a new nonce makes every copy of a
    session or remember cookie worthless, wherever it is kept.
    """
    account = get_user(session, user.id)
    account.session_nonce = secrets.token_hex(16)
    audit.record(session, AuditKind.LOGOUT, actor=account, remote_addr=remote_addr)
    session.flush()


def end_other_sessions(session: Session, user: User, *, remote_addr: str | None = None) -> str:
    """End every session of the account ("overal uitloggen"; after a password change or reset).

    Returns the account's new session id: the caller logs its own request in again with it
    (``login_user``), so only the *other* sessions end.
    """
    require(user, Permission.MANAGE_OWN_ACCOUNT)
    account = get_user(session, user.id)
    account.session_nonce = secrets.token_hex(16)
    audit.record(session, AuditKind.SESSIONS_ENDED, actor=account, remote_addr=remote_addr)
    session.flush()
    return account.get_id()


def user_for_session_id(session: Session, session_id: str) -> User | None:
    """The account a session id (``"<id>:<nonce>"``) names, if it is still valid and active."""
    user_id, _, nonce = str(session_id).partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = session.scalar(
        select(User).where(User.id == int(user_id)).options(selectinload(User.organisation))
    )
    if user is None or not user.active or not hmac.compare_digest(user.session_nonce, nonce):
        return None
    return user
