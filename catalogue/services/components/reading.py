"""Reading components: one by slug or URL, lists, the search result cards, counts."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, selectinload

from catalogue.errors import ErrorCode, FieldError, NotFound
from catalogue.models import (
    Component,
    ComponentDescription,
    ComponentRequirement,
    ComponentStandard,
    GemmaElement,
    ImportRecord,
    Offer,
    Organisation,
    Realisation,
    RealisationBasis,
    Usage,
)
from catalogue.services.state import changed_here, current_generation
from catalogue.text import normalise_repository_url


def get_component(session: Session, slug: str) -> Component:
    """One component by slug with everything its page shows, or NotFound."""
    component = session.scalar(
        select(Component)
        .where(Component.slug == slug)
        .options(
            selectinload(Component.descriptions),
            selectinload(Component.contractors),
            selectinload(Component.contacts),
            selectinload(Component.software_dependencies),
            selectinload(Component.requirements).selectinload(
                ComponentRequirement.required_component
            ),
            selectinload(Component.required_by).selectinload(ComponentRequirement.component),
            selectinload(Component.standards).selectinload(ComponentStandard.standard),
            selectinload(Component.realisations).selectinload(Realisation.reference_component),
            selectinload(Component.offers).selectinload(Offer.supplier),
            selectinload(Component.usages).selectinload(Usage.organisation),
            selectinload(Component.maintaining_organisation),
        )
    )
    if component is None:
        raise NotFound(FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=slug))
    return component


def find_by_url(session: Session, url: str) -> Component | None:
    """The component whose repository URL has the same identity as ``url``."""
    return session.scalar(select(Component).where(Component.url == normalise_repository_url(url)))


def list_components(
    session: Session, *, q: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[Component], int]:
    """Components by name, optionally filtered by a plain text match, with the total count."""
    query = select(Component)
    if q:
        pattern = f"%{q.strip().lower()}%"
        matching_descriptions = select(ComponentDescription.component_id).where(
            func.lower(ComponentDescription.short_description).like(pattern)
        )
        query = query.where(
            or_(func.lower(Component.name).like(pattern), Component.id.in_(matching_descriptions))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Component.descriptions), selectinload(Component.realisations))
        .order_by(func.lower(Component.name))
        .offset((max(page, 1) - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total


def components_by_slugs(session: Session, slugs: list[str]) -> list[Component]:
    """The components with these slugs, in the same order; unknown slugs are skipped."""
    rows = {
        c.slug: c
        for c in session.scalars(
            select(Component)
            .where(Component.slug.in_(slugs))
            .options(selectinload(Component.descriptions), selectinload(Component.realisations))
        )
    }
    return [rows[slug] for slug in slugs if slug in rows]


@dataclass(frozen=True)
class ResultCard:
    """What a search result shows besides its name and snippet: the development status and
    licence (None when no source gives them: the page says "onbekend") and the main GEMMA
    reference component as (slug, name)."""

    development_status: str | None
    license: str | None
    reference_component: tuple[str, str] | None


# Which link to a reference component is the main one: the component's own word first, then a
# link made by hand with a reason, then one derived from an interface it provides.
_BASIS_ORDER: dict[str, int] = {
    RealisationBasis.DECLARED: 0,
    RealisationBasis.MANUAL: 1,
    RealisationBasis.DERIVED: 2,
}


def main_reference_component(component: Component) -> GemmaElement | None:
    """The reference component the component is best known to realise (see _BASIS_ORDER;
    ties by the order the links were made)."""
    if not component.realisations:
        return None
    main = min(
        component.realisations, key=lambda r: (_BASIS_ORDER.get(r.basis, len(_BASIS_ORDER)), r.id)
    )
    return main.reference_component


@functools.cache
def _result_cards_statement() -> Any:
    """The statement of :func:`result_cards`, built once (building it cost more than running
    it); the slugs are bound at execution."""
    return (
        select(
            Component.slug,
            Component.development_status,
            Component.license,
            Realisation.basis,
            Realisation.id,
            GemmaElement.slug,
            GemmaElement.name,
        )
        .outerjoin(Realisation, Realisation.component_id == Component.id)
        .outerjoin(GemmaElement, Realisation.reference_component_id == GemmaElement.id)
        .where(Component.slug.in_(bindparam("slugs", expanding=True)))
    )


@dataclass(frozen=True)
class _CardsSQL:
    """result_cards' statement as the driver takes it, for a number of slugs: its SQL text, and
    per placeholder (in order when the paramstyle is positional) which slug it takes."""

    sql: str
    slot: dict[str, int]
    order: tuple[str, ...] | None

    def bound(self, slugs: list[str]) -> Any:
        values = {name: slugs[index] for name, index in self.slot.items()}
        return values if self.order is None else tuple(values[name] for name in self.order)


# (dialect, driver, paramstyle, number of slugs) -> the statement expanded for them.
_CARDS_SQL: dict[tuple[str, str, str, int], _CardsSQL] = {}


def _cards_sql(dialect: Dialect, count: int) -> _CardsSQL:
    """:func:`_result_cards_statement` expanded for ``count`` slugs, compiled once per
    database, driver and count (a page asks for at most PER_PAGE): SQLAlchemy's execution of
    the cached statement cost more than the database's own work."""
    key = (dialect.name, dialect.driver, dialect.paramstyle, count)
    found = _CARDS_SQL.get(key)
    if found is None:
        expanded = (
            _result_cards_statement()
            .compile(dialect=dialect)
            .construct_expanded_state({"slugs": [str(index) for index in range(count)]})
        )
        found = _CARDS_SQL.setdefault(
            key,
            _CardsSQL(
                sql=expanded.statement,
                slot={name: int(value) for name, value in expanded.parameters.items()},
                order=tuple(expanded.positiontup) if expanded.positiontup is not None else None,
            ),
        )
    return found


