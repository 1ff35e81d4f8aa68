"""Organisations: the 342 municipalities, suppliers and other bodies; and who uses what."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.errors import ErrorCode, FieldError, NotFound, ValidationError
from catalogue.models import (
    Component,
    Organisation,
    OrganisationKind,
    SourceKind,
    Usage,
    UsageKind,
)
from catalogue.text import unique_slug

MUNICIPALITIES_SOURCE = "data/municipalities/municipalities.csv"
CLAIMS_SOURCE = "data/municipalities/usage_claims.csv"


def load_municipalities(session: Session, path: Path) -> int:
    """Upsert every municipality in ``municipalities.csv`` by CBS code. Returns the count."""
    existing = {
        o.cbs_code: o
        for o in session.scalars(select(Organisation).where(Organisation.cbs_code.is_not(None)))
    }
    taken = set(session.scalars(select(Organisation.slug)))
    count = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip()
            organisation = existing.get(code)
            if organisation is None:
                slug = unique_slug(f"gemeente-{row['name']}", taken)
                organisation = Organisation(slug=slug, name="", kind=OrganisationKind.MUNICIPALITY)
                session.add(organisation)
            organisation.cbs_code = code
            organisation.name = f"Gemeente {row['name'].strip()}"
            organisation.kind = OrganisationKind.MUNICIPALITY
            organisation.province = row.get("province") or None
            organisation.inhabitants = _int_or_none(row.get("inhabitants"))
            organisation.inhabitants_year = _int_or_none(row.get("inhabitants_year"))
            organisation.tooi_id = row.get("tooi_id") or None
            organisation.source_kind = SourceKind.FILE
            organisation.source_ref = f"{MUNICIPALITIES_SOURCE}: {row.get('source', '').strip()}"
            count += 1
    session.flush()
    return count


def upsert_organisation(
    session: Session, data: Mapping[str, Any], *, source_ref: str
) -> Organisation:
    """Create or update a non-municipal organisation by slug."""
    slug = str(data["slug"])
    kind = str(data.get("kind") or OrganisationKind.OTHER)
    if kind not in set(OrganisationKind):
        raise ValidationError(
            {"kind": [FieldError(ErrorCode.ORGANISATION_KIND_UNKNOWN, kind=kind)]}
        )
    organisation = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        organisation = Organisation(slug=slug, name=str(data["name"]), kind=kind)
        session.add(organisation)
    organisation.name = str(data["name"])
    organisation.kind = kind
    organisation.website = data.get("website") or None
    organisation.source_kind = SourceKind.FILE
    organisation.source_ref = str(data.get("source") or source_ref)
    return organisation


def resolve_organisation(session: Session, reference: str) -> Organisation:
    """An organisation by slug or by CBS code (``GM0363``)."""
    column = Organisation.cbs_code if reference.upper().startswith("GM") else Organisation.slug
    value = reference.upper() if column is Organisation.cbs_code else reference
    organisation = session.scalar(select(Organisation).where(column == value))
    if organisation is None:
        raise NotFound(FieldError(ErrorCode.ORGANISATION_NOT_FOUND, organisation=reference))
    return organisation


@dataclass(frozen=True)
class ClaimLoadReport:
    """What loading usage claims did."""

    loaded: int
    skipped: list[str]


def load_usage_claims(
    session: Session, path: Path, components_by_name: Mapping[str, Component]
) -> ClaimLoadReport:
    """Load self-declared usage claims, each with its source. Idempotent per (org, component, source)."""
    loaded, skipped = 0, []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            component = components_by_name.get(row["component"].strip().lower())
            organisation = session.scalar(
                select(Organisation).where(
                    Organisation.cbs_code == row["municipality_code"].strip()
                )
            )
            kind = (row.get("kind") or "").strip() or UsageKind.USES.value
            if component is None or organisation is None or kind not in set(UsageKind):
                skipped.append(
                    f"{CLAIMS_SOURCE} line {number}: {row['component']} / {row['municipality_code']}"
                    + ("" if kind in set(UsageKind) else f" (unknown kind {kind!r})")
                )
                continue
            source_ref = row["source"].strip()
            usage = session.scalar(
                select(Usage).where(
                    Usage.organisation_id == organisation.id,
                    Usage.component_id == component.id,
                    Usage.source_ref == source_ref,
                )
            )
            if usage is None:
                usage = Usage(organisation=organisation, component=component, source_ref=source_ref)
                session.add(usage)
            usage.status = "claimed"
            usage.source_kind = SourceKind.CLAIM
            usage.source_commit = row.get("commit") or None
            usage.claim_type = row.get("claim_type") or None
            usage.kind = kind
            usage.quote = (row.get("quote") or "").strip() or None
            loaded += 1
    session.flush()
    return ClaimLoadReport(loaded=loaded, skipped=skipped)


def get_organisation(session: Session, slug: str) -> Organisation:
    """One organisation by slug, or NotFound."""
    organisation = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(FieldError(ErrorCode.ORGANISATION_NOT_FOUND, organisation=slug))
    return organisation


def list_organisations(
    session: Session, *, kind: str | None = None, page: int = 1, per_page: int = 50
) -> tuple[list[Organisation], int]:
    """Organisations ordered by name, one page at a time, with the total."""
    query = select(Organisation)
    if kind:
        query = query.where(Organisation.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Organisation.name).offset((max(page, 1) - 1) * per_page).limit(per_page)
    )
    return list(rows), total


def users_of(
    usages: Iterable[Usage], *, kind: str | None = None
) -> list[tuple[Organisation, list[Usage]]]:
    """Group usage claims by organisation, so one municipality shows once with all its sources.

    With ``kind`` only claims of that kind (UsageKind) count: "uses" and "commissioned" stay apart.
    """
    grouped: dict[int, tuple[Organisation, list[Usage]]] = {}
    for usage in usages:
        if kind is not None and usage.kind != kind:
            continue
        grouped.setdefault(usage.organisation_id, (usage.organisation, []))[1].append(usage)
    return sorted(grouped.values(), key=lambda item: item[0].name)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def count_by_kind(session: Session) -> dict[str, int]:
    """Number of organisations per kind."""
    rows = session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind))
    return {kind: number for kind, number in rows}


def usages_by_component(
    organisation: Organisation, *, kind: str | None = None
) -> list[tuple[Component, list[Usage]]]:
    """Group an organisation's usage claims by component (only those of ``kind`` when given)."""
    grouped: dict[int, tuple[Component, list[Usage]]] = {}
    for usage in organisation.usages:
        if kind is not None and usage.kind != kind:
            continue
        grouped.setdefault(usage.component_id, (usage.component, []))[1].append(usage)
    return sorted(grouped.values(), key=lambda item: item[0].name.lower())
