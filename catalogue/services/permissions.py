"""Permissions are data: a StrEnum of what can be done and a table of which role may do it.

Every service that changes something calls :func:`require` first; every mutating web route is
decorated with ``requires(Permission.X)`` (catalogue/web/auth.py), and a test proves both.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Protocol

from catalogue.errors import ErrorCode, FieldError, NotAuthorized
from catalogue.models import OrgRole, Role


class Permission(enum.StrEnum):
    """Things an account can be allowed to do."""

    MANAGE_OWN_ACCOUNT = "account:manage"  # log out, TOTP, personal API tokens
    SUBMIT = "submission:create"  # start, edit and submit submissions
    EDIT_ANY_COMPONENT = "component:edit-any"  # propose changes to any organisation's component
    COMMENT = "submission:comment"  # comment on a submission one may see
    REVIEW = "submission:review"  # approve, reject, request changes
    DISPUTE = "dispute:create"  # dispute a claim (a municipality's account)
    RESOLVE_DISPUTE = "dispute:resolve"
    MANAGE_USERS = "user:manage"  # roles, activation, organisation of accounts
    MANAGE_ORGANISATIONS = "organisation:manage"
    MERGE = "catalogue:merge"  # merge duplicate components or organisations
    VIEW_AUDIT = "audit:view"
    # Open an organisation's landscape pages at all; *which* landscape is decided by confirmed
    # membership (is_confirmed_member) in catalogue/services/landscapes/, not by this role.
    USE_LANDSCAPE = "landscape:use"
    # Confirm, refuse or remove members: admins for every organisation, a confirmed beheerder
    # for their own (services check which organisation).
    CONFIRM_MEMBERS = "member:confirm"


_MAINTAINER = frozenset(
    {
        Permission.MANAGE_OWN_ACCOUNT,
        Permission.SUBMIT,
        Permission.COMMENT,
        Permission.DISPUTE,
        Permission.USE_LANDSCAPE,
    }
)
_REVIEWER = _MAINTAINER | {
    Permission.EDIT_ANY_COMPONENT,
    Permission.REVIEW,
    Permission.RESOLVE_DISPUTE,
}

ROLE_PERMISSIONS: Mapping[str, frozenset[Permission]] = {
    Role.MAINTAINER: _MAINTAINER,
    Role.REVIEWER: frozenset(_REVIEWER),
    Role.ADMIN: frozenset(Permission),
}


class Actor(Protocol):
    """What a permission check needs to know about who acts."""

    id: int
    role: str
    organisation_id: int
    active: bool
    organisation_confirmed: bool
    organisation_role: str


# What an account may do before an admin or a beheerder confirmed its organisation: manage
# itself and draft submissions that only it sees (and comment on those). Membership is granted,
# never claimed, so nothing that acts for the organisation is in here.
UNCONFIRMED_PERMISSIONS = frozenset(
    {Permission.MANAGE_OWN_ACCOUNT, Permission.SUBMIT, Permission.COMMENT}
)


def is_unconfirmed(actor: Actor | None) -> bool:
    """True for an account whose organisation nobody confirmed yet (admins vouch for themselves)."""
    return (
        actor is not None
        and actor.role != Role.ADMIN
        and not getattr(actor, "organisation_confirmed", False)
    )


def permissions_of(actor: Actor | None) -> frozenset[Permission]:
    """Everything ``actor`` may do; nothing for nobody or a deactivated account.

    An unconfirmed account keeps only :data:`UNCONFIRMED_PERMISSIONS` of its role; a confirmed
    beheerder may also confirm the members of their own organisation.
    """
    if actor is None or not getattr(actor, "active", False):
        return frozenset()
    granted = ROLE_PERMISSIONS.get(actor.role, frozenset())
    if is_unconfirmed(actor):
        return granted & UNCONFIRMED_PERMISSIONS
    if is_confirmed_member(actor, actor.organisation_id, at_least=OrgRole.BEHEERDER):
        return granted | {Permission.CONFIRM_MEMBERS}
    return granted


def has(actor: Actor | None, permission: Permission) -> bool:
    """True when ``actor`` holds ``permission``."""
    return permission in permissions_of(actor)


def require(
    actor: Actor | None, permission: Permission, *, organisation_id: int | None = None
) -> None:
    """Raise NotAuthorized unless ``actor`` holds ``permission``.

    With ``organisation_id``, the actor must also belong to that organisation, unless the role
    may act for any organisation (``EDIT_ANY_COMPONENT``).
    """
    if actor is None:
        raise NotAuthorized(FieldError(ErrorCode.LOGIN_REQUIRED))
    if not has(actor, permission):
        raise NotAuthorized(
            FieldError(ErrorCode.ROLE_MAY_NOT, role=str(actor.role), permission=permission.value)
        )
    if (
        organisation_id is not None
        and not has(actor, Permission.EDIT_ANY_COMPONENT)
        and not is_confirmed_member(actor, organisation_id)
    ):
        raise NotAuthorized(FieldError(ErrorCode.CONFIRMED_MEMBERS_ONLY))


def require_component_editor(actor: Actor | None, maintaining_organisation_id: int | None) -> None:
    """May ``actor`` propose changes to a component that this organisation maintains?

    Maintainers edit the components of their own organisation; a component that names no
    maintaining organisation is edited by reviewers and admins only.
    """
    require(actor, Permission.SUBMIT)
    if has(actor, Permission.EDIT_ANY_COMPONENT):
        return
    assert actor is not None  # noqa: S101 - require() above refused None
    if maintaining_organisation_id is None or actor.organisation_id != maintaining_organisation_id:
        raise NotAuthorized(FieldError(ErrorCode.OWN_ORGANISATION_COMPONENTS))
    if not is_confirmed_member(actor, maintaining_organisation_id):
        raise NotAuthorized(NOT_CONFIRMED)


NOT_CONFIRMED = FieldError(ErrorCode.MEMBERSHIP_NOT_CONFIRMED)


def acts_for(actor: Actor | None, organisation_id: int | None) -> bool:
    """True when ``actor`` may act for the organisation: a confirmed member of it."""
    return organisation_id is not None and is_confirmed_member(actor, organisation_id)


_ORG_RANK: Mapping[str, int] = {OrgRole.VIEWER: 1, OrgRole.EDITOR: 2, OrgRole.BEHEERDER: 3}


def is_confirmed_member(
    actor: Actor | None, organisation_id: int, *, at_least: OrgRole = OrgRole.VIEWER
) -> bool:
    """True when ``actor`` is a confirmed member of the organisation with at least that role.

    Membership is granted, never self-asserted: an account that registered under an
    organisation but was not confirmed by an admin or a beheerder is no member here.
    """
    if actor is None or not getattr(actor, "active", False):
        return False
    if actor.organisation_id != organisation_id or not actor.organisation_confirmed:
        return False
    # StrEnum members hash as their strings, so a plain column value looks up directly.
    return _ORG_RANK.get(actor.organisation_role, 0) >= _ORG_RANK[at_least]
