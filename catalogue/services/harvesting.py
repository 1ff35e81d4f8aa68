"""The harvester: read SOURCES.yaml, fetch each publiccode.yml politely, import it, record it.

``flask --app app catalogue harvest [--dry-run] [--json] SOURCES.yaml`` calls :func:`run`.
Each source is fetched (catalogue/harvest_fetch.py), then imported with the one importer
(:func:`catalogue.services.importing.import_publiccode`) in its own transaction, so a failing
source fails alone. Nothing is deleted: a file that disappeared marks its source
"niet meer gevonden sinds <datum>". Every run leaves a :class:`HarvestRun`; a second run while one
holds the :class:`HarvestLock` refuses.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalogue.db import Database
from catalogue.errors import Conflict, ValidationError
from catalogue.harvest_fetch import (
    BudgetExhausted,
    Candidate,
    Fetched,
    Fetcher,
    UnsafeURL,
    check_public_url,
    github_candidates,
    gitlab_candidates,
)
from catalogue.models import (
    Component,
    HarvestLock,
    HarvestRun,
    HarvestSource,
    HarvestSourceKind,
    ImportRecord,
)
from catalogue.progress import Progress, report_each
from catalogue.publiccode import parse
from catalogue.services.components import get_component
from catalogue.services.importing import import_publiccode
from catalogue.services.permissions import Permission, require, require_component_editor
from catalogue.text import normalise_repository_url

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
STATUSES = (CREATED, UPDATED, UNCHANGED, FAILED)
SOURCE_KEYS = ("url", "github_org", "gitlab_group")
LOCK_NAME = "harvest"
GONE = frozenset({404, 410})


@dataclass
class SourceSpec:
    """One entry of SOURCES.yaml, with where it stands in the file."""

    kind: str
    value: str
    line: int
    column: int


@dataclass
class SourceResult:
    """The outcome of one source: the contract's JSON object."""

    source: str
    status: str
    component: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """``{"source", "status", "component", "errors", "warnings"}``."""
        return {
            "source": self.source,
            "status": self.status,
            "component": self.component,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def issue(
    message: str, *, key: str = "", line: int | None = None, column: int | None = None
) -> dict[str, Any]:
    """One error or warning in the contract's shape."""
    return {"key": key, "line": line, "column": column, "message": message}


# ---------------------------------------------------------------- SOURCES.yaml


def read_sources(text: str, name: str) -> tuple[list[SourceSpec], list[SourceResult]]:
    """Parse SOURCES.yaml: (good entries, failed results for the bad ones, with line/column)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = str(getattr(error, "problem", None) or error)
        return [], [
            SourceResult(
                source=name,
                status=FAILED,
                errors=[
                    issue(
                        f"{name} is geen geldige YAML: {problem}",
                        line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None,
                    )
                ],
            )
        ]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [
            SourceResult(
                source=name,
                status=FAILED,
                errors=[
                    issue(
                        f"{name} moet een YAML-lijst zijn",
                        line=root.start_mark.line + 1,
                        column=root.start_mark.column + 1,
                    )
                ],
            )
        ]
    specs: list[SourceSpec] = []
    failed: list[SourceResult] = []
    for number, node in enumerate(root.value, start=1):
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        spec, problem = _spec_of(node, line, column)
        if spec is not None:
            specs.append(spec)
            continue
        failed.append(
            SourceResult(
                source=f"{name}: item {number}",
                status=FAILED,
                errors=[issue(problem, line=line, column=column)],
            )
        )
    return specs, failed


def _spec_of(node: yaml.Node, line: int, column: int) -> tuple[SourceSpec | None, str]:
    expected = "verwacht '- url: ...', '- github_org: ...' of '- gitlab_group: ...'"
    if not isinstance(node, yaml.MappingNode):
        return None, expected
    pairs = [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    keys = [key for key, _ in pairs if key in SOURCE_KEYS]
    unknown = [str(key) for key, _ in pairs if key not in SOURCE_KEYS]
    if len(keys) != 1 or unknown:
        extra = f" (onbekend: {', '.join(unknown)})" if unknown else ""
        return None, expected + extra
    value_node = dict(pairs)[keys[0]]
    if not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
        return None, f"{keys[0]}: verwacht een tekst"
    value = str(value_node.value).strip()
    if keys[0] == "url" and not value.startswith(("http://", "https://")):
        return None, "url: verwacht een http- of https-adres"
    return SourceSpec(kind=keys[0], value=value, line=line, column=column), ""


# ---------------------------------------------------------------- the lock


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
            msg = (
                f"er loopt al een harvest (gestart {acquired:%Y-%m-%d %H:%M} UTC door "
                f"{held.holder}); deze run doet niets"
            )
            raise Conflict(msg)
        session.delete(held)
        session.flush()
    session.add(HarvestLock(name=LOCK_NAME, holder=holder, acquired_at=now, pid=os.getpid()))
    try:
        session.flush()
    except IntegrityError as error:
        msg = "er loopt al een harvest; deze run doet niets"
        raise Conflict(msg) from error


def release_lock(session: Session, *, holder: str) -> None:
    """Let go of the lock this run holds."""
    session.execute(
        delete(HarvestLock).where(HarvestLock.name == LOCK_NAME, HarvestLock.holder == holder)
    )


# ---------------------------------------------------------------- one source


@dataclass
class Settings:
    """What a run needs from the app config."""

    github_api_url: str
    gitlab_api_url: str
    github_token: str | None = None
    gitlab_token: str | None = None
    dry_run: bool = False
    include_registered: bool = False
    stale_lock_after: dt.timedelta = dt.timedelta(hours=2)


def _source_row(session: Session, url: str) -> HarvestSource | None:
    return session.scalar(select(HarvestSource).where(HarvestSource.url == url))


def _is_html(fetched: Fetched) -> bool:
    head = fetched.body[:512].lstrip().lower()
    return "html" in fetched.content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def harvest_fetched(
    session: Session,
    url: str,
    fetched: Fetched,
    *,
    listed_as: str,
    registered_by: str = HarvestSourceKind.OPERATOR,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> SourceResult:
    """Store (or, dry run, only judge) what one fetch of ``url`` returned. Flushes, never commits."""
    today = today or dt.date.today()  # noqa: DTZ011  (a calendar date for "niet meer gevonden sinds")
    row = _source_row(session, url)
    known = row.component if row is not None else None
    result = SourceResult(source=url, status=FAILED, component=known.slug if known else None)

    if fetched.status == 304:
        result.status = UNCHANGED
    elif fetched.status in GONE and fetched.error:
        since = row.missing_since if row is not None and row.missing_since else today
        message = f"{fetched.error}: het bestand is niet (meer) te vinden"
        if known is not None:
            message += f"; {known.name} is niet meer gevonden bij de bron sinds {since.isoformat()}"
        result.errors.append(issue(message))
        if row is not None and known is not None and not dry_run:
            row.missing_since = since
    elif fetched.error:
        result.errors.append(issue(fetched.error))
    elif _is_html(fetched):
        result.errors.append(
            issue(
                "dit is een HTML-pagina, geen publiccode.yml (verwijs naar het ruwe bestand)",
                line=1,
                column=1,
            )
        )
    else:
        _import(session, url, fetched, row, result, dry_run=dry_run)

    if not dry_run:
        _remember(session, url, fetched, row, result, listed_as, registered_by)
    return result


def _import(
    session: Session,
    url: str,
    fetched: Fetched,
    row: HarvestSource | None,
    result: SourceResult,
    *,
    dry_run: bool,
) -> None:
    text = fetched.body.decode("utf-8", errors="backslashreplace")
    latest = session.scalar(
        select(ImportRecord)
        .where(ImportRecord.source == url)
        .order_by(ImportRecord.id.desc())
        .limit(1)
    )
    if latest is not None and latest.raw_text == text and latest.accepted:
        # The server sent no validator (or ignored ours) but the bytes are the same.
        result.status = UNCHANGED
        return
    if row is not None and row.registered_by == HarvestSourceKind.MAINTAINER and row.component:
        # A maintainer's source may only speak for the component it was registered for.
        parsed = parse(fetched.body)
        named = str((parsed.record or {}).get("url") or "")
        if parsed.record is not None and normalise_repository_url(named) != row.component.url:
            result.errors.append(
                issue(
                    f"dit bestand beschrijft {named}, niet {row.component.url}, waarvoor de bron "
                    "is aangemeld",
                    key="url",
                )
            )
            return
    outcome = import_publiccode(
        session, fetched.body, source=url, dry_run=dry_run, actor="harvester"
    )
    result.warnings = [_issue_of(i) for i in outcome.result.warnings]
    if not outcome.accepted:
        result.errors = [_issue_of(i) for i in outcome.result.errors]
        return
    result.errors = []
    result.status = CREATED if outcome.created else UPDATED
    if outcome.component is not None:
        result.component = outcome.component.slug
    elif dry_run and outcome.result.record is not None:
        result.component = None


def _issue_of(item: Any) -> dict[str, Any]:
    return issue(item.message, key=item.key or "", line=item.line, column=item.column)


def _remember(
    session: Session,
    url: str,
    fetched: Fetched,
    row: HarvestSource | None,
    result: SourceResult,
    listed_as: str,
    registered_by: str,
) -> None:
    now = dt.datetime.now(dt.UTC)
    if row is None:
        row = HarvestSource(url=url, registered_by=registered_by, last_errors=[])
        session.add(row)
    row.listed_as = listed_as[:300]
    row.last_run_at = now
    row.last_status = result.status
    row.last_errors = result.errors
    if result.status in (CREATED, UPDATED):
        row.last_changed_at = now
        row.etag = fetched.etag
        row.last_modified = fetched.last_modified
        row.missing_since = None
    elif result.status == UNCHANGED:
        row.missing_since = None
        if fetched.status == 200:
            row.etag = fetched.etag or row.etag
            row.last_modified = fetched.last_modified or row.last_modified
    if result.component is not None:
        row.component = session.scalar(select(Component).where(Component.slug == result.component))
    session.flush()


# ---------------------------------------------------------------- a run


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
                            errors=[issue("het tijdsbudget van deze run is op; volgende keer")],
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


# ---------------------------------------------------------------- maintainers and pages


def register_source(
    session: Session,
    slug: str,
    url: str,
    *,
    actor: Any,
    check: Any = check_public_url,
) -> HarvestSource:
    """A maintainer registers the publiccode.yml URL of their component (SSRF-checked).

    Only https URLs whose host resolves to public addresses only are accepted; anything else is
    a ValidationError on ``url`` whose message is the broken rule's code (see UnsafeURL). The
    harvester checks again at every fetch, so a name that later points inward is still refused.
    Flushes.
    """
    require(actor, Permission.SUBMIT)
    component = get_component(session, slug)
    require_component_editor(actor, component.maintaining_organisation_id)
    url = url.strip()
    try:
        check(url)
    except UnsafeURL as error:
        raise ValidationError({"url": [error.code]}) from error
    row = _source_row(session, url)
    if row is not None and row.component_id not in (None, component.id):
        raise ValidationError({"url": ["taken"]})
    if row is None:
        row = HarvestSource(
            url=url,
            registered_by=HarvestSourceKind.MAINTAINER,
            listed_as=f"aangemeld voor {component.slug}",
            last_errors=[],
        )
        session.add(row)
    row.component = component
    session.flush()
    return row


def list_sources(session: Session) -> list[HarvestSource]:
    """Every source the harvester knows, failed ones first, then by URL."""
    rows = list(session.scalars(select(HarvestSource)))
    return sorted(rows, key=lambda s: (s.last_status != FAILED, s.url))


def latest_runs(session: Session, limit: int = 10) -> list[HarvestRun]:
    """The most recent runs, newest first."""
    return list(session.scalars(select(HarvestRun).order_by(HarvestRun.id.desc()).limit(limit)))


def sources_of(session: Session, component: Component) -> list[HarvestSource]:
    """The harvest sources that feed ``component``."""
    return list(
        session.scalars(
            select(HarvestSource)
            .where(HarvestSource.component_id == component.id)
            .order_by(HarvestSource.url)
        )
    )


def status_counts(sources: Iterable[HarvestSource]) -> Mapping[str, int]:
    """How many sources ended in each status on their last run."""
    counts = dict.fromkeys(STATUSES, 0)
    for source in sources:
        if source.last_status in counts:
            counts[source.last_status] += 1
    return counts


__all__ = [
    "FAILED",
    "STATUSES",
    "Settings",
    "SourceResult",
    "UnsafeURL",
    "harvest_fetched",
    "latest_runs",
    "list_sources",
    "read_sources",
    "register_source",
    "run",
    "sources_of",
]
