"""Contributing: submissions, their review comments, published revisions and disputes.

Invariants only: no queries, no Flask.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.enums import DisputeStatus, SubmissionOrigin, SubmissionStatus
from catalogue.models.base import Base
from catalogue.models.base import now as _now

if TYPE_CHECKING:
    from catalogue.models.accounts import Organisation, User
    from catalogue.models.catalogue import Component


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
