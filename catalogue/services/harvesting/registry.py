"""A maintainer registers a source; the pages read what the harvester knows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.harvest_fetch import UnsafeURL, check_public_url
from catalogue.models import Component, HarvestRun, HarvestSource, HarvestSourceKind
from catalogue.services.components import get_component
from catalogue.services.harvesting.sources import FAILED, STATUSES
from catalogue.services.harvesting.store import _source_row
from catalogue.services.permissions import Permission, require, require_component_editor


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
    a ValidationError on ``url`` with the broken rule's code (``UnsafeURL.reason``:
    ``source_not_https``, ``source_not_public``, ...). The harvester checks again at every
    fetch, so a name that later points inward is still refused. Flushes.
    """
    require(actor, Permission.SUBMIT)
    component = get_component(session, slug)
    require_component_editor(actor, component.maintaining_organisation_id)
    url = url.strip()
    try:
        check(url)
    except UnsafeURL as error:
        raise ValidationError({"url": [error.reason]}) from error
    row = _source_row(session, url)
    if row is not None and row.component_id not in (None, component.id):
        raise ValidationError({"url": [FieldError(ErrorCode.SOURCE_TAKEN)]})
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
