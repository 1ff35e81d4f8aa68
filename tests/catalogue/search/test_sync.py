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


def _outbox(app: Any) -> list[tuple[int, str]]:
    with app.extensions["catalogue_db"].session() as session:
        rows = session.execute(
            select(SearchOutbox.component_id, SearchOutbox.operation).order_by(SearchOutbox.id)
        )
        return [tuple(row) for row in rows]


def _id(session: Any, slug: str) -> int:
    return session.scalar(select(Component.id).where(Component.slug == slug))


def _slugs(service: SearchService, q: str) -> list[str]:
    results = service.search(SearchQuery(q=q, per_page=100))
    assert not results.degraded
    return [hit.slug for hit in results.hits]


@pytest.mark.both_backends
def test_outbox_rows_are_written_in_the_same_transaction(manual_app: Any) -> None:
    database = manual_app.extensions["catalogue_db"]
    session = database.session_factory()
    try:
        component = session.scalar(select(Component).where(Component.slug == "open-zaak"))
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
        open_zaak = _id(session, "open-zaak")
        get_component(session, "open-zaak").software_version = "9.9.9"
    assert _outbox(manual_app) == [(open_zaak, "upsert")]


def test_changes_to_child_rows_and_shared_names_record_the_component(manual_app: Any) -> None:
    database = manual_app.extensions["catalogue_db"]
    with database.session() as session:
        signalen = get_component(session, "signalen")
        signalen.description("nl").short_description = "Nieuwe tekst"
        signalen_id = signalen.id
    assert _outbox(manual_app) == [(signalen_id, "upsert")]

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
        kiss = get_component(session, "kiss")
        kiss_id = kiss.id
        session.delete(kiss)
    assert _outbox(manual_app) == [(kiss_id, "delete")]


def test_the_writer_applies_the_rows_and_deletes_them(
    manual_app: Any, manual: SearchService
) -> None:
    database = manual_app.extensions["catalogue_db"]
    with database.session() as session:
        component = get_component(session, "signalen")
        component.description("nl").short_description = "Een waterpomptangetje voor de wijk"
        session.delete(get_component(session, "kiss"))
        apply_document(
            session,
            {**document_of(get_component(session, "open-klant")), "name": "Open Klant Twee"},
            source_ref="test",
        )
    assert len(_outbox(manual_app)) == 3
    assert _slugs(manual, "waterpomptangetje") == []

    assert manual.apply_outbox() == 3
    assert _outbox(manual_app) == []
    assert _slugs(manual, "waterpomptangetje") == ["signalen"]
    assert "kiss" not in _slugs(manual, "")
    assert _slugs(manual, "Open Klant Twee")[0] == "open-klant"
    assert manual.check().consistent


def test_after_commit_the_index_is_already_up_to_date(
    search_app: Any, indexed: SearchService
) -> None:
    with search_app.extensions["catalogue_db"].session() as session:
        get_component(session, "open-zaak").description("nl").short_description = "Fietsenstalling"
    assert _outbox(search_app) == []
    assert _slugs(indexed, "fietsenstalling") == ["open-zaak"]


def test_a_process_without_the_lock_leaves_its_rows_to_the_holder(
    search_app: Any, indexed: SearchService, tmp_path: Path
) -> None:
    database = search_app.extensions["catalogue_db"]
    with sync.writer_lock(indexed.lock_path) as held:
        assert held
        with database.session() as session:
            get_component(session, "signalen").description("nl").short_description = "Kruimeldief"
        # The commit's writer could not get the lock: the row waits, nothing is lost.
        assert len(_outbox(search_app)) == 1
        assert indexed.apply_outbox() == 0
    assert indexed.apply_outbox() == 1
    assert _slugs(indexed, "kruimeldief") == ["signalen"]


def test_rows_committed_while_the_writer_works_are_not_deleted_unapplied(
    manual_app: Any, manual: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = manual_app.extensions["catalogue_db"]
    with database.session() as session:
        get_component(session, "signalen").description("nl").short_description = "Eerste wijziging"
    original_index = manual.backend.index
    calls: list[int] = []

    def index_and_meanwhile_commit_another_change(documents: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            with database.session() as session:
                component = get_component(session, "open-zaak")
                component.description("nl").short_description = "Tweede wijziging"
        original_index(documents)

    monkeypatch.setattr(manual.backend, "index", index_and_meanwhile_commit_another_change)
    manual.apply_outbox()
    # The second change arrived after the writer read its batch: it was applied in a later pass,
    # not deleted with the first batch.
    assert _outbox(manual_app) == []
    assert _slugs(manual, "eerste wijziging") == ["signalen"]
    assert _slugs(manual, "tweede wijziging") == ["open-zaak"]
    assert manual.check().consistent


def test_a_failing_index_never_fails_the_commit(
    search_app: Any, indexed: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_documents: Any) -> None:
        msg = "disk full"
        raise OSError(msg)

    monkeypatch.setattr(indexed.backend, "index", broken)
    with search_app.extensions["catalogue_db"].session() as session:
        get_component(session, "signalen").description("nl").short_description = "Bewaard"
    assert len(_outbox(search_app)) == 1  # kept for the next run
    monkeypatch.undo()
    assert get_service(search_app).apply_outbox() == 1
    assert _slugs(indexed, "bewaard") == ["signalen"]
