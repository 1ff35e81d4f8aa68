"""GEMMA reference data: loading the extract, and reading reference components and their links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from advisor.model import Obligation
from catalogue.errors import ErrorCode, FieldError, NotFound
from catalogue.models import (
    Component,
    GemmaElement,
    GemmaKind,
    GemmaRelation,
    GemmaRelationKind,
    Realisation,
)
from catalogue.text import unique_slug

K = GemmaRelationKind

# Section of gemma.yaml -> kind of element.
SECTIONS: dict[str, GemmaKind] = {
    "reference_components": GemmaKind.REFERENCE_COMPONENT,
    "external_facilities": GemmaKind.EXTERNAL_FACILITY,
    "application_services": GemmaKind.APPLICATION_SERVICE,
    "application_interfaces": GemmaKind.APPLICATION_INTERFACE,
    "business_functions": GemmaKind.BUSINESS_FUNCTION,
    "business_processes": GemmaKind.BUSINESS_PROCESS,
    "standards": GemmaKind.STANDARD,
    "groups": GemmaKind.GROUP,
    "selectielijst_procestypen": GemmaKind.PROCESTYPE,
    "other_elements": GemmaKind.OTHER,
}

# (section, key) -> (relation kind, the entry is the source? , derived?)
# "forward" means entry -> referenced element; otherwise referenced element -> entry.
_LINKS: dict[tuple[str, str], tuple[GemmaRelationKind, bool, bool]] = {}
for _section in ("reference_components", "external_facilities"):
    _LINKS.update(
        {
            (_section, "application_services"): (K.REALIZES_SERVICE, True, False),
            (_section, "business_functions_derived"): (K.SUPPORTS_FUNCTION, True, True),
            (_section, "uses_interfaces"): (K.USES_INTERFACE, True, False),
            (_section, "provides_interfaces"): (K.PROVIDES_INTERFACE, True, False),
            (_section, "groups"): (K.MEMBER_OF, True, False),
            (_section, "specialisation_of"): (K.SPECIALISATION_OF, True, False),
            (_section, "business_processes"): (K.SUPPORTS_PROCESS, True, False),
            (_section, "uses_services"): (K.USES_SERVICE, True, False),
        }
    )
_LINKS.update(
    {
        ("application_services", "parents"): (K.SERVICE_PARENT, True, False),
        ("application_services", "groups"): (K.MEMBER_OF, True, False),
        ("application_services", "realized_by"): (K.REALIZES_SERVICE, False, False),
        ("application_services", "serves_business_functions"): (K.SERVES_FUNCTION, True, False),
        ("application_interfaces", "provided_by"): (K.PROVIDES_INTERFACE, False, False),
        ("application_interfaces", "used_by"): (K.USES_INTERFACE, False, False),
        ("business_functions", "parents"): (K.FUNCTION_PARENT, True, False),
        ("business_functions", "domains"): (K.FUNCTION_DOMAIN, True, False),
        ("business_functions", "application_services"): (K.SERVES_FUNCTION, False, False),
        ("business_functions", "reference_components_derived"): (K.SUPPORTS_FUNCTION, False, True),
        ("business_functions", "business_processes"): (K.FUNCTION_PROCESS, True, False),
        ("business_processes", "parents"): (K.PROCESS_PARENT, True, False),
        ("business_processes", "business_functions"): (K.FUNCTION_PROCESS, False, False),
        ("business_processes", "specialisation_of"): (K.SPECIALISATION_OF, True, False),
        ("standards", "groups"): (K.MEMBER_OF, True, False),
        ("standards", "realized_by_other"): (K.REALIZES_STANDARD, False, False),
        ("groups", "parents"): (K.MEMBER_OF, True, False),
    }
)
# Keys whose value is a {role: [refs]} mapping of standards.
_STANDARD_KEYS = {"standards"}
# Keys that are links handled elsewhere, or lists kept only as attributes.
_SKIP_KEYS = {
    "id",
    "object_id",
    "name",
    "description",
    "toelichting",
    "status",
    "category",
    "versions",
}


@dataclass(frozen=True)
class GemmaLoadReport:
    """What a GEMMA load did."""

    elements: int
    relations: int
    placeholders: int


def load_gemma(session: Session, path: Path) -> GemmaLoadReport:
    """Load (or refresh) the GEMMA extract at ``path``. Idempotent: elements are upserted by id.

    Relations are derived from the file alone, so they are rebuilt on every load.
    """
    with path.open("rb") as handle:
        # The file is ours (copied from shared/ with provenance); the C loader is 10x faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    elements = {e.gemma_id: e for e in session.scalars(select(GemmaElement))}
    used_slugs: dict[str, set[str]] = {}
    for element in elements.values():
        used_slugs.setdefault(element.kind, set()).add(element.slug)
    placeholders = 0

    def upsert(entry: Mapping[str, Any], kind: GemmaKind) -> GemmaElement:
        gemma_id = str(entry["id"])
        element = elements.get(gemma_id)
        attributes = {
            key: value
            for key, value in entry.items()
            if key not in _SKIP_KEYS and not isinstance(value, list | dict)
        }
        if element is None:
            element = GemmaElement(gemma_id=gemma_id, kind=kind, slug="", name="")
            elements[gemma_id] = element
            session.add(element)
        if element.kind != kind or not element.slug:
            element.kind = kind
            element.slug = unique_slug(
                str(entry.get("name") or gemma_id), used_slugs.setdefault(kind, set())
            )
        element.object_id = _str_or_none(entry.get("object_id"))
        element.name = str(entry.get("name") or gemma_id)
        element.description = _str_or_none(entry.get("description"))
        element.toelichting = _str_or_none(entry.get("toelichting"))
        element.status = _str_or_none(entry.get("status"))
        element.category = _str_or_none(entry.get("category") or entry.get("group"))
        element.attributes = attributes
        return element

    def ref(reference: Mapping[str, Any]) -> GemmaElement:
        nonlocal placeholders
        gemma_id = str(reference["id"])
        element = elements.get(gemma_id)
        if element is None:
            # Referenced but not extracted as an element (for example a technology component).
            placeholders += 1
            element = upsert(
                {
                    "id": gemma_id,
                    "name": reference.get("name"),
                    "archimate_kind": reference.get("kind"),
                },
                GemmaKind.OTHER,
            )
        return element

    for section, kind in SECTIONS.items():
        for entry in document.get(section) or []:
            upsert(entry, kind)
    for standard in document.get("standards") or []:
        for version in standard.get("versions") or []:
            upsert(version, GemmaKind.STANDARD_VERSION)

    session.execute(delete(GemmaRelation))
    relations: dict[tuple[str, int, int, str | None], GemmaRelation] = {}

    def link(
        kind: str,
        source: GemmaElement,
        target: GemmaElement,
        *,
        role: str | None = None,
        label: str | None = None,
        via: GemmaElement | None = None,
        derived: bool = False,
    ) -> None:
        key = (kind, id(source), id(target), role)
        if key in relations:
            return
        relations[key] = GemmaRelation(
            kind=kind,
            source=source,
            target=target,
            role=role,
            label=label,
            via=via,
            derived=derived,
        )

    for section in SECTIONS:
        for entry in document.get(section) or []:
            this = elements[str(entry["id"])]
            for key, value in entry.items():
                if key in _STANDARD_KEYS and isinstance(value, dict):
                    for role, refs in value.items():
                        for reference in refs or []:
                            link(K.STANDARD, this, ref(reference), role=str(role))
                    continue
                spec = _LINKS.get((section, key))
                if spec is None or not isinstance(value, list):
                    continue
                relation_kind, forward, derived = spec
                for reference in value:
                    if not isinstance(reference, dict) or "id" not in reference:
                        continue
                    other = ref(reference)
                    source, target = (this, other) if forward else (other, this)
                    link(relation_kind, source, target, role=reference.get("role"), derived=derived)
            if section == "standards":
                for version in entry.get("versions") or []:
                    link(K.VERSION_OF, elements[str(version["id"])], this)
                for role, key in (
                    (Obligation.VERPLICHT, "required_by"),
                    (Obligation.AANBEVOLEN, "recommended_by"),
                ):
                    for reference in entry.get(key) or []:
                        link(K.STANDARD, ref(reference), this, role=role.value)

    for relation in document.get("relations") or []:
        link(
            f"model:{relation['type']}",
            ref(relation["source"]),
            ref(relation["target"]),
            role=relation.get("role"),
            label=relation.get("label"),
        )
    for dependency in document.get("derived_dependencies") or []:
        via_ref = dependency.get("via_interface") or dependency.get("via_service")
        link(
            K.DEPENDS_ON,
            ref(dependency["consumer"]),
            ref(dependency["provider"]),
            role=dependency.get("role"),
            via=ref(via_ref) if via_ref else None,
            derived=True,
        )
    session.add_all(relations.values())
    session.flush()
    return GemmaLoadReport(
        elements=len(elements), relations=len(relations), placeholders=placeholders
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------- reading


def get_element(session: Session, kind: GemmaKind | str, slug: str) -> GemmaElement:
    """One GEMMA element by kind and slug, or NotFound."""
    element = session.scalar(
        select(GemmaElement).where(GemmaElement.kind == kind, GemmaElement.slug == slug)
    )
    if element is None:
        raise NotFound(FieldError(ErrorCode.GEMMA_ELEMENT_UNKNOWN, kind=str(kind), slug=slug))
    return element


def elements_by_gemma_id(session: Session, gemma_ids: Iterable[str]) -> dict[str, GemmaElement]:
    """GEMMA elements keyed by their Archi id."""
    ids = list(set(gemma_ids))
    if not ids:
        return {}
    rows = session.scalars(select(GemmaElement).where(GemmaElement.gemma_id.in_(ids)))
    return {element.gemma_id: element for element in rows}


def list_reference_components(session: Session) -> list[GemmaElement]:
    """All reference components, ordered by GEMMA category then name."""
    return list(
        session.scalars(
            select(GemmaElement)
            .where(GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT)
            .order_by(GemmaElement.category, GemmaElement.name)
        )
    )


def group_by_category(elements: Iterable[GemmaElement]) -> list[tuple[str, list[GemmaElement]]]:
    """Group elements as GEMMA groups them (the last part of their category path)."""
    groups: dict[str, list[GemmaElement]] = {}
    for element in elements:
        label = (element.category or "").rsplit("/", 1)[-1] or "—"
        groups.setdefault(label, []).append(element)
    return sorted(groups.items())


@dataclass(frozen=True)
class ReferenceComponentView:
    """Everything the reference-component page shows."""

    element: GemmaElement
    realised_by: list[Realisation]
    mandatory_standards: list[GemmaElement]
    recommended_standards: list[GemmaElement]
    depends_on: list[GemmaRelation]
    depended_on_by: list[GemmaRelation]
    business_functions: list[GemmaElement]
    application_services: list[GemmaElement]


def _other_ends(
    relations: Iterable[GemmaRelation], kind: str, role: Obligation | None, *, side: str
) -> list[GemmaElement]:
    """The distinct elements at ``side`` of the relations of ``kind`` (and ``role``), by name."""
    found = {
        getattr(r, side).gemma_id: getattr(r, side)
        for r in relations
        if r.kind == kind and (role is None or Obligation.of(r.role) is role)
    }
    return sorted(found.values(), key=lambda e: e.name.lower())


def reference_component_view(session: Session, slug: str) -> ReferenceComponentView:
    """Load a reference component with its realisations, standards and dependencies."""
    element = get_element(session, GemmaKind.REFERENCE_COMPONENT, slug)
    outgoing = list(
        session.scalars(select(GemmaRelation).where(GemmaRelation.source_id == element.id))
    )
    incoming = list(
        session.scalars(
            select(GemmaRelation).where(
                GemmaRelation.target_id == element.id, GemmaRelation.kind == K.DEPENDS_ON
            )
        )
    )
    realised_by = list(
        session.scalars(
            select(Realisation)
            .join(Component, Realisation.component_id == Component.id)
            .where(Realisation.reference_component_id == element.id)
            .order_by(Component.name)
        )
    )

    def targets(kind: str, role: Obligation | None = None) -> list[GemmaElement]:
        return _other_ends(outgoing, kind, role, side="target")

    return ReferenceComponentView(
        element=element,
        realised_by=realised_by,
        mandatory_standards=targets(K.STANDARD, Obligation.VERPLICHT),
        recommended_standards=targets(K.STANDARD, Obligation.AANBEVOLEN),
        depends_on=_unique_dependencies(r for r in outgoing if r.kind == K.DEPENDS_ON),
        depended_on_by=_unique_dependencies(incoming, incoming_side=True),
        business_functions=targets(K.SUPPORTS_FUNCTION),
        application_services=targets(K.REALIZES_SERVICE),
    )


def _unique_dependencies(
    relations: Iterable[GemmaRelation], *, incoming_side: bool = False
) -> list[GemmaRelation]:
    """One row per (other element, interface), sorted by name."""
    seen: dict[tuple[str, str | None], GemmaRelation] = {}
    for relation in relations:
        other = relation.source if incoming_side else relation.target
        key = (other.gemma_id, relation.via.gemma_id if relation.via else None)
        seen.setdefault(key, relation)
    return sorted(
        seen.values(),
        key=lambda r: (
            (r.source if incoming_side else r.target).name.lower(),
            r.via.name if r.via else "",
        ),
    )


def counts(session: Session) -> dict[str, int]:
    """Number of elements per GEMMA kind."""
    from sqlalchemy import func

    rows = session.execute(select(GemmaElement.kind, func.count()).group_by(GemmaElement.kind))
    return {kind: number for kind, number in rows}


# ---------------------------------------------------------------- business functions and standards


@dataclass(frozen=True)
class TreeNode:
    """A business function with its children, for the tree page."""

    element: GemmaElement
    children: tuple[TreeNode, ...]


def business_function_tree(session: Session) -> list[TreeNode]:
    """The business functions as a tree, following GEMMA's parent links; roots first by name."""
    functions = {
        e.id: e
        for e in session.scalars(
            select(GemmaElement).where(GemmaElement.kind == GemmaKind.BUSINESS_FUNCTION)
        )
    }
    parent_of: dict[int, int] = {}
    for relation in session.scalars(
        select(GemmaRelation).where(GemmaRelation.kind == K.FUNCTION_PARENT)
    ):
        if relation.source_id in functions and relation.target_id in functions:
            parent_of.setdefault(relation.source_id, relation.target_id)
    children: dict[int | None, list[int]] = {}
    for function_id in functions:
        children.setdefault(parent_of.get(function_id), []).append(function_id)

    def build(function_id: int, trail: frozenset[int]) -> TreeNode:
        kids = sorted(children.get(function_id, []), key=lambda i: functions[i].name.lower())
        return TreeNode(
            element=functions[function_id],
            # A parent loop in the model must not recurse forever.
            children=tuple(build(k, trail | {k}) for k in kids if k not in trail),
        )

    roots = sorted(children.get(None, []), key=lambda i: functions[i].name.lower())
    return [build(root, frozenset({root})) for root in roots]


