"""Writing components: ``apply_document`` creates or updates one from a document, replacing its
child facts, and ``write_requirements`` links the components it needs. Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue import documents
from catalogue.errors import ErrorCode, FieldError, NotFound, ValidationError
from catalogue.models import (
    Component,
    ComponentDescription,
    ComponentRequirement,
    ComponentStandard,
    Contact,
    Contractor,
    GemmaElement,
    Offer,
    Realisation,
    SoftwareDependency,
    SourceKind,
)
from catalogue.services.components.document import document_of
from catalogue.services.gemma import elements_by_gemma_id
from catalogue.services.organisations import resolve_organisation
from catalogue.text import normalise_repository_url, slugify

_T = TypeVar("_T")


@dataclass(frozen=True)
class Applied:
    """The outcome of applying a document."""

    component: Component
    created: bool
    changes: list[tuple[str, Any, Any]]


def apply_document(
    session: Session,
    document: Mapping[str, Any],
    *,
    source_ref: str,
    source_kind: str = SourceKind.FILE,
    resolve_requirements: bool = True,
) -> Applied:
    """Create or update the component a document describes, keyed by repository URL.

    Child facts (descriptions, contractors, links) are replaced by the document's. Raises
    ValidationError with located messages when the document is malformed or refers to unknown
    GEMMA ids, organisations or components.
    """
    where = str(document.get("slug") or document.get("name") or "component")
    errors = documents.validate(document, where)
    if errors:
        raise ValidationError(errors)
    url = normalise_repository_url(str(document["url"]))
    # Child rows are replaced wholesale; a row lock keeps two writers of the same component from
    # interleaving their deletes and inserts (PostgreSQL; SQLite serialises writers anyway).
    component = session.scalar(select(Component).where(Component.url == url).with_for_update())
    slug = str(document.get("slug") or slugify(str(document["name"])))
    if component is None and session.scalar(select(Component).where(Component.slug == slug)):
        raise ValidationError({f"{where}.slug": [FieldError(ErrorCode.SLUG_TAKEN, slug=slug)]})
    before = document_of(component) if component is not None else None
    created = component is None
    if component is None:
        component = Component(slug=slug, name=str(document["name"]), url=url)
        session.add(component)
    # Child rows are built before they are attached; flushing half-built rows would fail.
    with session.no_autoflush:
        _write(session, component, document, url, source_kind, source_ref, resolve_requirements)
    session.flush()
    after = document_of(component)
    return Applied(component=component, created=created, changes=documents.diff(before, after))


CHILD_COLLECTIONS = (
    "descriptions",
    "contractors",
    "contacts",
    "software_dependencies",
    "realisations",
    "standards",
    "offers",
)


def _write(
    session: Session,
    component: Component,
    document: Mapping[str, Any],
    url: str,
    source_kind: str,
    source_ref: str,
    resolve_requirements: bool,
) -> None:
    where = str(document.get("slug") or document.get("name"))
    entry_source = str(document.get("source") or source_ref)
    if component.id is not None:
        # Old child rows go first, so a replacement with the same unique key does not collide.
        for collection in CHILD_COLLECTIONS:
            setattr(component, collection, [])
        session.flush()
    component.name = str(document["name"]).strip()
    component.url = url
    if document.get("slug"):
        component.slug = str(document["slug"])
    component.aliases = [str(a) for a in document.get("aliases") or []]
    for field in documents.SCALAR_FIELDS:
        if field in ("name", "url", "maintaining_organisation"):
            continue
        value = document.get(field)
        if field == "release_date":
            value = documents.as_date(value)
        elif value is not None:
            value = str(value)
        setattr(component, field, value)
    component.platforms = [str(p) for p in document.get("platforms") or []]
    component.categories = [str(c) for c in document.get("categories") or []]
    maintenance = document.get("maintenance") or {}
    component.maintenance_type = maintenance.get("type")
    localisation = document.get("localisation") or {}
    component.localisation_ready = localisation.get("localisation_ready")
    component.available_languages = list(localisation.get("available_languages") or [])
    component.hosting_models = [
        {"model": h["model"], "source": h.get("source") or entry_source}
        for h in document.get("hosting_models") or []
    ]
    component.extra = documents.jsonable(dict(document.get("extra") or {}))
    component.field_sources = dict(document.get("field_sources") or {})
    component.source_kind = source_kind
    component.source_ref = entry_source
    organisation_ref = document.get("maintaining_organisation")
    component.maintaining_organisation = (
        _resolve(
            lambda: resolve_organisation(session, str(organisation_ref)),
            f"{where}.maintaining_organisation",
        )
        if organisation_ref
        else None
    )

    component.descriptions = [
        ComponentDescription(
            language=str(language),
            **{
                field: (
                    list(texts.get(field) or [])
                    if field in documents.DESCRIPTION_LIST_FIELDS
                    else texts.get(field)
                )
                for field in documents.DESCRIPTION_FIELDS
            },
        )
        for language, texts in sorted((document.get("descriptions") or {}).items())
        if texts
    ]
    component.contractors = [
        Contractor(
            name=str(c["name"]),
            until=documents.as_date(c.get("until")),
            email=c.get("email"),
            website=c.get("website"),
            source_kind=source_kind,
            source_ref=c.get("source") or entry_source,
        )
        for c in maintenance.get("contractors") or []
    ]
    component.contacts = [
        Contact(
            name=str(c["name"]),
            email=c.get("email"),
            phone=None if c.get("phone") is None else str(c.get("phone")),
            affiliation=c.get("affiliation"),
            source_kind=source_kind,
            source_ref=c.get("source") or entry_source,
        )
        for c in maintenance.get("contacts") or []
    ]
    component.software_dependencies = [
        SoftwareDependency(
            kind=str(d.get("kind") or "open"),
            name=str(d["name"]),
            version_min=_text(d.get("version_min")),
            version_max=_text(d.get("version_max")),
            version=_text(d.get("version")),
            optional=bool(d.get("optional")),
            source_kind=source_kind,
            source_ref=d.get("source") or entry_source,
        )
        for d in document.get("dependencies") or []
    ]
    _write_links(session, component, document, where, source_kind, entry_source)
    if resolve_requirements:
        write_requirements(
            session, component, document, source_kind=source_kind, source_ref=entry_source
        )


def _write_links(
    session: Session,
    component: Component,
    document: Mapping[str, Any],
    where: str,
    source_kind: str,
    entry_source: str,
) -> None:
    links = document.get("reference_components") or []
    standards = document.get("standards") or []
    wanted = [link["gemma_id"] for link in links]
    wanted += [link["via_interface"]["gemma_id"] for link in links if link.get("via_interface")]
    wanted += [s["gemma_id"] for s in standards if s.get("gemma_id")]
    known = elements_by_gemma_id(session, wanted)
    errors: dict[str, list[str]] = {}

    def element(gemma_id: str, path: str) -> GemmaElement | None:
        found = known.get(gemma_id)
        if found is None:
            errors.setdefault(f"{where}.{path}", []).append(
                FieldError(ErrorCode.DOCUMENT_GEMMA_ID_UNKNOWN, gemma_id=gemma_id)
            )
        return found

    realisations = []
    for index, link in enumerate(links):
        reference = element(link["gemma_id"], f"reference_components[{index}].gemma_id")
        via = link.get("via_interface")
        via_element = (
            element(via["gemma_id"], f"reference_components[{index}].via_interface")
            if via
            else None
        )
        if reference is None:
            continue
        realisations.append(
            Realisation(
                reference_component=reference,
                basis=str(link["basis"]),
                via_interface=via_element,
                reason=link.get("reason"),
                source_kind={"derived": SourceKind.DERIVED, "manual": SourceKind.MANUAL}.get(
                    str(link["basis"]), source_kind
                ),
                source_ref=link.get("source") or entry_source,
            )
        )
    component_standards = []
    for index, standard in enumerate(standards):
        gemma_id = standard.get("gemma_id")
        linked = element(gemma_id, f"standards[{index}].gemma_id") if gemma_id else None
        component_standards.append(
            ComponentStandard(
                standard=linked,
                name=str(standard["name"]),
                version=_text(standard.get("version")),
                source_kind=source_kind,
                source_ref=standard.get("source") or entry_source,
            )
        )
    offers = []
    for index, offer in enumerate(document.get("offers") or []):
        supplier = _resolve(
            partial(resolve_organisation, session, str(offer["supplier"])),
            f"{where}.offers[{index}].supplier",
        )
        offers.append(
            Offer(
                supplier=supplier,
                kind=str(offer["kind"]),
                jurisdiction=offer.get("jurisdiction"),
                source_kind=source_kind,
                source_ref=offer.get("source") or entry_source,
            )
        )
    if errors:
        raise ValidationError(errors)
    component.realisations = realisations
    component.standards = component_standards
    component.offers = offers


def write_requirements(
    session: Session,
    component: Component,
    document: Mapping[str, Any],
    *,
    source_kind: str,
    source_ref: str,
) -> None:
    """Link the catalogue components this one needs, by slug; unknown slugs are a located error."""
    where = str(document.get("slug") or document.get("name"))
    if component.requirements:
        component.requirements = []
        session.flush()
    requirements = []
    for index, requirement in enumerate(document.get("requires") or []):
        slug = str(requirement["component"])
        required = session.scalar(select(Component).where(Component.slug == slug))
        if required is None:
            raise ValidationError(
                {
                    f"{where}.requires[{index}].component": [
                        FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=slug)
                    ]
                }
            )
        requirements.append(
            ComponentRequirement(
                required_component=required,
                optional=bool(requirement.get("optional")),
                source_kind=source_kind,
                source_ref=requirement.get("source") or source_ref,
            )
        )
    component.requirements = requirements
    session.flush()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _resolve(lookup: Callable[[], _T], path: str) -> _T:
    try:
        return lookup()
    except NotFound as error:
        reason = error.args[0] if len(error.args) == 1 else None
        message = reason if isinstance(reason, FieldError) else str(error)
        raise ValidationError({path: [message]}) from error
