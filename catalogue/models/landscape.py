"""Typed models of an organisation's own application landscape: private to its confirmed members.

A landscape is a list of revisions; each revision keeps the whole list of applications as plain
data (``catalogue.ameff.Application.as_dict``), who saved it, how and when. Nothing is ever
overwritten: saving adds a revision. ``Landscape.version`` is the optimistic lock, as for
submissions. Invariants only: no queries, no Flask.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base
from catalogue.models.base import now as _now

if TYPE_CHECKING:
    from catalogue.models.accounts import Organisation


class Landscape(Base):
    """The landscape of one organisation; its content lives in its revisions."""

    __tablename__ = "landscape"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    # The number of the newest revision (0: none yet).
    current_revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    # Optimistic locking: a save based on an older version raises StaleDataError / Conflict.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship()
    revisions: Mapped[list[LandscapeRevision]] = relationship(
        back_populates="landscape",
        cascade="all, delete-orphan",
        order_by="LandscapeRevision.number",
    )


class LandscapeRevision(Base):
    """One saved state of a landscape: every application, who saved it, how and when."""

    __tablename__ = "landscape_revision"
    __table_args__ = (UniqueConstraint("landscape_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    landscape_id: Mapped[int] = mapped_column(ForeignKey("landscape.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # The member who saved it; None for the command line (someone with shell access).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), default=None)
    # How it came in: "import" (upload), "cli", "publish", "withdraw", "form".
    origin: Mapped[str] = mapped_column(String(16))
    # What changed, in words (for example "3 toegevoegd, 1 verwijderd" or the file name).
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Every application as plain data (catalogue.ameff.Application.as_dict()).
    applications: Mapped[list[Any]] = mapped_column(default=list)

    landscape: Mapped[Landscape] = relationship(back_populates="revisions")


class LandscapeFeed(Base):
    """A member's secret, revocable address of the iCalendar feed of notice deadlines.

    Only a hash of the secret is kept, as for API tokens.
    """

    __tablename__ = "landscape_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
