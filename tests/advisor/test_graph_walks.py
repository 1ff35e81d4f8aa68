"""ComponentGraph walks the services use: generalisations, required components, recommended
dependencies, functions linked straight to reference components, and bounded neighbourhoods."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import Candidate, ComponentGraph, EdgeKind, Obligation, UnknownNodeError


def test_obligation_reads_gemma_roles_in_any_case() -> None:
    assert Obligation.of("Verplicht") is Obligation.VERPLICHT
    assert Obligation.of("AANBEVOLEN") is Obligation.AANBEVOLEN
    assert Obligation.of(None) is None
    assert Obligation.of("") is None
    assert Obligation.of("optioneel") is None
    # Stored as the same text as before the enum: no migration.
    assert [o.value for o in Obligation] == ["verplicht", "aanbevolen"]
    assert Obligation.VERPLICHT == "verplicht"


@pytest.fixture
def gemma() -> ComponentGraph:
    g = ComponentGraph()
    for ref in ("generiek-zac", "zac", "taak-zac", "zrc", "drc", "nrc"):
        g.add_reference_component(ref)
    g.add_specialisation("generiek-zac", "zac")
    g.add_specialisation("taak-zac", "generiek-zac")
    g.add_dependency("zac", "zrc")
    g.add_dependency("zac", "drc", mandatory=False)
    g.add_dependency("zrc", "nrc", mandatory=False)
    g.add_dependency("zrc", "nrc")
    g.add_function("f-zaak")
    g.link_function_to_reference("f-zaak", "zac")
    for component in ("open-zaak", "open-notificaties", "objecten", "zac-app"):
        g.add_component(Candidate(component))
    g.add_component_requirement("zac-app", "open-zaak")
    g.add_component_requirement("open-zaak", "open-notificaties")
    g.add_component_requirement("open-notificaties", "zac-app")
    return g


def test_generalisations_are_followed_in_turn(gemma: ComponentGraph) -> None:
    assert gemma.with_generalisations(["taak-zac"]) == {"taak-zac", "generiek-zac", "zac"}
    assert gemma.with_generalisations(["zac", "zrc"]) == {"zac", "zrc"}
    assert gemma.with_generalisations([]) == frozenset()
    with pytest.raises(UnknownNodeError):
        gemma.with_generalisations(["nope"])
    with pytest.raises(UnknownNodeError, match="is a component, not a reference"):
        gemma.with_generalisations(["open-zaak"])


def test_required_components_are_transitive_and_leave_out_the_component(
    gemma: ComponentGraph,
) -> None:
    # zac-app -> open-zaak -> open-notificaties -> zac-app: the chain leads back.
    assert gemma.required_components("zac-app") == {"open-zaak", "open-notificaties"}
    assert gemma.required_components("open-notificaties") == {"zac-app", "open-zaak"}
    assert gemma.required_components("objecten") == frozenset()
    with pytest.raises(UnknownNodeError, match="is a reference, not a component"):
        gemma.required_components("zrc")


def test_recommended_dependencies_include_those_that_are_also_mandatory(
    gemma: ComponentGraph,
) -> None:
    assert gemma.dependencies_of("zac") == ("zrc",)
    assert gemma.recommended_dependencies_of("zac") == ("drc",)
    assert gemma.dependencies_of("zrc") == ("nrc",)
    assert gemma.recommended_dependencies_of("zrc") == ("nrc",)
    assert gemma.recommended_dependencies_of("nrc") == ()


def test_a_function_linked_straight_to_a_reference_component(gemma: ComponentGraph) -> None:
    assert gemma.reference_components_for("f-zaak") == ("zac",)
    closure = gemma.needs_closure(functions=["f-zaak"])
    assert closure.reference_components == {"zac", "zrc", "nrc"}
    assert closure.path("nrc") == ("f-zaak", "zac", "zrc", "nrc")


def test_neighbourhood_limits_and_reading_order() -> None:
    g = ComponentGraph()
    g.add_reference_component("r-b", name="beta")
    g.add_reference_component("r-a", name="Alpha")
    g.add_reference_component("r-far", name="far")
    g.add_dependency("r-a", "r-far")
    g.add_component(Candidate("c-z", name="Aardvark", provides=frozenset({"r-b", "r-a"})))
    g.add_component(Candidate("c-y", name="aardvark"))
    g.add_component(Candidate("c-x", name="zebra"))
    for required in ("c-x", "c-y"):
        g.add_component_requirement("c-z", required)
    # References before components, then by name ignoring case, then by id.
    full = g.neighbourhood("c-z", depth=1, breadth=10)
    assert full.edges == (("c-z", "r-a"), ("c-z", "r-b"), ("c-z", "c-y"), ("c-z", "c-x"))
    assert dict(full.steps) == {"c-z": 0, "r-a": 1, "r-b": 1, "c-y": 1, "c-x": 1}
    assert full.omitted == 0
    narrow = g.neighbourhood("c-z", depth=2, breadth=2)
    assert dict(narrow.steps) == {"c-z": 0, "r-a": 1, "r-b": 1, "r-far": 2}
    assert narrow.omitted == 2
    only_requirements = g.neighbourhood(
        "c-z", depth=1, breadth=10, kinds=[EdgeKind.REQUIRES_COMPONENT]
    )
    assert set(only_requirements.steps) == {"c-z", "c-x", "c-y"}
    assert dict(g.neighbourhood("c-z", depth=0, breadth=10).steps) == {"c-z": 0}
    with pytest.raises(UnknownNodeError):
        g.neighbourhood("nope", depth=1, breadth=1)
    with pytest.raises(ValueError, match="must not be negative"):
        g.neighbourhood("c-z", depth=-1, breadth=1)


@st.composite
def dependency_graphs(draw: st.DrawFn) -> tuple[ComponentGraph, list[tuple[int, int]]]:
    size = draw(st.integers(1, 9))
    edges = draw(
        st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=30)
    )
    g = ComponentGraph()
    for node in range(size):
        g.add_reference_component(f"r{node}", name=draw(st.sampled_from(["a", "B", "b", "c"])))
    for source, target in edges:
        g.add_dependency(f"r{source}", f"r{target}", mandatory=draw(st.booleans()))
    return g, edges


@settings(max_examples=150, deadline=None)
@given(dependency_graphs(), st.integers(0, 4), st.integers(1, 4))
def test_neighbourhood_agrees_with_shortest_paths(
    case: tuple[ComponentGraph, list[tuple[int, int]]], depth: int, breadth: int
) -> None:
    g, edges = case
    plain: nx.DiGraph[str] = nx.DiGraph()
    plain.add_node("r0")
    plain.add_edges_from((f"r{s}", f"r{t}") for s, t in edges)
    near = g.neighbourhood("r0", depth=depth, breadth=breadth)
    # Every edge walked is a real edge from a node short of the depth limit.
    assert all(plain.has_edge(s, t) and near.steps[s] < depth for s, t in near.edges)
    expanded = [n for n, steps in near.steps.items() if steps < depth]
    for node in expanded:
        walked = [t for s, t in near.edges if s == node]
        assert len(walked) == min(breadth, plain.out_degree(node))
    assert near.omitted == sum(max(0, plain.out_degree(n) - breadth) for n in expanded)
    shortest = nx.single_source_shortest_path_length(plain, "r0", cutoff=depth)
    # A limit can only make a node farther away or leave it out, never nearer.
    assert all(near.steps[n] >= shortest[n] for n in near.steps)
    if breadth >= max((d for _, d in plain.out_degree()), default=0):
        assert dict(near.steps) == shortest