@dataclass(frozen=True)
class BusinessFunctionView:
    """A business function: where it sits, and which reference components support it."""

    element: GemmaElement
    parents: list[GemmaElement]
    children: list[GemmaElement]
    reference_components: list[GemmaElement]


def business_function_view(session: Session, slug: str) -> BusinessFunctionView:
    """Load one business function with its parents, children and supporting components."""
    element = get_element(session, GemmaKind.BUSINESS_FUNCTION, slug)
    related = list(
        session.scalars(
            select(GemmaRelation).where(
                (GemmaRelation.source_id == element.id) | (GemmaRelation.target_id == element.id)
            )
        )
    )

    def by_name(items: Iterable[GemmaElement]) -> list[GemmaElement]:
        return sorted({e.gemma_id: e for e in items}.values(), key=lambda e: e.name.lower())

    return BusinessFunctionView(
        element=element,
        parents=by_name(
            r.target for r in related if r.kind == K.FUNCTION_PARENT and r.source_id == element.id
        ),
        children=by_name(
            r.source for r in related if r.kind == K.FUNCTION_PARENT and r.target_id == element.id
        ),
        reference_components=by_name(
            r.source
            for r in related
            if r.kind == K.SUPPORTS_FUNCTION and r.source.kind == GemmaKind.REFERENCE_COMPONENT
        ),
    )


