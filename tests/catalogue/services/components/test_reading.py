"""``result_cards``: the facts a search result shows, read in one statement sent as the driver
takes it, and ``CardCache``, which keeps them for the catalogue's generation, on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from catalogue.models import Component
from catalogue.services.components import (
    CardCache,
    get_component,
    main_reference_component,
    result_cards,
)
from tests.factories import make_component

pytestmark = pytest.mark.both_backends


@pytest.mark.parametrize("count", [1, 2, 7, 20])
def test_result_cards_are_the_components_own_facts(session: Any, count: int) -> None:
    """Whatever the number of slugs (each count its own compiled statement), every card holds
    the component's status and licence (None when unknown) and its main reference component;
    a slug no component has gets no card."""
    components = list(session.scalars(select(Component).order_by(Component.slug)))
    chosen = components[:: max(1, len(components) // count)][:count]
    assert len(chosen) == count
    slugs = [c.slug for c in chosen] + ["geen-component-met-deze-naam"]
    cards = result_cards(session, slugs)
    assert set(cards) == {c.slug for c in chosen}
    for component in chosen:
        card = cards[component.slug]
        assert card.development_status == component.development_status
        assert card.license == component.license
        reference = main_reference_component(component)
        expected = None if reference is None else (reference.slug, reference.name)
        assert card.reference_component == expected, component.slug
    if count == 20:
        assert any(card.reference_component for card in cards.values()), "a linked one too"


def test_result_cards_see_what_the_session_has_not_flushed(session: Any) -> None:
    """As the ORM would: a change pending in the session is flushed before the read."""
    component = session.scalars(select(Component).order_by(Component.slug)).first()
    component.license = "MIT-0"
    assert result_cards(session, [component.slug])[component.slug].license == "MIT-0"
    session.rollback()


def _statements(session: Any) -> list[str]:
    """The SQL statements this session's engine runs from now on (a list that grows)."""
    seen: list[str] = []
    engine = session.get_bind()

    def record(*arguments: Any) -> None:
        seen.append(arguments[2])

    event.listen(engine, "before_cursor_execute", record)
    return seen


def test_kept_cards_are_the_same_cards_and_cost_no_statement(session: Any) -> None:
    """The second page asking for the same components reads nothing but the generation."""
    slugs = list(session.scalars(select(Component.slug).order_by(Component.slug).limit(20)))
    cache = CardCache(100)
    assert cache.cards(session, slugs) == result_cards(session, slugs)
    session.commit()  # a new transaction, as the next request has
    seen = _statements(session)
    again = cache.cards(session, [*reversed(slugs), "geen-component-met-deze-naam"])
    read = list(seen)
    assert again == result_cards(session, slugs)
    # The generation, and the cards of the one slug it could not find (none has it).
    assert len(read) == 2
    assert "catalogue_state" in read[0]
    assert "geen-component-met-deze-naam" not in read[1]  # bound, not inlined
    assert read[1].count("?") + read[1].count("%(") == 1


def test_a_change_to_the_catalogue_drops_the_kept_cards(app: Any) -> None:
    database = app.extensions["catalogue_db"]
    cache = CardCache(100)
    with database.session() as session:
        slug = make_component(session, license="EUPL-1.2").slug
        session.commit()
    with database.session() as session:
        assert cache.cards(session, [slug])[slug].license == "EUPL-1.2"
    with database.session() as session:
        get_component(session, slug).license = "MIT"
        session.commit()
    with database.session() as session:
        assert cache.cards(session, [slug])[slug].license == "MIT"


def test_cards_read_in_a_changing_transaction_are_not_kept(app: Any) -> None:
    """A change that is rolled back leaves the generation where it was; the next change raises
    it to the number the rolled-back one had. A card kept from the rolled-back transaction
    would then be served as current."""
    database = app.extensions["catalogue_db"]
    cache = CardCache(100)
    with database.session() as session:
        slug = make_component(session, license="EUPL-1.2").slug
        other = make_component(session).slug
        session.commit()
    with database.session() as session:
        get_component(session, slug).license = "MIT"
        assert cache.cards(session, [slug])[slug].license == "MIT"
        session.rollback()
    with database.session() as session:
        get_component(session, other).software_version = "2.0"
        session.commit()
    with database.session() as session:
        assert cache.cards(session, [slug])[slug].license == "EUPL-1.2"


def test_the_card_cache_keeps_at_most_its_size(session: Any) -> None:
    slugs = list(session.scalars(select(Component.slug).order_by(Component.slug).limit(5)))
    cache = CardCache(3)
    assert set(cache.cards(session, slugs)) == set(slugs)
    assert len(cache) == 3
