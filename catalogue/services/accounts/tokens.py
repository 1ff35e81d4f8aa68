"""Personal API tokens: created, listed, revoked, and checked on every use (all logged)."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, NotAuthorized, NotFound, ValidationError
from catalogue.models import ApiToken, User
from catalogue.services import audit
from catalogue.services.accounts.common import _aware, _now
from catalogue.services.audit import AuditKind
from catalogue.services.permissions import Permission, has, require

TOKEN_PREFIX = "cw_"  # noqa: S105 - a name or message, not a secret
TOKEN_LIFETIME_DAYS = 90
TOKEN_NAME_REQUIRED = FieldError(ErrorCode.TOKEN_NAME_REQUIRED)
SCOPE_UNKNOWN = FieldError(ErrorCode.SCOPE_UNKNOWN)


class TokenScope(enum.StrEnum):
    """What a personal API token may be used for."""

    SUBMIT = "submissions:write"  # PUT /api/v1/components/<slug>/publiccode


def _token_hash(plaintext: str) -> str:
    # Tokens are long random strings, so a fast hash is enough: nothing to guess offline.
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    *,
    actor: User,
    name: str,
    scopes: Iterable[str],
    lifetime_days: int = TOKEN_LIFETIME_DAYS,
    remote_addr: str | None = None,
) -> tuple[ApiToken, str]:
    """A new personal token; returns it with its plaintext, which is never stored or shown again."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    wanted = sorted(set(scopes))
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [TOKEN_NAME_REQUIRED]
    if not wanted or any(scope not in set(TokenScope) for scope in wanted):
        errors["scopes"] = [SCOPE_UNKNOWN]
    if errors:
        raise ValidationError(errors)
    if TokenScope.SUBMIT in wanted:
        require(actor, Permission.SUBMIT)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name.strip()[:100],
        token_hash=_token_hash(plaintext),
        prefix=plaintext[:10],
        scopes=wanted,
        expires_at=_now() + dt.timedelta(days=max(1, min(lifetime_days, 366))),
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        AuditKind.TOKEN_CREATED,
        actor=actor,
        subject=token.prefix,
        detail={"name": token.name, "scopes": wanted},
        remote_addr=remote_addr,
    )
    return token, plaintext


def tokens_of(session: Session, *, actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(
    session: Session, token_id: int, *, actor: User, remote_addr: str | None = None
) -> ApiToken:
    """Revoke a token: the owner's own, or any token for an admin."""
    require(actor, Permission.MANAGE_OWN_ACCOUNT)
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(FieldError(ErrorCode.TOKEN_UNKNOWN, token=token_id))
    if token.user_id != actor.id and not has(actor, Permission.MANAGE_USERS):
        raise NotAuthorized(FieldError(ErrorCode.NOT_YOUR_TOKEN))
    if token.revoked_at is None:
        token.revoked_at = _now()
        audit.record(
            session,
            AuditKind.TOKEN_REVOKED,
            actor=actor,
            subject=token.prefix,
            remote_addr=remote_addr,
        )
    return token


def user_for_token(
    session: Session, plaintext: str, *, scope: TokenScope, remote_addr: str | None = None
) -> User | None:
    """The account behind a bearer token that is valid, unexpired and unrevoked; None if not.

    A valid token without ``scope`` raises NotAuthorized. Every use and refusal is logged.
    """
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        audit.record(
            session,
            AuditKind.TOKEN_REFUSED,
            detail={"reason": "malformed"},
            remote_addr=remote_addr,
        )
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(plaintext)))
    now = _now()
    reason = None
    if token is None:
        reason = "unknown"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif token.expires_at is not None and _aware(token.expires_at) <= now:
        reason = "expired"
    elif not token.user.active:
        reason = "inactive account"
    if reason is not None or token is None:
        audit.record(
            session,
            AuditKind.TOKEN_REFUSED,
            actor=token.user if token else None,
            subject=token.prefix if token else None,
            detail={"reason": reason},
            remote_addr=remote_addr,
        )
        return None
    if scope not in token.scopes:
        audit.record(
            session,
            AuditKind.TOKEN_REFUSED,
            actor=token.user,
            subject=token.prefix,
            detail={"reason": f"scope {scope.value} missing"},
            remote_addr=remote_addr,
        )
        raise NotAuthorized(FieldError(ErrorCode.TOKEN_SCOPE_MISSING, scope=scope.value))
    token.last_used_at = now
    audit.record(
        session,
        AuditKind.TOKEN_USED,
        actor=token.user,
        subject=token.prefix,
        detail={"scope": scope.value},
        remote_addr=remote_addr,
    )
    return token.user
