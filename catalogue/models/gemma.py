"""The GEMMA reference architecture: its elements and the relations between them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base


class GemmaElement(Base):
    """An element of the GEMMA reference architecture, keeping its Archi id and Object ID."""

    __tablename__ = "gemma_element"
    __table_args__ = (UniqueConstraint("kind", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gemma_id: Mapped[str] = mapped_column(String(100), unique=True)
    object_id: Mapped[str | None] = mapped_column(String(100), default=None)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    toelichting: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str | None] = mapped_column(String(100), default=None)
    category: Mapped[str | None] = mapped_column(String(300), default=None)
    # Everything else GEMMA says about the element (bbn, biv, url, beheerder, versie, ...).
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class GemmaRelation(Base):
    """A relation between two GEMMA elements, as in the model or derived from it."""

    __tablename__ = "gemma_relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("gemma_element.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("gemma_element.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(50), default=None)
    label: Mapped[str | None] = mapped_column(Text, default=None)
    via_id: Mapped[int | None] = mapped_column(ForeignKey("gemma_element.id"), default=None)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)

    source: Mapped[GemmaElement] = relationship(foreign_keys=[source_id])
    target: Mapped[GemmaElement] = relationship(foreign_keys=[target_id])
    via: Mapped[GemmaElement | None] = relationship(foreign_keys=[via_id])
