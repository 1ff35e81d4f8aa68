"""Dependency graphs around a component or a reference component, limited in depth and breadth.

The catalogue and GEMMA are loaded as the advisor's ``ComponentGraph`` (a few queries for the
whole catalogue, once per catalogue generation and database: see ``_GraphCache``), and the page's
graph is its bounded neighbourhood walk. The result is plain
data (nodes and edges); the page draws it as SVG and always shows the same content as a table.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from advisor.graph import ComponentGraph
from advisor.model import Candidate
from catalogue.errors import ErrorCode, FieldError, NotFound
from catalogue.models import (
    Component,
    ComponentRequirement,
    GemmaElement,
    GemmaKind,
    GemmaRelation,
    GemmaRelationKind,
    Realisation,
)
from catalogue.services.gemma import get_element
from catalogue.services.state import current_generation

DEFAULT_DEPTH = 2
DEFAULT_BREADTH = 8


@dataclass(frozen=True)
class GraphNode:
    """A node: a catalogue component, a reference component or an external facility."""

    key: str
    kind: str  # "component" | "reference_component" | "external_facility" | "other"
    label: str
    slug: str
    depth: int


@dataclass(frozen=True)
class GraphEdge:
    """An edge: requires (component), realises (component -> reference), depends_on (GEMMA)."""

    source: str
    target: str
    kind: str
    via: str | None = None
    role: str | None = None


@dataclass
class DependencyGraph:
    """Nodes by depth, edges, and how much was left out by the limits."""

    root: str
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    omitted: int = 0
    depth: int = DEFAULT_DEPTH
    breadth: int = DEFAULT_BREADTH

    def node(self, key: str) -> GraphNode:
        """The node with this key."""
        for node in self.nodes:
            if node.key == key:
                return node
        msg = f"no node {key!r} in the graph"
        raise KeyError(msg)


class Shown(NamedTuple):
    """What a page shows of a node of the catalogue graph."""

    kind: str  # as GraphNode.kind
    label: str
    slug: str


def component_key(slug: str) -> str:
    """The catalogue graph's id of a component."""
    return f"c:{slug}"


def element_key(gemma_id: str) -> str:
    """The catalogue graph's id of a GEMMA element."""
    return f"g:{gemma_id}"


class CatalogueGraph:
    """The catalogue's components and GEMMA's dependencies as an advisor ``ComponentGraph``.

    Node ids are ``c:<slug>`` for a catalogue component and ``g:<GEMMA id>`` for a GEMMA
    element. Every GEMMA element that takes part in a dependency or a realisation is a reference
    component to the graph, whatever GEMMA calls it (a placeholder such as "Informatiesysteem
    A" is an application component too); ``shown`` keeps the kind a page names.
    """

    def __init__(self) -> None:
        self.graph = ComponentGraph()
        self.shown: dict[str, Shown] = {}
        # (consumer, provider) -> (interface name, role) of GEMMA's first relation between them.
        self.dependencies: dict[tuple[str, str], tuple[str | None, str | None]] = {}

    def add_element(self, gemma_id: str, kind: str, name: str, slug: str) -> str:
        """Add a GEMMA element (once); its id in the graph."""
        key = element_key(gemma_id)
        if key not in self.shown:
            self.shown[key] = Shown(_element_kind(kind), name, slug)
            self.graph.add_reference_component(
                key, name=name, external=kind == GemmaKind.EXTERNAL_FACILITY
            )
        return key

    def add_dependency(
        self, consumer: str, provider: str, via: str | None, role: str | None
    ) -> None:
        """Add GEMMA's dependency of ``consumer`` on ``provider``; the first one's interface
        and role are kept. Every role is drawn, so to the graph each one is a dependency."""
        if (consumer, provider) not in self.dependencies:
            self.dependencies[consumer, provider] = (via, role)
            self.graph.add_dependency(consumer, provider)

    def add_component(self, slug: str, name: str, realises: Iterable[str]) -> str:
        """Add a catalogue component that realises the GEMMA elements ``realises``; its id."""
        key = component_key(slug)
        self.shown[key] = Shown("component", name, slug)
        # The facts the advisor weighs are not needed to walk the graph: they stay unknown.
        self.graph.add_component(
            Candidate(
                key,
                name=name,
                provides=frozenset(realises),
                hosting=None,
                open_source=None,
                status=None,
            )
        )
        return key


def _element_kind(kind: str) -> str:
    if kind in (GemmaKind.REFERENCE_COMPONENT, GemmaKind.EXTERNAL_FACILITY):
        return str(kind)
    return "other"


_SOURCE, _TARGET, _VIA = (aliased(GemmaElement) for _ in range(3))
# Every GEMMA dependency with both ends and the interface, in one round trip.
_DEPENDENCIES = (
    select(
        *(_SOURCE.gemma_id, _SOURCE.kind, _SOURCE.name, _SOURCE.slug),
        *(_TARGET.gemma_id, _TARGET.kind, _TARGET.name, _TARGET.slug),
        _VIA.name,
        GemmaRelation.role,
    )
    .join(_SOURCE, GemmaRelation.source_id == _SOURCE.id)
    .join(_TARGET, GemmaRelation.target_id == _TARGET.id)
    .outerjoin(_VIA, GemmaRelation.via_id == _VIA.id)
    .where(GemmaRelation.kind == GemmaRelationKind.DEPENDS_ON)
    .order_by(GemmaRelation.id)
)


