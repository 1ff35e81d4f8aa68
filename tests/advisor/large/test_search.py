"""The large-instance search: residual multipliers, array-level core MILPs, refinement."""

from __future__ import annotations

import gc
import math
import time

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from advisor import instance_from_json, is_valid_selection, solve
from advisor.large.formulation import Formulation, build_formulation
from advisor.large.heuristic import lagrangian_heuristic, residual_multipliers
from advisor.large.search import _Incumbents, _indices_to_ids, _milp_columns, _refine
from advisor.model import Instance
from advisor.solve import _collection_paused, analyse
from tests.advisor.advisor_reference import random_setcover


def _problem(n: int, seed: int) -> tuple[Instance, Formulation, frozenset[str]]:
    instance = instance_from_json(random_setcover(n, seed))
    analysis = analyse(instance)
    form = build_formulation(
        instance.by_id,
        columns=analysis.kept,
        targets=analysis.targets,
        needs=analysis.coverable,
        base=analysis.base,
    )
    return instance, form, analysis.coverable


def _exact(form: Formulation, fixed: np.ndarray) -> float:
    """Optimum of the formulation's MILP with the ``fixed`` columns forced in."""
    result = milp(
        form.cost,
        integrality=np.ones(form.size),
        bounds=Bounds(fixed.astype(np.float64), np.ones(form.size)),
        constraints=[LinearConstraint(form.matrix, form.rhs, np.inf)],
    )
    assert result.status == 0
    return float(result.fun)


def _cost(form: Formulation, selection: frozenset[int]) -> float:
    return math.fsum(float(form.cost[j]) for j in selection)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_residual_bound_never_exceeds_the_best_plan_with_the_fixed_columns(seed: int) -> None:
    _, form, _ = _problem(120, seed)
    result = lagrangian_heuristic(form, deadline=time.perf_counter() + 5.0, polish=False)
    assert result is not None
    members = sorted(result.selection)
    fixed = np.zeros(form.size, dtype=bool)
    fixed[members[: len(members) // 2]] = True
    optimum = _exact(form, fixed)
    lam, bound = residual_multipliers(form, result.multipliers, fixed, result.cost)
    assert lam.shape == form.rhs.shape
    assert np.all(lam >= 0)
    assert bound <= optimum + 1e-6
    # Nothing fixed: a bound on the optimum itself.
    _, free_bound = residual_multipliers(
        form, result.multipliers, np.zeros(form.size, dtype=bool), result.cost
    )
    assert free_bound <= _exact(form, np.zeros(form.size, dtype=bool)) + 1e-6


def test_milp_columns_keeps_fixed_columns_and_the_budget() -> None:
    instance, form, needs = _problem(150, 4)
    everything = np.arange(form.size, dtype=np.int64)
    none = np.zeros(form.size, dtype=bool)
    optimum = _exact(form, none)
    chosen, proven = _milp_columns(form, everything, none, optimum, time.perf_counter() + 5.0)
    assert chosen is not None
    assert proven
    assert math.isclose(_cost(form, chosen), optimum)
    assert is_valid_selection(instance, _indices_to_ids(form, chosen), needs=needs)
    # Forcing columns in: they are kept, and the plan is still valid.
    fixed = np.zeros(form.size, dtype=bool)
    fixed[sorted(chosen)[:3]] = True
    fixed[np.argmax(form.cost)] = True
    forced, _ = _milp_columns(form, everything, fixed, np.inf, time.perf_counter() + 5.0)
    assert forced is not None
    assert set(np.flatnonzero(fixed).tolist()) <= forced
    assert is_valid_selection(instance, _indices_to_ids(form, forced), needs=needs)
    # A budget below the optimum: no plan, and that is proven.
    below, proven_none = _milp_columns(
        form, everything, none, optimum - 1, time.perf_counter() + 5.0
    )
    assert below is None
    assert proven_none


@pytest.mark.parametrize("seed", [5, 6])
def test_refine_returns_a_valid_plan_no_dearer_than_its_start(seed: int) -> None:
    instance, form, needs = _problem(600, seed)
    # A deliberately short heuristic run: a start that leaves refinement something to do.
    result = lagrangian_heuristic(
        form, deadline=time.perf_counter() + 0.01, every=1000, polish=False
    )
    assert result is not None
    found = _Incumbents(instance, needs)
    start = result.selection
    best = _refine(form, result, start, time.perf_counter() + 0.3, found)
    assert is_valid_selection(instance, _indices_to_ids(form, best), needs=needs)
    assert _cost(form, best) <= _cost(form, start) + 1e-9
    # Every plan it offered was valid (offer() drops invalid ones) and none beats the best.
    assert all(is_valid_selection(instance, plan[3], needs=needs) for plan in found.plans)
    if found.plans:
        assert found.best()[0] >= _cost(form, best) - 1e-9


def test_refine_gives_up_after_rounds_without_improvement() -> None:
    # No deadline at all: only the patience rule (or a plan meeting the bound) ends it, so
    # that a generous time limit is left to the full MILP that follows.
    instance, form, needs = _problem(600, 8)
    result = lagrangian_heuristic(form, deadline=time.perf_counter() + 5.0, polish=False)
    assert result is not None
    found = _Incumbents(instance, needs)
    best = _refine(form, result, result.selection, math.inf, found)
    assert is_valid_selection(instance, _indices_to_ids(form, best), needs=needs)
    assert _cost(form, best) <= result.cost + 1e-9


def test_large_instances_take_the_core_path_and_stay_sound() -> None:
    # Over 1,000 columns after presolve: cores, refinement rounds, local search. The reported
    # lower bound can never exceed the LP relaxation, itself a lower bound on the optimum.
    instance = instance_from_json(random_setcover(1700, 7))
    analysis = analyse(instance)
    assert len(analysis.kept) > 1000
    plan = solve(instance)
    assert is_valid_selection(instance, plan.selected)
    _instance, form, _needs = _problem(1700, 7)
    relaxation = linprog(form.cost, A_ub=-form.matrix, b_ub=-form.rhs, bounds=(0, 1))
    assert relaxation.status == 0
    assert plan.lower_bound is not None
    assert plan.lower_bound <= relaxation.fun + 1e-6
    assert plan.lower_bound <= plan.cost + 1e-9


@pytest.mark.parametrize("enabled", [True, False])
def test_collection_pause_restores_the_collector_state(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        if enabled:
            gc.enable()
        else:
            gc.disable()
        with _collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), _collection_paused():
            raise RuntimeError
        assert gc.isenabled() is enabled
        solve(instance_from_json(random_setcover(30, 1)))
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()
