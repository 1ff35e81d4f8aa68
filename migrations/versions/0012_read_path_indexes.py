"""indexes on the foreign keys a component page reads by

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 04:40:00

A component page reads each of these tables by ``component_id`` (and the graph reads realisations
by reference component and requirements by the required component). Without an index each read
scans the table, so a page's time grew with the catalogue (issue 13, "fast without the page
cache"). Names follow the models' naming convention (``ix_<table>_<column>``).
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = [
    ("contractor", "component_id"),
    ("contact", "component_id"),
    ("software_dependency", "component_id"),
    ("component_requirement", "required_component_id"),
    ("component_standard", "component_id"),
    ("realisation", "reference_component_id"),
    ("usage", "component_id"),
    ("import_record", "component_id"),
]


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