def catalogue_graph(session: Session, *, components: bool, gemma: bool) -> CatalogueGraph:
    """Load the catalogue graph: the components and their requirements, GEMMA's dependencies,
    and (with both) which reference components each component realises.

    A handful of queries for the whole catalogue, each in the order the rows were stored, so
    that names that tie keep a stable order.
    """
    catalogue = CatalogueGraph()
    if gemma:
        for row in session.execute(_DEPENDENCIES):
            catalogue.add_dependency(
                catalogue.add_element(*row[0:4]), catalogue.add_element(*row[4:8]), *row[8:10]
            )
    if components:
        # Each component with what it realises (outer join: one row for a component that
        # realises nothing), in one statement.
        keys: dict[int, str] = {}
        rows: dict[int, tuple[str, str, list[str]]] = {}
        for component_id, slug, name, *element in session.execute(
            select(
                Component.id,
                Component.slug,
                Component.name,
                GemmaElement.gemma_id,
                GemmaElement.kind,
                GemmaElement.name,
                GemmaElement.slug,
            )
            .outerjoin(Realisation, Realisation.component_id == Component.id)
            .outerjoin(GemmaElement, Realisation.reference_component_id == GemmaElement.id)
            .order_by(Component.id, Realisation.id)
        ):
            entry = rows.setdefault(component_id, (slug, name, []))
            if gemma and element[0] is not None:
                entry[2].append(catalogue.add_element(*element))
        for component_id, (slug, name, realised) in rows.items():
            keys[component_id] = catalogue.add_component(slug, name, realised)
        for component_id, required_id in session.execute(
            select(
                ComponentRequirement.component_id, ComponentRequirement.required_component_id
            ).order_by(ComponentRequirement.id)
        ):
            catalogue.graph.add_component_requirement(keys[component_id], keys[required_id])
    return catalogue


class _GraphCache:
    """The loaded catalogue graph per database and kind, for the catalogue's current generation.

    The graph is shared reference data (every component page draws a piece of it), not a page:
    reading it once per generation keeps a graph page at a fixed number of statements whatever
    the catalogue's size. The key holds the generation, which every change raises in its own
    transaction, so a change (GEMMA included) is seen at once. Callers only read the graph.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, bool], tuple[int, CatalogueGraph]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, *, components: bool) -> CatalogueGraph:
        key = (session.get_bind().engine.url.render_as_string(), components)
        generation = current_generation(session)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] == generation:
            return entry[1]
        loaded = catalogue_graph(session, components=components, gemma=True)
        with self._lock:
            held = self._entries.get(key)
            if held is None or held[0] <= generation:
                self._entries[key] = (generation, loaded)
        return loaded


GRAPHS = _GraphCache()


def _edge(catalogue: CatalogueGraph, source: str, target: str) -> GraphEdge:
    if source.startswith("g:"):
        via, role = catalogue.dependencies[source, target]
        return GraphEdge(source, target, "depends_on", via=via, role=role)
    if target.startswith("g:"):
        return GraphEdge(source, target, "realises")
    return GraphEdge(source, target, "requires")


def _drawn(catalogue: CatalogueGraph, root: str, depth: int, breadth: int) -> DependencyGraph:
    """The neighbourhood of ``root``, as nodes by depth and edges."""
    near = catalogue.graph.neighbourhood(root, depth=depth, breadth=breadth)
    nodes = [
        GraphNode(key=key, kind=shown.kind, label=shown.label, slug=shown.slug, depth=steps)
        for key, steps in near.steps.items()
        for shown in (catalogue.shown[key],)
    ]
    nodes.sort(key=lambda n: (n.depth, n.kind, n.label.lower()))
    return DependencyGraph(
        root=root,
        nodes=nodes,
        edges=[_edge(catalogue, source, target) for source, target in near.edges],
        omitted=near.omitted,
        depth=depth,
        breadth=breadth,
    )


def component_graph(
    session: Session,
    component: Any,
    *,
    depth: int = DEFAULT_DEPTH,
    breadth: int = DEFAULT_BREADTH,
) -> DependencyGraph:
    """What a component needs: other components, its reference components, and their GEMMA needs.

    ``component`` is the component already read (a page has it: a model or the record
    ``component_read`` reads) or its slug.
    """
    if not isinstance(component, str):
        slug = component.slug
    else:
        slug = component
        if session.scalar(select(Component.id).where(Component.slug == slug)) is None:
            raise NotFound(FieldError(ErrorCode.COMPONENT_UNKNOWN, slug=slug))
    catalogue = GRAPHS.get(session, components=True)
    return _drawn(catalogue, component_key(slug), _clamp(depth, 1, 4), _clamp(breadth, 1, 20))


def reference_component_graph(
    session: Session, slug: str, *, depth: int = DEFAULT_DEPTH, breadth: int = DEFAULT_BREADTH
) -> DependencyGraph:
    """What a reference component depends on in GEMMA, through which interfaces."""
    element = get_element(session, GemmaKind.REFERENCE_COMPONENT, slug)
    catalogue = GRAPHS.get(session, components=False)
    root = element_key(element.gemma_id)
    if root not in catalogue.shown:
        # GEMMA links it to nothing: then the graph is this one node (in a graph of its own, as
        # the shared one is only read).
        catalogue = CatalogueGraph()
        catalogue.add_element(element.gemma_id, element.kind, element.name, element.slug)
    return _drawn(catalogue, root, _clamp(depth, 1, 4), _clamp(breadth, 1, 20))


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
