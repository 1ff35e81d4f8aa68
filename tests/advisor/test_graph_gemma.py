"""ComponentGraph on the real GEMMA extract (read here with PyYAML; the advisor reads no files)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from advisor import Candidate, ComponentGraph, Landscape, NodeKind, solve
from tests.conftest import DATA_DIR

GEMMA = DATA_DIR / "gemma" / "gemma.yaml"
REFERENCE_KINDS = {"reference_component", "external_facility"}


@pytest.fixture(scope="module")
def gemma() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with GEMMA.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=loader)  # noqa: S506 - safe loader
    return data


@pytest.fixture
def graph(gemma: dict[str, Any]) -> ComponentGraph:
    g = ComponentGraph()
    for ref in gemma["reference_components"]:
        g.add_reference_component(ref["id"], name=ref["name"])
    for ext in gemma["external_facilities"]:
        g.add_reference_component(ext["id"], name=ext["name"], external=True)
    for service in gemma["application_services"]:
        g.add_service(service["id"], name=service["name"])
    for service in gemma["application_services"]:
        for realiser in service.get("realized_by", []):
            if realiser["kind"] in REFERENCE_KINDS:
                g.link_service_to_reference(service["id"], realiser["id"])
    for function in gemma["business_functions"]:
        g.add_function(function["id"], name=function["name"])
        for service in function.get("application_services", []):
            g.link_function_to_service(function["id"], service["id"])
    for dep in gemma["derived_dependencies"]:
        consumer, provider = dep["consumer"], dep["provider"]
        if consumer["kind"] not in REFERENCE_KINDS or provider["kind"] not in REFERENCE_KINDS:
            continue  # plain ApplicationComponents are examples in the model, not references
        # Dependencies through a service carry no role; being served is taken as mandatory.
        mandatory = dep.get("role", "Verplicht") == "Verplicht"
        g.add_dependency(consumer["id"], provider["id"], mandatory=mandatory)
    return g


def test_function_to_reference_components_matches_the_derived_field(
    gemma: dict[str, Any], graph: ComponentGraph
) -> None:
    checked = 0
    for function in gemma["business_functions"]:
        derived = {r["id"] for r in function.get("reference_components_derived", [])}
        if not derived:
            continue
        assert set(graph.reference_components_for(function["id"])) == derived, function["name"]
        checked += 1
    assert checked > 100


def test_needs_closure_is_closed_under_mandatory_dependencies(
    gemma: dict[str, Any], graph: ComponentGraph
) -> None:
    functions = [f["id"] for f in gemma["business_functions"] if f.get("application_services")]
    closure = graph.needs_closure(functions=functions)
    for reference in closure.reference_components:
        assert set(graph.dependencies_of(reference)) <= closure.reference_components
        path = closure.path(reference)
        assert graph.kind_of(path[0]) is NodeKind.FUNCTION
    wider = graph.needs_closure(functions=functions, recommended=True)
    assert closure.reference_components < wider.reference_components


def test_an_instance_built_from_gemma_solves(gemma: dict[str, Any], graph: ComponentGraph) -> None:
    # Two made-up suppliers per needed reference component; the real catalogue comes later
    # through the web bridge. External facilities are national and count as the landscape.
    needed: frozenset[str] = frozenset()
    for function in sorted(gemma["business_functions"], key=lambda f: f["name"]):
        needed = graph.needs_closure(
            functions=[function["id"]], recommended=True
        ).reference_components
        if len(needed) >= 6:
            break
    assert len(needed) >= 6
    external = {e["id"] for e in gemma["external_facilities"]}
    for i, reference in enumerate(sorted(needed - external)):
        for supplier in ("a", "b"):
            deps = graph.dependencies_of(reference, recommended=True)
            graph.add_component(
                Candidate(
                    f"{supplier}-{i}",
                    provides=frozenset({reference}),
                    requires=frozenset(deps),
                    cost=1.0 + (i % 3) + (0.5 if supplier == "b" else 0.0),
                )
            )
    instance = graph.to_instance(
        needs=needed, landscape=Landscape(provides=frozenset(needed & external))
    )
    plan = solve(instance, time_limit=10)
    assert plan.feasible
    assert plan.optimal
    assert len(plan.selected) == len(needed - external)
    assert all(cid.startswith("a-") for cid in plan.selected)
