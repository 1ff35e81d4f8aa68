"""harden: who decided an account's membership, and who edited a submission

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 00:45:00

``user_account.membership_decided_at`` is set when an admin or a beheerder confirms, refuses
or removes a membership: an unconfirmed account without it is waiting (the pending list).
``submission.editor_ids`` lists every account that changed the submission's content, so nobody
approves what they changed themselves (four eyes). ``user_account.display_name`` is how a person
appears in public; e-mail addresses that earlier versions wrote into public labels, sources and
documents are replaced by "medewerker <id> (<organisation>)" (the audit log, which is private,
keeps them). Run ``catalogue reindex`` afterwards so the search index forgets them too.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


# Tables whose text may hold an account's e-mail address in public; the audit log is private.
PRIVATE_TABLES = {"user_account", "audit_event", "api_token", "alembic_version"}


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(
            sa.Column("membership_decided_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("display_name", sa.String(length=100), nullable=True))
    _replace_email_addresses()
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("editor_ids", sa.JSON(), nullable=False, server_default="[]"))
    # Until now the author was the only one who could have edited in their own name.
    submission = sa.table(
        "submission", sa.column("author_id", sa.Integer()), sa.column("editor_ids", sa.JSON())
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(submission.c.author_id).distinct()).all()
    for (author_id,) in rows:
        if author_id is not None:
            connection.execute(
                submission.update()
                .where(submission.c.author_id == author_id)
                .values(editor_ids=[author_id])
            )


def _replace_email_addresses() -> None:
    """Every account's address, wherever a public table holds it in text, becomes its label."""
    connection = op.get_bind()
    labels = {
        email: f"medewerker {user_id} ({name})" if name else f"medewerker {user_id}"
        for user_id, email, name in connection.execute(
            sa.text(
                "SELECT u.id, u.email, o.name FROM user_account u "
                "LEFT JOIN organisation o ON o.id = u.organisation_id"
            )
        )
    }
    if not labels:
        return
    metadata = sa.MetaData()
    metadata.reflect(connection)
    for table in metadata.sorted_tables:
        if table.name in PRIVATE_TABLES or len(table.primary_key.columns) != 1:
            continue
        key = next(iter(table.primary_key.columns))
        columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)]
        if not columns:
            continue
        for row in connection.execute(sa.select(key, *columns)):
            changes = {}
            for column in columns:
                value = row._mapping[column]
                if value is None:
                    continue
                loaded = isinstance(value, dict | list)
                text = json.dumps(value, ensure_ascii=False) if loaded else str(value)
                replaced = text
                for email, label in labels.items():
                    if email in replaced:
                        replaced = replaced.replace(
                            email, label if not loaded else label.replace('"', "")
                        )
                if replaced != text:
                    length = getattr(column.type, "length", None)
                    changes[column.name] = (
                        json.loads(replaced) if loaded else replaced[: length or None]
                    )
            if changes:
                connection.execute(table.update().where(key == row._mapping[key]).values(**changes))


def downgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("editor_ids")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("display_name")
        batch.drop_column("membership_decided_at")
