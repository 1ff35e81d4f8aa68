"""``result_cards``: the facts a search result shows, read in one statement sent as the driver
takes it, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from catalogue.models import Component
from catalogue.services.components import main_reference_component, result_cards

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
