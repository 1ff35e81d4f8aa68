"""Administration of accounts by an admin: the list, a role, activation and organisation."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.models import Organisation, Role, User
from catalogue.services import audit
from catalogue.services.accounts.common import _now, get_user
from catalogue.services.accounts.registration import ORGANISATION_UNKNOWN, ROLE_UNKNOWN
from catalogue.services.audit import AuditKind
from catalogue.services.permissions import Permission, require


def list_users(session: Session, *, actor: User) -> list[User]:
    """Every account, by e-mail address; admins only."""
    require(actor, Permission.MANAGE_USERS)
    return list(
        session.scalars(select(User).options(selectinload(User.organisation)).order_by(User.email))
    )


def change_role(
    session: Session, user_id: int, role: str, *, actor: User, remote_addr: str | None = None
) -> User:
    """Give an account another role. Its sessions end, so the new role starts at a new login."""
    require(actor, Permission.MANAGE_USERS)
    if role not in set(Role):
        raise ValidationError({"role": [ROLE_UNKNOWN]})
    user = get_user(session, user_id)
    if user.id == actor.id and role != Role.ADMIN:
        raise ValidationError({"role": [FieldError(ErrorCode.OWN_ADMIN_ROLE)]})
    before = user.role
    if before == role:
        return user
    user.role = str(role)
    user.session_nonce = secrets.token_hex(16)
    audit.record(
        session,
        AuditKind.ROLE_CHANGED,
        actor=actor,
        subject=user.email,
        detail={"from": before, "to": str(role)},
        remote_addr=remote_addr,
    )
    session.flush()
    return user


def update_account(
    session: Session,
    user_id: int,
    *,
    actor: User,
    active: bool | None = None,
    organisation_id: int | None = None,
    organisation_confirmed: bool | None = None,
    remote_addr: str | None = None,
) -> User:
    """Activate or deactivate an account, move it to another organisation, or confirm it."""
    require(actor, Permission.MANAGE_USERS)
    user = get_user(session, user_id)
    changes: dict[str, object] = {}
    if active is not None and active != user.active:
        if user.id == actor.id and not active:
            raise ValidationError({"active": [FieldError(ErrorCode.OWN_ACCOUNT_ACTIVE)]})
        user.active = active
        changes["active"] = active
    if organisation_id is not None and organisation_id != user.organisation_id:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise ValidationError({"organisation": [ORGANISATION_UNKNOWN]})
        user.organisation = organisation
        changes["organisation"] = organisation.slug
    if organisation_confirmed is not None and organisation_confirmed != user.organisation_confirmed:
        user.organisation_confirmed = organisation_confirmed
        user.membership_decided_at = _now()
        changes["organisation_confirmed"] = organisation_confirmed
    if changes:
        if "active" in changes or "organisation" in changes:
            user.session_nonce = secrets.token_hex(16)
        audit.record(
            session,
            AuditKind.ACCOUNT_CHANGED,
            actor=actor,
            subject=user.email,
            detail=changes,
            remote_addr=remote_addr,
        )
        session.flush()
    return user
