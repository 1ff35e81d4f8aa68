"""accounts: when the account last looked at the news on its submissions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 00:40:00

``user_account.news_seen_at`` is the moment the account last opened "Bijdragen". A review
comment or decision on one of its submissions after that moment counts as news, shown as a
badge in the navigation. Null means it never looked, so everything counts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("news_seen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("news_seen_at")
