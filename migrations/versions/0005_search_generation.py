"""search: a generation number of the PostgreSQL search documents, and cheaper rows to rank

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 21:40:00

PostgreSQL only (like the search schema of 0002); nothing changes on SQLite.

* ``search.state`` holds one row whose ``generation`` a statement trigger raises before every
  INSERT, UPDATE, DELETE or TRUNCATE of ``search.component_document``, in the writing
  transaction. A reader that reads the generation in the same snapshot as the documents knows
  exactly which state of the table it saw, so the backend keeps what it derives from all
  documents (facet bit sets, labels, the spelling vocabulary) per generation and never serves it
  for another one. Raising it BEFORE the statement takes the row lock before any document row
  is locked, so concurrent writers queue on it instead of deadlocking.
* ``tsv``, ``name`` and ``exact`` stay in the row (STORAGE MAIN: compressed, or moved out,
  only when nothing else can go), ``body`` and ``facets`` go out of line first (STORAGE
  EXTERNAL): matching and ranking read ``tsv`` and ``exact`` of every matching row, and
  detoasting them from the TOAST table was most of their time. The existing rows are rewritten
  once so they take the new storage.
* The GIN index on ``facets`` goes: the backend filters and counts facets on its bit sets.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# What a search reads of every matching row stays in the row (MAIN: compressed, and moved out,
# only when nothing else is left to move); what it reads of the page of hits only, or not at
# all, goes out of line first (EXTERNAL: not compressed, so reading its keys stays cheap).
STORAGE = (
    ("tsv", "MAIN"),
    ("name", "MAIN"),
    ("exact", "MAIN"),
    ("body", "EXTERNAL"),
    ("facets", "EXTERNAL"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE search.state ("
        "id integer NOT NULL CONSTRAINT pk_state PRIMARY KEY CONSTRAINT ck_state_one CHECK (id = 1),"
        " generation bigint NOT NULL)"
    )
    op.execute("INSERT INTO search.state (id, generation) VALUES (1, 1)")
    op.execute(
        "CREATE FUNCTION search.raise_generation() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE search.state SET generation = generation + 1 WHERE id = 1; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER component_document_generation "
        "BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON search.component_document "
        "FOR EACH STATEMENT EXECUTE FUNCTION search.raise_generation()"
    )
    op.execute(
        "ALTER TABLE search.component_document "
        + ", ".join(f"ALTER COLUMN {column} SET STORAGE {storage}" for column, storage in STORAGE)
    )
    # New values (not the stored ones) are stored by the new rules.
    op.execute(
        "UPDATE search.component_document SET tsv = tsv || ''::tsvector, "
        "body = body || '{}'::jsonb, facets = facets || '{}'::jsonb, "
        "name = name || '', exact = exact || '{}'::text[]"
    )
    op.execute("DROP INDEX search.ix_component_document_facets")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_component_document_facets ON search.component_document USING gin (facets)"
    )
    op.execute(
        "ALTER TABLE search.component_document "
        + ", ".join(f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column, _ in STORAGE)
    )
    op.execute("DROP TRIGGER component_document_generation ON search.component_document")
    op.execute("DROP FUNCTION search.raise_generation()")
    op.execute("DROP TABLE search.state")
