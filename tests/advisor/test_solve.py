"""Example-based tests of the optimiser: ties, cycles, landscape, include, errors."""

from __future__ import annotations

import pytest

from advisor import (
    Constraints,
    Hosting,
    Instance,
    Landscape,
    PlanError,
    Status,
    UnknownComponentError,
    analyse,
    solve,
)
from tests.advisor.advisor_builders import cand


def test_equal_cost_prefers_fewer_components() -> None:
    inst = Instance(
        components=(cand("a1", "a"), cand("b1", "b"), cand("zz-suite", "a b", cost=2)),
        needs=frozenset({"a", "b"}),
    )
    plan = solve(inst)
    assert plan.selected == ("zz-suite",)
    assert plan.cost == 2.0


def test_equal_cost_and_size_prefers_earlier_ids() -> None:
    inst = Instance(
        components=(cand("m", "a"), cand("c", "a"), cand("x", "a")),
        needs=frozenset({"a"}),
    )
    assert solve(inst).selected == ("c",)


def test_zero_cost_components_are_not_added_without_reason() -> None:
    inst = Instance(
        components=(cand("free-a", "a", cost=0), cand("free-b", "a b", cost=0), cand("p", "b")),
        needs=frozenset({"a"}),
    )
    plan = solve(inst)
    assert plan.selected == ("free-a",)
    assert plan.cost == 0.0


def test_requirement_cycle_is_selected_together_and_shares_a_wave() -> None:
    inst = Instance(
        components=(
            cand("zaken", "zaak", "doc"),
            cand("docs", "doc", "zaak"),
            cand("portal", "portaal", "zaak"),
            cand("notify", "notif"),
        ),
        needs=frozenset({"portaal"}),
    )
    plan = solve(inst)
    assert plan.selected == ("docs", "portal", "zaken")
    assert plan.order == (("docs", "zaken"), ("portal",))
    assert plan.why["zaken"] == ("zaak",)
    assert plan.why["docs"] == ("doc",)


def test_landscape_components_provide_for_free_and_are_never_selected() -> None:
    inst = Instance(
        components=(cand("old", "a b", cost=9), cand("new", "a", cost=1), cand("c", "c", "b")),
        needs=frozenset({"a", "c"}),
        landscape=Landscape(components=frozenset({"old", "unknown-system"})),
    )
    plan = solve(inst)
    assert plan.selected == ("c",)
    assert plan.cost == 1.0
    assert plan.order == (("c",),)


def test_unmet_needs_do_not_stop_the_rest() -> None:
    inst = Instance(
        components=(
            cand("a1", "a", cost=2),
            cand("b1", "b", status=Status.CONCEPT),
            cand("c1", "c", "missing"),
        ),
        needs=frozenset({"a", "b", "c", "d"}),
    )
    plan = solve(inst)
    assert plan.unmet == ("b", "c", "d")
    assert plan.selected == ("a1",)
    assert not plan.feasible
    assert plan.optimal


def test_constraints_limit_selection() -> None:
    inst = Instance(
        components=(
            cand("cheap-closed", "a", cost=1, open_source=False),
            cand("onprem", "a", cost=2, hosting=frozenset({Hosting.ON_PREMISE})),
            cand("excluded", "a", cost=0.5),
            cand("ok", "a", cost=5),
        ),
        needs=frozenset({"a"}),
        constraints=Constraints(
            open_source_only=True,
            allowed_hosting=frozenset({Hosting.SAAS}),
            exclude=frozenset({"excluded"}),
        ),
    )
    assert solve(inst).selected == ("ok",)


def test_include_forces_a_component_and_its_requirements() -> None:
    inst = Instance(
        components=(cand("a1", "a"), cand("a2", "a", "x", cost=2), cand("x1", "x", cost=3)),
        needs=frozenset({"a"}),
    )
    plan = solve(inst, include=["a2"])
    assert plan.selected == ("a2", "x1")
    assert plan.cost == 5.0
    with pytest.raises(UnknownComponentError):
        solve(inst, include=["nope"])


def test_include_rejects_unsupportable_and_landscape_components() -> None:
    inst = Instance(
        components=(cand("a1", "a", "never"), cand("b1", "b")),
        needs=frozenset({"a"}),
        landscape=Landscape(components=frozenset({"b1"})),
    )
    with pytest.raises(PlanError, match="cannot be included"):
        solve(inst, include=["a1"])
    with pytest.raises(PlanError, match="landscape"):
        solve(inst, include=["b1"])


def test_fractional_costs_are_summed_and_rounded() -> None:
    inst = Instance(
        components=(cand("x", "a", cost=0.1), cand("y", "b", cost=0.2)),
        needs=frozenset({"a", "b"}),
    )
    assert solve(inst).cost == 0.3


def test_time_limit_must_be_positive() -> None:
    inst = Instance(components=(), needs=frozenset())
    with pytest.raises(ValueError, match="positive"):
        solve(inst, time_limit=0)


def test_analysis_explains_the_presolve() -> None:
    inst = Instance(
        components=(
            cand("a1", "a", cost=1),
            cand("a2", "a", cost=2),
            cand("b1", "b", "loop"),
            cand("l1", "loop", "b"),
            cand("z", "unrelated"),
        ),
        needs=frozenset({"a", "b"}),
    )
    analysis = analyse(inst)
    assert analysis.unmet == frozenset()
    assert analysis.relevant == frozenset({"a1", "a2", "b1", "l1"})
    assert "a2" not in analysis.kept  # dominated by the cheaper a1
    assert analysis.targets == frozenset({"a", "b", "loop"})


def test_plan_json_has_exactly_the_contract_keys() -> None:
    inst = Instance(components=(cand("a1", "a"),), needs=frozenset({"a"}))
    assert set(solve(inst).to_json()) == {
        "feasible",
        "selected",
        "cost",
        "unmet",
        "order",
        "why",
        "optimal",
    }
