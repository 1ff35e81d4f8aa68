"""What the bridge reads from the catalogue besides the instance: licences, published claims of
use, chosen functions GEMMA links to nothing, the standards GEMMA expects.

``RC`` and ``COMPONENT`` prefix the advisor's capability ids: a GEMMA reference component
(``rc:<slug>``) and a specific catalogue component (``component:<slug>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advisor.model import Instance, Obligation
from catalogue.models import (
    GemmaElement,
    GemmaKind,
    GemmaRelation,
    GemmaRelationKind,
    Organisation,
    Usage,
)

RC = "rc:"
COMPONENT = "component:"


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
