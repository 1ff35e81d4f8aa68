"""Keep the index consistent with the database: the outbox, and the single writer that drains it.

1. Recording. An ``after_flush`` session event writes one ``search_outbox`` row per changed
   component on the flush's own connection, so the rows commit or roll back with the change.
   A change to a child row (description, realisation, usage, ...) records its component; a
   renamed organisation or GEMMA element records every component that shows its name.
2. Applying. After a commit that wrote outbox rows, the writer runs in-process. It takes an
   exclusive ``fcntl.flock`` on ``writer.lock`` in the index directory without waiting: a
   process that cannot get it leaves its rows to the holder. The holder reads pending rows in id
   order, re-reads those components from the database, writes their documents (or deletes them),
   and deletes exactly the rows it read. After letting go of the lock it looks once more and
   goes again if rows are pending. Every commit is followed by an attempt to take the lock, so
   either that attempt succeeds or the holder's final look sees the commit: no change is lost.

Bulk ``UPDATE``/``DELETE`` statements bypass the session's flush and are not recorded; run
``flask catalogue reindex`` after those.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select, union
from sqlalchemy.orm import Session, selectinload, sessionmaker

from catalogue.models import (
    Component,
    ComponentDescription,
    ComponentRequirement,
    ComponentStandard,
    Contact,
    Contractor,
    GemmaElement,
    Offer,
    Organisation,
    Realisation,
    SearchOutbox,
    SoftwareDependency,
    Usage,
)
from catalogue.progress import Progress, report_each
from catalogue.search.documents import document_from, ids_of
from catalogue.search.interfaces import IndexReport, SearchBackend

UPSERT = "upsert"
DELETE = "delete"
LOCK_FILE = "writer.lock"
# Set on a session whose transaction wrote outbox rows; the commit hook reads and clears it.
WROTE_OUTBOX = "search_outbox_written"
# What this transaction has recorded already, so repeated flushes add no duplicate rows.
RECORDED = "search_outbox_recorded"
# Rows applied per transaction of the writer.
BATCH_SIZE = 500
# Components read per round trip while a rebuild streams the documents.
STREAM_BATCH = 500
# The writer's "look again after unlocking" loop is bounded; leftovers wait for the next run.
MAX_ROUNDS = 50

# Rows that belong to one component and change what its search document says.
CHILD_TYPES = (
    ComponentDescription,
    Contractor,
    Contact,
    SoftwareDependency,
    ComponentRequirement,
    ComponentStandard,
    Realisation,
    Offer,
    Usage,
)
# Attributes of shared rows whose change shows up in the documents of the components using them.
SHARED_ATTRIBUTES = {Organisation: ("name", "slug", "kind"), GemmaElement: ("name", "slug")}

SessionFactory = sessionmaker[Session]


# ---------------------------------------------------------------- recording


def _loaded(instance: Any, attribute: str) -> list[Any]:
    """The current and the previous value of an attribute, without loading anything."""
    state = inspect(instance)
    values = [state.dict.get(attribute)]
    history = state.attrs[attribute].load_history()
    values += list(history.deleted or ())
    return [value for value in values if value is not None]


def _changed_attributes(instance: Any, names: Iterable[str]) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


def changed_components(session: Session) -> dict[int, tuple[str, str | None]]:
    """component id -> (operation, slug) for what this flush changes. Call in ``after_flush``."""
    changes: dict[int, tuple[str, str | None]] = {}

    def touch(component_id: int | None, slug: str | None = None) -> None:
        if component_id is None or changes.get(component_id, ("", None))[0] == DELETE:
            return
        changes[component_id] = (UPSERT, slug or changes.get(component_id, ("", None))[1])

    for instance in session.deleted:
        if isinstance(instance, Component) and instance.id is not None:
            changes[instance.id] = (DELETE, inspect(instance).dict.get("slug"))
    for instance in session.new:
        if isinstance(instance, Component):
            touch(instance.id, instance.slug)
    for instance in session.dirty:
        if isinstance(instance, Component) and session.is_modified(instance):
            touch(instance.id, inspect(instance).dict.get("slug"))

    shared: dict[type, set[int]] = {Organisation: set(), GemmaElement: set()}
    for instance in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(instance, CHILD_TYPES):
            if instance in session.dirty and not session.is_modified(instance):
                continue
            # A child moved between components changes both.
            for component_id in _loaded(instance, "component_id"):
                touch(component_id)
        elif isinstance(instance, Organisation | GemmaElement) and instance in session.dirty:
            kind = type(instance)
            if instance.id is not None and _changed_attributes(instance, SHARED_ATTRIBUTES[kind]):
                shared[kind].add(instance.id)
    for component_id in _users_of_shared(session, shared):
        touch(component_id)
    return changes


def _users_of_shared(session: Session, shared: dict[type, set[int]]) -> list[int]:
    queries = []
    if shared[Organisation]:
        ids = shared[Organisation]
        queries += [
            select(Component.id).where(Component.maintaining_organisation_id.in_(ids)),
            select(Usage.component_id).where(Usage.organisation_id.in_(ids)),
        ]
    if shared[GemmaElement]:
        ids = shared[GemmaElement]
        queries += [
            select(Realisation.component_id).where(Realisation.reference_component_id.in_(ids)),
            select(ComponentStandard.component_id).where(ComponentStandard.standard_id.in_(ids)),
        ]
    if not queries:
        return []
    # Core on the flush's connection: an ORM query here would autoflush inside the flush.
    return list(session.connection().scalars(union(*queries)))


def _record(session: Session, _flush_context: Any) -> None:
    recorded: set[tuple[int, str]] = session.info.setdefault(RECORDED, set())
    changes = {
        component_id: change
        for component_id, change in changed_components(session).items()
        if (component_id, change[0]) not in recorded
    }
    if not changes:
        return
    recorded.update((component_id, operation) for component_id, (operation, _) in changes.items())
    now = dt.datetime.now(dt.UTC)
    rows = [
        {"component_id": component_id, "slug": slug, "operation": operation, "created_at": now}
        for component_id, (operation, slug) in sorted(changes.items())
    ]
    # On the flush's own connection and transaction: the rows commit or roll back with the data.
    session.connection().execute(insert(SearchOutbox.__table__), rows)
    session.info[WROTE_OUTBOX] = True


def install(session_factory: SessionFactory, *, after_commit: Callable[[], None] | None) -> None:
    """Record changes of sessions made by ``session_factory``; call ``after_commit`` after a
    commit that wrote outbox rows."""
    if getattr(session_factory, "_search_sync_installed", False):
        return
    event.listen(session_factory, "after_flush", _record)

    def _committed(session: Session) -> None:
        session.info.pop(RECORDED, None)
        if session.info.pop(WROTE_OUTBOX, False) and after_commit is not None:
            after_commit()

    def _rolled_back(session: Session) -> None:
        session.info.pop(WROTE_OUTBOX, None)

    def _any_rollback(session: Session, _previous: Any) -> None:
        # A rolled-back savepoint takes its rows with it: record again what changes next.
        session.info.pop(RECORDED, None)

    event.listen(session_factory, "after_commit", _committed)
    event.listen(session_factory, "after_rollback", _rolled_back)
    event.listen(session_factory, "after_soft_rollback", _any_rollback)
    session_factory._search_sync_installed = True  # type: ignore[attr-defined]


# ---------------------------------------------------------------- reading documents


def _documents_query() -> Any:
    return (
        select(Component)
        .options(
            selectinload(Component.descriptions),
            selectinload(Component.realisations).selectinload(Realisation.reference_component),
            selectinload(Component.standards).selectinload(ComponentStandard.standard),
            selectinload(Component.usages).selectinload(Usage.organisation),
            selectinload(Component.maintaining_organisation),
        )
        .order_by(Component.id)
    )


def load_documents(session: Session, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """The search documents of these components (all when ``ids`` is None), by id."""
    query = _documents_query()
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        query = query.where(Component.id.in_(wanted))
    return [document_from(component) for component in session.scalars(query)]


class DocumentStream:
    """Every component's search document, by id, made as the components are read (a few
    hundred at a time), so a backend can write while the rest is read. ``len()`` is the
    number of components counted just before (a concurrent write can make it differ)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.count = session.scalar(select(func.count(Component.id))) or 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        query = _documents_query().execution_options(yield_per=STREAM_BATCH)
        for component in self.session.scalars(query):
            yield document_from(component)


