"""ComponentGraph verbs and the weighted cost score."""

from __future__ import annotations

import math

import pytest

from advisor import (
    Candidate,
    ComponentGraph,
    Constraints,
    GraphError,
    Hosting,
    Instance,
    Landscape,
    NodeKind,
    Profile,
    Status,
    UnknownNodeError,
    apply_scores,
    score,
    solve,
)


@pytest.fixture
def graph() -> ComponentGraph:
    g = ComponentGraph()
    g.add_function("zaakgericht", name="Zaakgericht werken")
    g.add_function("publiceren")
    g.add_service("registreren")
    g.add_service("tonen")
    for ref in ("zrc", "drc", "nrc", "ztc", "portal"):
        g.add_reference_component(ref)
    g.add_reference_component("brp", external=True)
    g.add_standard("zgw")
    g.add_standard("stuf")
    g.link_function_to_service("zaakgericht", "registreren")
    g.link_function_to_service("publiceren", "tonen")
    g.link_service_to_reference("registreren", "zrc")
    g.link_service_to_reference("tonen", "portal")
    g.add_dependency("zrc", "drc")
    g.add_dependency("zrc", "ztc")
    g.add_dependency("drc", "nrc", mandatory=False)
    g.add_dependency("portal", "zrc", mandatory=False)
    g.add_dependency("ztc", "brp")
    g.add_component(
        Candidate(
            "open-zaak",
            provides=frozenset({"zrc", "drc", "ztc"}),
            requires=frozenset({"nrc"}),
            standards=frozenset({"zgw"}),
        )
    )
    g.add_component(Candidate("open-notificaties", provides=frozenset({"nrc"})))
    g.add_component(Candidate("legacy-zaak", provides=frozenset({"zrc"}), cost=0.5))
    return g


def test_needs_closure_follows_services_and_mandatory_dependencies(graph: ComponentGraph) -> None:
    closure = graph.needs_closure(functions=["zaakgericht"])
    assert closure.reference_components == frozenset({"zrc", "drc", "ztc", "brp"})
    assert closure.path("brp") == ("zaakgericht", "registreren", "zrc", "ztc", "brp")
    wider = graph.needs_closure(functions=["zaakgericht", "publiceren"], recommended=True)
    assert wider.reference_components == frozenset({"zrc", "drc", "ztc", "brp", "nrc", "portal"})
    direct = graph.needs_closure(reference_components=["drc"])
    assert direct.reference_components == frozenset({"drc"})


def test_unknown_or_wrongly_kinded_nodes_fail_loudly(graph: ComponentGraph) -> None:
    with pytest.raises(UnknownNodeError, match="unknown function 'nope'"):
        graph.needs_closure(functions=["nope"])
    with pytest.raises(UnknownNodeError, match="is a reference, not a function"):
        graph.needs_closure(functions=["zrc"])
    with pytest.raises(UnknownNodeError):
        graph.providers_of("nope")
    with pytest.raises(UnknownNodeError):
        graph.add_component(Candidate("x", provides=frozenset({"not-a-reference"})))
    with pytest.raises(GraphError, match="already a reference"):
        graph.add_function("zrc")
    with pytest.raises(UnknownNodeError):
        graph.subtract_landscape(["zrc"], landscape=Landscape(components=frozenset({"ghost"})))


def test_domain_verbs(graph: ComponentGraph) -> None:
    assert graph.providers_of("zrc") == ("legacy-zaak", "open-zaak")
    assert graph.requirements_of("open-zaak") == ("nrc",)
    assert graph.standards_of("open-zaak") == ("zgw",)
    assert graph.dependencies_of("zrc") == ("drc", "ztc")
    assert graph.dependencies_of("drc", recommended=True) == ("nrc",)
    assert graph.reference_components_for("zaakgericht") == ("zrc",)
    assert graph.kind_of("brp") is NodeKind.REFERENCE
    assert graph.nodes(NodeKind.FUNCTION) == ("publiceren", "zaakgericht")
    needed = graph.needs_closure(functions=["zaakgericht"]).reference_components
    missing = graph.subtract_landscape(
        needed,
        landscape=Landscape(components=frozenset({"legacy-zaak"}), provides=frozenset({"brp"})),
    )
    assert missing == frozenset({"drc", "ztc"})
    requirement_graph = graph.requirement_graph(["open-zaak", "open-notificaties"])
    assert list(requirement_graph.edges(data="via")) == [("open-zaak", "open-notificaties", "nrc")]


