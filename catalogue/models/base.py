"""The declarative base every model shares, and the mixin of a sourced fact.

Models hold invariants only: no queries, no url_for, no request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from catalogue.enums import SourceKind

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a shared naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Sourced:
    """Mixin: where this fact came from."""

    source_kind: Mapped[str] = mapped_column(String(16), default=SourceKind.FILE)
    source_ref: Mapped[str | None] = mapped_column(Text, default=None)


def now() -> dt.datetime:
    """Now, in UTC: the default of every timestamp column."""
    return dt.datetime.now(dt.UTC)
