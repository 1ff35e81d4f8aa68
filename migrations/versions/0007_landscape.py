"""landscape: an organisation's own applications, in revisions, and members' iCalendar feeds

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:00:00

``landscape`` (one per organisation, optimistic lock in ``version``), ``landscape_revision``
(every saved state, never overwritten) and ``landscape_feed`` (hashed secrets of the members'
iCalendar addresses). See catalogue/models/landscape.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "landscape",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("current_revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_landscape_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landscape")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_landscape_organisation_id")),
    )
    op.create_table(
        "landscape_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("landscape_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applications", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_landscape_revision_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["landscape_id"],
            ["landscape.id"],
            name=op.f("fk_landscape_revision_landscape_id_landscape"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landscape_revision")),
        sa.UniqueConstraint(
            "landscape_id", "number", name=op.f("uq_landscape_revision_landscape_id")
        ),
    )
    op.create_table(
        "landscape_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_landscape_feed_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_landscape_feed_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_landscape_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_landscape_feed_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("landscape_feed")
    op.drop_table("landscape_revision")
    op.drop_table("landscape")
