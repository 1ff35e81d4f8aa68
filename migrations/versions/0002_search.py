"""search: the outbox, and on PostgreSQL the full-text search documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00

``search_outbox`` exists on every database and is mapped in catalogue.models.

The PostgreSQL search documents live in their own schema ``search``, created only on PostgreSQL.
A separate schema keeps them out of the default schema that the ORM metadata describes, so
``alembic compare_metadata`` and the "same schema on both backends" test still see identical
tables on SQLite and PostgreSQL. The table is described with SQLAlchemy Core in
catalogue/search/postgres_backend.py (its own MetaData, not the ORM's).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEARCH_SCHEMA = "search"


def upgrade() -> None:
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=True),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {SEARCH_SCHEMA}")
    op.create_table(
        "component_document",
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        # Lowercased name and aliases, for the exact-name boost.
        sa.Column("exact", postgresql.ARRAY(sa.Text()), nullable=False),
        # The whole search document (texts and facet labels) as the mapper produced it.
        sa.Column("body", postgresql.JSONB(), nullable=False),
        # {facet: [value, ...]}: filtered with ?| and counted with jsonb_array_elements_text.
        sa.Column("facets", postgresql.JSONB(), nullable=False),
        # Weighted vector: Dutch configuration for names and Dutch texts, English for English.
        sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("component_id", name="pk_component_document"),
        schema=SEARCH_SCHEMA,
    )
    op.create_index(
        "ix_component_document_tsv",
        "component_document",
        ["tsv"],
        schema=SEARCH_SCHEMA,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_component_document_facets",
        "component_document",
        ["facets"],
        schema=SEARCH_SCHEMA,
        postgresql_using="gin",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA IF EXISTS {SEARCH_SCHEMA} CASCADE")
    op.drop_table("search_outbox")
