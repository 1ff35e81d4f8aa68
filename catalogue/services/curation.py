"""Admin curation: organisations, and merging duplicate components or organisations.

A merge moves everything that points at the duplicate to the one that stays, then removes the
duplicate. Nothing is lost: the duplicate's whole document is kept in a revision of the
component that stays (for components), and its name becomes an alias.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from catalogue import documents
from catalogue.errors import ErrorCode, FieldError, NotFound, ValidationError
from catalogue.models import (
    Component,
    Dispute,
    ImportRecord,
    Organisation,
    OrganisationKind,
    Revision,
    SourceKind,
    Submission,
    User,
)
from catalogue.services import audit
from catalogue.services.audit import AuditKind
from catalogue.services.components import document_of
from catalogue.services.permissions import Permission, require
from catalogue.text import slugify


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def list_organisations(session: Session, *, actor: User) -> list[Organisation]:
    """Every organisation by name; admins only."""
    require(actor, Permission.MANAGE_ORGANISATIONS)
    return list(session.scalars(select(Organisation).order_by(func.lower(Organisation.name))))


def list_components(session: Session, *, actor: User) -> list[Component]:
    """Every component by name, to choose duplicates from; admins only."""
    require(actor, Permission.MERGE)
    return list(session.scalars(select(Component).order_by(func.lower(Component.name))))


def get_organisation(session: Session, organisation_id: int, *, actor: User) -> Organisation:
    """One organisation by id; admins only."""
    require(actor, Permission.MANAGE_ORGANISATIONS)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(FieldError(ErrorCode.ORGANISATION_NOT_FOUND, organisation=organisation_id))
    return organisation


def save_organisation(
    session: Session,
    data: Mapping[str, Any],
    *,
    actor: User,
    organisation_id: int | None = None,
    remote_addr: str | None = None,
) -> Organisation:
    """Create an organisation, or change one's name, kind and website."""
    require(actor, Permission.MANAGE_ORGANISATIONS)
    name = str(data.get("name") or "").strip()[:300]
    kind = str(data.get("kind") or "")
    website = str(data.get("website") or "").strip()[:500] or None
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [FieldError(ErrorCode.ORGANISATION_NAME_REQUIRED)]
    if kind not in {k.value for k in OrganisationKind}:
        errors["kind"] = [FieldError(ErrorCode.ORGANISATION_KIND_REQUIRED)]
    if website and not website.startswith(("https://", "http://")):
        errors["website"] = [FieldError(ErrorCode.WEBSITE_NOT_HTTPS)]
    if errors:
        raise ValidationError(errors)
    if organisation_id is None:
        slug = _free_slug(session, slugify(name))
        organisation = Organisation(
            slug=slug,
            name=name,
            kind=kind,
            source_kind=SourceKind.USER,
            source_ref=f"added by {actor.label}",
        )
        session.add(organisation)
    else:
        organisation = get_organisation(session, organisation_id, actor=actor)
        organisation.name = name
        organisation.kind = kind
    organisation.website = website
    session.flush()
    audit.record(
        session,
        AuditKind.ORGANISATION_CHANGED,
        actor=actor,
        subject=organisation.slug,
        detail={"name": name, "kind": kind, "created": organisation_id is None},
        remote_addr=remote_addr,
    )
    return organisation


def _free_slug(session: Session, base: str) -> str:
    slug, number = base, 2
    while session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        slug, number = f"{base}-{number}", number + 1
    return slug


