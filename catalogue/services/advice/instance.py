"""The catalogue and GEMMA as the advisor's Instance for one profile (see the package's doc).

``build_instance`` runs the steps in order, each a small function that says what it reads and
what it builds: the profile's municipality and GEMMA elements, the catalogue's components and
the landscape, GEMMA as the advisor's graph (``gemma_graph``), what is needed, the candidates,
and the constraints. The steps read the database in that order, so a profile with several
mistakes is refused for the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisor.graph import ComponentGraph
from advisor.model import Candidate, Constraints, Hosting, Instance, Landscape, Status
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
from catalogue.services.advice.gemma_graph import (
    _gemma_elements,
    _gemma_graph,
    _gemma_names,
    _needed,
    _recommended_dependencies,
    _with_generalisations,
)
from catalogue.services.advice.profile import HOSTING_FORMS, STATUSES, Profile


def build_instance(session: Session, profile: Profile) -> CatalogueFacts:
    """Read the catalogue and GEMMA, and build the advisor's instance for ``profile``."""
    municipality = _municipality(session, profile)
    chosen = _chosen_elements(session, profile)
    components = _components(session)
    landscape, published = _landscape(session, profile, municipality, {c.slug for c in components})
    element_by_id = _gemma_elements(session)
    gemma = _gemma_graph(session, element_by_id, chosen.functions)
    names = _gemma_names(element_by_id, chosen.functions)
    needed = _needed(gemma, chosen.functions, chosen.named)
    read = _candidates(
        components, gemma, _required_standards(session, chosen.standards, element_by_id)
    )
    names.update(read.names)
    instance = Instance(
        components=tuple(read.candidates),
        needs=frozenset(needed),
        landscape=Landscape(
            components=frozenset(landscape),
            provides=frozenset(_with_generalisations(gemma, {RC + e.slug for e in chosen.covered})),
        ),
        constraints=_constraints(profile, read.missing_standards.keys()),
    )
    return CatalogueFacts(
        instance=instance,
        names=names,
        municipality=municipality,
        unknown_status=frozenset(read.unknown_status),
        unknown_hosting=frozenset(read.unknown_hosting),
        unknown_licence=frozenset(read.unknown_licence),
        sources=read.sources,
        missing_standards=read.missing_standards,
        recommended_dependencies=_recommended_dependencies(gemma),
        landscape=tuple(landscape),
        published_claims=published,
        unlinked=_unlinked_needs(session, chosen.functions, element_by_id),
        expected_standards=_expected_standards(session, element_by_id),
    )


# ---------------------------------------------------------------- what the profile names


@dataclass(frozen=True)
class _Chosen:
    """The GEMMA elements a profile names, each list in the profile's order without repeats."""

    functions: list[GemmaElement]  # the business functions to support
    named: list[GemmaElement]  # the reference components asked for
    covered: list[GemmaElement]  # the reference components the landscape already covers
    standards: list[GemmaElement]  # the standards a candidate must claim


def _municipality(session: Session, profile: Profile) -> Organisation | None:
    """The organisation with the profile's CBS code, or None when the profile names none.

    Reads one organisation; refuses a code no organisation has (``municipality``).
    """
    if not profile.municipality:
        return None
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
    return municipality


def _elements(
    session: Session, kind: GemmaKind, slugs: Iterable[str], field_name: str
) -> list[GemmaElement]:
    """The GEMMA elements of ``kind`` with these slugs, in their order, read in one statement.

    Refuses (under ``field_name``) the slugs no element of that kind has.
    """
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


def _chosen_elements(session: Session, profile: Profile) -> _Chosen:
    """The business functions, reference components and standards the profile names.

    Reads one statement per non-empty list, and refuses an unknown slug under its field.
    """
    reference = GemmaKind.REFERENCE_COMPONENT
    return _Chosen(
        functions=_elements(
            session, GemmaKind.BUSINESS_FUNCTION, profile.business_functions, "business_functions"
        ),
        named=_elements(session, reference, profile.reference_components, "reference_components"),
        covered=_elements(
            session,
            reference,
            profile.landscape_reference_components,
            "landscape_reference_components",
        ),
        standards=_elements(
            session, GemmaKind.STANDARD, profile.required_standards, "required_standards"
        ),
    )


# ---------------------------------------------------------------- the catalogue


