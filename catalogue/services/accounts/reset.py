"""A forgotten password reset with a signed link, and a password changed by its owner."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.models import User
from catalogue.services import audit
from catalogue.services.accounts.common import get_user, normalise_email
from catalogue.services.accounts.login import end_other_sessions
from catalogue.services.accounts.passwords import (
    PASSWORD_MAX_LENGTH,
    _hasher,
    hash_password,
    password_problems,
)
from catalogue.services.audit import AuditKind
from catalogue.services.permissions import Permission, require

RESET_SALT = "password-reset"
RESET_TOKEN_INVALID = FieldError(ErrorCode.RESET_TOKEN_INVALID)
PASSWORD_WRONG = FieldError(ErrorCode.PASSWORD_WRONG)


def _reset_fingerprint(user: User) -> str:
    # The token names the password hash and the session nonce it was made for: setting a new
    # password changes both, so a token works once, and any other session end also voids it.
    material = f"{user.password_hash}|{user.session_nonce}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def password_reset_token(user: User, *, secret: str) -> str:
    """A signed, timestamped token for one password reset of ``user`` (URL-safe)."""
    serializer = URLSafeTimedSerializer(secret, salt=RESET_SALT)
    return str(serializer.dumps([user.id, _reset_fingerprint(user)]))


def request_password_reset(
    session: Session, email: str, *, remote_addr: str | None = None
) -> User | None:
    """The active account for ``email`` that may get a reset link, or None; logged either way.

    The caller sends the link; it must answer the same whether or not an account exists.
    """
    address = normalise_email(email)[:254]
    user = session.scalar(select(User).where(User.email == address)) if address else None
    if user is not None and not user.active:
        user = None
    audit.record(
        session,
        AuditKind.PASSWORD_RESET_ASKED,
        actor=user,
        actor_label=None if user is not None else (address or None),
        detail={"known": user is not None},
        remote_addr=remote_addr,
    )
    session.flush()
    return user


def user_for_reset_token(session: Session, token: str, *, secret: str, max_age: int) -> User:
    """The account a reset token is good for; ValidationError when it expired, was used or is forged."""
    serializer = URLSafeTimedSerializer(secret, salt=RESET_SALT)
    try:
        user_id, fingerprint = serializer.loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError) as error:
        raise ValidationError({"token": [RESET_TOKEN_INVALID]}) from error
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not user.active
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(_reset_fingerprint(user), fingerprint)
    ):
        raise ValidationError({"token": [RESET_TOKEN_INVALID]})
    return user


def _set_password(user: User, password: str) -> None:
    problems = password_problems(password, email=user.email)
    if problems:
        raise ValidationError({"password": problems})
    user.password_hash = hash_password(password)


def reset_password(
    session: Session,
    token: str,
    password: str,
    *,
    secret: str,
    max_age: int,
    remote_addr: str | None = None,
) -> User:
    """Set a new password with a reset token; the token is spent and every session ends."""
    user = user_for_reset_token(session, token, secret=secret, max_age=max_age)
    _set_password(user, password)
    # Whoever asked for the reset may not be the one logged in elsewhere: end every session.
    user.session_nonce = secrets.token_hex(16)
    audit.record(session, AuditKind.PASSWORD_RESET, actor=user, remote_addr=remote_addr)
    session.flush()
    return user


def change_password(
    session: Session,
    *,
    actor: User,
    current: str,
    new: str,
    remote_addr: str | None = None,
) -> User:
    """Change one's own password after proving the current one; other sessions end."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    user = get_user(session, actor.id)
    try:
        _hasher.verify(user.password_hash, current[:PASSWORD_MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError) as error:
        raise ValidationError({"current_password": [PASSWORD_WRONG]}) from error
    _set_password(user, new)
    end_other_sessions(session, user, remote_addr=remote_addr)
    audit.record(session, AuditKind.PASSWORD_CHANGED, actor=user, remote_addr=remote_addr)
    session.flush()
    return user
