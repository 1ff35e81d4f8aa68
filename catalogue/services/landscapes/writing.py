"""Writing a landscape: a save with its revision, an exchange file in and out, and publishing
an application as a sourced usage claim (or withdrawing it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue import ameff
from catalogue.errors import Conflict, ErrorCode, FieldError, NotFound, ValidationError
from catalogue.models import (
    Component,
    Landscape,
    LandscapeRevision,
    Organisation,
    OrgRole,
    SourceKind,
    Usage,
    User,
    public_label,
)
from catalogue.services.landscapes.access import require_member
from catalogue.services.landscapes.reading import (
    CLAIM_TYPE,
    _landscape,
    _published,
    landscape_of,
    read_file,
    reference_index,
)


def _summary(before: Sequence[ameff.Application], after: Sequence[ameff.Application]) -> str:
    old = {a.name.casefold(): a.as_dict() for a in before}
    new = {a.name.casefold(): a.as_dict() for a in after}
    added = len(new.keys() - old.keys())
    removed = len(old.keys() - new.keys())
    changed = sum(1 for key in new.keys() & old.keys() if old[key] != new[key])
    return f"+{added} -{removed} ~{changed}"


def save_landscape(
    session: Session,
    organisation: Organisation,
    applications: Sequence[ameff.Application],
    *,
    actor: User | None,
    expected_version: int | None,
    origin: str,
    trusted: bool = False,
    note: str | None = None,
) -> LandscapeRevision:
    """Save the applications as a new revision; the previous ones are kept.

    ``expected_version`` is the version the editor started from (0 for "no landscape yet");
    None skips the check (the command line). A mismatch raises Conflict.
    """
    require_member(actor, organisation, at_least=OrgRole.EDITOR, trusted=trusted)
    _check(applications, session)
    landscape = _landscape(session, organisation)
    current = landscape.version if landscape else 0
    if expected_version is not None and expected_version != current:
        raise Conflict(FieldError(ErrorCode.LANDSCAPE_SAVED_MEANWHILE))
    if landscape is None:
        landscape = Landscape(organisation=organisation, current_revision=0)
        session.add(landscape)
        session.flush()
    before = (
        [ameff.Application.from_dict(a) for a in landscape.revisions[-1].applications]
        if landscape.revisions
        else []
    )
    number = landscape.current_revision + 1
    summary = _summary(before, applications)
    revision = LandscapeRevision(
        number=number,
        actor_id=actor.id if actor is not None else None,
        origin=origin,
        summary=f"{summary} {note}".strip() if note else summary,
        applications=[a.as_dict() for a in applications],
    )
    landscape.revisions.append(revision)
    landscape.current_revision = number
    session.flush()
    return revision


def _check(applications: Sequence[ameff.Application], session: Session) -> None:
    errors: dict[str, list[str]] = {}
    known_refs = set(reference_index(session))
    known_components = set(session.scalars(select(Component.slug)))
    for index, app in enumerate(applications):
        if not app.name.strip():
            errors.setdefault(f"applications.{index}.name", []).append(
                FieldError(ErrorCode.APPLICATION_NAME_REQUIRED)
            )
        if app.hosting is not None and app.hosting not in ameff.HOSTING:
            errors.setdefault(f"applications.{index}.hosting", []).append(
                FieldError(ErrorCode.APPLICATION_HOSTING_UNKNOWN, choices=", ".join(ameff.HOSTING))
            )
        if app.component is not None and app.component not in known_components:
            errors.setdefault(f"applications.{index}.component", []).append(
                FieldError(ErrorCode.APPLICATION_COMPONENT_UNKNOWN)
            )
        unknown = [s for s in app.reference_components if s not in known_refs]
        if unknown:
            errors.setdefault(f"applications.{index}.reference_components", []).append(
                FieldError(ErrorCode.APPLICATION_REFERENCES_UNKNOWN, gemma_ids=", ".join(unknown))
            )
        if app.notice_months is not None and not 0 <= app.notice_months <= 120:
            errors.setdefault(f"applications.{index}.notice_months", []).append(
                FieldError(ErrorCode.NOTICE_MONTHS_RANGE)
            )
    if errors:
        raise ValidationError(errors)


def import_file(
    session: Session,
    organisation: Organisation,
    data: bytes,
    *,
    actor: User | None,
    expected_version: int | None,
    origin: str,
    dry_run: bool = False,
    trusted: bool = False,
    note: str | None = None,
) -> tuple[ameff.Reading, LandscapeRevision | None]:
    """Read a file and (unless ``dry_run``) save it as a new revision."""
    require_member(
        actor, organisation, at_least=OrgRole.VIEWER if dry_run else OrgRole.EDITOR, trusted=trusted
    )
    reading = read_file(session, data)
    if dry_run:
        return reading, None
    revision = save_landscape(
        session,
        organisation,
        reading.applications,
        actor=actor,
        expected_version=expected_version,
        origin=origin,
        trusted=trusted,
        note=note,
    )
    return reading, revision


def export_file(
    session: Session,
    organisation: Organisation,
    *,
    actor: User | None,
    trusted: bool = False,
    view_name: str = "Landschap per referentiecomponentgroep",
    no_group: str = "Zonder referentiecomponent",
) -> bytes:
    """The landscape as an exchange file, valid against the Open Group's Diagram schema."""
    view = landscape_of(session, organisation, actor=actor, trusted=trusted)
    return ameff.write(
        view.applications,
        model_name=f"Landschap {organisation.name}",
        reference_components=reference_index(session),
        view_name=view_name,
        no_group=no_group,
    )


