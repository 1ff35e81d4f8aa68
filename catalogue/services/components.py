"""Reading and writing components. Services take a Session, flush, and never commit."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, cast

from sqlalchemy import Result, bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from catalogue import documents
from catalogue.errors import NotFound, ValidationError
from catalogue.models import (
    Component,
    ComponentDescription,
    ComponentRequirement,
    ComponentStandard,
    Contact,
    Contractor,
    GemmaElement,
    ImportRecord,
    Offer,
    Organisation,
    Realisation,
    RealisationBasis,
    SoftwareDependency,
    SourceKind,
    Usage,
)
from catalogue.services.gemma import elements_by_gemma_id
from catalogue.services.organisations import resolve_organisation
from catalogue.text import normalise_repository_url, slugify

_T = TypeVar("_T")


def get_component(session: Session, slug: str) -> Component:
    """One component by slug with everything its page shows, or NotFound."""
    component = session.scalar(
        select(Component)
        .where(Component.slug == slug)
        .options(
            selectinload(Component.descriptions),
            selectinload(Component.contractors),
            selectinload(Component.contacts),
            selectinload(Component.software_dependencies),
            selectinload(Component.requirements).selectinload(
                ComponentRequirement.required_component
            ),
            selectinload(Component.required_by).selectinload(ComponentRequirement.component),
            selectinload(Component.standards).selectinload(ComponentStandard.standard),
            selectinload(Component.realisations).selectinload(Realisation.reference_component),
            selectinload(Component.offers).selectinload(Offer.supplier),
            selectinload(Component.usages).selectinload(Usage.organisation),
            selectinload(Component.maintaining_organisation),
        )
    )
    if component is None:
        msg = f"no component {slug!r}"
        raise NotFound(msg)
    return component


def find_by_url(session: Session, url: str) -> Component | None:
    """The component whose repository URL has the same identity as ``url``."""
    return session.scalar(select(Component).where(Component.url == normalise_repository_url(url)))


def list_components(
    session: Session, *, q: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[Component], int]:
    """Components by name, optionally filtered by a plain text match, with the total count."""
    query = select(Component)
    if q:
        pattern = f"%{q.strip().lower()}%"
        matching_descriptions = select(ComponentDescription.component_id).where(
            func.lower(ComponentDescription.short_description).like(pattern)
        )
        query = query.where(
            or_(func.lower(Component.name).like(pattern), Component.id.in_(matching_descriptions))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Component.descriptions), selectinload(Component.realisations))
        .order_by(func.lower(Component.name))
        .offset((max(page, 1) - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total


def components_by_slugs(session: Session, slugs: list[str]) -> list[Component]:
    """The components with these slugs, in the same order; unknown slugs are skipped."""
    rows = {
        c.slug: c
        for c in session.scalars(
            select(Component)
            .where(Component.slug.in_(slugs))
            .options(selectinload(Component.descriptions), selectinload(Component.realisations))
        )
    }
    return [rows[slug] for slug in slugs if slug in rows]


@dataclass(frozen=True)
class ResultCard:
    """What a search result shows besides its name and snippet: the development status and
    licence (None when no source gives them: the page says "onbekend") and the main GEMMA
    reference component as (slug, name)."""

    development_status: str | None
    license: str | None
    reference_component: tuple[str, str] | None


# Which link to a reference component is the main one: the component's own word first, then a
# link made by hand with a reason, then one derived from an interface it provides.
_BASIS_ORDER: dict[str, int] = {
    RealisationBasis.DECLARED: 0,
    RealisationBasis.MANUAL: 1,
    RealisationBasis.DERIVED: 2,
}


def main_reference_component(component: Component) -> GemmaElement | None:
    """The reference component the component is best known to realise (see _BASIS_ORDER;
    ties by the order the links were made)."""
    if not component.realisations:
        return None
    main = min(
        component.realisations, key=lambda r: (_BASIS_ORDER.get(r.basis, len(_BASIS_ORDER)), r.id)
    )
    return main.reference_component


@functools.cache
def _result_cards_statement() -> Any:
    """The statement of :func:`result_cards`, built once (building it cost more than running
    it); the slugs are bound at execution."""
    return (
        select(
            Component.slug,
            Component.development_status,
            Component.license,
            Realisation.basis,
            Realisation.id,
            GemmaElement.slug,
            GemmaElement.name,
        )
        .outerjoin(Realisation, Realisation.component_id == Component.id)
        .outerjoin(GemmaElement, Realisation.reference_component_id == GemmaElement.id)
        .where(Component.slug.in_(bindparam("slugs", expanding=True)))
    )


def result_cards(session: Session, slugs: list[str]) -> dict[str, ResultCard]:
    """The result card of each component with one of these slugs, by slug (one statement)."""
    if not slugs:
        return {}
    # The outer joins leave the Realisation and GemmaElement columns None for a component
    # without links; SQLAlchemy's types do not say so, hence the cast.
    rows = cast(
        "Result[str, str | None, str | None, str | None, int | None, str | None, str | None]",
        session.execute(_result_cards_statement(), {"slugs": slugs}),
    )
    facts: dict[str, tuple[str | None, str | None]] = {}
    main: dict[str, tuple[tuple[int, int], tuple[str, str]]] = {}
    for slug, status, license_, basis, realisation_id, reference_slug, name in rows:
        facts[slug] = (status, license_)
        # No link: the outer joins make these four None together (none is nullable in its table).
        if realisation_id is None or basis is None or reference_slug is None or name is None:
            continue
        rank = (_BASIS_ORDER.get(basis, len(_BASIS_ORDER)), realisation_id)
        if slug not in main or rank < main[slug][0]:
            main[slug] = (rank, (reference_slug, name))
    return {
        slug: ResultCard(
            development_status=status,
            license=license_,
            reference_component=main[slug][1] if slug in main else None,
        )
        for slug, (status, license_) in facts.items()
    }


def components_by_name(session: Session) -> dict[str, Component]:
    """Every component keyed by its lowercased name and each lowercased alias."""
    found: dict[str, Component] = {}
    for component in session.scalars(select(Component)):
        for name in [component.name, *(component.aliases or [])]:
            found.setdefault(str(name).lower(), component)
    return found


def counts(session: Session) -> dict[str, int]:
    """Headline numbers for the home page."""
    return {
        "components": session.scalar(select(func.count(Component.id))) or 0,
        "organisations": session.scalar(select(func.count(Organisation.id))) or 0,
        "usages": session.scalar(select(func.count(Usage.id))) or 0,
    }


def latest_import(component: Component) -> ImportRecord | None:
    """The last publiccode.yml import of this component, if any."""
    return component.import_records[-1] if component.import_records else None


# ---------------------------------------------------------------- writing


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
        raise ValidationError({f"{where}.slug": [f"slug {slug!r} is taken by another component"]})
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
            errors.setdefault(f"{where}.{path}", []).append(f"unknown GEMMA id {gemma_id!r}")
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
                {f"{where}.requires[{index}].component": [f"no component {slug!r}"]}
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


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _resolve(lookup: Callable[[], _T], path: str) -> _T:
    try:
        return lookup()
    except NotFound as error:
        raise ValidationError({path: [str(error)]}) from error