def test_graph_to_instance_feeds_the_optimiser(graph: ComponentGraph) -> None:
    needed = graph.needs_closure(functions=["zaakgericht"]).reference_components
    inst = graph.to_instance(needs=needed, landscape=Landscape(provides=frozenset({"brp"})))
    plan = solve(inst)
    assert plan.selected == ("open-notificaties", "open-zaak")
    assert plan.order == (("open-notificaties",), ("open-zaak",))


def test_score_terms_and_their_reasons() -> None:
    open_one = Candidate(
        "a",
        hosting=frozenset({Hosting.PAAS, Hosting.ON_PREMISE}),
        licence="EUPL-1.2",
        adoption_count=50,
        status=Status.STABLE,
    )
    breakdown = score(open_one)
    terms = {t.name: t for t in breakdown.terms}
    assert terms["hosting"].value == pytest.approx(1 / 3)
    assert "paas" in terms["hosting"].reason
    assert terms["maturity"].value == 0.0
    assert terms["adoption"].value == pytest.approx(0.0)
    assert terms["licence"].value == 0.0
    assert terms["lock_in"].value == 0.0
    assert breakdown.total == pytest.approx(sum(t.contribution for t in breakdown.terms))
    for t in breakdown.terms:
        assert t.contribution == pytest.approx(t.weight * t.value)
        assert 0.0 <= t.value <= 1.0
        assert t.reason


def test_constraints_decide_the_best_allowed_hosting_form() -> None:
    c = Candidate("x", hosting=frozenset({Hosting.SAAS, Hosting.ON_PREMISE}))
    only_onprem = Constraints(allowed_hosting=frozenset({Hosting.ON_PREMISE}))
    assert score(c).term("hosting").value == 0.0
    assert score(c, constraints=only_onprem).term("hosting").value == 1.0


def test_unknown_adoption_is_neutral_not_zero() -> None:
    unknown = score(Candidate("u")).term("adoption")
    nobody = score(Candidate("n", adoption_count=0)).term("adoption")
    assert unknown.value == 0.5
    assert nobody.value == 1.0
    assert "unknown" in unknown.reason and "neutral" in unknown.reason
    assert "0 municipalities" in nobody.reason


def test_proprietary_lock_in_and_licence() -> None:
    closed = score(Candidate("c", open_source=False))
    with_standards = score(Candidate("s", open_source=False, standards=frozenset({"a", "b", "c"})))
    unnamed = score(Candidate("o"))
    assert closed.term("licence").value == 1.0
    assert closed.term("lock_in").value == 1.0
    assert with_standards.term("lock_in").value == pytest.approx(0.25)
    assert unnamed.term("licence").value == 0.25


def test_dependencies_count_what_the_landscape_does_not_meet() -> None:
    c = Candidate("d", requires=frozenset({"x", "y"}), dependencies_count=7)
    assert score(c).term("dependencies").value == pytest.approx(0.5)
    met = score(c, available=["x", "y"]).term("dependencies")
    assert met.value == 0.0
    assert "7 software dependencies" in met.reason


def test_profile_weights_and_validation() -> None:
    c = Candidate("c", open_source=False)
    heavy = Profile(weights={"licence": 10.0})
    assert score(c, profile=heavy).term("licence").contribution == 10.0
    assert heavy.weights["hosting"] == 1.0
    with pytest.raises(ValueError, match="unknown weight"):
        Profile(weights={"colour": 1.0})
    with pytest.raises(ValueError, match="every hosting form"):
        Profile(hosting_order=(Hosting.SAAS,))
    reversed_order = Profile(hosting_order=tuple(reversed(list(Hosting))))
    saas_only = Candidate("s", hosting=frozenset({Hosting.SAAS}))
    assert score(saas_only, profile=reversed_order).term("hosting").value == 1.0


def test_apply_scores_prefers_better_scoring_equal_cost_candidates() -> None:
    inst = Instance(
        components=(
            Candidate("a-closed", provides=frozenset({"x"}), open_source=False, cost=2),
            Candidate("b-open", provides=frozenset({"x"}), licence="EUPL-1.2", cost=2),
        ),
        needs=frozenset({"x"}),
    )
    assert solve(inst).selected == ("a-closed",)  # tie rule: earlier id
    scored = apply_scores(inst)
    assert solve(scored).selected == ("b-open",)
    for c in scored.components:
        assert 2 <= c.cost <= 4
        assert math.isfinite(c.cost)
