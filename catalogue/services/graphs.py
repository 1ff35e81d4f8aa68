"""Dependency graphs around a component or a reference component, limited in depth and breadth.

The graph is plain data (nodes and edges); the page draws it as SVG and always shows the same
content as a table.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import Session, aliased, selectinload

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


def _component_key(component: Component) -> str:
    return f"c:{component.slug}"


def _element_key(element: GemmaElement) -> str:
    return f"g:{element.gemma_id}"


def _element_kind(element: GemmaElement) -> str:
    return _kind_of(element.kind)


def _kind_of(kind: str) -> str:
    if kind in (GemmaKind.REFERENCE_COMPONENT, GemmaKind.EXTERNAL_FACILITY):
        return str(kind)
    return "other"


# One neighbour of a node: (key, kind, label, slug, edge).
Neighbour = tuple[str, str, str, str, GraphEdge]
# GEMMA's depends_on relations by the source's gemma_id: (target key, kind, name, slug, via, role).
Dependencies = dict[str, list[tuple[str, str, str, str, str | None, str | None]]]


class _DependencyCache:
    """GEMMA's depends_on relations per database, for the catalogue's current generation.

    GEMMA is reference data shared by every graph; reading it once per generation (rather than
    once per node of every graph) keeps a graph at a fixed number of statements. The key holds
    the generation, so a change to the catalogue (GEMMA included) is seen at once.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, Dependencies]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session) -> Dependencies:
        """The relations as of the generation this session sees."""
        database = session.get_bind().engine.url.render_as_string()
        generation = current_generation(session)
        with self._lock:
            entry = self._entries.get(database)
        if entry is not None and entry[0] == generation:
            return entry[1]
        dependencies = _read_dependencies(session)
        with self._lock:
            held = self._entries.get(database)
            if held is None or held[0] <= generation:
                self._entries[database] = (generation, dependencies)
        return dependencies


def _read_dependencies(session: Session) -> Dependencies:
    source, target, via = aliased(GemmaElement), aliased(GemmaElement), aliased(GemmaElement)
    rows = session.execute(
        select(
            source.gemma_id,
            target.gemma_id,
            target.kind,
            target.name,
            target.slug,
            via.name,
            GemmaRelation.role,
        )
        .select_from(GemmaRelation)
        .join(source, GemmaRelation.source_id == source.id)
        .join(target, GemmaRelation.target_id == target.id)
        .outerjoin(via, GemmaRelation.via_id == via.id)
        .where(GemmaRelation.kind == GemmaRelationKind.DEPENDS_ON)
        .order_by(GemmaRelation.id)
    )
    dependencies: Dependencies = {}
    for source_id, target_id, kind, name, slug, via_name, role in rows:
        dependencies.setdefault(source_id, []).append(
            (f"g:{target_id}", _kind_of(kind), name, slug, via_name, role)
        )
    return dependencies


DEPENDENCIES = _DependencyCache()


def _neighbours_of_components() -> Any:
    """What the components with the slugs ``slugs`` require and realise, in one statement
    (built once: building it costs more than running it)."""
    owner, other = aliased(Component), aliased(Component)
    slugs = bindparam("slugs", expanding=True)
    requires = (
        select(
            literal("requires").label("edge"),
            ComponentRequirement.id.label("link"),
            owner.slug.label("owner"),
            other.slug.label("slug"),
            other.name.label("name"),
            literal("component").label("kind"),
            other.slug.label("ident"),
        )
        .join(owner, ComponentRequirement.component_id == owner.id)
        .join(other, ComponentRequirement.required_component_id == other.id)
        .where(owner.slug.in_(slugs))
    )
    realises = (
        select(
            literal("realises"),
            Realisation.id,
            owner.slug,
            GemmaElement.slug,
            GemmaElement.name,
            GemmaElement.kind,
            GemmaElement.gemma_id,
        )
        .join(owner, Realisation.component_id == owner.id)
        .join(GemmaElement, Realisation.reference_component_id == GemmaElement.id)
        .where(owner.slug.in_(slugs))
    )
    union = union_all(requires, realises).subquery()
    return select(union).order_by(union.c.edge.desc(), union.c.link)


_NEIGHBOURS_OF_COMPONENTS = _neighbours_of_components()