def _components(session: Session) -> list[Component]:
    """Every catalogue component, with what the candidates are made of loaded in advance.

    Reads the components with their realisations (and reference components), requirements,
    standards, offers and usages (with organisations), so that no later step reads one by one.
    """
    return list(
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


def _landscape(
    session: Session, profile: Profile, municipality: Organisation | None, slugs: set[str]
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The components in use, and the published claims they were taken from (if they were).

    The landscape is the profile's own list; when the profile does not give one, the components
    the municipality publishes that it uses (read with their sources). Refuses a landscape or
    excluded component that is not one of ``slugs``, the catalogue's components.
    """
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
    return landscape, published


# ---------------------------------------------------------------- the candidates


@dataclass(frozen=True)
class _RequiredStandards:
    """The standards the profile requires, and where GEMMA says each applies.

    A required standard applies to a candidate only where GEMMA lists that standard for one of
    the reference components it realises: a notification router need not speak the Zaken API.
    """

    names: dict[int, str]  # standard id -> name
    of_reference: dict[str, set[int]]  # capability (rc:<slug>) -> required standards listed


def _required_standards(
    session: Session, standards: list[GemmaElement], element_by_id: Mapping[int, GemmaElement]
) -> _RequiredStandards:
    """The required standards, with the reference components GEMMA lists each for.

    Reads the "standard" relations of the required standards (nothing when none is required).
    """
    names = {s.id: s.name for s in standards}
    of_reference: dict[str, set[int]] = {}
    if standards:
        for relation in session.scalars(
            select(GemmaRelation).where(
                GemmaRelation.kind == GemmaRelationKind.STANDARD,
                GemmaRelation.target_id.in_(list(names)),
            )
        ):
            source = element_by_id.get(relation.source_id)
            if source is not None:
                of_reference.setdefault(RC + source.slug, set()).add(relation.target_id)
    return _RequiredStandards(names=names, of_reference=of_reference)


@dataclass
class _Candidates:
    """The advisor's candidates, and what reading them taught about the catalogue's facts."""

    candidates: list[Candidate] = field(default_factory=list)
    unknown_status: set[str] = field(default_factory=set)
    unknown_hosting: set[str] = field(default_factory=set)
    unknown_licence: set[str] = field(default_factory=set)
    sources: dict[str, str | None] = field(default_factory=dict)  # slug -> what was consulted
    missing_standards: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # slug and component:<slug> -> name


def _candidates(
    components: list[Component], gemma: ComponentGraph, required: _RequiredStandards
) -> _Candidates:
    """One candidate per component, by slug, from what ``_components`` loaded (reads nothing).

    Notes the components whose status, hosting or licence is unknown, the source of each, and
    the required standards each lacks where they apply.
    """
    read = _Candidates()
    for component in sorted(components, key=lambda c: c.slug):
        provides, requires = _capabilities(component, gemma)
        hosting = _hosting(component)
        if not hosting:
            read.unknown_hosting.add(component.slug)
        status: str | None = component.development_status
        if status not in (*STATUSES, "obsolete"):
            read.unknown_status.add(component.slug)
            status = None
        is_open = open_source(component.license)
        if is_open is None:
            read.unknown_licence.add(component.slug)
        read.sources[component.slug] = component.source_ref
        lacking = _lacking_standards(component, provides, required)
        if lacking:
            read.missing_standards[component.slug] = lacking
        # Only claims of use count as adoption: having commissioned a component is not using it.
        adopters = {u.organisation_id for u in component.usages if u.kind == UsageKind.USES}
        read.candidates.append(
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
        read.names[component.slug] = component.name
        read.names[COMPONENT + component.slug] = component.name
    return read


def _capabilities(component: Component, gemma: ComponentGraph) -> tuple[set[str], set[str]]:
    """What a component provides and what it requires, as capability ids.

    It provides the reference components it realises with their general forms, and itself
    (``component:<slug>``); it requires the components it lists as not optional and the
    mandatory GEMMA dependencies of what it provides, less what it provides itself.
    """
    provides = _with_generalisations(
        gemma, {RC + r.reference_component.slug for r in component.realisations}
    )
    provides.add(COMPONENT + component.slug)
    requires = {
        COMPONENT + r.required_component.slug for r in component.requirements if not r.optional
    }
    for capability in provides:
        if capability in gemma:
            requires.update(gemma.dependencies_of(capability))
    return provides, requires - provides


def _hosting(component: Component) -> set[str]:
    """The hosting forms a component's record states or its offers are (empty: unknown)."""
    hosting = {h["model"] for h in component.hosting_models or []}
    return hosting | {o.kind for o in component.offers if o.kind in HOSTING_FORMS}


def _lacking_standards(
    component: Component, provides: set[str], required: _RequiredStandards
) -> tuple[str, ...]:
    """The names of the required standards that apply to a component and that it does not claim,
    sorted."""
    claimed = {s.standard_id for s in component.standards if s.standard_id}
    applicable = set().union(*(required.of_reference.get(cap, set()) for cap in provides))
    return tuple(
        sorted(
            name for sid, name in required.names.items() if sid in applicable and sid not in claimed
        )
    )


def _constraints(profile: Profile, lacking: Iterable[str]) -> Constraints:
    """The profile's rules as the advisor's constraints (reads nothing).

    The components that lack a required standard (``lacking``) are excluded beside those the
    profile excludes.
    """
    allowed = frozenset(Hosting(h) for h in HOSTING_FORMS if h not in profile.disallowed_hosting)
    return Constraints(
        open_source_only=profile.open_source_only,
        allowed_hosting=allowed,
        min_status=Status(profile.min_status),
        exclude=frozenset(profile.exclude) | frozenset(lacking),
        strict=profile.strict,
    )
