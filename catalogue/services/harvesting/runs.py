"""A harvest run: the lock, then every source of SOURCES.yaml (and the registered ones), each
fetched and stored in its own transaction, and a ``HarvestRun`` that records it all.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalogue.db import Database
from catalogue.errors import Conflict, ErrorCode, FieldError
from catalogue.harvest_fetch import (
    BudgetExhausted,
    Candidate,
    Fetcher,
    github_candidates,
    gitlab_candidates,
)
from catalogue.models import HarvestLock, HarvestRun, HarvestSource, HarvestSourceKind
from catalogue.progress import Progress, report_each
from catalogue.services.harvesting.sources import (
    FAILED,
    GONE,
    STATUSES,
    SourceResult,
    SourceSpec,
    issue,
    read_sources,
)
from catalogue.services.harvesting.store import Settings, _source_row, harvest_fetched

LOCK_NAME = "harvest"


def acquire_lock(session: Session, *, holder: str, stale_after: dt.timedelta) -> None:
    """Take the harvest lock, or raise Conflict when another run holds it.

    A lock older than ``stale_after`` (a crashed run) is taken over. The caller commits at once.
    """
    now = dt.datetime.now(dt.UTC)
    held = session.get(HarvestLock, LOCK_NAME)
    if held is not None:
        acquired = held.acquired_at
        if acquired.tzinfo is None:
            acquired = acquired.replace(tzinfo=dt.UTC)
        if now - acquired < stale_after:
            raise Conflict(
                FieldError(
                    ErrorCode.HARVEST_RUNNING,
                    started=f"{acquired:%Y-%m-%d %H:%M}",
                    holder=held.holder,
                )
            )
        session.delete(held)
        session.flush()
    session.add(HarvestLock(name=LOCK_NAME, holder=holder, acquired_at=now, pid=os.getpid()))
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict(FieldError(ErrorCode.HARVEST_STARTED_AT_SAME_MOMENT)) from error


def release_lock(session: Session, *, holder: str) -> None:
    """Let go of the lock this run holds."""
    session.execute(
        delete(HarvestLock).where(HarvestLock.name == LOCK_NAME, HarvestLock.holder == holder)
    )


def run(
    database: Database,
    sources_path: Path,
    fetcher: Fetcher,
    settings: Settings,
    *,
    progress: Progress | None = None,
) -> list[SourceResult]:
    """Harvest every source in ``sources_path``; one transaction per source. Raises Conflict
    (changing nothing) when another run holds the lock.

    ``progress`` is told ``(done, total)`` over the entries of ``sources_path`` (a forge
    organisation is one entry, however many repositories it has).
    """
    holder = f"{socket.gethostname()}:{os.getpid()}:{dt.datetime.now(dt.UTC):%H%M%S%f}"
    if not settings.dry_run:
        with database.session() as session:
            acquire_lock(session, holder=holder, stale_after=settings.stale_lock_after)
    started = dt.datetime.now(dt.UTC)
    results: list[SourceResult] = []
    budget_exhausted = False
    try:
        try:
            text = sources_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            results.append(
                SourceResult(source=str(sources_path), status=FAILED, errors=[issue(str(error))])
            )
            text = ""
        specs, failed = read_sources(text, sources_path.name) if text else ([], [])
        results.extend(failed)
        try:
            for spec in report_each(specs, progress):
                results.extend(_run_spec(database, spec, fetcher, settings))
            if settings.include_registered:
                results.extend(_run_registered(database, fetcher, settings, seen=results))
        except BudgetExhausted:
            budget_exhausted = True
            done = {r.source for r in results}
            for spec in specs:
                if spec.kind == "url" and spec.value not in done:
                    results.append(
                        SourceResult(
                            source=spec.value,
                            status=FAILED,
                            errors=[issue(FieldError(ErrorCode.HARVEST_BUDGET_SPENT))],
                        )
                    )
    finally:
        if not settings.dry_run:
            with database.session() as session:
                session.add(
                    HarvestRun(
                        started_at=started,
                        finished_at=dt.datetime.now(dt.UTC),
                        sources_file=str(sources_path),
                        counts={s: sum(1 for r in results if r.status == s) for s in STATUSES},
                        results=[r.as_json() for r in results],
                        budget_exhausted=budget_exhausted,
                    )
                )
                release_lock(session, holder=holder)
    return results


def _run_spec(
    database: Database, spec: SourceSpec, fetcher: Fetcher, settings: Settings
) -> list[SourceResult]:
    if spec.kind == "url":
        # Without skip_absent, _one gives None only for a candidate without URLs (not this one).
        result = _one(
            database, Candidate(urls=(spec.value,), listed_as=spec.value), fetcher, settings
        )
        return [result] if result is not None else []
    if spec.kind == "github_org":
        candidates, failure = github_candidates(
            fetcher, settings.github_api_url, spec.value, settings.github_token
        )
    else:
        candidates, failure = gitlab_candidates(
            fetcher, settings.gitlab_api_url, spec.value, settings.gitlab_token
        )
    results = []
    if failure is not None:
        results.append(
            SourceResult(
                source=failure.url,
                status=FAILED,
                errors=[
                    issue(
                        f"{spec.kind} {spec.value}: {failure.error}",
                        line=spec.line,
                        column=spec.column,
                    )
                ],
            )
        )
    for candidate in candidates:
        outcome = _one(database, candidate, fetcher, settings, skip_absent=True)
        if outcome is not None:
            results.append(outcome)
    return results


def _run_registered(
    database: Database, fetcher: Fetcher, settings: Settings, *, seen: Iterable[SourceResult]
) -> list[SourceResult]:
    done = {r.source for r in seen}
    with database.session() as session:
        urls = [
            (s.url, s.listed_as or s.url)
            for s in session.scalars(
                select(HarvestSource).where(
                    HarvestSource.registered_by == HarvestSourceKind.MAINTAINER
                )
            )
            if s.url not in done
        ]
    # Without skip_absent, _one gives None only for a candidate without URLs (none of these).
    results = (
        _one(
            database,
            Candidate(urls=(url,), listed_as=listed),
            fetcher,
            settings,
            registered_by=HarvestSourceKind.MAINTAINER,
        )
        for url, listed in urls
    )
    return [result for result in results if result is not None]


def _one(
    database: Database,
    candidate: Candidate,
    fetcher: Fetcher,
    settings: Settings,
    *,
    skip_absent: bool = False,
    registered_by: str = HarvestSourceKind.OPERATOR,
) -> SourceResult | None:
    """Fetch the first candidate URL that exists and harvest it in its own transaction.

    With ``skip_absent`` (a forge repository), a repository without any publiccode file that we
    never harvested before is no source at all and gives None.
    """
    try:
        return _fetch_and_store(database, candidate, fetcher, settings, skip_absent, registered_by)
    except BudgetExhausted:
        raise
    except Exception as error:  # noqa: BLE001  (one broken source must not stop the others)
        return SourceResult(
            source=candidate.urls[0],
            status=FAILED,
            errors=[issue(f"{type(error).__name__}: {error}")],
        )


def _fetch_and_store(
    database: Database,
    candidate: Candidate,
    fetcher: Fetcher,
    settings: Settings,
    skip_absent: bool,
    registered_by: str,
) -> SourceResult | None:
    headers = dict(candidate.headers)
    public_only = registered_by == HarvestSourceKind.MAINTAINER
    with database.session() as session:
        for position, url in enumerate(candidate.urls):
            row = _source_row(session, url)
            fetched = fetcher.get(
                url,
                etag=row.etag if row is not None else None,
                last_modified=row.last_modified if row is not None else None,
                headers=headers,
                public_only=public_only,
            )
            last = position == len(candidate.urls) - 1
            absent = fetched.status in GONE
            if absent and row is None and not last:
                continue
            if absent and row is None and skip_absent:
                return None
            result = harvest_fetched(
                session,
                url,
                fetched,
                listed_as=candidate.listed_as,
                registered_by=registered_by,
                dry_run=settings.dry_run,
            )
            if settings.dry_run:
                session.rollback()
            return result
    return None  # pragma: no cover - every candidate has at least one URL
