"""The advice bridge: turns the catalogue and a municipality's profile into an advisor Instance.

The advisor itself (``advisor/``) is pure and knows nothing of the catalogue. This module is the
only place that translates between them:

- a capability is a GEMMA reference component (``rc:<slug>``), or a specific catalogue
  component another one needs (``component:<slug>``);
- a candidate provides the reference components it realises (declared, derived or manual);
- a candidate requires the catalogue components it lists as requirements, and the reference
  components that its own reference components depend on in GEMMA with role "Verplicht";
  dependencies on national facilities (BRP, BAG, DigiD, ...) count as available everywhere;
- a required standard applies to a candidate where GEMMA lists it for one of the candidate's
  reference components; a candidate it applies to and that does not claim it is left out;
- what is needed is the closure of the chosen business functions' and reference components'
  mandatory GEMMA dependencies, minus what the landscape covers.

Unknown facts stay unknown, and unknown is never "no": a component without a known licence,
development status or hosting form is passed to the advisor with that fact as ``None``. A rule
excludes it only on a known violation, unless the profile asks for certain facts only
(``strict``, "alleen zekere feiten"); otherwise the plan lists it under "te controleren" with
the unknown fact, the source that was consulted and a link to fill it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisor.cost import DEFAULT_PROFILE as DEFAULT_COST_PROFILE
from advisor.cost import TERMS, apply_scores
from advisor.cost import Profile as CostProfile
from advisor.explain import Explanation, explain
from advisor.graph import ComponentGraph, NodeKind
from advisor.model import (
    Candidate,
    Constraints,
    Hosting,
    Instance,
    Landscape,
    Obligation,
    Plan,
    Status,
    to_jsonable,
)
from advisor.roadmap import Roadmap, roadmap
from advisor.solve import solve
from advisor.whatif import WhatIf, replace_component
from catalogue.errors import ValidationError
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

RC = "rc:"
COMPONENT = "component:"
HOSTING_FORMS = tuple(h.value for h in Hosting)
STATUSES = ("concept", "development", "beta", "stable")
# The advisor's score terms; the weights and their defaults are documented in docs/advisor.md.
WEIGHT_KEYS: tuple[str, ...] = TERMS
DEFAULT_WEIGHTS: dict[str, float] = dict(DEFAULT_COST_PROFILE.weights)
# Licences we count as open source (SPDX ids, case-insensitive prefixes of the expression).
OPEN_LICENCE_PREFIXES = (
    "eupl",
    "mit",
    "apache",
    "gpl",
    "agpl",
    "lgpl",
    "mpl",
    "bsd",
    "isc",
    "cc0",
    "unlicense",
    "osl",
    "epl",
    "artistic",
    "zlib",
    "0bsd",
)
# Licences that say the software is not open source (publiccode.yml uses "proprietary").
PROPRIETARY_LICENCE_PREFIXES = (
    "proprietary",
    "licenseref-proprietary",
    "closed",
    "commercial",
    "commercieel",
)


@dataclass(frozen=True)
class Profile:
    """What a municipality tells the advisor. Every field has a default, so a link can omit it."""

    municipality: str | None = None
    business_functions: tuple[str, ...] = ()
    reference_components: tuple[str, ...] = ()
    # None: not said; the municipality's published usage claims fill it. A tuple (even an empty
    # one) is what the user said they use, and is respected as it stands.
    landscape_components: tuple[str, ...] | None = None
    landscape_reference_components: tuple[str, ...] = ()
    hosting_order: tuple[str, ...] = HOSTING_FORMS
    disallowed_hosting: tuple[str, ...] = ()
    open_source_only: bool = False
    min_status: str = "beta"
    required_standards: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # "Alleen zekere feiten": an unknown licence, status or hosting excludes, for strict
    # procurement. Off by default: unknown is not "no".
    strict: bool = False

    def to_json(self) -> dict[str, Any]:
        """The profile as JSON-ready data."""
        data = asdict(self)
        data["weights"] = dict(self.weights)
        return {
            key: list(value) if isinstance(value, tuple) else value for key, value in data.items()
        }

    @property
    def landscape_stated(self) -> bool:
        """True when the profile says what is in use (even "nothing")."""
        return self.landscape_components is not None


def profile_from_mapping(data: Mapping[str, Any]) -> Profile:
    """Validate a profile from JSON or a form; errors name the field."""
    errors: dict[str, list[str]] = {}
    known = set(Profile.__dataclass_fields__)
    for key in data:
        if key not in known:
            errors.setdefault(key, []).append("unknown field")

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, ())
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors.setdefault(key, []).append("must be a list of texts")
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))

    hosting_order = strings("hosting_order") or HOSTING_FORMS
    disallowed = strings("disallowed_hosting")
    for key, values in (("hosting_order", hosting_order), ("disallowed_hosting", disallowed)):
        for value in values:
            if value not in HOSTING_FORMS:
                errors.setdefault(key, []).append(
                    f"{value!r} is not one of {', '.join(HOSTING_FORMS)}"
                )
    if set(hosting_order) != set(HOSTING_FORMS) and not errors.get("hosting_order"):
        hosting_order = (*hosting_order, *(h for h in HOSTING_FORMS if h not in hosting_order))
    if not errors.get("disallowed_hosting") and set(disallowed) >= set(HOSTING_FORMS):
        errors.setdefault("disallowed_hosting", []).append(
            "at least one hosting form must stay allowed"
        )
    min_status = data.get("min_status", "beta")
    if min_status not in STATUSES:
        errors.setdefault("min_status", []).append(f"must be one of {', '.join(STATUSES)}")
    switches: dict[str, bool] = {}
    for key in ("open_source_only", "strict"):
        switch = data.get(key, False)
        if isinstance(switch, str):
            switch = switch.lower() in ("1", "true", "yes", "ja", "on")
        if not isinstance(switch, bool):
            errors.setdefault(key, []).append("must be true or false")
        switches[key] = bool(switch)
    weights = dict(DEFAULT_WEIGHTS)
    raw_weights = data.get("weights") or {}
    if not isinstance(raw_weights, Mapping):
        errors.setdefault("weights", []).append("must be an object")
        raw_weights = {}
    for key, value in raw_weights.items():
        if key not in WEIGHT_KEYS:
            errors.setdefault(f"weights.{key}", []).append("unknown weight")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.setdefault(f"weights.{key}", []).append("must be a number from 0 to 10")
            continue
        if not 0 <= number <= 10:
            errors.setdefault(f"weights.{key}", []).append("must be a number from 0 to 10")
            continue
        weights[key] = number
    municipality = data.get("municipality") or None
    if municipality is not None and not isinstance(municipality, str):
        errors.setdefault("municipality", []).append("must be a CBS code such as GM0344")
    profile = Profile(
        municipality=municipality,
        business_functions=strings("business_functions"),
        reference_components=strings("reference_components"),
        landscape_components=(
            strings("landscape_components")
            if data.get("landscape_components") is not None
            else None
        ),
        landscape_reference_components=strings("landscape_reference_components"),
        hosting_order=hosting_order,
        disallowed_hosting=disallowed,
        open_source_only=switches["open_source_only"],
        strict=switches["strict"],
        min_status=str(min_status),
        required_standards=strings("required_standards"),
        exclude=strings("exclude"),
        weights=weights,
    )
    if errors:
        raise ValidationError(errors)
    return profile


@dataclass(frozen=True)
class UnlinkedNeed:
    """A chosen business function that GEMMA links to no reference component.

    It cannot enter the plan, so it is listed as "niet te koppelen", with the reference component
    that supports the nearest related function (below it first, else above it) as a suggestion.
    """

    function: str  # business function slug
    name: str
    suggestion: str | None = None  # reference component slug
    suggestion_name: str | None = None
    via: str | None = None  # the name of the related function the suggestion supports


@dataclass(frozen=True)
class CatalogueFacts:
    """What the bridge read from the database, keyed for the advisor and for the pages."""

    instance: Instance
    names: Mapping[str, str]  # capability or component id -> human name
    municipality: Organisation | None
    unknown_status: frozenset[str]
    unknown_hosting: frozenset[str]
    unknown_licence: frozenset[str]
    sources: Mapping[str, str | None]  # component id -> the record's source (what was consulted)
    missing_standards: Mapping[str, tuple[str, ...]]  # component id -> required standards it lacks
    recommended_dependencies: Mapping[
        str, tuple[str, ...]
    ]  # capability -> recommended capabilities
    # The components the plan counts as in use, and for those taken from the municipality's
    # published usage claims (because the profile did not say), the sources of those claims.
    landscape: tuple[str, ...] = ()
    published_claims: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unlinked: tuple[UnlinkedNeed, ...] = ()
    # capability (rc:<slug>) -> the standards GEMMA marks "verplicht" for that reference component
    expected_standards: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def landscape_from_claims(self) -> bool:
        """True when the landscape was filled from published claims, not stated by the user."""
        return bool(self.published_claims)


def open_source(licence: str | None) -> bool | None:
    """Whether a licence is open source: ``None`` when it is not known (unknown, not no).

    A licence we do not recognise as open or as proprietary is unknown too: not recognising a
    licence is no evidence that it is closed.

    >>> open_source("EUPL-1.2"), open_source(None), open_source("proprietary")
    (True, None, False)
    >>> open_source("LicenseRef-Something") is None
    True
    """
    if not licence or not licence.strip():
        return None
    text = licence.strip().lower()
    if text.startswith(OPEN_LICENCE_PREFIXES):
        return True
    if text.startswith(PROPRIETARY_LICENCE_PREFIXES):
        return False
    return None


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
        raise ValidationError({field_name: [f"unknown: {', '.join(missing)}"]})
    return [found[slug] for slug in wanted]


def published_claims(session: Session, municipality: Organisation) -> dict[str, tuple[str, ...]]:
    """The catalogue components a municipality publishes that it uses, with the claims' sources.

    Ordered by component name; each source names the file (and commit) the claim was read from.
    """
    claims: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for usage in session.scalars(
        select(Usage)
        .where(Usage.organisation_id == municipality.id)
        .options(selectinload(Usage.component))
    ):
        names[usage.component.slug] = usage.component.name
        source = usage.source_ref or ""
        if usage.source_commit:
            source = f"{source} @ {usage.source_commit[:10]}"
        bucket = claims.setdefault(usage.component.slug, [])
        if source and source not in bucket:
            bucket.append(source)
    return {slug: tuple(claims[slug]) for slug in sorted(claims, key=lambda s: (names[s], s))}


def _unlinked_needs(
    session: Session,
    functions: Iterable[GemmaElement],
    element_by_id: Mapping[int, GemmaElement],
) -> tuple[UnlinkedNeed, ...]:
    """The chosen functions without a supporting reference component, each with a suggestion."""
    supports: dict[int, set[int]] = {}
    for relation in session.scalars(
        select(GemmaRelation).where(GemmaRelation.kind == GemmaRelationKind.SUPPORTS_FUNCTION)
    ):
        source = element_by_id.get(relation.source_id)
        if source is not None and source.kind == GemmaKind.REFERENCE_COMPONENT:
            supports.setdefault(relation.target_id, set()).add(source.id)
    lonely = [f for f in functions if not supports.get(f.id)]
    if not lonely:
        return ()
    children: dict[int, set[int]] = {}
    parent: dict[int, int] = {}
    for relation in session.scalars(
        select(GemmaRelation).where(GemmaRelation.kind == GemmaRelationKind.FUNCTION_PARENT)
    ):
        parent.setdefault(relation.source_id, relation.target_id)
        children.setdefault(relation.target_id, set()).add(relation.source_id)
    function_names = {
        e.id: e.name
        for e in session.scalars(
            select(GemmaElement).where(GemmaElement.kind == GemmaKind.BUSINESS_FUNCTION)
        )
    }
    result = []
    for function in lonely:
        suggestion = _nearest_support(function.id, supports, children, parent)
        if suggestion is None:
            result.append(UnlinkedNeed(function=function.slug, name=function.name))
            continue
        reference_id, via_id = suggestion
        reference = element_by_id[reference_id]
        result.append(
            UnlinkedNeed(
                function=function.slug,
                name=function.name,
                suggestion=reference.slug,
                suggestion_name=reference.name,
                via=function_names.get(via_id),
            )
        )
    return tuple(result)


def _nearest_support(
    start: int,
    supports: Mapping[int, set[int]],
    children: Mapping[int, set[int]],
    parent: Mapping[int, int],
) -> tuple[int, int] | None:
    """(reference component, the function it supports) nearest to ``start`` in the function tree.

    Functions below come before those above at the same distance (they are more specific); among
    several, the reference component supporting the most of them wins, then the lowest id.
    """
    seen, layer = {start}, [start]
    while layer:
        below = [c for f in layer for c in sorted(children.get(f, ())) if c not in seen]
        above = [parent[f] for f in layer if f in parent and parent[f] not in seen]
        for group in (below, above):
            linked = [f for f in group if supports.get(f)]
            if linked:
                counts: dict[int, int] = {}
                for f in linked:
                    for reference in supports[f]:
                        counts[reference] = counts.get(reference, 0) + 1
                best = min(counts, key=lambda r: (-counts[r], r))
                via = next(f for f in linked if best in supports[f])
                return best, via
        seen.update(below, above)
        layer = below + above
    return None


def _expected_standards(
    session: Session, element_by_id: Mapping[int, GemmaElement]
) -> dict[str, tuple[str, ...]]:
    """For each reference component: the standards GEMMA lists for it with role "verplicht"."""
    expected: dict[str, set[str]] = {}
    for relation in session.scalars(
        select(GemmaRelation)
        .where(GemmaRelation.kind == GemmaRelationKind.STANDARD)
        .options(selectinload(GemmaRelation.target))
    ):
        source = element_by_id.get(relation.source_id)
        if source is not None and Obligation.of(relation.role) is Obligation.VERPLICHT:
            expected.setdefault(RC + source.slug, set()).add(relation.target.name)
    return {k: tuple(sorted(v)) for k, v in expected.items()}


def published_claims_of(session: Session, cbs_code: str | None) -> dict[str, tuple[str, ...]]:
    """``published_claims`` for a municipality by CBS code; empty for none or an unknown code."""
    if not cbs_code:
        return {}
    municipality = session.scalar(
        select(Organisation).where(Organisation.cbs_code == cbs_code.upper())
    )
    return published_claims(session, municipality) if municipality is not None else {}


def build_instance(session: Session, profile: Profile) -> CatalogueFacts:
    """Read the catalogue and GEMMA, and build the advisor's instance for ``profile``."""
    municipality = None
    if profile.municipality:
        municipality = session.scalar(
            select(Organisation).where(Organisation.cbs_code == profile.municipality.upper())
        )
        if municipality is None:
            raise ValidationError({"municipality": [f"unknown CBS code {profile.municipality!r}"]})

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
            raise ValidationError({key: [f"unknown component: {', '.join(unknown)}"]})

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


