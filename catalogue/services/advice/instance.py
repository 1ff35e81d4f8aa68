"""The catalogue and GEMMA as the advisor's Instance for one profile (see the package's doc)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisor.graph import ComponentGraph, NodeKind
from advisor.model import Candidate, Constraints, Hosting, Instance, Landscape, Obligation, Status
from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.models import (
    Component,
    ComponentRequirement,
    GemmaElement,
    GemmaKind,
    GemmaRelation,
    GemmaRelationKind,
    Organisation,
    Realisation,
    Usage,
    UsageKind,
)
from catalogue.services.advice.facts import (
    COMPONENT,
    RC,
    CatalogueFacts,
    _expected_standards,
    _unlinked_needs,
    open_source,
    published_claims,
)
from catalogue.services.advice.profile import HOSTING_FORMS, STATUSES, Profile


def _elements(
    session: Session, kind: GemmaKind, slugs: Iterable[str], field_name: str
) -> list[GemmaElement]:
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return []
    found = {
        e.slug: e
        for e in session.scalars(
            select(GemmaElement).where(GemmaElement.kind == kind, GemmaElement.slug.in_(wanted))
        )
    }
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise ValidationError(
            {field_name: [FieldError(ErrorCode.GEMMA_ELEMENTS_UNKNOWN, slugs=", ".join(missing))]}
        )
    return [found[slug] for slug in wanted]


def build_instance(session: Session, profile: Profile) -> CatalogueFacts:
    """Read the catalogue and GEMMA, and build the advisor's instance for ``profile``."""
    municipality = None
    if profile.municipality:
        municipality = session.scalar(
            select(Organisation).where(Organisation.cbs_code == profile.municipality.upper())
        )
        if municipality is None:
            raise ValidationError(
                {
                    "municipality": [
                        FieldError(ErrorCode.MUNICIPALITY_UNKNOWN, cbs_code=profile.municipality)
                    ]
                }
            )

    functions = _elements(
        session, GemmaKind.BUSINESS_FUNCTION, profile.business_functions, "business_functions"
    )
    named = _elements(
        session, GemmaKind.REFERENCE_COMPONENT, profile.reference_components, "reference_components"
    )
    covered = _elements(
        session,
        GemmaKind.REFERENCE_COMPONENT,
        profile.landscape_reference_components,
        "landscape_reference_components",
    )
    standards = _elements(
        session, GemmaKind.STANDARD, profile.required_standards, "required_standards"
    )

    components = list(
        session.scalars(
            select(Component).options(
                selectinload(Component.realisations).selectinload(Realisation.reference_component),
                selectinload(Component.requirements).selectinload(
                    ComponentRequirement.required_component
                ),
                selectinload(Component.standards),
                selectinload(Component.offers),
                selectinload(Component.usages).selectinload(Usage.organisation),
            )
        )
    )
    slugs = {c.slug for c in components}
    published: dict[str, tuple[str, ...]] = {}
    if profile.landscape_components is None and municipality is not None:
        published = published_claims(session, municipality)
    landscape = (
        profile.landscape_components
        if profile.landscape_components is not None
        else tuple(published)
    )
    for key, values in (
        ("landscape_components", landscape),
        ("exclude", profile.exclude),
    ):
        unknown = [v for v in values if v not in slugs]
        if unknown:
            raise ValidationError(
                {key: [FieldError(ErrorCode.COMPONENTS_UNKNOWN, slugs=", ".join(unknown))]}
            )

    element_by_id = {
        e.id: e
        for e in session.scalars(
            select(GemmaElement).where(
                GemmaElement.kind.in_([GemmaKind.REFERENCE_COMPONENT, GemmaKind.EXTERNAL_FACILITY])
            )
        )
    }
    # GEMMA as the advisor's graph: reference components (and national facilities, which
    # every municipality has) as capabilities ``rc:<slug>``, with their dependencies and
    # specialisations, and the chosen functions with the reference components supporting them.
    gemma = ComponentGraph()
    for element in element_by_id.values():
        if RC + element.slug not in gemma:
            gemma.add_reference_component(
                RC + element.slug,
                name=element.name,
                external=element.kind == GemmaKind.EXTERNAL_FACILITY,
            )
    for relation in session.scalars(
        select(GemmaRelation).where(GemmaRelation.kind == GemmaRelationKind.DEPENDS_ON)
    ):
        consumer, provider = (
            element_by_id.get(relation.source_id),
            element_by_id.get(relation.target_id),
        )
        if consumer is None or provider is None or provider.kind != GemmaKind.REFERENCE_COMPONENT:
            continue  # national facilities are available to every municipality
        if consumer.id == provider.id:
            continue
        gemma.add_dependency(
            RC + consumer.slug,
            RC + provider.slug,
            mandatory=Obligation.of(relation.role) is Obligation.VERPLICHT,
        )

    # A specialisation realises its general form too (Generiek zaakafhandelcomponent is a
    # Zaakafhandelcomponent), so a component providing one provides the other.
    for relation in session.scalars(
        select(GemmaRelation).where(GemmaRelation.kind == GemmaRelationKind.SPECIALISATION_OF)
    ):
        special, broad = (
            element_by_id.get(relation.source_id),
            element_by_id.get(relation.target_id),
        )
        if special is not None and broad is not None:
            gemma.add_specialisation(RC + special.slug, RC + broad.slug)

    def with_generalisations(capabilities: set[str]) -> set[str]:
        # A capability GEMMA does not hold (a catalogue component, an element of another
        # kind) generalises to nothing.
        return capabilities | gemma.with_generalisations(c for c in capabilities if c in gemma)

    for function in functions:
        gemma.add_function("bf:" + function.slug, name=function.name)
    if functions:
        function_of = {f.id: "bf:" + f.slug for f in functions}
        for relation in session.scalars(
            select(GemmaRelation).where(
                GemmaRelation.kind == GemmaRelationKind.SUPPORTS_FUNCTION,
                GemmaRelation.target_id.in_(list(function_of)),
            )
        ):
            source = element_by_id.get(relation.source_id)
            if source is not None and source.kind == GemmaKind.REFERENCE_COMPONENT:
                gemma.link_function_to_reference(function_of[relation.target_id], RC + source.slug)

    names: dict[str, str] = {
        RC + e.slug: e.name
        for e in element_by_id.values()
        if e.kind == GemmaKind.REFERENCE_COMPONENT
    }
    names.update({f"bf:{f.slug}": f.name for f in functions})

    # What is needed: the chosen reference components and those supporting the chosen
    # functions, closed over mandatory GEMMA dependencies in one traversal.
    needed = gemma.needs_closure(
        functions=["bf:" + f.slug for f in functions],
        reference_components=[RC + e.slug for e in named],
    ).reference_components

    required_standard_ids = {s.id: s.name for s in standards}
    # A required standard applies to a candidate only where GEMMA lists that standard for one of
    # the reference components it realises: a notification router need not speak the Zaken API.
    standards_of_reference: dict[str, set[int]] = {}
    if standards:
        for relation in session.scalars(
            select(GemmaRelation).where(
                GemmaRelation.kind == GemmaRelationKind.STANDARD,
                GemmaRelation.target_id.in_(list(required_standard_ids)),
            )
        ):
            source = element_by_id.get(relation.source_id)
            if source is not None:
                standards_of_reference.setdefault(RC + source.slug, set()).add(relation.target_id)
    candidates = []
    unknown_status, unknown_hosting, unknown_licence = set(), set(), set()
    sources: dict[str, str | None] = {}
    missing_standards: dict[str, tuple[str, ...]] = {}
    exclude = set(profile.exclude)
    for component in sorted(components, key=lambda c: c.slug):
        provides = with_generalisations(
            {RC + r.reference_component.slug for r in component.realisations}
        )
        provides.add(COMPONENT + component.slug)
        requires = {
            COMPONENT + r.required_component.slug for r in component.requirements if not r.optional
        }
        for capability in provides:
            if capability in gemma:
                requires.update(gemma.dependencies_of(capability))
        requires -= provides
        hosting = {h["model"] for h in component.hosting_models or []}
        hosting |= {o.kind for o in component.offers if o.kind in HOSTING_FORMS}
        if not hosting:
            unknown_hosting.add(component.slug)
        status: str | None = component.development_status
        if status not in (*STATUSES, "obsolete"):
            unknown_status.add(component.slug)
            status = None
        is_open = open_source(component.license)
        if is_open is None:
            unknown_licence.add(component.slug)
        sources[component.slug] = component.source_ref
        claimed = {s.standard_id for s in component.standards if s.standard_id}
        applicable = set().union(*(standards_of_reference.get(cap, set()) for cap in provides))
        lacking = tuple(
            sorted(
                name
                for sid, name in required_standard_ids.items()
                if sid in applicable and sid not in claimed
            )
        )
        if lacking:
            missing_standards[component.slug] = lacking
            exclude.add(component.slug)
        # Only claims of use count as adoption: having commissioned a component is not using it.
        adopters = {u.organisation_id for u in component.usages if u.kind == UsageKind.USES}
        candidates.append(
            Candidate(
                id=component.slug,
                name=component.name,
                provides=frozenset(provides),
                requires=frozenset(requires),
                cost=1.0,
                hosting=frozenset(Hosting(h) for h in hosting) if hosting else None,
                open_source=is_open,
                status=None if status is None else Status(status),
                licence=component.license,
                # No claim is not proof of no use: zero claims means "unknown", not 0.
                adoption_count=len(adopters) or None,
                dependencies_count=len(requires),
                standards=frozenset(s.name for s in component.standards),
            )
        )
        names[component.slug] = component.name
        names[COMPONENT + component.slug] = component.name

    landscape_provides = with_generalisations({RC + e.slug for e in covered})
    allowed = frozenset(Hosting(h) for h in HOSTING_FORMS if h not in profile.disallowed_hosting)
    instance = Instance(
        components=tuple(candidates),
        needs=frozenset(needed),
        landscape=Landscape(
            components=frozenset(landscape),
            provides=frozenset(landscape_provides),
        ),
        constraints=Constraints(
            open_source_only=profile.open_source_only,
            allowed_hosting=allowed,
            min_status=Status(profile.min_status),
            exclude=frozenset(exclude),
            strict=profile.strict,
        ),
    )
    return CatalogueFacts(
        instance=instance,
        names=names,
        municipality=municipality,
        unknown_status=frozenset(unknown_status),
        unknown_hosting=frozenset(unknown_hosting),
        unknown_licence=frozenset(unknown_licence),
        sources=sources,
        missing_standards=missing_standards,
        recommended_dependencies={
            capability: recommended
            for capability in gemma.nodes(NodeKind.REFERENCE)
            if (recommended := gemma.recommended_dependencies_of(capability))
        },
        landscape=tuple(landscape),
        published_claims=published,
        unlinked=_unlinked_needs(session, functions, element_by_id),
        expected_standards=_expected_standards(session, element_by_id),
    )
