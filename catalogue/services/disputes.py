"""Disputes: a municipality says a component's claim to a reference component or a standard is
wrong; a reviewer resolves it. Upholding a dispute removes the claim through ``apply_document``
and records a revision, so the history says who removed it and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from catalogue import documents
from catalogue.errors import (
    Conflict,
    ErrorCode,
    FieldError,
    NotAuthorized,
    NotFound,
    ValidationError,
)
from catalogue.models import (
    ClaimKind,
    Component,
    Dispute,
    DisputeStatus,
    OrganisationKind,
    Revision,
    SourceKind,
    User,
)
from catalogue.services import audit
from catalogue.services.audit import AuditKind
from catalogue.services.components import apply_document, document_of, get_component
from catalogue.services.permissions import Permission, acts_for, require

MAX_TEXT = 5000


@dataclass(frozen=True)
class Claim:
    """A claim a component makes, and who made it (its source)."""

    kind: ClaimKind
    ref: str
    label: str
    source: str | None
    basis: str | None = None

    @property
    def key(self) -> str:
        """One string that names the claim in a form."""
        return f"{self.kind.value}|{self.ref}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def claims_of(component: Component) -> list[Claim]:
    """The component's reference-component and standard claims, each with its source."""
    claims = [
        Claim(
            ClaimKind.REFERENCE_COMPONENT,
            r.reference_component.gemma_id,
            r.reference_component.name,
            r.source_ref,
            r.basis,
        )
        for r in component.realisations
    ]
    claims += [
        Claim(
            ClaimKind.STANDARD,
            s.standard.gemma_id if s.standard else f"name:{s.name}",
            f"{s.name} {s.version}" if s.version else s.name,
            s.source_ref,
        )
        for s in component.standards
    ]
    return claims


def may_dispute(actor: User | None) -> bool:
    """Only accounts of a municipality dispute claims."""
    return (
        actor is not None
        and actor.organisation is not None
        and actor.organisation.kind == OrganisationKind.MUNICIPALITY
        and acts_for(actor, actor.organisation_id)
    )


def open_dispute(
    session: Session,
    slug: str,
    *,
    claim_key: str,
    reason: str,
    actor: User,
    remote_addr: str | None = None,
) -> Dispute:
    """Dispute one claim of a component, with a reason."""
    require(actor, Permission.DISPUTE)
    if not may_dispute(actor):
        raise NotAuthorized(FieldError(ErrorCode.NOT_A_MUNICIPALITY_MEMBER))
    component = get_component(session, slug)
    claim = next((c for c in claims_of(component) if c.key == claim_key), None)
    errors: dict[str, list[str]] = {}
    if claim is None:
        errors["claim"] = [FieldError(ErrorCode.CLAIM_UNKNOWN)]
    text = reason.strip()[:MAX_TEXT]
    if not text:
        errors["reason"] = [FieldError(ErrorCode.DISPUTE_REASON_REQUIRED)]
    if errors:
        raise ValidationError(errors)
    assert claim is not None  # noqa: S101 - errors above covers None
    duplicate = session.scalar(
        select(Dispute.id).where(
            Dispute.component_id == component.id,
            Dispute.claim_kind == claim.kind,
            Dispute.claim_ref == claim.ref,
            Dispute.organisation_id == actor.organisation_id,
            Dispute.status == DisputeStatus.OPEN,
        )
    )
    if duplicate is not None:
        raise ValidationError({"claim": [FieldError(ErrorCode.DISPUTE_EXISTS)]})
    dispute = Dispute(
        component_id=component.id,
        claim_kind=claim.kind,
        claim_ref=claim.ref,
        claim_label=claim.label[:300],
        claim_source=claim.source,
        organisation_id=actor.organisation_id,
        raised_by_id=actor.id,
        raised_by_label=actor.label,
        reason=text,
    )
    session.add(dispute)
    session.flush()
    audit.record(
        session,
        AuditKind.DISPUTE_OPENED,
        actor=actor,
        subject=f"dispute {dispute.id}",
        detail={"component": component.slug, "claim": claim.key},
        remote_addr=remote_addr,
    )
    return dispute


def get_dispute(session: Session, dispute_id: int) -> Dispute:
    """One dispute (public: disputes are shown with the claim)."""
    dispute = session.scalar(
        select(Dispute)
        .where(Dispute.id == dispute_id)
        .options(selectinload(Dispute.component), selectinload(Dispute.organisation))
    )
    if dispute is None:
        raise NotFound(FieldError(ErrorCode.DISPUTE_UNKNOWN, dispute=dispute_id))
    return dispute


