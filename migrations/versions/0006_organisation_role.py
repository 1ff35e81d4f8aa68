"""accounts: the role a confirmed member holds in their own organisation

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 00:30:00

``user_account.organisation_role`` is one of ``viewer``, ``editor`` or ``beheerder``
(catalogue.models.OrgRole). It only counts once ``organisation_confirmed`` is true, and
only an admin or one of the organisation's beheerders may set either.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column(
                "organisation_role", sa.String(length=16), nullable=False, server_default="viewer"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("organisation_role")