# The advisor's names of the facts a rule depends on, by the constraint that needs them.
FACT_OF_CONSTRAINT = {
    "open_source_only": "licence",
    "min_status": "status",
    "allowed_hosting": "hosting",
}


@dataclass(frozen=True)
class ToVerify:
    """A chosen component that stayed eligible although a fact a rule depends on is unknown.

    ``facts`` are "licence", "status" and/or "hosting"; ``rules`` the constraints they matter
    for; ``source`` the catalogue record that was consulted (it does not state them).
    """

    component: str
    facts: tuple[str, ...]
    rules: tuple[str, ...]
    source: str | None


def to_verify(
    instance: Instance, plan: Plan, sources: Mapping[str, str | None]
) -> tuple[ToVerify, ...]:
    """The chosen components whose eligibility rests on an unknown fact ("te controleren")."""
    found = []
    for cid in plan.selected:
        uncertain = instance.constraints.uncertainties(instance.candidate(cid))
        if uncertain:
            rules = tuple(name for name, _why in uncertain)
            found.append(
                ToVerify(
                    component=cid,
                    facts=tuple(FACT_OF_CONSTRAINT[name] for name in rules),
                    rules=rules,
                    source=sources.get(cid),
                )
            )
    return tuple(found)


@dataclass(frozen=True)
class Advice:
    """A plan for a profile, with everything needed to explain it."""

    profile: Profile
    facts: CatalogueFacts
    instance: Instance
    plan: Plan
    explanation: Explanation
    roadmap: Roadmap
    what_if: WhatIf | None = None
    to_verify: tuple[ToVerify, ...] = ()

    def name(self, key: str) -> str:
        """The human name of a component or capability id."""
        return self.facts.names.get(key, key)


