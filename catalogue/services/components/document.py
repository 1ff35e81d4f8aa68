"""A component as a component document (catalogue/documents.py): the inverse of
``apply_document``, and what submissions, exports and the API start from.
"""

from __future__ import annotations

from typing import Any

from catalogue import documents
from catalogue.models import Component


def document_of(component: Component) -> dict[str, Any]:
    """The component as a document: the inverse of :func:`apply_document`."""
    document: dict[str, Any] = {"slug": component.slug}
    for field in documents.SCALAR_FIELDS:
        if field == "maintaining_organisation":
            organisation = component.maintaining_organisation
            value = (organisation.cbs_code or organisation.slug) if organisation else None
        else:
            value = getattr(component, field)
        document[field] = value
    document["aliases"] = list(component.aliases or [])
    document["platforms"] = list(component.platforms or [])
    document["categories"] = list(component.categories or [])
    document["descriptions"] = {
        d.language: {field: getattr(d, field) for field in documents.DESCRIPTION_FIELDS}
        for d in component.descriptions
    }
    document["maintenance"] = {
        "type": component.maintenance_type,
        "contractors": [
            {
                "name": c.name,
                "until": c.until,
                "email": c.email,
                "website": c.website,
                "source": c.source_ref,
            }
            for c in component.contractors
        ],
        "contacts": [
            {
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "affiliation": c.affiliation,
                "source": c.source_ref,
            }
            for c in component.contacts
        ],
    }
    document["localisation"] = {
        "localisation_ready": component.localisation_ready,
        "available_languages": list(component.available_languages or []),
    }
    document["dependencies"] = [
        {
            "kind": d.kind,
            "name": d.name,
            "version_min": d.version_min,
            "version_max": d.version_max,
            "version": d.version,
            "optional": d.optional,
            "source": d.source_ref,
        }
        for d in component.software_dependencies
    ]
    document["hosting_models"] = [dict(h) for h in component.hosting_models or []]
    document["reference_components"] = [
        _drop_none(
            {
                "gemma_id": r.reference_component.gemma_id,
                "name": r.reference_component.name,
                "basis": r.basis,
                "via_interface": (
                    {"gemma_id": r.via_interface.gemma_id, "name": r.via_interface.name}
                    if r.via_interface
                    else None
                ),
                "reason": r.reason,
                "source": r.source_ref,
            }
        )
        for r in component.realisations
    ]
    document["standards"] = [
        _drop_none(
            {
                "gemma_id": s.standard.gemma_id if s.standard else None,
                "name": s.name,
                "version": s.version,
                "source": s.source_ref,
            }
        )
        for s in component.standards
    ]
    document["requires"] = [
        {"component": r.required_component.slug, "optional": r.optional, "source": r.source_ref}
        for r in component.requirements
    ]
    document["offers"] = [
        _drop_none(
            {
                "supplier": o.supplier.cbs_code or o.supplier.slug,
                "kind": o.kind,
                "jurisdiction": o.jurisdiction,
                "source": o.source_ref,
            }
        )
        for o in component.offers
    ]
    document["extra"] = dict(component.extra or {})
    document["field_sources"] = dict(component.field_sources or {})
    document["source"] = component.source_ref
    return document


def _drop_none(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None}