def result_cards(session: Session, slugs: list[str]) -> dict[str, ResultCard]:
    """The result card of each component with one of these slugs, by slug (one statement)."""
    if not slugs:
        return {}
    if session.autoflush:
        # What the ORM's execution would do first.
        session.flush()
    connection = session.connection()
    statement = _cards_sql(connection.dialect, len(slugs))
    sql, parameters = statement.sql, statement.bound(slugs)
    # The outer joins leave the Realisation and GemmaElement columns None for a component
    # without links; the driver's rows say nothing of types, hence the cast.
    rows = cast(
        "Iterable[tuple[str, str | None, str | None, str | None, int | None, str | None, str | None]]",
        connection.exec_driver_sql(sql, parameters),
    )
    facts: dict[str, tuple[str | None, str | None]] = {}
    main: dict[str, tuple[tuple[int, int], tuple[str, str]]] = {}
    for slug, status, license_, basis, realisation_id, reference_slug, name in rows:
        facts[slug] = (status, license_)
        # No link: the outer joins make these four None together (none is nullable in its table).
        if realisation_id is None or basis is None or reference_slug is None or name is None:
            continue
        rank = (_BASIS_ORDER.get(basis, len(_BASIS_ORDER)), realisation_id)
        if slug not in main or rank < main[slug][0]:
            main[slug] = (rank, (reference_slug, name))
    return {
        slug: ResultCard(
            development_status=status,
            license=license_,
            reference_component=main[slug][1] if slug in main else None,
        )
        for slug, (status, license_) in facts.items()
    }


class CardCache:
    """Result cards kept between requests for the catalogue's generation: a search page shows
    20 of them, and the same components come back in search after search (a URL's page is not
    kept here; the page cache does that, per URL).

    Keyed by slug. Every card is dropped at once when the generation moves on (any change to the
    catalogue raises it, catalogue/services/state.py), so a card is never older than the
    generation it is served with. Bounded: least recently used goes first. Thread-safe. Cards
    read in a transaction that changes the catalogue are not kept (it may yet roll back).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._generation: int | None = None
        self._cards: OrderedDict[str, ResultCard] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._cards)

    def cards(self, session: Session, slugs: list[str]) -> dict[str, ResultCard]:
        """As :func:`result_cards`, reading only the cards not kept (none read when all are)."""
        if not slugs:
            return {}
        if changed_here(session):
            return result_cards(session, slugs)
        generation = current_generation(session)
        found: dict[str, ResultCard] = {}
        with self._lock:
            if generation != self._generation:
                self._cards.clear()
                self._generation = generation
            for slug in slugs:
                card = self._cards.get(slug)
                if card is not None:
                    self._cards.move_to_end(slug)
                    found[slug] = card
        missing = [slug for slug in dict.fromkeys(slugs) if slug not in found]
        if missing:
            read = result_cards(session, missing)
            found.update(read)
            with self._lock:
                if generation == self._generation:
                    self._cards.update(read)
                    while len(self._cards) > self.size:
                        self._cards.popitem(last=False)
        return found


def components_by_name(session: Session) -> dict[str, Component]:
    """Every component keyed by its lowercased name and each lowercased alias."""
    found: dict[str, Component] = {}
    for component in session.scalars(select(Component)):
        for name in [component.name, *(component.aliases or [])]:
            found.setdefault(str(name).lower(), component)
    return found


def counts(session: Session) -> dict[str, int]:
    """Headline numbers for the home page."""
    return {
        "components": session.scalar(select(func.count(Component.id))) or 0,
        "organisations": session.scalar(select(func.count(Organisation.id))) or 0,
        "usages": session.scalar(select(func.count(Usage.id))) or 0,
    }


def latest_import(component: Component) -> ImportRecord | None:
    """The last publiccode.yml import of this component, if any."""
    return component.import_records[-1] if component.import_records else None
