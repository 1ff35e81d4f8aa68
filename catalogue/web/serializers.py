"""JSON shapes of the API. A component answers as the typed component document
(``catalogue/component_document.py``), whose models are also the OpenAPI schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from catalogue import documents
from catalogue.component_document import ComponentAnswer, ComponentSummary
from catalogue.models import (
    Component,
    GemmaElement,
    ImportRecord,
    Organisation,
    OrganisationKind,
)
from catalogue.services.components import document_of
from catalogue.services.gemma import ReferenceComponentView, StandardView
from catalogue.web import api_schemas

ORGANISATION_KINDS = tuple(kind.value for kind in OrganisationKind)


def _json(value: Any) -> Any:
    return documents.jsonable(value)


def _as(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` through its typed answer: what goes out is what the OpenAPI schema publishes."""
    return model.model_validate(data).model_dump(mode="json")


def component_summary(component: Component) -> dict[str, Any]:
    """What a result list needs: name, short descriptions, status, reference components."""
    summary = {
        "slug": component.slug,
        "name": component.name,
        "url": component.url,
        "short_description": {d.language: d.short_description for d in component.descriptions},
        "development_status": component.development_status,
        "license": component.license,
        "reference_components": sorted(r.reference_component.name for r in component.realisations),
        "updated_at": component.updated_at.isoformat() if component.updated_at else None,
    }
    return _as(ComponentSummary, summary)


def component_detail(component: Component, record: ImportRecord | None) -> dict[str, Any]:
    """Every field of a component, its users with sources, and its last import's verdict
    (``record``: its last publiccode.yml import, or None)."""
    document = _json(document_of(component))
    document["users"] = [
        {
            "organisation": usage.organisation.name,
            "organisation_slug": usage.organisation.slug,
            "cbs_code": usage.organisation.cbs_code,
            "status": usage.status,
            "source": usage.source_ref,
            "source_commit": usage.source_commit,
            "claim_type": usage.claim_type,
            "kind": usage.kind,
            "quote": usage.quote,
        }
        for usage in component.usages
    ]
    document["required_by"] = sorted(r.component.slug for r in component.required_by)
    document["latest_import"] = (
        None
        if record is None
        else {
            "source": record.source,
            "received_at": record.received_at.isoformat(),
            "accepted": record.accepted,
            "publiccode_version": record.publiccode_version,
            "errors": record.errors,
            "warnings": record.warnings,
        }
    )
    document["updated_at"] = component.updated_at.isoformat() if component.updated_at else None
    # Through the typed document: the answer is the shape the OpenAPI schema publishes. Only the
    # keys the component has are written, so nothing unknown is turned into an invented default.
    return ComponentAnswer.model_validate(document).model_dump(mode="json", exclude_unset=True)


def gemma_summary(element: GemmaElement) -> dict[str, Any]:
    """A GEMMA element: its ids, name and place."""
    return _as(
        api_schemas.GemmaElement,
        {
            "slug": element.slug,
            "gemma_id": element.gemma_id,
            "object_id": element.object_id,
            "name": element.name,
            "category": element.category,
            "status": element.status,
        },
    )


def reference_component_detail(view: ReferenceComponentView) -> dict[str, Any]:
    """A reference component with its realisations, standards and dependencies."""
    return _as(
        api_schemas.ReferenceComponent,
        {
            **gemma_summary(view.element),
            "description": view.element.description,
            "realised_by": [
                {
                    "component": r.component.slug,
                    "name": r.component.name,
                    "basis": r.basis,
                    "via_interface": r.via_interface.name if r.via_interface else None,
                    "reason": r.reason,
                    "source": r.source_ref,
                }
                for r in view.realised_by
            ],
            "mandatory_standards": [gemma_summary(s) for s in view.mandatory_standards],
            "recommended_standards": [gemma_summary(s) for s in view.recommended_standards],
            "depends_on": [
                {
                    **gemma_summary(r.target),
                    "via_interface": r.via.name if r.via else None,
                    "role": r.role,
                }
                for r in view.depends_on
            ],
            "depended_on_by": [
                {
                    **gemma_summary(r.source),
                    "via_interface": r.via.name if r.via else None,
                    "role": r.role,
                }
                for r in view.depended_on_by
            ],
            "business_functions": [gemma_summary(f) for f in view.business_functions],
        },
    )


def standard_detail(view: StandardView) -> dict[str, Any]:
    """A standard with versions, the reference components that need it, and the claimants."""
    return _as(
        api_schemas.Standard,
        {
            **gemma_summary(view.element),
            "description": view.element.description,
            "url": view.element.attributes.get("url"),
            "beheerder": view.element.attributes.get("beheerder"),
            "versions": [
                {"name": v.name, "version": v.attributes.get("versie"), "status": v.status}
                for v in view.versions
            ],
            "required_by": [gemma_summary(e) for e in view.required_by],
            "recommended_by": [gemma_summary(e) for e in view.recommended_by],
            "claimed_by": [{"slug": c.slug, "name": c.name} for c in view.claimed_by],
        },
    )


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    """An organisation's identity; municipalities with CBS code, province and inhabitants."""
    return _as(
        api_schemas.Organisation,
        {
            "slug": organisation.slug,
            "name": organisation.name,
            "kind": organisation.kind,
            "cbs_code": organisation.cbs_code,
            "province": organisation.province,
            "inhabitants": organisation.inhabitants,
            "inhabitants_year": organisation.inhabitants_year,
            "website": organisation.website,
            "source": organisation.source_ref,
        },
    )


def organisation_detail(organisation: Organisation) -> dict[str, Any]:
    """An organisation with the components it claims to use and those it maintains."""
    return _as(
        api_schemas.OrganisationDetail,
        {
            **organisation_summary(organisation),
            "uses": [
                {
                    "component": u.component.slug,
                    "name": u.component.name,
                    "status": u.status,
                    "kind": u.kind,
                    "source": u.source_ref,
                }
                for u in organisation.usages
            ],
            "maintains": sorted(c.slug for c in organisation.maintained),
        },
    )


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """ISO text of a date, or None."""
    return value.isoformat() if value else None


def advice(answer: dict[str, Any]) -> dict[str, Any]:
    """``POST /advice``'s answer (the profile as read, the plan, explanations, roadmap, notes)."""
    return _as(api_schemas.Advice, answer)
