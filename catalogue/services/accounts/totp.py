"""The second factor: TOTP codes from an authenticator app, each accepted once."""

from __future__ import annotations

import datetime as dt
import hmac

import pyotp
from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.models import User
from catalogue.services import audit
from catalogue.services.accounts.common import _now
from catalogue.services.audit import AuditKind

TOTP_ISSUER = "Componentenwijzer"
TOTP_WRONG = FieldError(ErrorCode.TOTP_WRONG)


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(email: str, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code is ``code``: this one, or one either side for clock drift."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(
    session: Session,
    user: User,
    code: str,
    *,
    secret: str | None = None,
    now: dt.datetime | None = None,
    remote_addr: str | None = None,
) -> bool:
    """True when ``code`` is the user's current code and has not been used before.

    Each accepted time step is remembered, so a code seen by someone else (or sent twice) is
    refused afterwards. ``secret`` checks a secret that is being set up instead of the stored one.
    """
    key = secret or user.totp_secret
    step = _matching_step(key, code, now or _now()) if key else None
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        audit.record(
            session,
            AuditKind.TOTP_FAILED,
            actor=user,
            detail={"replay": step is not None},
            remote_addr=remote_addr,
        )
        return False
    user.totp_last_step = step
    return True


def enable_totp(
    session: Session, user: User, secret: str, code: str, *, remote_addr: str | None = None
) -> None:
    """Switch TOTP on once the user proved their app produces the codes for ``secret``."""
    if not verify_totp(session, user, code, secret=secret, remote_addr=remote_addr):
        raise ValidationError({"code": [TOTP_WRONG]})
    user.totp_secret = secret
    audit.record(session, AuditKind.TOTP_ENABLED, actor=user, remote_addr=remote_addr)
