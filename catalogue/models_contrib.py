"""Typed models of contributing: accounts, tokens, the audit log, submissions, reviews, revisions
and disputes.

They share :class:`catalogue.models.Base` (and so its naming convention and metadata) but live
in their own module so the catalogue's models stay about the catalogue. Invariants only: no
queries, no Flask. ``User`` offers the four members Flask-Login asks for as plain properties.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models import Base, Component, Organisation


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _nonce() -> str:
    return secrets.token_hex(16)


class Role(enum.StrEnum):
    """What an account may do; the permissions of each role are data in services/permissions.py."""

    MAINTAINER = "maintainer"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class OrgRole(enum.StrEnum):
    """What a *confirmed* member may do for their own organisation.

    Granted by an admin or by one of the organisation's beheerders, never chosen at
    registration. An unconfirmed account (``User.organisation_confirmed`` false) has none of
    these rights, whatever this column says.
    """

    VIEWER = "viewer"  # sees the organisation's private data, such as its landscape
    EDITOR = "editor"  # also changes that data
    BEHEERDER = "beheerder"  # "organisatiebeheerder": also confirms members and grants these roles


# Roles that can publish or manage must prove a second factor at every login.
TOTP_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


class SubmissionStatus(enum.StrEnum):
    """Where a submission is in its life."""

    CONCEPT = "concept"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    PUBLISHED = "published"


class SubmissionOrigin(enum.StrEnum):
    """How a submission came in."""

    FORM = "form"
    PUBLICCODE = "publiccode"
    API = "api"


class DisputeStatus(enum.StrEnum):
    """Where a dispute is: open, or resolved either way."""

    OPEN = "open"
    UPHELD = "upheld"  # the claim was wrong and is removed
    DISMISSED = "dismissed"  # the claim stays


class ClaimKind(enum.StrEnum):
    """The kinds of claim a municipality can dispute."""

    REFERENCE_COMPONENT = "reference_component"
    STANDARD = "standard"


def public_label(user_id: int | None, display_name: str | None, organisation: Any) -> str:
    """ "Name (Organisation)": how a person appears in public, by name and organisation."""
    name = (display_name or "").strip() or f"medewerker {user_id}"
    organisation_name = getattr(organisation, "name", None)
    return f"{name} ({organisation_name})" if organisation_name else name


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


class Submission(Base):
    """A proposed component document, from the form, a publiccode.yml or the API.

    ``document`` is the whole proposed component document (catalogue/documents.py).
    ``base_version`` is the component's version when the submission started: publishing when the
    component has changed since is a conflict, never a silent overwrite. ``version`` locks the
    submission itself against two people saving it at once.
    """

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(24), default=SubmissionStatus.CONCEPT, index=True)
    origin: Mapped[str] = mapped_column(String(16), default=SubmissionOrigin.FORM)
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("component.id", ondelete="SET NULL"), default=None, index=True
    )
    base_version: Mapped[int | None] = mapped_column(Integer, default=None)
    base_document: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A publiccode.yml as received (verbatim), its file name and its located issues.
    raw_text: Mapped[str | None] = mapped_column(Text, default=None)
    source_name: Mapped[str | None] = mapped_column(String(300), default=None)
    file_issues: Mapped[list[Any]] = mapped_column(default=list)
    # Document keys changed in the form after the file was read: their file issues are fixed.
    edited_fields: Mapped[list[Any]] = mapped_column(default=list)
    # Every account that changed the content: none of them may approve it (four eyes).
    editor_ids: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None, index=True
    )
    author_label: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), default=None, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    decided_by_label: Mapped[str | None] = mapped_column(String(300), default=None)
    # The reason given with a rejection or a request for changes; shown publicly for rejections.
    decision_reason: Mapped[str | None] = mapped_column(Text, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    component: Mapped[Component | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    organisation: Mapped[Organisation | None] = relationship()
    comments: Mapped[list[ReviewComment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="ReviewComment.id"
    )

    @property
    def title(self) -> str:
        """The proposed component's name."""
        return str(self.document.get("name") or "?")


class ReviewComment(Base):
    """A comment on a submission, or a note that goes with a step in its life (kind)."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    author_label: Mapped[str] = mapped_column(String(300))
    # "comment", or the step it goes with: submitted, published, rejected, changes_requested, ...
    kind: Mapped[str] = mapped_column(String(24), default="comment")
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    submission: Mapped[Submission] = relationship(back_populates="comments")


class Revision(Base):
    """One published change to a component: who, when, the diff, and where each value came from."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("component_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="SET NULL"), default=None
    )
    # What made it: a submission's origin, "dispute" or "merge".
    origin: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    author_label: Mapped[str | None] = mapped_column(String(300), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    approved_by_label: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # [[field, before, after], ...] as documents.diff returns it.
    changes: Mapped[list[Any]] = mapped_column(default=list)
    field_sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The whole document after the change (and for a merge, what was merged in).
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text, default=None)

    component: Mapped[Component] = relationship()
    submission: Mapped[Submission | None] = relationship()


class Dispute(Base):
    """A municipality disputes a component's claim to a reference component or a standard."""

    __tablename__ = "dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
    claim_kind: Mapped[str] = mapped_column(String(24))
    # The GEMMA id of the reference component, or the standard's GEMMA id or name.
    claim_ref: Mapped[str] = mapped_column(String(300))
    claim_label: Mapped[str] = mapped_column(String(300))
    # Who made the claim, as its source said when the dispute was opened.
    claim_source: Mapped[str | None] = mapped_column(Text, default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), default=None
    )
    raised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    raised_by_label: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DisputeStatus.OPEN, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    resolved_by_label: Mapped[str | None] = mapped_column(String(300), default=None)
    resolution: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    component: Mapped[Component] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


# The landscape's tables (h14) join Base.metadata wherever the contribution models do.
import catalogue.models_landscape  # noqa: E402, F401
