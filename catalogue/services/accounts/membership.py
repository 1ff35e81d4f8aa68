"""Membership of an organisation: an admin or a beheerder confirms, refuses or removes it.

Membership counts only once it is confirmed (``is_confirmed_member``).
"""

from __future__ import annotations

import enum

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from catalogue.errors import ErrorCode, FieldError, NotAuthorized, ValidationError
from catalogue.models import OrgRole, User
from catalogue.services import audit
from catalogue.services.accounts.common import _now, get_user
from catalogue.services.audit import AuditKind
from catalogue.services.permissions import Permission, has, require


class MembershipDecision(enum.StrEnum):
    """What an admin or a beheerder decides about an account's membership."""

    CONFIRM = "confirm"  # also: change a confirmed member's organisation role
    REFUSE = "refuse"  # a pending account is not a member
    REMOVE = "remove"  # a confirmed member is one no longer


ORG_ROLE_UNKNOWN = FieldError(ErrorCode.ORG_ROLE_UNKNOWN)
DECISION_UNKNOWN = FieldError(ErrorCode.DECISION_UNKNOWN)


def _members_query(actor: User) -> Select[User]:
    """Accounts whose membership ``actor`` may decide: all for an admin, else their organisation's."""
    require(actor, Permission.CONFIRM_MEMBERS)
    query = select(User).options(selectinload(User.organisation)).where(User.id != actor.id)
    if not has(actor, Permission.MANAGE_USERS):
        query = query.where(User.organisation_id == actor.organisation_id)
    return query


def pending_members(session: Session, *, actor: User) -> list[User]:
    """Accounts waiting for a decision about their membership, oldest first."""
    query = _members_query(actor).where(
        User.organisation_confirmed.is_(False),
        User.membership_decided_at.is_(None),
        User.active.is_(True),
    )
    return list(session.scalars(query.order_by(User.created_at, User.id)))


def confirmed_members(session: Session, *, actor: User) -> list[User]:
    """Confirmed members ``actor`` may change or remove."""
    query = _members_query(actor).where(User.organisation_confirmed.is_(True))
    return list(session.scalars(query.order_by(User.organisation_id, User.email)))


def decide_membership(
    session: Session,
    user_id: int,
    decision: str,
    *,
    actor: User,
    organisation_role: str = OrgRole.VIEWER,
    remote_addr: str | None = None,
) -> User:
    """Confirm, refuse or remove an account's membership of its organisation; audited.

    Admins decide for every organisation, a confirmed beheerder for their own. Nobody decides
    about their own account.
    """
    require(actor, Permission.CONFIRM_MEMBERS)
    if decision not in set(MembershipDecision):
        raise ValidationError({"decision": [DECISION_UNKNOWN]})
    if organisation_role not in set(OrgRole):
        raise ValidationError({"organisation_role": [ORG_ROLE_UNKNOWN]})
    user = get_user(session, user_id)
    if user.id == actor.id:
        raise NotAuthorized(FieldError(ErrorCode.OWN_MEMBERSHIP))
    if not has(actor, Permission.MANAGE_USERS) and user.organisation_id != actor.organisation_id:
        raise NotAuthorized(FieldError(ErrorCode.OWN_ORGANISATION_MEMBERS))
    before = {"confirmed": user.organisation_confirmed, "role": user.organisation_role}
    if decision == MembershipDecision.CONFIRM:
        user.organisation_confirmed = True
        user.organisation_role = str(organisation_role)
        kind = AuditKind.MEMBER_CONFIRMED
    else:
        if decision == MembershipDecision.REMOVE and not user.organisation_confirmed:
            raise ValidationError({"decision": [FieldError(ErrorCode.NOT_A_CONFIRMED_MEMBER)]})
        user.organisation_confirmed = False
        user.organisation_role = str(OrgRole.VIEWER)
        kind = (
            AuditKind.MEMBER_REFUSED
            if decision == MembershipDecision.REFUSE
            else AuditKind.MEMBER_REMOVED
        )
    user.membership_decided_at = _now()
    audit.record(
        session,
        kind,
        actor=actor,
        subject=user.email,
        detail={
            "organisation": user.organisation.slug if user.organisation else None,
            "before": before,
            "role": user.organisation_role,
        },
        remote_addr=remote_addr,
    )
    session.flush()
    return user
