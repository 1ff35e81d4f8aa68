"""Organisations and the accounts of their people: users, memberships, API tokens, the audit log.

Invariants only: no queries, no Flask. ``User`` offers the four members Flask-Login asks for as
plain properties.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.enums import OrgRole, Role
from catalogue.models.base import Base, Sourced
from catalogue.models.base import now as _now

if TYPE_CHECKING:
    from catalogue.models.catalogue import Component, Offer, Usage


def _nonce() -> str:
    return secrets.token_hex(16)


# Roles that can publish or manage must prove a second factor at every login.
TOTP_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


def public_label(user_id: int | None, display_name: str | None, organisation: Any) -> str:
    """ "Name (Organisation)": how a person appears in public, by name and organisation."""
    name = (display_name or "").strip() or f"medewerker {user_id}"
    organisation_name = getattr(organisation, "name", None)
    return f"{name} ({organisation_name})" if organisation_name else name


class Organisation(Sourced, Base):
    """A municipality, supplier, foundation or other government body."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    cbs_code: Mapped[str | None] = mapped_column(String(10), unique=True, default=None)
    province: Mapped[str | None] = mapped_column(String(100), default=None)
    inhabitants: Mapped[int | None] = mapped_column(Integer, default=None)
    inhabitants_year: Mapped[int | None] = mapped_column(Integer, default=None)
    tooi_id: Mapped[str | None] = mapped_column(String(200), default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)

    usages: Mapped[list[Usage]] = relationship(back_populates="organisation")
    offers: Mapped[list[Offer]] = relationship(back_populates="supplier")
    maintained: Mapped[list[Component]] = relationship(back_populates="maintaining_organisation")


class User(Base):
    """An account. Belongs to one organisation and has one role."""

    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=Role.MAINTAINER)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # An admin confirmed that this person works for the organisation they registered with.
    organisation_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # What this member may do for that organisation once confirmed (OrgRole); see OrgRole.
    organisation_role: Mapped[str] = mapped_column(
        String(16), default=OrgRole.VIEWER, server_default=OrgRole.VIEWER.value
    )
    # The name shown in public with what this person did; the e-mail address never is.
    display_name: Mapped[str | None] = mapped_column(String(100), default=None)
    # When an admin or a beheerder last confirmed, refused or removed the membership; an
    # unconfirmed account without a decision is waiting for one.
    membership_decided_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    # The last TOTP time step accepted: a code is good once, so a seen code cannot be replayed.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, default=None)
    # Part of the session id: changing it (role change, deactivation) ends every session.
    session_nonce: Mapped[str] = mapped_column(String(32), default=_nonce)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # When the account last opened "Bijdragen": later comments and decisions are news (a badge).
    news_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    organisation: Mapped[Organisation] = relationship()
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.id"
    )

    # Flask-Login's user protocol, as plain properties.
    @property
    def is_authenticated(self) -> bool:
        """Every stored account is an authenticated user once loaded from a session."""
        return True

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in."""
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        """Never anonymous."""
        return False

    def get_id(self) -> str:
        """The session id: the account id and its current nonce."""
        return f"{self.id}:{self.session_nonce}"

    @property
    def needs_totp(self) -> bool:
        """True when a login must pass a TOTP code: required by the role, or switched on."""
        return self.role in TOTP_ROLES or self.totp_secret is not None

    @property
    def label(self) -> str:
        """How the account is named in public (history, sources, the API): never its e-mail.

        Its display name, or "medewerker <id>" without one, and its organisation. The private
        audit log names accounts by e-mail address (catalogue/services/audit.py).
        """
        return public_label(self.id, self.display_name, self.organisation)


class ApiToken(Base):
    """A personal API token. Only the SHA-256 of the token is stored; it is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so an owner can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    user: Mapped[User] = relationship(back_populates="tokens")


class AuditEvent(Base):
    """One security-relevant event: logins, failed logins, role changes, approvals, token use."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, index=True
    )
    kind: Mapped[str] = mapped_column(String(32), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    # Kept as text too, so the log still names the actor if the account goes.
    actor_label: Mapped[str | None] = mapped_column(String(300), default=None)
    subject: Mapped[str | None] = mapped_column(String(300), default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(64), default=None)
