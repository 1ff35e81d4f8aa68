"""usage claims: the kind of claim and a short quote from its source

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:00:00

``usage.kind`` is "gebruikt" (the organisation uses the component) or "ontwikkeld in opdracht van"
(the organisation commissioned or funded its development; catalogue.models.UsageKind). Existing
claims were all statements of use, hence the server default. ``usage.quote`` holds a short
verbatim quote from the source of the claim.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="gebruikt")
        )
        batch.add_column(sa.Column("quote", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("usage") as batch:
        batch.drop_column("quote")
        batch.drop_column("kind")