class _Builder:
    """Breadth-first expansion with a depth limit and a per-node breadth limit.

    The neighbours of all the catalogue components of one depth come in one statement, and
    GEMMA's relations from the per-generation cache: a graph takes at most one statement per
    level of depth, whatever the size of the catalogue.
    """

    def __init__(self, session: Session, depth: int, breadth: int) -> None:
        self.session = session
        self.depth = depth
        self.breadth = breadth
        self.graph = nx.DiGraph()
        self.omitted = 0
        self.known: dict[str, list[Neighbour]] = {}
        self._dependencies: Dependencies | None = None

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

    def know_component(self, component: Component) -> None:
        """Take a component's neighbours from its loaded requirements and realisations."""
        key = _component_key(component)
        found: list[Neighbour] = []
        for requirement in component.requirements:
            other = requirement.required_component
            other_key = _component_key(other)
            found.append(
                (
                    other_key,
                    "component",
                    other.name,
                    other.slug,
                    GraphEdge(key, other_key, "requires"),
                )
            )
        for realisation in component.realisations:
            element = realisation.reference_component
            other_key = _element_key(element)
            found.append(
                (
                    other_key,
                    _element_kind(element),
                    element.name,
                    element.slug,
                    GraphEdge(key, other_key, "realises"),
                )
            )
        self.known[key] = found

    def fetch(self, keys: list[str]) -> None:
        """Read the neighbours of these nodes: one statement for all the components among them."""
        slugs = [key[2:] for key in keys if key.startswith("c:") and key not in self.known]
        if slugs:
            self._fetch_components(slugs)
        for key in keys:
            if key.startswith("g:") and key not in self.known:
                self.known[key] = self._element_neighbours(key)

    def _fetch_components(self, slugs: list[str]) -> None:
        found: dict[str, list[Neighbour]] = {f"c:{slug}": [] for slug in slugs}
        rows = self.session.execute(_NEIGHBOURS_OF_COMPONENTS, {"slugs": slugs})
        for edge, _link, owner_slug, slug, name, kind, ident in rows:
            key = f"c:{owner_slug}"
            if edge == "requires":
                other_key = f"c:{ident}"
                found[key].append(
                    (other_key, "component", name, slug, GraphEdge(key, other_key, "requires"))
                )
            else:
                other_key = f"g:{ident}"
                found[key].append(
                    (other_key, _kind_of(kind), name, slug, GraphEdge(key, other_key, "realises"))
                )
        self.known.update(found)

    def _element_neighbours(self, key: str) -> list[Neighbour]:
        if self._dependencies is None:
            self._dependencies = DEPENDENCIES.get(self.session)
        found: list[Neighbour] = []
        seen: set[str] = set()
        for other_key, kind, name, slug, via, role in self._dependencies.get(key[2:], []):
            if other_key in seen:
                continue
            seen.add(other_key)
            found.append(
                (
                    other_key,
                    kind,
                    name,
                    slug,
                    GraphEdge(key, other_key, "depends_on", via=via, role=role),
                )
            )
        return found

    def neighbours(self, key: str) -> list[Neighbour]:
        """(key, kind, label, slug, edge) of the next nodes, sorted by label."""
        if key not in self.known:
            self.fetch([key])
        return sorted(self.known[key], key=lambda item: (item[4].kind, item[2].lower()))

    def expand(self, root: str) -> None:
        queue = deque([root])
        while queue:
            key = queue.popleft()
            depth = self.graph.nodes[key]["depth"]
            if depth >= self.depth:
                continue
            if key not in self.known:
                # Every node still queued is of this depth or the next: read them together.
                self.fetch([key, *(k for k in queue if self.graph.nodes[k]["depth"] < self.depth)])
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
    session: Session,
    component: str | Component,
    *,
    depth: int = DEFAULT_DEPTH,
    breadth: int = DEFAULT_BREADTH,
) -> DependencyGraph:
    """What a component needs: other components, its reference components, and their GEMMA needs.

    ``component`` is a slug, or a component whose requirements and realisations are loaded."""
    builder = _Builder(session, _clamp(depth, 1, 4), _clamp(breadth, 1, 20))
    if isinstance(component, str):
        component = builder.component(component)
    builder.know_component(component)
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