# ---------------------------------------------------------------- publishing usage


def claim_source(organisation: Organisation, actor: User, day: dt.date) -> str:
    """The source of a published claim, naming the member as everywhere in public: by display
    name, or "medewerker <id>" without one (catalogue.models.public_label). No e-mail
    address ever appears on a public page, not even one typed in as a display name."""
    name = actor.display_name if actor.display_name and "@" not in actor.display_name else None
    member = public_label(actor.id, name, None)
    return f"landschap van {organisation.name}, gepubliceerd door {member} op {day.isoformat()}"


def publish_usage(
    session: Session, organisation: Organisation, component_slug: str, *, actor: User | None
) -> Usage:
    """Publish "we use this component" as a sourced usage claim; the application must be in
    the landscape and matched to the catalogue."""
    require_member(actor, organisation, at_least=OrgRole.EDITOR)
    assert actor is not None  # noqa: S101 - require_member refused None
    view = landscape_of(session, organisation, actor=actor)
    if component_slug not in {a.component for a in view.applications if a.component}:
        raise ValidationError({"component": [FieldError(ErrorCode.NOT_IN_LANDSCAPE)]})
    if component_slug in view.published:
        return view.published[component_slug]
    component = session.scalar(select(Component).where(Component.slug == component_slug))
    if component is None:
        raise NotFound(FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=component_slug))
    usage = Usage(
        organisation=organisation,
        component=component,
        status="claimed",
        claim_type=CLAIM_TYPE,
        source_kind=SourceKind.CLAIM,
        source_ref=claim_source(organisation, actor, dt.datetime.now(dt.UTC).date()),
    )
    session.add(usage)
    session.flush()
    return usage


def withdraw_usage(
    session: Session, organisation: Organisation, component_slug: str, *, actor: User | None
) -> None:
    """Withdraw a usage claim published from the landscape."""
    require_member(actor, organisation, at_least=OrgRole.EDITOR)
    usage = _published(session, organisation).get(component_slug)
    if usage is None:
        raise NotFound(FieldError(ErrorCode.USAGE_NOT_PUBLISHED, slug=component_slug))
    session.delete(usage)
    session.flush()