def disputes_of(session: Session, component: Component) -> list[Dispute]:
    """Every dispute about a component, open ones first (public)."""
    return list(
        session.scalars(
            select(Dispute)
            .where(Dispute.component_id == component.id)
            .options(selectinload(Dispute.organisation))
            .order_by((Dispute.status == DisputeStatus.OPEN).desc(), Dispute.id.desc())
        )
    )


def open_disputes(session: Session, *, actor: User) -> list[Dispute]:
    """Disputes waiting for a reviewer, oldest first."""
    require(actor, Permission.RESOLVE_DISPUTE)
    return list(
        session.scalars(
            select(Dispute)
            .where(Dispute.status == DisputeStatus.OPEN)
            .options(selectinload(Dispute.component), selectinload(Dispute.organisation))
            .order_by(Dispute.id)
        )
    )


def resolve(
    session: Session,
    dispute_id: int,
    *,
    outcome: str,
    resolution: str,
    actor: User,
    remote_addr: str | None = None,
) -> Dispute:
    """Uphold (the claim goes) or dismiss (the claim stays) a dispute, with the reason why."""
    require(actor, Permission.RESOLVE_DISPUTE)
    dispute = get_dispute(session, dispute_id)
    maintainer = dispute.component.maintaining_organisation_id
    if maintainer is not None and maintainer == actor.organisation_id:
        # Four eyes: whoever works for the component's maintainer is a party to the dispute.
        raise NotAuthorized(FieldError(ErrorCode.OWN_COMPONENT_DISPUTE))
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(FieldError(ErrorCode.DISPUTE_DECIDED, status=str(dispute.status)))
    errors: dict[str, list[str]] = {}
    if outcome not in (DisputeStatus.UPHELD, DisputeStatus.DISMISSED):
        errors["outcome"] = [FieldError(ErrorCode.OUTCOME_UNKNOWN)]
    text = resolution.strip()[:MAX_TEXT]
    if not text:
        errors["resolution"] = [FieldError(ErrorCode.RESOLUTION_REQUIRED)]
    if errors:
        raise ValidationError(errors)
    if outcome == DisputeStatus.UPHELD:
        _remove_claim(session, dispute, actor, text)
    dispute.status = outcome
    dispute.resolution = text
    dispute.resolved_by_id = actor.id
    dispute.resolved_by_label = actor.label
    dispute.resolved_at = _now()
    audit.record(
        session,
        AuditKind.DISPUTE_RESOLVED,
        actor=actor,
        subject=f"dispute {dispute.id}",
        detail={"outcome": outcome},
        remote_addr=remote_addr,
    )
    session.flush()
    return dispute


def _remove_claim(session: Session, dispute: Dispute, actor: User, resolution: str) -> None:
    component = get_component(session, dispute.component.slug)
    before = documents.jsonable(document_of(component))
    document = dict(before)
    if dispute.claim_kind == ClaimKind.REFERENCE_COMPONENT:
        document["reference_components"] = [
            link
            for link in before.get("reference_components") or []
            if link.get("gemma_id") != dispute.claim_ref
        ]
    else:
        document["standards"] = [
            s
            for s in before.get("standards") or []
            if (s.get("gemma_id") or f"name:{s.get('name')}") != dispute.claim_ref
        ]
    try:
        apply_document(
            session,
            document,
            source_ref=str(component.source_ref or ""),
            source_kind=component.source_kind or SourceKind.FILE,
        )
        component.updated_at = _now()
        session.flush()
    except StaleDataError as error:
        raise Conflict(FieldError(ErrorCode.COMPONENT_CHANGED_AT_SAME_MOMENT)) from error
    after = documents.jsonable(document_of(component))
    latest = session.scalar(
        select(func.max(Revision.number)).where(Revision.component_id == component.id)
    )
    session.add(
        Revision(
            component_id=component.id,
            number=int(latest or 0) + 1,
            origin="dispute",
            author_id=dispute.raised_by_id,
            author_label=dispute.raised_by_label,
            approved_by_id=actor.id,
            approved_by_label=actor.label,
            changes=[list(c) for c in documents.diff(before, after)],
            field_sources=dict(after.get("field_sources") or {}),
            document=after,
            note=f"dispute {dispute.id}: {resolution}",
        )
    )
