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


# session.info key: (the transaction it was read in, the generation then).
_READ = "catalogue_generation"
# session.info key: the last transaction in which this session changed the catalogue.
_CHANGED = "catalogue_changed_in"
# Built once: every request reads it, and building a statement costs more than running this one.
_GENERATION = select(CatalogueState.generation).where(CatalogueState.id == 1)


def current_generation(session: Session) -> int:
    """The catalogue's generation now (0 when the row is missing).

    Read once per transaction: the page cache and the graph cache of one request both ask, and
    the answer is the same until this session changes the catalogue (``_bump`` forgets it) or
    the transaction ends.
    """
    held = session.info.get(_READ)
    if held is not None and held[0] is session.get_transaction():
        return int(held[1])
    if session.autoflush:
        # What the ORM's execution would do first: pending changes raise the generation.
        session.flush()
    # On the session's connection, without the rest of the ORM's execution (it cost twice the
    # statement): one column is asked for, not instances.
    generation = session.connection().execute(_GENERATION).scalar() or 0
    session.info[_READ] = (session.get_transaction(), generation)
    return generation


def changed_here(session: Session) -> bool:
    """Whether this session's open transaction changes the catalogue: pending changes, or a
    flush of them that raised the generation. What it reads then may yet be rolled back, so it
    must not be kept for other requests under the generation it raised."""
    if _changes_catalogue(session):
        return True
    transaction = session.get_transaction()
    return transaction is not None and session.info.get(_CHANGED) is transaction


def _changes_catalogue(session: Session) -> bool:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if type(instance).__name__ not in UNSEEN:
            return True
    return False


def _bump(session: Session, _context: Any, _instances: Any) -> None:
    if _changes_catalogue(session):
        session.info.pop(_READ, None)
        session.info[_CHANGED] = session.get_transaction()
        session.connection().execute(
            update(CatalogueState)
            .where(CatalogueState.id == 1)
            .values(generation=CatalogueState.generation + 1)
        )


def install(session_factory: sessionmaker[Session]) -> None:
    """Raise the generation on every flush that changes catalogue data (once per factory)."""
    if not event.contains(session_factory, "before_flush", _bump):
        event.listen(session_factory, "before_flush", _bump)
