"""The services' dependency walks (through the advisor's ComponentGraph) against closures
computed here straight from the database rows with plain networkx, for every seed component and
reference component."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import (
    Component,
    ComponentRequirement,
    GemmaElement,
    GemmaKind,
    GemmaRelation,
    GemmaRelationKind,
    Realisation,
)
from catalogue.services.advice import COMPONENT, RC, Profile, build_instance
from catalogue.services.comparison import compare
from catalogue.services.graphs import component_graph, reference_component_graph


def _requirement_graph(session: Session) -> nx.DiGraph[int]:
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(session.scalars(select(Component.id)))
    graph.add_edges_from(
        session.execute(
            select(ComponentRequirement.component_id, ComponentRequirement.required_component_id)
        )
    )
    return graph


@pytest.mark.both_backends
def test_comparison_brings_along_every_required_component(app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        requirements = _requirement_graph(session)
        components = list(session.scalars(select(Component).order_by(Component.slug)))
        name = {c.id: c.name for c in components}
        assert any(requirements.out_degree(c.id) for c in components)
        for start in range(0, len(components), 4):
            group = components[start : start + 4] or components[-2:]
            if len(group) < 2:
                group = components[-2:]
            rows = {row.key: row for row in compare(session, [c.slug for c in group]).rows}
            for component, cell in zip(group, rows["brings_along"].cells, strict=True):
                expected = sorted({name[i] for i in nx.descendants(requirements, component.id)})
                assert list(cell.lines) == (expected or ["—"]), component.slug


def _drawn_graph(session: Session) -> nx.DiGraph[str]:
    """Every edge a graph page may draw: requires, realises and GEMMA's depends_on."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    slug = {i: s for i, s in session.execute(select(Component.id, Component.slug))}
    gemma_id = {i: g for i, g in session.execute(select(GemmaElement.id, GemmaElement.gemma_id))}
    for source, target in session.execute(
        select(ComponentRequirement.component_id, ComponentRequirement.required_component_id)
    ):
        graph.add_edge(f"c:{slug[source]}", f"c:{slug[target]}", kind="requires")
    for source, target in session.execute(
        select(Realisation.component_id, Realisation.reference_component_id)
    ):
        graph.add_edge(f"c:{slug[source]}", f"g:{gemma_id[target]}", kind="realises")
    for source, target in session.execute(
        select(GemmaRelation.source_id, GemmaRelation.target_id).where(
            GemmaRelation.kind == GemmaRelationKind.DEPENDS_ON
        )
    ):
        graph.add_edge(f"g:{gemma_id[source]}", f"g:{gemma_id[target]}", kind="depends_on")
    return graph


@pytest.mark.both_backends
def test_graph_pages_reach_what_the_rows_say_at_the_shortest_distance(app: Any) -> None:
    depth = 4
    with app.extensions["catalogue_db"].session() as session:
        rows = _drawn_graph(session)
        pages = [
            (f"c:{slug}", component_graph(session, slug, depth=depth, breadth=20))
            for slug in session.scalars(select(Component.slug))
        ] + [
            (f"g:{gemma_id}", reference_component_graph(session, slug, depth=depth, breadth=20))
            for gemma_id, slug in session.execute(
                select(GemmaElement.gemma_id, GemmaElement.slug).where(
                    GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT
                )
            )
        ]
    complete = 0
    for root, page in pages:
        assert page.root == root
        if root not in rows:
            assert [n.key for n in page.nodes] == [root] and not page.edges
            continue
        for edge in page.edges:
            assert rows.edges[edge.source, edge.target]["kind"] == edge.kind, root
        if page.omitted:
            continue
        complete += 1
        shortest = nx.single_source_shortest_path_length(rows, root, cutoff=depth)
        assert {n.key: n.depth for n in page.nodes} == shortest, root
        expected = {(s, t) for s, t in rows.out_edges(shortest) if shortest[s] < depth}
        assert {(e.source, e.target) for e in page.edges} == expected, root
        assert len(page.edges) == len(expected), root
    assert complete > len(pages) // 2


@pytest.mark.both_backends
def test_advice_needs_and_requirements_are_gemma_closures(app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        elements = {
            e.id: e
            for e in session.scalars(
                select(GemmaElement).where(
                    GemmaElement.kind.in_(
                        [GemmaKind.REFERENCE_COMPONENT, GemmaKind.EXTERNAL_FACILITY]
                    )
                )
            )
        }
        mandatory: nx.DiGraph[str] = nx.DiGraph()
        general: nx.DiGraph[str] = nx.DiGraph()
        for relation in session.scalars(
            select(GemmaRelation).where(
                GemmaRelation.kind.in_(
                    [GemmaRelationKind.DEPENDS_ON, GemmaRelationKind.SPECIALISATION_OF]
                )
            )
        ):
            source = elements.get(relation.source_id)
            target = elements.get(relation.target_id)
            if source is None or target is None or source.id == target.id:
                continue
            if relation.kind == GemmaRelationKind.SPECIALISATION_OF:
                general.add_edge(RC + source.slug, RC + target.slug)
            elif (
                target.kind == GemmaKind.REFERENCE_COMPONENT
                and (relation.role or "").lower() == "verplicht"
            ):
                mandatory.add_edge(RC + source.slug, RC + target.slug)
        assert mandatory.number_of_edges() and general.number_of_edges()

        facts = build_instance(session, Profile())
        for component in session.scalars(select(Component)):
            provides = {RC + r.reference_component.slug for r in component.realisations}
            provides |= {g for p in provides if p in general for g in nx.descendants(general, p)}
            provides.add(COMPONENT + component.slug)
            requires = {
                COMPONENT + r.required_component.slug
                for r in component.requirements
                if not r.optional
            }
            requires |= {d for p in provides if p in mandatory for d in mandatory.successors(p)}
            candidate = facts.instance.candidate(component.slug)
            assert candidate.provides == provides, component.slug
            assert candidate.requires == requires - provides, component.slug

        chains = sorted(r for r in mandatory if mandatory.out_degree(r))
        reference_slugs = {
            RC + e.slug for e in elements.values() if e.kind == GemmaKind.REFERENCE_COMPONENT
        }
        for capability in chains:
            if capability not in reference_slugs:
                continue
            profile = Profile(reference_components=(capability.removeprefix(RC),))
            needs = build_instance(session, profile).instance.needs
            assert needs == {capability} | nx.descendants(mandatory, capability), capability
