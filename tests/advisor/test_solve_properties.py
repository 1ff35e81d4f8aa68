"""Property tests: every plan is valid, and optimal against independent exact solves."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import Plan, instance_from_json, solve
from tests.advisor.advisor_reference import (
    JSON,
    available_with,
    base_of,
    brute_force,
    components,
    instances,
    is_selectable,
    random_setcover,
    reference_milp_cost,
    reference_unmet,
)

SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
# Generous: these instances are tiny, the limit only guards against a hang.
LIMIT = 20.0


def check_plan(data: JSON, plan: Plan) -> None:
    """Every structural promise of the contract, checked from the JSON alone."""
    comps = components(data)
    base = base_of(data)
    chosen = [comps[c] for c in plan.selected]
    assert list(plan.selected) == sorted(set(plan.selected))
    for c in chosen:
        assert is_selectable(c, data), f"{c['id']} violates a constraint"
    have = available_with(base, chosen)
    assert set(data["needs"]) - set(plan.unmet) <= have, "a coverable need is not covered"
    for c in chosen:
        assert c["requires"] <= have, f"{c['id']} has an unmet requirement"
    assert plan.feasible == (not plan.unmet)
    assert list(plan.unmet) == sorted(plan.unmet)
    assert math.isclose(plan.cost, math.fsum(c["cost"] for c in chosen), abs_tol=1e-9)
    # Waves: a partition of the selection, sorted, each wave's requirements met by the
    # landscape, earlier waves, or members of its own wave in a requirement cycle with it.
    flat = [cid for wave in plan.order for cid in wave]
    assert sorted(flat) == list(plan.selected)
    assert all(list(wave) == sorted(wave) and wave for wave in plan.order)
    earlier = set(base)
    for wave in plan.order:
        members = [comps[c] for c in wave]
        for c in members:
            for r in c["requires"] - earlier:
                partners = [d for d in members if r in d["provides"]]
                assert partners, f"{c['id']} needs {r} before any wave provides it"
                assert any(d is c or _reaches(d, c, members, earlier) for d in partners), (
                    f"{c['id']} shares a wave with a provider of {r} outside its cycle"
                )
        for c in members:
            earlier |= c["provides"]
    for cid in plan.selected:
        assert set(plan.why[cid]) <= comps[cid]["provides"]


def _reaches(start: JSON, goal: JSON, members: list[JSON], earlier: set[str]) -> bool:
    """Whether ``start`` depends (transitively, within the wave) on ``goal``."""
    seen = {start["id"]}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for r in node["requires"] - earlier:
            for d in members:
                if r in d["provides"]:
                    if d is goal:
                        return True
                    if d["id"] not in seen:
                        seen.add(d["id"])
                        frontier.append(d)
    return False


@SETTINGS
@given(instances())
def test_plans_are_valid_and_optimal_against_brute_force(data: JSON) -> None:
    plan = solve(instance_from_json(data), time_limit=LIMIT)
    check_plan(data, plan)
    unmet, best, fewest = brute_force(data)
    assert set(plan.unmet) == unmet
    assert set(plan.unmet) == reference_unmet(data)
    assert plan.optimal
    assert math.isclose(plan.cost, best, rel_tol=1e-9, abs_tol=1e-9)
    # Tie rule: among equally cheap plans, the fewest components.
    assert len(plan.selected) == fewest


@settings(deadline=None, max_examples=60)
@given(instances(max_components=12, capabilities=7, with_constraints=False))
def test_unconstrained_up_to_twelve_candidates(data: JSON) -> None:
    plan = solve(instance_from_json(data), time_limit=LIMIT)
    check_plan(data, plan)
    unmet, best, fewest = brute_force(data)
    assert set(plan.unmet) == unmet
    assert math.isclose(plan.cost, best, rel_tol=1e-9, abs_tol=1e-9)
    assert len(plan.selected) == fewest


@settings(deadline=None, max_examples=60)
@given(instances(), st.randoms(use_true_random=False))
def test_input_order_does_not_change_the_plan(data: JSON, rnd: random.Random) -> None:
    shuffled = dict(data, components=list(data["components"]))
    rnd.shuffle(shuffled["components"])
    first = solve(instance_from_json(data), time_limit=LIMIT)
    second = solve(instance_from_json(shuffled), time_limit=LIMIT)
    assert first.to_json() == second.to_json()


@settings(deadline=None, max_examples=25)
@given(st.integers(20, 90), st.integers(0, 10_000))
def test_medium_instances_match_an_independent_milp(size: int, seed: int) -> None:
    data = random_setcover(size, seed)
    plan = solve(instance_from_json(data), time_limit=LIMIT)
    check_plan(data, plan)
    assert plan.optimal
    assert math.isclose(plan.cost, reference_milp_cost(data), rel_tol=1e-9)


@pytest.mark.parametrize("seed", [3, 4])
def test_large_instance_uses_heuristic_path_and_stays_sound(seed: int) -> None:
    # ~700 candidates: beyond the MILP-first size, so the Lagrangian heuristic and solution
    # merging run. Whatever the machine's speed, the plan must be valid, its reported bound
    # must not exceed the true optimum, and "optimal" must be true only at the optimum.
    data = random_setcover(700, seed, need_share=0.5)
    plan = solve(instance_from_json(data))
    check_plan(data, plan)
    optimum = reference_milp_cost(data)
    assert plan.cost >= optimum - 1e-9
    assert plan.lower_bound is not None
    assert plan.lower_bound <= optimum + 1e-6
    assert plan.gap is not None
    assert math.isclose(plan.gap, (plan.cost - plan.lower_bound) / plan.cost, abs_tol=1e-12)
    if plan.optimal:
        assert math.isclose(plan.cost, optimum, rel_tol=1e-9)
        assert plan.gap == 0.0


@settings(deadline=None, max_examples=15)
@given(st.integers(30, 400), st.integers(0, 10_000))
def test_a_tiny_time_limit_still_gives_a_valid_plan(size: int, seed: int) -> None:
    # The time limit can run out before the MILP or the subgradient even start: the greedy
    # start of the heuristic must still deliver a valid plan, and "optimal" must stay honest.
    data = random_setcover(size, seed)
    plan = solve(instance_from_json(data), time_limit=1e-6)
    check_plan(data, plan)
    optimum = reference_milp_cost(data)
    assert plan.cost >= optimum - 1e-9
    if plan.optimal:
        assert math.isclose(plan.cost, optimum, rel_tol=1e-9)