def alternatives_for(instance: Instance, removed: str) -> tuple[str, ...]:
    """The catalogue components that fill at least one reference component ``removed`` fills.

    Only those are sensible replacements in a what-if; sorted by name.
    """
    fills = {cap for cap in instance.by_id[removed].provides if cap.startswith(RC)}
    return tuple(
        c.id
        for c in sorted(instance.components, key=lambda c: (c.name.lower(), c.id))
        if c.id != removed and fills & c.provides
    )


def advise(session: Session, profile: Profile, *, replace: tuple[str, str] | None = None) -> Advice:
    """Build the instance, score it with the profile's weights, solve, explain and order it.

    ``replace`` = (component in the plan or landscape, catalogue component) adds a what-if.
    """
    facts = build_instance(session, profile)
    cost_profile = CostProfile(
        weights=dict(profile.weights),
        hosting_order=tuple(Hosting(h) for h in profile.hosting_order),
    )
    instance = apply_scores(facts.instance, profile=cost_profile)
    plan = solve(instance)
    explanation = explain(instance, plan, profile=cost_profile)
    what_if = None
    if replace is not None:
        removed, added = replace
        for key, value in (("vervang", removed), ("door", added)):
            if value not in instance.by_id:
                raise ValidationError({key: [f"unknown component {value!r}"]})
        if removed not in plan.selected and removed not in instance.landscape.components:
            raise ValidationError(
                {"vervang": ["choose a component from the plan or the landscape"]}
            )
        what_if = replace_component(instance, plan, remove=removed, add=added)
    return Advice(
        profile=profile,
        facts=facts,
        instance=instance,
        plan=plan,
        explanation=explanation,
        roadmap=roadmap(instance, plan),
        what_if=what_if,
        to_verify=to_verify(instance, plan, facts.sources),
    )