class _Counted:
    """An iterable with the length of the stream it was made from."""

    def __init__(self, items: Iterable[dict[str, Any]], count: int) -> None:
        self.items = items
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.items)


# ---------------------------------------------------------------- the single writer


@contextlib.contextmanager
def writer_lock(path: Path, *, wait: float = 0.0) -> Iterator[bool]:
    """Hold the inter-process writer lock; yields False when it was not had within ``wait`` s."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        acquired = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                acquired = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.02)
        try:
            yield acquired
        finally:
            if acquired:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def has_pending(session_factory: SessionFactory) -> bool:
    """True when the outbox holds rows."""
    with session_factory() as session:
        return session.scalar(select(SearchOutbox.id).limit(1)) is not None


def _drain(session_factory: SessionFactory, backend: SearchBackend) -> int:
    """Apply pending rows batch by batch. The caller holds the writer lock."""
    applied = 0
    if not backend.available():
        # No index to update: build one from scratch; it covers every pending row it saw.
        applied += _rebuild(session_factory, backend)[1]
    while True:
        with session_factory() as session:
            rows = session.execute(
                select(SearchOutbox.id, SearchOutbox.component_id)
                .order_by(SearchOutbox.id)
                .limit(BATCH_SIZE)
            ).all()
            if not rows:
                return applied
            # Read after the rows: every change they stand for is committed and visible now.
            component_ids = {row.component_id for row in rows}
            documents = load_documents(session, component_ids)
            backend.index(documents)
            backend.delete({str(i) for i in component_ids} - ids_of(documents))
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
            session.commit()
            applied += len(rows)


def _rebuild(
    session_factory: SessionFactory, backend: SearchBackend, progress: Progress | None = None
) -> tuple[int, int]:
    """Rebuild from every component; returns (documents written, outbox rows covered).
    The caller holds the writer lock. ``progress`` counts the documents the backend has taken."""
    with session_factory() as session:
        # The rows seen before reading the components are covered by what is read next;
        # rows committed later stay for the next drain.
        covered = list(session.scalars(select(SearchOutbox.id)))
        documents = DocumentStream(session)
        count = backend.rebuild(_Counted(report_each(documents, progress), len(documents)))
        for start in range(0, len(covered), BATCH_SIZE):
            chunk = covered[start : start + BATCH_SIZE]
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(chunk)))
        session.commit()
    return count, len(covered)


def apply_outbox(
    session_factory: SessionFactory, backend: SearchBackend, lock_path: Path, *, wait: float = 0.0
) -> int:
    """Apply the outbox to the index as the single writer; returns how many rows were applied.

    Does nothing (returns 0) when another process holds the lock within ``wait`` seconds: the
    holder looks again after letting go, so the rows are applied by it or by the next run.
    """
    applied = 0
    for _round in range(MAX_ROUNDS):
        with writer_lock(lock_path, wait=wait) as acquired:
            if not acquired:
                return applied
            applied += _drain(session_factory, backend)
        if not has_pending(session_factory):
            break
    return applied


def rebuild(
    session_factory: SessionFactory,
    backend: SearchBackend,
    lock_path: Path,
    *,
    wait: float = 60.0,
    progress: Progress | None = None,
) -> int | None:
    """Rebuild the whole index under the writer lock; None when the lock was not had in time.

    Changes committed during the rebuild are applied right after it. ``progress`` is told
    ``(done, total)`` as the backend takes each document.
    """
    with writer_lock(lock_path, wait=wait) as acquired:
        if not acquired:
            return None
        count, _covered = _rebuild(session_factory, backend, progress)
    apply_outbox(session_factory, backend, lock_path)
    return count


def check(session_factory: SessionFactory, backend: SearchBackend) -> IndexReport:
    """How the index differs from the database now."""
    with session_factory() as session:
        return backend.check(load_documents(session))
