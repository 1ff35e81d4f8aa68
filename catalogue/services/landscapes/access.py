"""Who may see and change a landscape: confirmed members of its organisation, nobody else.

To anyone else a landscape does not exist: the same NotFound whether or not there is one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, NotAuthorized, NotFound
from catalogue.models import Organisation, OrgRole, User
from catalogue.services import organisations
from catalogue.services.permissions import is_confirmed_member

# The same words for "none" and "not yours".
NO_LANDSCAPE = FieldError(ErrorCode.NO_LANDSCAPE)
ORGANISATION_KINDS = frozenset({"municipality", "government", "cooperation"})


def require_member(
    actor: User | None,
    organisation: Organisation,
    *,
    at_least: OrgRole = OrgRole.VIEWER,
    trusted: bool = False,
) -> None:
    """NotFound for anyone who is not a confirmed member; NotAuthorized for a viewer who writes."""
    if trusted:
        return
    if not is_confirmed_member(actor, organisation.id, at_least=OrgRole.VIEWER):
        raise NotFound(NO_LANDSCAPE)
    if not is_confirmed_member(actor, organisation.id, at_least=at_least):
        raise NotAuthorized(FieldError(ErrorCode.LANDSCAPE_EDITORS_ONLY))


def organisation_for(session: Session, code: str) -> Organisation:
    """The organisation by CBS code (GM0197) or slug; NotFound otherwise."""
    try:
        return organisations.resolve_organisation(session, code)
    except NotFound:
        raise NotFound(NO_LANDSCAPE) from None


def may_view(actor: User | None, organisation: Organisation) -> bool:
    """Whether ``actor`` sees this organisation's landscape (for links, not for guarding)."""
    return is_confirmed_member(actor, organisation.id)


def own_landscape_code(session: Session, actor: User | None) -> str | None:
    """The CBS code (or slug) of the actor's own organisation when they may see its landscape."""
    if actor is None or not is_confirmed_member(actor, actor.organisation_id):
        return None
    organisation = session.get(Organisation, actor.organisation_id)
    if organisation is None:
        return None
    return organisation.cbs_code or organisation.slug
