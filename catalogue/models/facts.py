"""Models of facts with evidence and of the harvester (issue 11, sections 2 and 3).

``DerivedFact``: a fact the catalogue derived from evidence (a LICENSE file, release history, a
Helm chart), kept apart from the stated facts on :class:`~catalogue.models.catalogue.Component`
so that a stated fact always wins and the evidence stays visible.

``HarvestSource``, ``HarvestRun`` and ``HarvestLock``: the sources the harvester reads, one record
per run, and the lock that keeps two runs from racing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.enums import DerivedFactStatus, FactKind, HarvestSourceKind
from catalogue.models.base import Base
from catalogue.models.base import now as _now

if TYPE_CHECKING:
    from catalogue.models.catalogue import Component


class DerivedFact(Base):
    """One derived fact with its rule, its evidence and the date the evidence was read."""

    __tablename__ = "derived_fact"
    __table_args__ = (UniqueConstraint("component_id", "fact", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default=FactKind.DERIVED)
    fact: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(32))
    evidence_url: Mapped[str] = mapped_column(String(500))
    evidence_commit: Mapped[str | None] = mapped_column(String(64), default=None)
    evidence_path: Mapped[str | None] = mapped_column(String(300), default=None)
    evidence_excerpt: Mapped[str] = mapped_column(Text)
    # For release-history: the releases the rule read, newest first ({"tag", "date"}).
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    derived_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DerivedFactStatus.ACTIVE)
    source_ref: Mapped[str | None] = mapped_column(Text, default=None)

    component: Mapped[Component] = relationship()


class HarvestSource(Base):
    """One publiccode.yml URL the harvester reads, with what the last fetch said."""

    __tablename__ = "harvest_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    registered_by: Mapped[str] = mapped_column(String(16), default=HarvestSourceKind.OPERATOR)
    # The SOURCES.yaml entry that listed it (a url, or the github_org / gitlab_group expanded).
    listed_as: Mapped[str | None] = mapped_column(String(300), default=None)
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("component.id", ondelete="SET NULL"), default=None, index=True
    )
    etag: Mapped[str | None] = mapped_column(String(300), default=None)
    last_modified: Mapped[str | None] = mapped_column(String(100), default=None)
    last_status: Mapped[str | None] = mapped_column(String(16), default=None)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_errors: Mapped[list[Any]] = mapped_column(default=list)
    last_changed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )
    # Set when the file disappeared (404 / 410) after it had been found; nothing is deleted.
    missing_since: Mapped[dt.date | None] = mapped_column(Date, default=None)

    component: Mapped[Component | None] = relationship()


class HarvestRun(Base):
    """One run of the harvester: when, how, and what came of it."""

    __tablename__ = "harvest_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    sources_file: Mapped[str | None] = mapped_column(Text, default=None)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    results: Mapped[list[Any]] = mapped_column(default=list)
    budget_exhausted: Mapped[bool] = mapped_column(Boolean, default=False)


class HarvestLock(Base):
    """At most one row per name: whoever inserted it holds the lock (works across nodes)."""

    __tablename__ = "harvest_lock"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    pid: Mapped[int | None] = mapped_column(Integer, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
