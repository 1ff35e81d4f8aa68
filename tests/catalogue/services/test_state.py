"""The catalogue's generation, read per transaction."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.services.components import get_component
from catalogue.services.state import current_generation
from tests.factories import make_component


@pytest.mark.both_backends
def test_a_pending_change_raises_the_generation_before_it_is_read(app: Any) -> None:
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        slug = make_component(session).slug
    with database.session() as session:
        before = current_generation(session)
    session = database.session_factory()
    try:
        get_component(session, slug).software_version = "9.9"
        # Not flushed yet: reading the generation flushes first, as any query would.
        assert current_generation(session) == before + 1
        session.rollback()
    finally:
        session.close()
    with database.session() as session:
        assert current_generation(session) == before
