"""The audit log: logins, failed logins, role changes, approvals and token use.

Writing an event never checks permissions (anything may be logged); reading the log does.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import AuditEvent, User
from catalogue.services.permissions import Permission, require


class AuditKind(enum.StrEnum):
    """The events we log."""

    REGISTERED = "registered"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    TOTP_FAILED = "totp_failed"
    TOTP_ENABLED = "totp_enabled"
    ROLE_CHANGED = "role_changed"
    ACCOUNT_CHANGED = "account_changed"
    USER_CREATED = "user_created"
    TOKEN_CREATED = "token_created"  # noqa: S105 - a name or message, not a secret
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 - a name or message, not a secret
    TOKEN_USED = "token_used"  # noqa: S105 - a name or message, not a secret
    TOKEN_REFUSED = "token_refused"  # noqa: S105 - a name or message, not a secret
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_RESOLVED = "dispute_resolved"
    ORGANISATION_CHANGED = "organisation_changed"
    MERGED = "merged"
    PASSWORD_RESET_ASKED = "password_reset_asked"  # noqa: S105 - a name or message, not a secret
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a name or message, not a secret
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a name or message, not a secret
    MEMBER_CONFIRMED = "member_confirmed"
    MEMBER_REFUSED = "member_refused"
    MEMBER_REMOVED = "member_removed"
    SESSIONS_ENDED = "sessions_ended"
    REGISTERED_AGAIN = "registered_again"  # someone registered with an address that has an account


def record(
    session: Session,
    kind: AuditKind,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    subject: str | None = None,
    detail: Mapping[str, Any] | None = None,
    remote_addr: str | None = None,
) -> AuditEvent:
    """Add one event to the log (flushed with the rest of the unit of work).

    What someone typed is logged as typed, but for NUL, which PostgreSQL cannot store: the
    event must never fail because the input was hostile.
    """
    event = AuditEvent(
        kind=str(kind),
        actor_id=actor.id if actor is not None else None,
        # The audit log is private (admins only): it names accounts by e-mail address.
        actor_label=_storable(actor.email if actor is not None else actor_label or None),
        subject=_storable((subject or None) and str(subject)[:300]),
        detail=dict(detail or {}),
        remote_addr=(remote_addr or None) and str(remote_addr)[:64],
    )
    if event.actor_label:
        event.actor_label = event.actor_label[:300]
    session.add(event)
    return event


def _storable(text: str | None) -> str | None:
    return text.replace("\x00", "\ufffd") if text else text


def recent(
    session: Session, *, actor: User, kind: str | None = None, limit: int = 200
) -> list[AuditEvent]:
    """The latest events, newest first; admins only."""
    require(actor, Permission.VIEW_AUDIT)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(limit, 1000)))
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return list(session.scalars(query))
