"""Dependency graphs around a component or a reference component, limited in depth and breadth.

The graph is plain data (nodes and edges); the page draws it as SVG and always shows the same
content as a table.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from catalogue.errors import NotFound
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


def _component_key(component: Component) -> str:
    return f"c:{component.slug}"


def _element_key(element: GemmaElement) -> str:
    return f"g:{element.gemma_id}"


def _element_kind(element: GemmaElement) -> str:
    if element.kind in (GemmaKind.REFERENCE_COMPONENT, GemmaKind.EXTERNAL_FACILITY):
        return str(element.kind)
    return "other"


class _Builder:
    """Breadth-first expansion with a depth limit and a per-node breadth limit."""

    def __init__(self, session: Session, depth: int, breadth: int) -> None:
        self.session = session
        self.depth = depth
        self.breadth = breadth
        self.graph = nx.DiGraph()
        self.omitted = 0

    def component(self, slug: str) -> Component:
        """A component with just its requirements and realisations: the graph needs no more."""
        component = self.session.scalar(
            select(Component)
            .where(Component.slug == slug)
            .options(
                selectinload(Component.requirements).selectinload(
                    ComponentRequirement.required_component
                ),
                selectinload(Component.realisations).selectinload(Realisation.reference_component),
            )
        )
        if component is None:
            msg = f"no component {slug!r}"
            raise NotFound(msg)
        return component

    def add_node(self, key: str, kind: str, label: str, slug: str, depth: int) -> None:
        if key not in self.graph:
            self.graph.add_node(key, kind=kind, label=label, slug=slug, depth=depth)

    def neighbours(self, key: str) -> list[tuple[str, str, str, str, GraphEdge]]:
        """(key, kind, label, slug, edge) of the next nodes, sorted by label."""
        found: list[tuple[str, str, str, str, GraphEdge]] = []
        if key.startswith("c:"):
            component = self.component(key[2:])
            for requirement in component.requirements:
                other = requirement.required_component
                found.append(
                    (
                        _component_key(other),
                        "component",
                        other.name,
                        other.slug,
                        GraphEdge(key, _component_key(other), "requires"),
                    )
                )
            for realisation in component.realisations:
                element = realisation.reference_component
                found.append(
                    (
                        _element_key(element),
                        _element_kind(element),
                        element.name,
                        element.slug,
                        GraphEdge(key, _element_key(element), "realises"),
                    )
                )
        else:
            # Both ends and the interface come in the same query: one round trip per node.
            relations = self.session.scalars(
                select(GemmaRelation)
                .join(GemmaElement, GemmaRelation.source_id == GemmaElement.id)
                .where(
                    GemmaElement.gemma_id == key[2:],
                    GemmaRelation.kind == GemmaRelationKind.DEPENDS_ON,
                )
                .options(joinedload(GemmaRelation.target), joinedload(GemmaRelation.via))
            )
            seen: set[str] = set()
            for relation in relations:
                other = relation.target
                other_key = _element_key(other)
                if other_key in seen:
                    continue
                seen.add(other_key)
                found.append(
                    (
                        other_key,
                        _element_kind(other),
                        other.name,
                        other.slug,
                        GraphEdge(
                            key,
                            other_key,
                            "depends_on",
                            via=relation.via.name if relation.via else None,
                            role=relation.role,
                        ),
                    )
                )
        return sorted(found, key=lambda item: (item[4].kind, item[2].lower()))

    def expand(self, root: str) -> None:
        queue = deque([root])
        while queue:
            key = queue.popleft()
            depth = self.graph.nodes[key]["depth"]
            if depth >= self.depth:
                continue
            neighbours = self.neighbours(key)
            self.omitted += max(0, len(neighbours) - self.breadth)
            for other_key, kind, label, slug, edge in neighbours[: self.breadth]:
                is_new = other_key not in self.graph
                self.add_node(other_key, kind, label, slug, depth + 1)
                self.graph.add_edge(edge.source, edge.target, edge=edge)
                if is_new:
                    queue.append(other_key)

    def result(self, root: str) -> DependencyGraph:
        nodes = [
            GraphNode(key=k, kind=d["kind"], label=d["label"], slug=d["slug"], depth=d["depth"])
            for k, d in self.graph.nodes(data=True)
        ]
        nodes.sort(key=lambda n: (n.depth, n.kind, n.label.lower()))
        edges = [d["edge"] for _, _, d in self.graph.edges(data=True)]
        return DependencyGraph(
            root=root,
            nodes=nodes,
            edges=edges,
            omitted=self.omitted,
            depth=self.depth,
            breadth=self.breadth,
        )


def component_graph(
    session: Session, slug: str, *, depth: int = DEFAULT_DEPTH, breadth: int = DEFAULT_BREADTH
) -> DependencyGraph:
    """What a component needs: other components, its reference components, and their GEMMA needs."""
    builder = _Builder(session, _clamp(depth, 1, 4), _clamp(breadth, 1, 20))
    component = builder.component(slug)
    root = _component_key(component)
    builder.add_node(root, "component", component.name, component.slug, 0)
    builder.expand(root)
    return builder.result(root)


def reference_component_graph(
    session: Session, slug: str, *, depth: int = DEFAULT_DEPTH, breadth: int = DEFAULT_BREADTH
) -> DependencyGraph:
    """What a reference component depends on in GEMMA, through which interfaces."""
    element = get_element(session, GemmaKind.REFERENCE_COMPONENT, slug)
    builder = _Builder(session, _clamp(depth, 1, 4), _clamp(breadth, 1, 20))
    root = _element_key(element)
    builder.add_node(root, _element_kind(element), element.name, element.slug, 0)
    builder.expand(root)
    return builder.result(root)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
