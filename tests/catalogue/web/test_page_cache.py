"""Cached pages never outlive the data they show."""

from __future__ import annotations

from typing import Any

from catalogue.services.components import apply_document, document_of, get_component
from catalogue.services.state import current_generation
from tests.factories import make_component


def _rename(app: Any, slug: str, name: str) -> None:
    with app.extensions["catalogue_db"].session() as session:
        document = document_of(get_component(session, slug))
        apply_document(session, {**document, "name": name}, source_ref="test")


def _made(app: Any) -> str:
    """The slug of a component made through the factory and committed."""
    with app.extensions["catalogue_db"].session() as session:
        return make_component(session).slug


def test_a_change_shows_at_once_on_a_cached_page(app: Any, client: Any) -> None:
    first = client.get("/componenten/open-notificaties").get_data(as_text=True)
    assert client.get("/componenten/open-notificaties").get_data(as_text=True) == first
    _rename(app, "open-notificaties", "Open Notificaties Hernoemd")
    assert "Open Notificaties Hernoemd" in client.get("/componenten/open-notificaties").get_data(
        as_text=True
    )
    # The search page and the pages of other components are stale too, and are rebuilt.
    assert "Open Notificaties Hernoemd" in client.get("/componenten/open-zaak").get_data(
        as_text=True
    )


def test_every_catalogue_flush_raises_the_generation(app: Any) -> None:
    made = _made(app)
    with app.extensions["catalogue_db"].session() as session:
        before = current_generation(session)
        name = get_component(session, made).name
    _rename(app, made, name)  # same name, but the row is written
    with app.extensions["catalogue_db"].session() as session:
        after = current_generation(session)
        session.rollback()
    assert after > before


def test_a_rolled_back_change_leaves_the_generation(app: Any) -> None:
    made = _made(app)
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        before = current_generation(session)
    session = database.session_factory()
    try:
        component = get_component(session, made)
        component.software_version = "rolled back"
        session.flush()
        session.rollback()
    finally:
        session.close()
    with database.session() as check:
        assert current_generation(check) == before


def test_anonymous_pages_carry_no_csrf_token(app: Any, client: Any) -> None:
    made = _made(app)
    html = client.get(f"/componenten/{made}").get_data(as_text=True)
    assert 'name="csrf-token"' not in html
    assert "Set-Cookie" not in client.get(f"/componenten/{made}").headers


def test_cache_can_be_switched_off(app_factory: Any, database_url: str, tmp_path: Any) -> None:
    app = app_factory(database_url, tmp_path, PAGE_CACHE_SIZE=0)
    try:
        assert "catalogue_page_cache" not in app.extensions
        response = app.test_client().get(f"/componenten/{_made(app)}")
        assert response.status_code == 200
        # Uncached, the anonymous page is still the same page for every reader: no token of
        # its own, no session cookie to hold one.
        assert 'name="csrf-token"' not in response.get_data(as_text=True)
        assert "Set-Cookie" not in response.headers
        # A page that is not a shared public page still gets the reader's token.
        assert 'name="csrf-token"' in app.test_client().get("/login").get_data(as_text=True)
    finally:
        app.extensions["catalogue_db"].dispose()


def test_a_signed_in_reader_neither_fills_nor_reads_the_cache(app: Any, client: Any) -> None:
    from catalogue.models import Role
    from tests.accounts import make_account, sign_in

    made = _made(app)
    member = sign_in(app.test_client(), make_account(app, Role.MAINTAINER))
    private = member.get(f"/componenten/{made}").get_data(as_text=True)
    assert 'name="csrf-token"' in private
    public = client.get(f"/componenten/{made}").get_data(as_text=True)
    assert 'name="csrf-token"' not in public
    # The anonymous page is now cached; the member still gets their own page.
    assert 'name="csrf-token"' in member.get(f"/componenten/{made}").get_data(as_text=True)


def test_a_gemma_change_shows_at_once_in_a_graph(app: Any, client: Any) -> None:
    """The graph reads GEMMA's relations once per generation; a change is a new generation."""
    from sqlalchemy import select

    from catalogue.models import GemmaElement
    from catalogue.services.graphs import component_graph

    database = app.extensions["catalogue_db"]
    with database.session() as session:
        graph = component_graph(session, "open-zaak")
    needed = next(e for e in graph.edges if e.kind == "depends_on")
    old_name = graph.node(needed.target).label
    assert old_name in client.get("/componenten/open-zaak").get_data(as_text=True)
    with database.session() as session:
        element = session.scalar(
            select(GemmaElement).where(GemmaElement.gemma_id == needed.target[2:])
        )
        element.name = "Hernoemde GEMMA-voorziening"
    html = client.get("/componenten/open-zaak").get_data(as_text=True)
    assert "Hernoemde GEMMA-voorziening" in html
    with database.session() as session:
        renamed = component_graph(session, "open-zaak")
    assert renamed.node(needed.target).label == "Hernoemde GEMMA-voorziening"
