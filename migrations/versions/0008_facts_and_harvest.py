"""facts and harvest: derived facts with evidence, harvest sources, runs and a lock

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 00:40:00

``derived_fact`` keeps a fact derived from evidence (rule, URL, commit, excerpt, date) apart from
the stated facts on ``component``. ``harvest_source`` remembers ETag / Last-Modified and the last
status per publiccode.yml URL; ``harvest_run`` is the record of every run; ``harvest_lock`` holds
at most one row, so a second concurrent run refuses.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "derived_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("fact", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("evidence_url", sa.String(length=500), nullable=False),
        sa.Column("evidence_commit", sa.String(length=64), nullable=True),
        sa.Column("evidence_path", sa.String(length=300), nullable=True),
        sa.Column("evidence_excerpt", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("derived_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["component.id"],
            name=op.f("fk_derived_fact_component_id_component"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_derived_fact")),
        sa.UniqueConstraint(
            "component_id", "fact", "rule", name=op.f("uq_derived_fact_component_id")
        ),
    )
    with op.batch_alter_table("derived_fact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_derived_fact_component_id"), ["component_id"], unique=False
        )

    op.create_table(
        "harvest_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("registered_by", sa.String(length=16), nullable=False),
        sa.Column("listed_as", sa.String(length=300), nullable=True),
        sa.Column("component_id", sa.Integer(), nullable=True),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_errors", sa.JSON(), nullable=False),
        sa.Column("last_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("missing_since", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["component.id"],
            name=op.f("fk_harvest_source_component_id_component"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_source")),
        sa.UniqueConstraint("url", name=op.f("uq_harvest_source_url")),
    )
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_harvest_source_component_id"), ["component_id"], unique=False
        )

    op.create_table(
        "harvest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sources_file", sa.Text(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("budget_exhausted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_run")),
    )

    op.create_table(
        "harvest_lock",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_harvest_lock")),
    )


def downgrade() -> None:
    op.drop_table("harvest_lock")
    op.drop_table("harvest_run")
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_source_component_id"))
    op.drop_table("harvest_source")
    with op.batch_alter_table("derived_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_derived_fact_component_id"))
    op.drop_table("derived_fact")
