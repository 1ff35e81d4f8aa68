"""a rebase's note stores the fields both sides changed, not an English sentence

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:40:00

A rebase leaves a note (``review_comment`` of kind ``rebased``) naming the fields that both the
submission and the published component changed. It was stored as English words
(``both changed: name, url``) and shown as such on Dutch pages; it now stores the field names
alone (``name, url``), and the page words them through gettext with each field's label.

Only notes of kind ``rebased`` that start with the old words change; any other body (a person's
comment, or a note in a shape we do not know) stays as it is. The downgrade puts the words back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PREFIX = "both changed: "
# What the note holds from now on: document keys, separated by ", ".
FIELDS = re.compile(r"[a-z_]+(?:, [a-z_]+)*")

comments = sa.table(
    "review_comment",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("body", sa.Text),
)


def _rewrite(change: Callable[[str], str | None]) -> None:
    """Give each rebase note the body ``change`` makes of it; None leaves it as it is."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(comments.c.id, comments.c.body).where(comments.c.kind == "rebased")
    ).all()
    for row_id, body in rows:
        new = change(body or "")
        if new is not None:
            connection.execute(comments.update().where(comments.c.id == row_id).values(body=new))


def _fields(body: str) -> str | None:
    fields = body.removeprefix(PREFIX)
    return fields if body.startswith(PREFIX) and FIELDS.fullmatch(fields) else None


def _words(body: str) -> str | None:
    return PREFIX + body if FIELDS.fullmatch(body) else None


def upgrade() -> None:
    _rewrite(_fields)


def downgrade() -> None:
    _rewrite(_words)
