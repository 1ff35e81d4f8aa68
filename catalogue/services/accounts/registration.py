"""Registration: a new account, and what happens when someone registers an address twice."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.models import Organisation, Role, User
from catalogue.services import audit
from catalogue.services.accounts.common import normalise_email
from catalogue.services.accounts.passwords import (
    PASSWORD_MAX_LENGTH,
    hash_password,
    password_problems,
)
from catalogue.services.audit import AuditKind
from catalogue.services.permissions import Permission, require

EMAIL_INVALID = FieldError(ErrorCode.EMAIL_INVALID)
EMAIL_TAKEN = FieldError(ErrorCode.EMAIL_TAKEN)
ORGANISATION_UNKNOWN = FieldError(ErrorCode.ORGANISATION_UNKNOWN)
ROLE_UNKNOWN = FieldError(ErrorCode.ROLE_UNKNOWN)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def registrable_organisations(session: Session) -> list[Organisation]:
    """The organisations an account can belong to, by name."""
    return list(session.scalars(select(Organisation).order_by(func.lower(Organisation.name))))


def register(
    session: Session,
    *,
    email: str,
    password: str,
    organisation_id: int | None,
    role: str = Role.MAINTAINER,
    actor: User | None = None,
    trusted: bool = False,
    display_name: str | None = None,
    remote_addr: str | None = None,
) -> User:
    """Create an account.

    Anyone may register as a maintainer. Any other role needs an admin (``actor``), or a trusted
    caller: the ``create-user`` command of someone with shell access.
    """
    if role != Role.MAINTAINER and not trusted:
        require(actor, Permission.MANAGE_USERS)
    errors: dict[str, list[str]] = {}
    address = normalise_email(email)
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        errors["email"] = [EMAIL_INVALID]
    elif session.scalar(select(User.id).where(User.email == address)) is not None:
        errors["email"] = [EMAIL_TAKEN]
    problems = password_problems(password, email=address)
    if problems:
        errors["password"] = problems
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None:
        errors["organisation"] = [ORGANISATION_UNKNOWN]
    if role not in set(Role):
        errors["role"] = [ROLE_UNKNOWN]
    if errors:
        if errors.get("email") == [EMAIL_TAKEN]:
            # As slow as a registration that succeeds, so timing does not tell either.
            hash_password(password[:PASSWORD_MAX_LENGTH])
        raise ValidationError(errors)
    user = User(
        email=address,
        password_hash=hash_password(password),
        role=str(role),
        organisation=organisation,
        display_name=(display_name or "").strip()[:100] or None,
        # Whoever creates an account by hand vouches for its organisation.
        organisation_confirmed=actor is not None or trusted,
    )
    session.add(user)
    session.flush()
    kind = AuditKind.REGISTERED if actor is None and not trusted else AuditKind.USER_CREATED
    audit.record(
        session,
        kind,
        actor=actor,
        actor_label=None if actor else address,
        subject=address,
        detail={"role": str(role), "organisation": organisation.slug if organisation else None},
        remote_addr=remote_addr,
    )
    return user


def note_existing_registration(
    session: Session, email: str, *, remote_addr: str | None = None
) -> User | None:
    """Someone registered with an address that has an account: log it for the account.

    The registration page answers as if it were new (no enumeration); the news belongs to the
    address's owner, so the caller e-mails it to the account it returns, where e-mail is set up.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)[:254]))
    if user is None:
        return None
    audit.record(
        session,
        AuditKind.REGISTERED_AGAIN,
        actor=user,
        subject=user.email,
        remote_addr=remote_addr,
    )
    return user