def advice_to_json(advice: Advice) -> dict[str, Any]:
    """The plan in the CLI contract's shape, plus explanations, roadmap and names."""
    used = set(advice.plan.selected) | set(advice.plan.unmet) | set(advice.instance.needs)
    used |= set(advice.facts.landscape)
    for choice in advice.explanation.choices:
        used |= set(choice.covers) | {p.requirement for p in choice.brings}
    return {
        "plan": advice.plan.to_json(),
        "explanation": to_jsonable(advice.explanation),
        "roadmap": to_jsonable(advice.roadmap),
        "what_if": to_jsonable(advice.what_if) if advice.what_if else None,
        "names": {key: advice.name(key) for key in sorted(used)},
        "landscape": {
            "components": list(advice.facts.landscape),
            "from_published_claims": advice.facts.landscape_from_claims,
            "sources": {k: list(v) for k, v in advice.facts.published_claims.items()},
        },
        "notes": {
            "unknown_status": sorted(advice.facts.unknown_status),
            "unknown_hosting": sorted(advice.facts.unknown_hosting),
            "unknown_licence": sorted(advice.facts.unknown_licence),
            "to_verify": [asdict(item) for item in advice.to_verify],
            "missing_required_standards": {
                k: list(v) for k, v in advice.facts.missing_standards.items()
            },
            # Chosen business functions GEMMA links to no reference component: "niet te koppelen".
            "unlinked": [asdict(need) for need in advice.facts.unlinked],
        },
    }
