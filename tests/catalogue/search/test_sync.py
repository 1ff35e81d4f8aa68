"""Consistency: the outbox is written in the data's transaction; the single writer applies it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from catalogue.models import Component, Organisation, SearchOutbox
from catalogue.search import SearchService, get_service, sync
from catalogue.search.interfaces import SearchQuery
from catalogue.services.components import apply_document, document_of, get_component
from tests.factories import make_component


def _outbox(app: Any) -> list[tuple[int, str]]:
    with app.extensions["catalogue_db"].session() as session:
        rows = session.execute(
            select(SearchOutbox.component_id, SearchOutbox.operation).order_by(SearchOutbox.id)
        )
        return [tuple(row) for row in rows]


def _id(session: Any, slug: str) -> int:
    return session.scalar(select(Component.id).where(Component.slug == slug))


def _made(app: Any, service: SearchService | None = None, **overrides: Any) -> tuple[int, str]:
    """(id, slug) of a component made through the factory and committed. With ``service`` its
    outbox row is applied (the component is in the index); without, the row is dropped, so each
    test starts from an empty outbox."""
    with app.extensions["catalogue_db"].session() as session:
        component = make_component(session, **overrides)
        made = component.id, component.slug
    if service is not None:
        service.apply_outbox()
    with app.extensions["catalogue_db"].session() as session:
        session.execute(SearchOutbox.__table__.delete())
    return made


def _slugs(service: SearchService, q: str) -> list[str]:
    results = service.search(SearchQuery(q=q, per_page=100))
    assert not results.degraded
    return [hit.slug for hit in results.hits]


@pytest.mark.both_backends
def test_outbox_rows_are_written_in_the_same_transaction(manual_app: Any) -> None:
    made_id, made = _made(manual_app)
    database = manual_app.extensions["catalogue_db"]
    session = database.session_factory()
    try:
        component = session.scalar(select(Component).where(Component.slug == made))
        component.software_version = "9.9.9"
        session.flush()
        # Visible inside the transaction ...
        assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 1
        session.rollback()
    finally:
        session.close()
    # ... and gone with it.
    assert _outbox(manual_app) == []

    with database.session() as session:
        component_id = _id(session, made)
        get_component(session, made).software_version = "9.9.9"
    assert _outbox(manual_app) == [(component_id, "upsert")]


def test_changes_to_child_rows_and_shared_names_record_the_component(manual_app: Any) -> None:
    _, changed = _made(manual_app)
    _, deleted = _made(manual_app)
    database = manual_app.extensions["catalogue_db"]
    with database.session() as session:
        component = get_component(session, changed)
        component.description("nl").short_description = "Nieuwe tekst"
        changed_id = component.id
    assert _outbox(manual_app) == [(changed_id, "upsert")]

    with database.session() as session:
        session.execute(SearchOutbox.__table__.delete())
        maykin = session.scalar(select(Organisation).where(Organisation.slug == "maykin-media"))
        maykin.name = "Maykin"
        maintained = set(
            session.scalars(
                select(Component.id).where(Component.maintaining_organisation_id == maykin.id)
            )
        )
    assert {component_id for component_id, _ in _outbox(manual_app)} == maintained

    with database.session() as session:
        session.execute(SearchOutbox.__table__.delete())
        component = get_component(session, deleted)
        deleted_id = component.id
        session.delete(component)
    assert _outbox(manual_app) == [(deleted_id, "delete")]


def test_the_writer_applies_the_rows_and_deletes_them(
    manual_app: Any, manual: SearchService
) -> None:
    _, changed = _made(manual_app, manual)
    _, deleted = _made(manual_app, manual)
    _, renamed = _made(manual_app, manual, name="Kwartelkoning")
    database = manual_app.extensions["catalogue_db"]
    with database.session() as session:
        component = get_component(session, changed)
        component.description("nl").short_description = "Een waterpomptangetje voor de wijk"
        session.delete(get_component(session, deleted))
        apply_document(
            session,
            {**document_of(get_component(session, renamed)), "name": "Kwartelkoning Twee"},
            source_ref="test",
        )
    assert len(_outbox(manual_app)) == 3
    assert _slugs(manual, "waterpomptangetje") == []

    assert manual.apply_outbox() == 3
    assert _outbox(manual_app) == []
    assert _slugs(manual, "waterpomptangetje") == [changed]
    assert deleted not in _slugs(manual, "")
    assert _slugs(manual, "Kwartelkoning Twee")[0] == renamed
    assert manual.check().consistent


def test_after_commit_the_index_is_already_up_to_date(
    search_app: Any, indexed: SearchService
) -> None:
    _, made = _made(search_app)
    with search_app.extensions["catalogue_db"].session() as session:
        get_component(session, made).description("nl").short_description = "Fietsenstalling"
    assert _outbox(search_app) == []
    assert _slugs(indexed, "fietsenstalling") == [made]


def test_a_process_without_the_lock_leaves_its_rows_to_the_holder(
    search_app: Any, indexed: SearchService, tmp_path: Path
) -> None:
    _, made = _made(search_app)
    database = search_app.extensions["catalogue_db"]
    with sync.writer_lock(indexed.lock_path) as held:
        assert held
        with database.session() as session:
            get_component(session, made).description("nl").short_description = "Kruimeldief"
        # The commit's writer could not get the lock: the row waits, nothing is lost.
        assert len(_outbox(search_app)) == 1
        assert indexed.apply_outbox() == 0
    assert indexed.apply_outbox() == 1
    assert _slugs(indexed, "kruimeldief") == [made]


def test_rows_committed_while_the_writer_works_are_not_deleted_unapplied(
    manual_app: Any, manual: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first = _made(manual_app, manual)
    _, second = _made(manual_app, manual)
    database = manual_app.extensions["catalogue_db"]
    with database.session() as session:
        get_component(session, first).description("nl").short_description = "Eerste wijziging"
    original_index = manual.backend.index
    calls: list[int] = []

    def index_and_meanwhile_commit_another_change(documents: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            with database.session() as session:
                component = get_component(session, second)
                component.description("nl").short_description = "Tweede wijziging"
        original_index(documents)

    monkeypatch.setattr(manual.backend, "index", index_and_meanwhile_commit_another_change)
    manual.apply_outbox()
    # The second change arrived after the writer read its batch: it was applied in a later pass,
    # not deleted with the first batch.
    assert _outbox(manual_app) == []
    assert _slugs(manual, "eerste wijziging") == [first]
    assert _slugs(manual, "tweede wijziging") == [second]
    assert manual.check().consistent


def test_a_failing_index_never_fails_the_commit(
    search_app: Any, indexed: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_documents: Any) -> None:
        msg = "disk full"
        raise OSError(msg)

    _, made = _made(search_app)
    monkeypatch.setattr(indexed.backend, "index", broken)
    with search_app.extensions["catalogue_db"].session() as session:
        get_component(session, made).description("nl").short_description = "Bewaard"
    assert len(_outbox(search_app)) == 1  # kept for the next run
    monkeypatch.undo()
    assert get_service(search_app).apply_outbox() == 1
    assert _slugs(indexed, "bewaard") == [made]