def list_standards(session: Session) -> list[GemmaElement]:
    """All GEMMA standards by name."""
    return list(
        session.scalars(
            select(GemmaElement)
            .where(GemmaElement.kind == GemmaKind.STANDARD)
            .order_by(GemmaElement.name)
        )
    )


@dataclass(frozen=True)
class StandardView:
    """A standard: its versions, who must or should use it, and which components claim it."""

    element: GemmaElement
    versions: list[GemmaElement]
    required_by: list[GemmaElement]
    recommended_by: list[GemmaElement]
    claimed_by: list[Component]


def standard_view(session: Session, slug: str) -> StandardView:
    """Load one standard with its versions, the components that need it and those claiming it."""
    from catalogue.models import ComponentStandard

    element = get_element(session, GemmaKind.STANDARD, slug)
    incoming = list(
        session.scalars(select(GemmaRelation).where(GemmaRelation.target_id == element.id))
    )

    def sources(kind: str, role: Obligation | None = None) -> list[GemmaElement]:
        return _other_ends(incoming, kind, role, side="source")

    claimed = session.scalars(
        select(Component)
        .join(ComponentStandard, ComponentStandard.component_id == Component.id)
        .where(ComponentStandard.standard_id == element.id)
        .order_by(Component.name)
    ).unique()
    return StandardView(
        element=element,
        versions=sources(K.VERSION_OF),
        required_by=[
            e
            for e in sources(K.STANDARD, Obligation.VERPLICHT)
            if e.kind == GemmaKind.REFERENCE_COMPONENT
        ],
        recommended_by=[
            e
            for e in sources(K.STANDARD, Obligation.AANBEVOLEN)
            if e.kind == GemmaKind.REFERENCE_COMPONENT
        ],
        claimed_by=list(claimed),
    )


def claims_per_standard(session: Session) -> dict[int, int]:
    """How many catalogue components claim each GEMMA standard (standard element id -> count)."""
    from sqlalchemy import func

    from catalogue.models import ComponentStandard

    rows = session.execute(
        select(
            ComponentStandard.standard_id, func.count(func.distinct(ComponentStandard.component_id))
        )
        .where(ComponentStandard.standard_id.is_not(None))
        .group_by(ComponentStandard.standard_id)
    )
    # The query leaves out rows without a standard; the condition narrows the type to match.
    return {standard_id: count for standard_id, count in rows if standard_id is not None}
