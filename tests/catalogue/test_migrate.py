"""Storage on SQLite and PostgreSQL: the migrations, the models, seeding, export and locking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.orm.exc import StaleDataError

from catalogue.db import Database
from catalogue.migrate import downgrade, upgrade
from catalogue.models import Base, Component, ImportRecord, Usage
from catalogue.services.components import apply_document, document_of, get_component
from catalogue.services.exporting import export, snapshot
from catalogue.services.seeding import read_catalogue_file, seed
from tests.conftest import ROOT
from tests.factories import make_component

DATA_DIR = ROOT / "data"

pytestmark = pytest.mark.both_backends


def _schema(database: Database) -> dict[str, Any]:
    """Tables, columns (generic type, nullability), unique constraints and foreign keys."""
    inspector = inspect(database.engine)
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        schema[table] = {
            "columns": {
                c["name"]: (
                    type(c["type"]).__visit_name__ if hasattr(c["type"], "__visit_name__") else "",
                    c["nullable"],
                )
                for c in inspector.get_columns(table)
            },
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
            "foreign_keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(table)
            ),
        }
    return schema


def test_migrations_build_the_models_schema(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        upgrade(database.engine)
        with database.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        tables = set(inspect(database.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        downgrade(database.engine)
        assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    finally:
        database.dispose()


def test_schema_is_the_same_on_both_backends(empty_postgres_url: str, tmp_path: Path) -> None:
    postgres = Database(empty_postgres_url)
    sqlite = Database(f"sqlite:///{tmp_path / 'compare.db'}")
    try:
        upgrade(postgres.engine)
        upgrade(sqlite.engine)
        pg_schema, lite_schema = _schema(postgres), _schema(sqlite)
        assert pg_schema.keys() == lite_schema.keys()
        for table in pg_schema:
            assert pg_schema[table]["columns"].keys() == lite_schema[table]["columns"].keys(), table
            nullability = {c: v[1] for c, v in pg_schema[table]["columns"].items()}
            assert nullability == {c: v[1] for c, v in lite_schema[table]["columns"].items()}, table
            assert pg_schema[table]["unique"] == lite_schema[table]["unique"], table
            assert pg_schema[table]["foreign_keys"] == lite_schema[table]["foreign_keys"], table
    finally:
        postgres.dispose()
        sqlite.dispose()


def _full_document() -> dict[str, Any]:
    """A document that uses every field, with hostile and non-ASCII text."""
    return {
        "slug": "proef-component",
        "name": "Proef <b>component</b> Súdwest",
        "aliases": ["Proef"],
        "url": "http://GitHub.com/example/proef.git",
        "landing_url": "https://example.org",
        "license": "EUPL-1.2",
        "development_status": "beta",
        "software_type": "standalone/web",
        "software_version": "1.2.3",
        "release_date": "2024-02-29",
        "platforms": ["web"],
        "categories": ["document-management"],
        "descriptions": {
            "nl": {
                "short_description": "Kort",
                "long_description": "<script>alert(1)</script>",
                "features": ["Zaken"],
            },
            "en": {"short_description": "Short"},
        },
        "maintenance": {
            "type": "contract",
            "contractors": [{"name": "Leverancier BV", "until": "2030-01-01"}],
            "contacts": [{"name": "Jan", "email": "jan@example.org", "phone": "0123"}],
        },
        "localisation": {"localisation_ready": True, "available_languages": ["nl", "en"]},
        "dependencies": [
            {"kind": "open", "name": "PostgreSQL", "version_min": "14", "optional": False}
        ],
        "common_ground_layer": "data",
        "technology_platform": "Django",
        "maintaining_organisation": "GM0363",
        "hosting_models": [{"model": "on-premise", "source": "test"}],
        "reference_components": [
            {
                "gemma_id": "id-a97b6545-d5a7-485d-9b13-3ce22db5b9cf",
                "name": "Zaakregistratiecomponent",
                "basis": "derived",
                "via_interface": {
                    "gemma_id": "id-cfb9872c-1a5d-468d-ab97-a90bbbaf4d0e",
                    "name": "Zaken API",
                },
                "source": "test",
            },
        ],
        "standards": [{"name": "Zaken API", "version": "1.4", "source": "test"}],
        "requires": [],
        "offers": [],
        "extra": {"x.y": [1, 2]},
        "source": "test",
    }


def test_a_document_survives_storage(app: Any) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        applied = apply_document(session, _full_document(), source_ref="test")
        assert applied.created
    with database.session() as session:
        component = get_component(session, "proef-component")
        stored = document_of(component)
    expected = _full_document()
    assert stored["url"] == "https://github.com/example/proef"
    assert stored["release_date"].isoformat() == expected["release_date"]
    assert stored["maintaining_organisation"] == "GM0363"
    for key in (
        "name",
        "aliases",
        "platforms",
        "categories",
        "license",
        "common_ground_layer",
        "technology_platform",
        "extra",
    ):
        assert stored[key] == expected[key], key
    assert stored["descriptions"]["nl"]["long_description"] == "<script>alert(1)</script>"
    assert stored["maintenance"]["contractors"][0]["until"].isoformat() == "2030-01-01"
    assert stored["reference_components"][0]["via_interface"]["name"] == "Zaken API"


def test_second_writer_gets_a_conflict_not_a_silent_overwrite(app: Any) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        made = make_component(session).slug
    first, second = database.session_factory(), database.session_factory()
    try:
        mine = first.scalar(select(Component).where(Component.slug == made))
        theirs = second.scalar(select(Component).where(Component.slug == made))
        mine.software_version = "mine"
        first.commit()
        theirs.software_version = "theirs"
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()
    with database.session() as session:
        assert get_component(session, made).software_version == "mine"


def test_seed_is_idempotent(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        upgrade(database.engine)
        with database.session() as session:
            report = seed(session, DATA_DIR)
        with database.session() as session:
            first = snapshot(session)
            imports = session.query(ImportRecord).count()
        with database.session() as session:
            seed(session, DATA_DIR)
        with database.session() as session:
            assert snapshot(session) == first
            assert session.query(ImportRecord).count() == imports
    finally:
        database.dispose()
    entries = read_catalogue_file(DATA_DIR / "components.yaml")["components"]
    assert report.components == len(entries) >= 40
    assert report.municipalities == 342


def test_export_then_seed_gives_the_same_catalogue(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    source = Database(database_url)
    target = Database(empty_database_url)
    try:
        with source.session() as session:
            export(session, tmp_path / "export", reference_dir=DATA_DIR)
            original = snapshot(session)
        upgrade(target.engine)
        with target.session() as session:
            seed(session, tmp_path / "export")
        with target.session() as session:
            copied = snapshot(session)
    finally:
        source.dispose()
        target.dispose()
    assert copied["organisations"] == original["organisations"]
    assert copied["usages"] == original["usages"]
    assert len(copied["components"]) == len(original["components"])
    for before, after in zip(original["components"], copied["components"], strict=True):
        assert after == before, before["slug"]


def test_usage_comes_only_from_the_claims_file(app: Any) -> None:
    import csv

    with (DATA_DIR / "municipalities" / "usage_claims.csv").open(encoding="utf-8") as handle:
        claims = {(row["municipality_code"], row["source"]) for row in csv.DictReader(handle)}
    with app.extensions["catalogue_db"].session() as session:
        usages = session.scalars(select(Usage)).all()
        stored = {(u.organisation.cbs_code, u.source_ref) for u in usages}
        assert all(u.source_kind == "claim" for u in usages)
    assert stored == claims


def test_migration_0013_keeps_a_rebase_note_as_its_fields_and_back(empty_database_url: str) -> None:
    """A rebase's stored English words become the field names; nothing else changes; and back."""
    from catalogue.models import ReviewComment, Submission

    database = Database(empty_database_url)
    old = {
        "rebased": "both changed: name, license",
        "empty": "",
        "comment": "both changed: a person wrote this",
        "unknown": "a note in another shape",
    }
    kinds = {"rebased": "rebased", "empty": "rebased", "comment": "comment", "unknown": "rebased"}
    try:
        upgrade(database.engine, "0012")
        with database.engine.begin() as connection:
            submission = connection.execute(
                Submission.__table__.insert().values(author_label="a", document={})
            ).inserted_primary_key[0]
            ids = {
                key: connection.execute(
                    ReviewComment.__table__.insert().values(
                        submission_id=submission, author_label="a", kind=kinds[key], body=body
                    )
                ).inserted_primary_key[0]
                for key, body in old.items()
            }

        def bodies() -> dict[str, str]:
            with database.engine.connect() as connection:
                rows = dict(connection.execute(select(ReviewComment.id, ReviewComment.body)).all())
            return {key: rows[ids[key]] for key in ids}

        upgrade(database.engine)
        assert bodies() == {**old, "rebased": "name, license"}
        downgrade(database.engine, "0012")
        assert bodies() == old
    finally:
        database.dispose()
