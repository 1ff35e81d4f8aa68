"""GEMMA-shaped knowledge as a graph, with domain verbs instead of graph algorithms.

Nodes have a kind (:class:`NodeKind`) and ids unique across kinds. Edges carry one or more
kinds (:class:`EdgeKind`); views over a subset of edge kinds come from ``nx.subgraph_view``:

* business function -> application service (``SERVED_BY``: the function uses the service)
* application service -> reference component (``REALISED_BY``)
* business function -> reference component (``SUPPORTED_BY``: GEMMA's derived link from a
  reference component to the functions it supports, without the service between them)
* reference component -> reference component (``DEPENDS_ON`` mandatory, ``RECOMMENDS``
  recommended: GEMMA's :class:`~advisor.model.Obligation` *Verplicht* and *Aanbevolen*)
* reference component -> reference component (``SPECIALISES``: the special form -> its
  general form, as a *Generiek zaakafhandelcomponent* is a *Zaakafhandelcomponent*)
* component -> reference component (``REALISES``: what a concrete component provides)
* component -> reference component (``REQUIRES``)
* component -> component (``REQUIRES_COMPONENT``: a catalogue component that must run beside it)
* component -> standard (``SUPPORTS``)

Reference components double as capabilities in :class:`~advisor.model.Instance`: a
candidate's ``provides`` are the reference components it realises.

Every verb fails loudly (:class:`UnknownNodeError`) on ids the graph does not hold, or holds
with another kind.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import networkx as nx

from advisor.model import Candidate, Constraints, Instance, Landscape

__all__ = [
    "ComponentGraph",
    "EdgeKind",
    "GraphError",
    "NeedsClosure",
    "Neighbourhood",
    "NodeKind",
    "UnknownNodeError",
]


class NodeKind(StrEnum):
    """What a node stands for."""

    FUNCTION = "function"
    SERVICE = "service"
    REFERENCE = "reference"
    COMPONENT = "component"
    STANDARD = "standard"


class EdgeKind(StrEnum):
    """What an edge means (see the module docstring for the direction)."""

    SERVED_BY = "served_by"
    REALISED_BY = "realised_by"
    DEPENDS_ON = "depends_on"
    RECOMMENDS = "recommends"
    REALISES = "realises"
    REQUIRES = "requires"
    SUPPORTS = "supports"
    SUPPORTED_BY = "supported_by"
    SPECIALISES = "specialises"
    REQUIRES_COMPONENT = "requires_component"


class GraphError(ValueError):
    """The graph cannot be built as asked (e.g. one id used for two kinds of node)."""


class UnknownNodeError(LookupError):
    """An id that the graph does not hold (with the expected kind)."""

    def __init__(self, node: str, kind: NodeKind | None = None, found: str | None = None) -> None:
        self.node = node
        self.kind = kind
        if found is not None and kind is not None:
            message = f"{node!r} is a {found}, not a {kind.value}"
        elif kind is not None:
            message = f"unknown {kind.value} {node!r}"
        else:
            message = f"unknown node {node!r}"
        super().__init__(message)


_EDGE_ENDS: dict[EdgeKind, tuple[NodeKind, NodeKind]] = {
    EdgeKind.SERVED_BY: (NodeKind.FUNCTION, NodeKind.SERVICE),
    EdgeKind.REALISED_BY: (NodeKind.SERVICE, NodeKind.REFERENCE),
    EdgeKind.DEPENDS_ON: (NodeKind.REFERENCE, NodeKind.REFERENCE),
    EdgeKind.RECOMMENDS: (NodeKind.REFERENCE, NodeKind.REFERENCE),
    EdgeKind.REALISES: (NodeKind.COMPONENT, NodeKind.REFERENCE),
    EdgeKind.REQUIRES: (NodeKind.COMPONENT, NodeKind.REFERENCE),
    EdgeKind.SUPPORTS: (NodeKind.COMPONENT, NodeKind.STANDARD),
    EdgeKind.SUPPORTED_BY: (NodeKind.FUNCTION, NodeKind.REFERENCE),
    EdgeKind.SPECIALISES: (NodeKind.REFERENCE, NodeKind.REFERENCE),
    EdgeKind.REQUIRES_COMPONENT: (NodeKind.COMPONENT, NodeKind.COMPONENT),
}
# The order in which a neighbourhood takes the successors of a node: what a node realises or
# depends on (reference components) before the components it requires.
_READING_ORDER: dict[NodeKind, int] = {kind: rank for rank, kind in enumerate(NodeKind)}


@dataclass(frozen=True, slots=True)
class NeedsClosure:
    """What is needed for some functions and reference components, and why.

    ``reference_components`` is the closure; ``reached_from`` maps each member to the nodes
    (functions, services or reference components) through which the traversal first reached
    it, so that :meth:`path` can explain the chain.
    """

    reference_components: frozenset[str]
    reached_from: Mapping[str, str | None]

    def path(self, reference_component: str) -> tuple[str, ...]:
        """The chain from a starting node to ``reference_component`` (both included)."""
        if reference_component not in self.reached_from:
            raise UnknownNodeError(reference_component, NodeKind.REFERENCE)
        chain = [reference_component]
        parent = self.reached_from[reference_component]
        while parent is not None:
            chain.append(parent)
            parent = self.reached_from.get(parent)
        return tuple(reversed(chain))


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """What lies around ``root``: the nodes within some steps of it, the edges walked to them.

    ``steps`` maps every node reached to its distance from ``root`` (``root`` itself is 0), in
    the order the walk reached them; ``edges`` are the (source, target) pairs walked, in order;
    ``omitted`` counts the successors the breadth limit left out, summed over the nodes expanded
    (a node left out at one place may still be reached through another).
    """

    root: str
    steps: Mapping[str, int]
    edges: tuple[tuple[str, str], ...]
    omitted: int


class ComponentGraph:
    """A directed graph of GEMMA elements and concrete components.

    Examples
    --------
    >>> g = ComponentGraph()
    >>> g.add_function("f-zaak", name="Zaakgericht werken")
    >>> g.add_service("s-zaak", name="Registreren van zaken")
    >>> for ref in ("zrc", "drc", "nrc"):
    ...     g.add_reference_component(ref)
    >>> g.link_function_to_service("f-zaak", "s-zaak")
    >>> g.link_service_to_reference("s-zaak", "zrc")
    >>> g.add_dependency("zrc", "drc")
    >>> g.add_dependency("drc", "nrc", mandatory=False)
    >>> sorted(g.needs_closure(functions=["f-zaak"]).reference_components)
    ['drc', 'zrc']
    >>> sorted(g.needs_closure(functions=["f-zaak"], recommended=True).reference_components)
    ['drc', 'nrc', 'zrc']
    """

    def __init__(self) -> None:
        self._graph: nx.DiGraph[str] = nx.DiGraph()
        self._candidates: dict[str, Candidate] = {}

    # ------------------------------------------------------------------ building

    def _add_node(self, node: str, kind: NodeKind, **attrs: Any) -> None:
        if not node:
            msg = f"a {kind.value} id must not be empty"
            raise GraphError(msg)
        if node in self._graph:
            existing = self._graph.nodes[node]["kind"]
            if existing != kind:
                msg = f"{node!r} is already a {existing}, cannot add it as a {kind.value}"
                raise GraphError(msg)
            self._graph.nodes[node].update(attrs)
            return
        self._graph.add_node(node, kind=kind, **attrs)

    def _link(self, source: str, target: str, kind: EdgeKind) -> None:
        source_kind, target_kind = _EDGE_ENDS[kind]
        self._require(source, source_kind)
        self._require(target, target_kind)
        if self._graph.has_edge(source, target):
            self._graph.edges[source, target]["kinds"].add(kind)
        else:
            self._graph.add_edge(source, target, kinds={kind})

    def add_function(self, function: str, *, name: str = "") -> None:
        """Add a business function."""
        self._add_node(function, NodeKind.FUNCTION, name=name or function)

    def add_service(self, service: str, *, name: str = "") -> None:
        """Add an application service."""
        self._add_node(service, NodeKind.SERVICE, name=name or service)

    def add_reference_component(
        self, reference: str, *, name: str = "", external: bool = False
    ) -> None:
        """Add a reference component (``external``: a facility outside the municipality)."""
        self._add_node(reference, NodeKind.REFERENCE, name=name or reference, external=external)

    def add_standard(self, standard: str, *, name: str = "") -> None:
        """Add a standard."""
        self._add_node(standard, NodeKind.STANDARD, name=name or standard)

    def link_function_to_service(self, function: str, service: str) -> None:
        """Record that ``function`` is served by ``service``."""
        self._link(function, service, EdgeKind.SERVED_BY)

    def link_service_to_reference(self, service: str, reference: str) -> None:
        """Record that ``reference`` realises ``service``."""
        self._link(service, reference, EdgeKind.REALISED_BY)

    def link_function_to_reference(self, function: str, reference: str) -> None:
        """Record that ``reference`` supports ``function`` directly (GEMMA's derived link)."""
        self._link(function, reference, EdgeKind.SUPPORTED_BY)

    def add_dependency(self, consumer: str, provider: str, *, mandatory: bool = True) -> None:
        """Record that reference component ``consumer`` depends on ``provider``.

        ``mandatory``: GEMMA's role is *Verplicht*; otherwise the dependency is recommended.
        """
        self._link(consumer, provider, EdgeKind.DEPENDS_ON if mandatory else EdgeKind.RECOMMENDS)

    def add_specialisation(self, special: str, general: str) -> None:
        """Record that reference component ``special`` is a specialisation of ``general``."""
        self._link(special, general, EdgeKind.SPECIALISES)

    def add_component_requirement(self, component: str, required: str) -> None:
        """Record that component ``component`` needs component ``required`` beside it."""
        self._link(component, required, EdgeKind.REQUIRES_COMPONENT)

    def add_component(self, candidate: Candidate) -> None:
        """Add a concrete component with its realised and required reference components.

        Reference components and standards it mentions must already be in the graph.
        """
        self._add_node(candidate.id, NodeKind.COMPONENT, name=candidate.name)
        for reference in sorted(candidate.provides):
            self._link(candidate.id, reference, EdgeKind.REALISES)
        for reference in sorted(candidate.requires):
            self._link(candidate.id, reference, EdgeKind.REQUIRES)
        for standard in sorted(candidate.standards):
            self._link(candidate.id, standard, EdgeKind.SUPPORTS)
        self._candidates[candidate.id] = candidate

    # ------------------------------------------------------------------ looking up

    def _require(self, node: str, kind: NodeKind) -> None:
        if node not in self._graph:
            raise UnknownNodeError(node, kind)
        found = self._graph.nodes[node]["kind"]
        if found != kind:
            raise UnknownNodeError(node, kind, found=str(found))

    def _view(self, *kinds: EdgeKind) -> nx.DiGraph[str]:
        wanted = frozenset(kinds)

        def keep(source: str, target: str) -> bool:
            return bool(self._graph.edges[source, target]["kinds"] & wanted)

        view: nx.DiGraph[str] = nx.subgraph_view(self._graph, filter_edge=keep)
        return view

    def _reach(self, view: nx.DiGraph[str], starts: Iterable[str]) -> dict[str, str | None]:
        """Every node reachable in ``view`` from ``starts`` (included), each with the node it
        was first reached from (``None`` for a start), in one breadth-first traversal."""
        ordered = list(dict.fromkeys(starts))
        reached: dict[str, str | None] = dict.fromkeys(ordered)
        queue = deque(ordered)
        while queue:
            node = queue.popleft()
            for successor in sorted(view.successors(node)):
                if successor not in reached:
                    reached[successor] = node
                    queue.append(successor)
        return reached

    def __contains__(self, node: object) -> bool:
        """Whether the graph holds ``node``, of any kind."""
        return node in self._graph

    def kind_of(self, node: str) -> NodeKind:
        """The kind of ``node``."""
        if node not in self._graph:
            raise UnknownNodeError(node)
        return NodeKind(self._graph.nodes[node]["kind"])

    def _kind(self, node: str) -> NodeKind:
        kind: NodeKind = self._graph.nodes[node]["kind"]
        return kind

    def name_of(self, node: str) -> str:
        """The display name of ``node``."""
        if node not in self._graph:
            raise UnknownNodeError(node)
        return str(self._graph.nodes[node]["name"])

    def nodes(self, kind: NodeKind) -> tuple[str, ...]:
        """All node ids of one kind, sorted."""
        return tuple(sorted(n for n in self._graph if self._kind(n) == kind))

    def candidate(self, component: str) -> Candidate:
        """The :class:`Candidate` stored for ``component``."""
        self._require(component, NodeKind.COMPONENT)
        return self._candidates[component]

    def candidates(self) -> tuple[Candidate, ...]:
        """Every component, sorted by id."""
        return tuple(self._candidates[c] for c in sorted(self._candidates))

    def providers_of(self, reference: str) -> tuple[str, ...]:
        """Components that realise ``reference``, sorted."""
        self._require(reference, NodeKind.REFERENCE)
        view = self._view(EdgeKind.REALISES)
        return tuple(sorted(view.predecessors(reference)))

    def requirements_of(self, component: str) -> tuple[str, ...]:
        """Reference components that ``component`` requires, sorted."""
        self._require(component, NodeKind.COMPONENT)
        return tuple(sorted(self._view(EdgeKind.REQUIRES).successors(component)))

    def standards_of(self, component: str) -> tuple[str, ...]:
        """Standards ``component`` supports, sorted."""
        self._require(component, NodeKind.COMPONENT)
        return tuple(sorted(self._view(EdgeKind.SUPPORTS).successors(component)))

    def dependencies_of(self, reference: str, *, recommended: bool = False) -> tuple[str, ...]:
        """Direct dependencies of a reference component, sorted."""
        self._require(reference, NodeKind.REFERENCE)
        kinds = (
            (EdgeKind.DEPENDS_ON, EdgeKind.RECOMMENDS) if recommended else (EdgeKind.DEPENDS_ON,)
        )
        return tuple(sorted(self._view(*kinds).successors(reference)))

    def recommended_dependencies_of(self, reference: str) -> tuple[str, ...]:
        """Direct recommended (*Aanbevolen*) dependencies of a reference component, sorted.

        A provider that GEMMA lists both as mandatory and as recommended is among them.
        """
        self._require(reference, NodeKind.REFERENCE)
        return tuple(sorted(self._view(EdgeKind.RECOMMENDS).successors(reference)))

    def reference_components_for(self, function: str) -> tuple[str, ...]:
        """Reference components supporting a function: those realising the services it uses,
        and those GEMMA links to it directly (no dependencies)."""
        self._require(function, NodeKind.FUNCTION)
        view = self._view(EdgeKind.SERVED_BY, EdgeKind.REALISED_BY)
        found = {ref for service in view.successors(function) for ref in view.successors(service)}
        found.update(self._view(EdgeKind.SUPPORTED_BY).successors(function))
        return tuple(sorted(found))

    # ------------------------------------------------------------------ domain verbs

    def needs_closure(
        self,
        *,
        functions: Iterable[str] = (),
        reference_components: Iterable[str] = (),
        recommended: bool = False,
    ) -> NeedsClosure:
        """Everything needed for some business functions and reference components.

        One breadth-first traversal from all starting nodes at once follows function ->
        service -> reference component (or function -> reference component directly) and then
        reference dependencies (mandatory ones only, unless ``recommended``).

        Parameters
        ----------
        functions
            Business function ids.
        reference_components
            Reference component ids needed directly.
        recommended
            Also follow recommended (*Aanbevolen*) dependencies.

        Returns
        -------
        NeedsClosure

        Raises
        ------
        UnknownNodeError
            For any starting id that is not a function / reference component.
        """
        starts_f = sorted(set(functions))
        starts_r = sorted(set(reference_components))
        for f in starts_f:
            self._require(f, NodeKind.FUNCTION)
        for r in starts_r:
            self._require(r, NodeKind.REFERENCE)
        kinds = [
            EdgeKind.SERVED_BY,
            EdgeKind.REALISED_BY,
            EdgeKind.SUPPORTED_BY,
            EdgeKind.DEPENDS_ON,
        ]
        if recommended:
            kinds.append(EdgeKind.RECOMMENDS)
        reached = self._reach(self._view(*kinds), [*starts_f, *starts_r])
        needed = frozenset(n for n in reached if self._kind(n) == NodeKind.REFERENCE)
        return NeedsClosure(reference_components=needed, reached_from=MappingProxyType(reached))

    def with_generalisations(self, references: Iterable[str]) -> frozenset[str]:
        """The reference components and every general form they specialise, in turn too.

        A component that realises a specialisation realises its general form as well.

        >>> g = ComponentGraph()
        >>> for ref in ("generiek-zac", "zac", "zrc"):
        ...     g.add_reference_component(ref)
        >>> g.add_specialisation("generiek-zac", "zac")
        >>> sorted(g.with_generalisations(["generiek-zac", "zrc"]))
        ['generiek-zac', 'zac', 'zrc']
        """
        starts = sorted(set(references))
        for reference in starts:
            self._require(reference, NodeKind.REFERENCE)
        return frozenset(self._reach(self._view(EdgeKind.SPECIALISES), starts))

    def required_components(self, component: str) -> frozenset[str]:
        """Every component that ``component`` needs beside it, directly or through others.

        ``component`` itself is not among them, even when a chain of requirements leads back.
        """
        self._require(component, NodeKind.COMPONENT)
        reached = self._reach(self._view(EdgeKind.REQUIRES_COMPONENT), [component])
        return frozenset(reached) - {component}

    def neighbourhood(
        self,
        root: str,
        *,
        depth: int,
        breadth: int,
        kinds: Collection[EdgeKind] = tuple(EdgeKind),
    ) -> Neighbourhood:
        """The nodes within ``depth`` steps of ``root``, taking at most ``breadth`` successors
        of each node, along edges of ``kinds``.

        One breadth-first walk: each node is expanded once, at its first (shortest) distance.
        The successors of a node are taken in reading order: reference components before
        components (what a node realises or depends on before the components it requires),
        then by name ignoring case, then by id. Those past ``breadth`` are counted in
        ``omitted``.

        Raises
        ------
        UnknownNodeError
            When ``root`` is not in the graph.
        ValueError
            When ``depth`` or ``breadth`` is negative.

        Examples
        --------
        >>> g = ComponentGraph()
        >>> for ref in ("zrc", "drc", "nrc"):
        ...     g.add_reference_component(ref, name=ref.upper())
        >>> g.add_dependency("zrc", "drc")
        >>> g.add_dependency("zrc", "nrc", mandatory=False)
        >>> g.add_dependency("drc", "nrc")
        >>> near = g.neighbourhood("zrc", depth=2, breadth=1)
        >>> dict(near.steps), near.edges, near.omitted
        ({'zrc': 0, 'drc': 1, 'nrc': 2}, (('zrc', 'drc'), ('drc', 'nrc')), 1)
        """
        if root not in self._graph:
            raise UnknownNodeError(root)
        if depth < 0 or breadth < 0:
            msg = f"depth and breadth must not be negative, not {depth} and {breadth}"
            raise ValueError(msg)
        followed = self._view(*kinds)
        steps: dict[str, int] = {root: 0}
        edges: list[tuple[str, str]] = []
        omitted = 0
        queue = deque([root])
        while queue:
            node = queue.popleft()
            if steps[node] >= depth:
                continue
            successors = sorted(followed.successors(node), key=self._reading_order)
            omitted += max(0, len(successors) - breadth)
            for successor in successors[:breadth]:
                edges.append((node, successor))
                if successor not in steps:
                    steps[successor] = steps[node] + 1
                    queue.append(successor)
        return Neighbourhood(
            root=root, steps=MappingProxyType(steps), edges=tuple(edges), omitted=omitted
        )

    def _reading_order(self, node: str) -> tuple[int, str, str]:
        return (_READING_ORDER[self._kind(node)], self.name_of(node).lower(), node)

    def landscape_provides(self, landscape: Landscape) -> frozenset[str]:
        """Reference components the landscape makes available (its components' and its own).

        Raises
        ------
        UnknownNodeError
            When a landscape component is not a component of this graph.
        """
        provided = set(landscape.provides)
        for component in sorted(landscape.components):
            self._require(component, NodeKind.COMPONENT)
            provided |= self._candidates[component].provides
        return frozenset(provided)

    def subtract_landscape(self, needed: Iterable[str], *, landscape: Landscape) -> frozenset[str]:
        """What is still missing from ``needed`` once the landscape is taken into account."""
        wanted = frozenset(needed)
        for reference in sorted(wanted):
            self._require(reference, NodeKind.REFERENCE)
        return wanted - self.landscape_provides(landscape)

    def to_instance(
        self,
        *,
        needs: Iterable[str],
        landscape: Landscape | None = None,
        constraints: Constraints | None = None,
    ) -> Instance:
        """An optimiser :class:`Instance` over every component in the graph."""
        wanted = frozenset(needs)
        for reference in sorted(wanted):
            self._require(reference, NodeKind.REFERENCE)
        scope = landscape or Landscape()
        self.landscape_provides(scope)
        return Instance(
            components=self.candidates(),
            needs=wanted,
            landscape=scope,
            constraints=constraints or Constraints(),
        )

    def requirement_graph(self, components: Iterable[str]) -> nx.DiGraph[str]:
        """Among ``components``: an edge ``a -> b`` when ``a`` requires what ``b`` realises."""
        chosen = sorted(set(components))
        for component in chosen:
            self._require(component, NodeKind.COMPONENT)
        result: nx.DiGraph[str] = nx.DiGraph()
        result.add_nodes_from(chosen)
        members = set(chosen)
        for component in chosen:
            for reference in self._candidates[component].requires:
                for provider in self.providers_of(reference):
                    if provider in members:
                        result.add_edge(component, provider, via=reference)
        return result

    @property
    def mapping(self) -> Mapping[str, Candidate]:
        """Read-only view of the components by id."""
        return MappingProxyType(self._candidates)
