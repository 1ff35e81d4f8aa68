"""One fetched publiccode.yml: imported with the one importer, and remembered on its source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, parser_issue
from catalogue.harvest_fetch import Fetched
from catalogue.models import Component, HarvestSource, HarvestSourceKind, ImportRecord
from catalogue.publiccode import parse
from catalogue.services.harvesting.sources import (
    CREATED,
    FAILED,
    GONE,
    UNCHANGED,
    UPDATED,
    SourceResult,
    coded_issue,
    issue,
)
from catalogue.services.importing import import_publiccode
from catalogue.text import normalise_repository_url


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
        gone = (
            FieldError(
                ErrorCode.HARVEST_FILE_GONE_SINCE,
                status=fetched.status,
                name=known.name,
                since=since.isoformat(),
            )
            if known is not None
            else FieldError(ErrorCode.HARVEST_FILE_GONE, status=fetched.status)
        )
        result.errors.append(coded_issue(gone, url=fetched.url))
        if row is not None and known is not None and not dry_run:
            row.missing_since = since
    elif fetched.error:
        result.errors.append(coded_issue(fetched.error, url=fetched.url))
    elif _is_html(fetched):
        page = FieldError(ErrorCode.HARVEST_HTML_PAGE)
        result.errors.append(coded_issue(page, url=fetched.url, line=1, column=1))
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
            other = FieldError(
                ErrorCode.HARVEST_OTHER_REPOSITORY, named=named, registered=row.component.url
            )
            result.errors.append(coded_issue(other, url=url, key="url"))
            return
    outcome = import_publiccode(
        session, fetched.body, source=url, dry_run=dry_run, actor="harvester"
    )
    result.warnings = [_issue_of(i) for i in outcome.result.warnings]
    if not outcome.accepted:
        result.errors = [_refused(i, url) for i in outcome.result.errors]
        return
    result.errors = []
    result.status = CREATED if outcome.created else UPDATED
    if outcome.component is not None:
        result.component = outcome.component.slug
    elif dry_run and outcome.result.record is not None:
        result.component = None


def _issue_of(item: Any) -> dict[str, Any]:
    return issue(item.message, key=item.key or "", line=item.line, column=item.column)


def _refused(item: Any, url: str) -> dict[str, Any]:
    """A parser's error that kept the file out: its text in both languages, the parser's code,
    and the template and params ``/bronnen`` words it from in the reader's language."""
    refused = parser_issue(ErrorCode.HARVEST_FILE_REFUSED, item.as_dict())
    return coded_issue(refused, url=url, key=item.key or "", line=item.line, column=item.column)


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