def merge_components(
    session: Session,
    *,
    duplicate_slug: str,
    keep_slug: str,
    actor: User,
    remote_addr: str | None = None,
) -> Component:
    """Merge a duplicate component into the one that stays.

    Usage claims, imports, submissions, revisions, disputes and requirements move over; the
    duplicate's name becomes an alias; its document is kept in a revision of the one that stays.
    """
    require(actor, Permission.MERGE)
    duplicate, keep = _component(session, duplicate_slug), _component(session, keep_slug)
    if duplicate.id == keep.id:
        raise ValidationError({"duplicate": [FieldError(ErrorCode.SAME_COMPONENT)]})
    merged_document = documents.jsonable(document_of(duplicate))
    # Usage claims: one per organisation and source; a claim both already have stays once.
    have = {(u.organisation_id, u.source_ref) for u in keep.usages}
    for usage in list(duplicate.usages):
        if (usage.organisation_id, usage.source_ref) in have:
            continue
        usage.component = keep
        have.add((usage.organisation_id, usage.source_ref))
    # What needed the duplicate now needs the one that stays (never itself, never twice).
    needing_keep = {r.component_id for r in keep.required_by}
    for requirement in list(duplicate.required_by):
        if requirement.component_id in needing_keep or requirement.component_id == keep.id:
            session.delete(requirement)
        else:
            requirement.required_component = keep
    session.flush()
    for model in (ImportRecord, Submission, Dispute):
        session.execute(
            update(model).where(model.component_id == duplicate.id).values(component_id=keep.id)
        )
    latest = (
        session.scalar(select(func.max(Revision.number)).where(Revision.component_id == keep.id))
        or 0
    )
    for offset, revision in enumerate(
        session.scalars(
            select(Revision).where(Revision.component_id == duplicate.id).order_by(Revision.number)
        ),
        start=1,
    ):
        revision.component_id = keep.id
        revision.number = latest + offset
        revision.note = f"{revision.note or ''} (from merged component {duplicate.slug})".strip()
    session.flush()
    # Forget what was loaded of the duplicate's collections: they were moved in the database.
    session.expire(duplicate)
    aliases = list(keep.aliases or [])
    for alias in [duplicate.name, *(duplicate.aliases or [])]:
        if alias not in aliases and alias != keep.name:
            aliases.append(alias)
    keep.aliases = aliases
    keep.updated_at = _now()
    number = (
        session.scalar(select(func.max(Revision.number)).where(Revision.component_id == keep.id))
        or 0
    ) + 1
    session.add(
        Revision(
            component_id=keep.id,
            number=number,
            origin="merge",
            author_id=actor.id,
            author_label=actor.label,
            approved_by_id=actor.id,
            approved_by_label=actor.label,
            changes=[["aliases", [], aliases]],
            field_sources={},
            document=merged_document,
            note=f"merged duplicate component {duplicate.slug} ({duplicate.url})",
        )
    )
    audit.record(
        session,
        AuditKind.MERGED,
        actor=actor,
        subject=f"component {keep.slug}",
        detail={"duplicate": duplicate.slug, "url": duplicate.url},
        remote_addr=remote_addr,
    )
    session.delete(duplicate)
    session.flush()
    return keep


def _component(session: Session, slug: str) -> Component:
    component = session.scalar(select(Component).where(Component.slug == slug))
    if component is None:
        raise ValidationError({"component": [FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=slug)]})
    return component


def merge_organisations(
    session: Session,
    *,
    duplicate_id: int,
    keep_id: int,
    actor: User,
    remote_addr: str | None = None,
) -> Organisation:
    """Merge a duplicate organisation into the one that stays: accounts, claims, offers,
    maintained components, submissions and disputes move over; empty fields are filled in."""
    require(actor, Permission.MERGE)
    duplicate, keep = session.get(Organisation, duplicate_id), session.get(Organisation, keep_id)
    if duplicate is None or keep is None:
        raise ValidationError({"duplicate": [FieldError(ErrorCode.ORGANISATIONS_UNKNOWN)]})
    if duplicate.id == keep.id:
        raise ValidationError({"duplicate": [FieldError(ErrorCode.SAME_ORGANISATION)]})
    have_usage = {(u.component_id, u.source_ref) for u in keep.usages}
    for usage in list(duplicate.usages):
        if (usage.component_id, usage.source_ref) in have_usage:
            session.delete(usage)
        else:
            usage.organisation = keep
            have_usage.add((usage.component_id, usage.source_ref))
    have_offer = {(o.component_id, o.kind) for o in keep.offers}
    for offer in list(duplicate.offers):
        if (offer.component_id, offer.kind) in have_offer:
            session.delete(offer)
        else:
            offer.supplier = keep
            have_offer.add((offer.component_id, offer.kind))
    session.flush()
    session.execute(
        update(Component)
        .where(Component.maintaining_organisation_id == duplicate.id)
        .values(maintaining_organisation_id=keep.id)
    )
    session.execute(
        update(User).where(User.organisation_id == duplicate.id).values(organisation_id=keep.id)
    )
    for model in (Submission, Dispute):
        session.execute(
            update(model)
            .where(model.organisation_id == duplicate.id)
            .values(organisation_id=keep.id)
        )
    code = duplicate.cbs_code
    for attribute in ("province", "inhabitants", "inhabitants_year", "tooi_id", "website"):
        if getattr(keep, attribute) is None and getattr(duplicate, attribute) is not None:
            setattr(keep, attribute, getattr(duplicate, attribute))
    audit.record(
        session,
        AuditKind.MERGED,
        actor=actor,
        subject=f"organisation {keep.slug}",
        detail={"duplicate": duplicate.slug, "name": duplicate.name},
        remote_addr=remote_addr,
    )
    session.expire_all()
    session.delete(session.get(Organisation, duplicate_id))
    session.flush()
    if code and keep.cbs_code is None:
        kept = session.get(Organisation, keep_id)
        assert kept is not None  # noqa: S101 - it was found above and is not deleted
        kept.cbs_code = code
        session.flush()
    return session.get(Organisation, keep_id) or keep
