"""The catalogue's generation: raised in the same transaction as every change, read per request.

Pages cached in memory are keyed by it (catalogue/web/page_cache.py), so no cached page outlives
the data it shows. Bulk UPDATE/DELETE statements bypass the ORM and therefore this counter too;
the seed and every service write through the ORM.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import CatalogueState

# Rows whose changes do not alter what a page shows; class names, so the contribution models
# (catalogue.models) need not be imported here.
UNSEEN = frozenset(
    {"SearchOutbox", "CatalogueState", "AuditEvent", "ApiToken", "User"}
    # An organisation's landscape is private and never on a cached page.
    | {"Landscape", "LandscapeRevision", "LandscapeFeed"}
)


def current_generation(session: Session) -> int:
    """The catalogue's generation now (0 when the row is missing)."""
    return session.scalar(select(CatalogueState.generation).where(CatalogueState.id == 1)) or 0


def _changes_catalogue(session: Session) -> bool:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if type(instance).__name__ not in UNSEEN:
            return True
    return False


def _bump(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_catalogue(session):
        session.connection().execute(
            update(CatalogueState)
            .where(CatalogueState.id == 1)
            .values(generation=CatalogueState.generation + 1)
        )


def install(session_factory: sessionmaker[Session]) -> None:
    """Raise the generation on every flush that changes catalogue data (once per factory)."""
    if not event.contains(session_factory, "before_flush", _bump):
        event.listen(session_factory, "before_flush", _bump)
