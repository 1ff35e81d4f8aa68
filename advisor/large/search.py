"""The search for large problems: exact MILPs, the Lagrangian heuristic, core problems,
refinement by fixing and solution merging, within one deadline (see advisor.solve).

Every number that steers it is a field of :class:`advisor.large.tuning.Tuning`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from advisor.large.formulation import FloatArray, Formulation, build_formulation
from advisor.large.heuristic import (
    HeuristicResult,
    lagrangian_heuristic,
    polish,
    residual_multipliers,
)
from advisor.large.tuning import TUNING, Tuning
from advisor.model import Instance
from advisor.presolve import _TIE_RTOL, PlanError, _tied, is_valid_selection

if TYPE_CHECKING:
    from advisor.presolve import Analysis


def _indices_to_ids(form: Formulation, selection: Iterable[int]) -> set[str]:
    return {form.columns[j] for j in selection}


def _run_milp(
    form: Formulation,
    deadline: float,
    *,
    objective: FloatArray | None = None,
    budget: float | None = None,
    tuning: Tuning = TUNING,
) -> tuple[set[str] | None, bool, float | None]:
    """Solve the formulation's MILP until ``deadline``; optionally cap the cost at ``budget``."""
    remaining = deadline - time.perf_counter()
    if remaining < tuning.min_milp_seconds:
        return None, False, None
    n = form.size
    rows: list[LinearConstraint] = []
    if form.matrix.shape[0]:
        rows.append(LinearConstraint(form.matrix, form.rhs, np.inf))
    if budget is not None:
        rows.append(LinearConstraint(sp.csr_array(form.cost.reshape(1, -1)), -np.inf, budget))
    lower = np.zeros(n)
    lower[list(form.forced)] = 1.0
    result = milp(
        form.cost if objective is None else objective,
        integrality=np.ones(n, dtype=np.uint8),
        bounds=Bounds(lower, np.ones(n)),
        constraints=rows,
        options={"time_limit": remaining, "mip_rel_gap": 0.0, "presolve": True},
    )
    raw_bound = getattr(result, "mip_dual_bound", None)
    bound = None if raw_bound is None or not math.isfinite(float(raw_bound)) else float(raw_bound)
    if result.x is None:
        return None, False, bound
    chosen = {form.columns[j] for j, value in enumerate(np.asarray(result.x)) if value > 0.5}
    return chosen, result.status == 0, bound


@dataclass(frozen=True, slots=True)
class _Outcome:
    selected: set[str]
    optimal: bool
    bound: float | None
    method: str


class _Incumbents:
    """The plans found so far and the proven lower bounds on the optimum."""

    def __init__(self, instance: Instance, needs: frozenset[str]) -> None:
        self.instance = instance
        self.needs = needs
        self.plans: list[tuple[float, int, str, set[str]]] = []
        self.bounds: list[float] = []

    def offer(self, selection: set[str] | None, method: str) -> None:
        if selection is None or not is_valid_selection(self.instance, selection, needs=self.needs):
            return
        cost = math.fsum(self.instance.by_id[cid].cost for cid in selection)
        # Prefer earlier methods on equal cost: MILP results first.
        self.plans.append((cost, len(self.plans), method, selection))

    def bound(self, value: float | None) -> None:
        if value is not None and math.isfinite(value):
            self.bounds.append(value)

    def best(self) -> tuple[float, str, set[str]]:
        if not self.plans:
            msg = "no valid plan found within the time limit"
            raise PlanError(msg)
        cost, _, method, selection = min(self.plans, key=lambda p: (p[0], p[1]))
        return cost, method, selection


def _merge(
    form: Formulation,
    pool: tuple[frozenset[int], ...],
    best: frozenset[int],
    deadline: float,
    found: _Incumbents,
    *,
    tuning: Tuning = TUNING,
) -> frozenset[int]:
    # Solution merging: an exact MILP over the union of a few good plans is small and
    # usually solved in milliseconds, and often beats every plan it was made from.
    best_cost = float(form.cost[sorted(best)].sum())
    # Plans far from the best only blow up the merged MILP.
    others = [
        plan
        for plan in pool
        if plan != best and float(form.cost[sorted(plan)].sum()) <= tuning.merge_slack * best_cost
    ]
    for start in range(
        0, min(len(others), tuning.merge_rounds * tuning.merge_width), tuning.merge_width
    ):
        remaining = deadline - time.perf_counter()
        if remaining < tuning.min_merge_seconds:
            break
        union = set(best).union(*others[start : start + tuning.merge_width])
        sub = form.restrict(union)
        chosen, _, _ = _run_milp(sub, time.perf_counter() + remaining / 2, tuning=tuning)
        if chosen is None:
            continue
        found.offer(chosen, "heuristic")
        index = {cid: j for j, cid in enumerate(form.columns)}
        merged = frozenset(index[cid] for cid in chosen)
        if form.cost[sorted(merged)].sum() < form.cost[sorted(best)].sum() - 1e-9:
            best = merged
    return best


def _milp_columns(
    form: Formulation,
    columns: npt.NDArray[np.int64],
    fixed: npt.NDArray[np.bool_],
    budget: float,
    deadline: float,
    *,
    tuning: Tuning = TUNING,
) -> tuple[frozenset[int] | None, bool]:
    """Exact MILP over ``columns`` (sorted indices), ``fixed`` columns forced in, cost capped.

    Array-level (no :meth:`Formulation.restrict`): core and refinement rounds run it many
    times. Returns the plan as column indices of ``form`` (or None) and whether HiGHS proved
    it optimal within the columns, or proved that none of them makes a plan within budget.
    """
    remaining = deadline - time.perf_counter()
    if remaining < tuning.min_milp_seconds:
        return None, False
    lower = fixed[columns].astype(np.float64)
    if form.forced:
        lower[np.isin(columns, np.asarray(form.forced, dtype=np.int64))] = 1.0
    cost = form.cost[columns]
    rows = [
        LinearConstraint(form.matrix[:, columns], form.rhs, np.inf),
        LinearConstraint(sp.csr_array(cost.reshape(1, -1)), -np.inf, budget),
    ]
    result = milp(
        cost,
        integrality=np.ones(columns.size, dtype=np.uint8),
        bounds=Bounds(lower, np.ones(columns.size)),
        constraints=rows,
        options={"time_limit": remaining, "mip_rel_gap": 0.0, "presolve": True},
    )
    # Status 2: infeasible, i.e. proven that no plan within the budget uses only these.
    proven = result.status in (0, 2)
    if result.x is None:
        return None, proven
    return frozenset(columns[np.asarray(result.x) > 0.5].tolist()), proven


def _cutoff(form: Formulation, best_cost: float) -> float:
    """The budget of a search for a strictly cheaper plan than ``best_cost``."""
    integral = bool(np.all(form.cost == np.round(form.cost)))
    step = 1.0 if integral else _TIE_RTOL * max(1.0, abs(best_cost))
    return best_cost - step


def _core(
    form: Formulation,
    result: HeuristicResult,
    deadline: float,
    found: _Incumbents,
    *,
    tuning: Tuning = TUNING,
) -> frozenset[int]:
    # Core problems (after Caprara, Fischetti and Toth): the columns with the smallest
    # Lagrangian reduced costs hold nearly every optimal plan, and HiGHS solves a MILP over a
    # hundred of them in milliseconds where the full problem takes seconds. Each core is
    # solved exactly with the cost capped just below the best plan (a cutoff that lets HiGHS
    # prune at once); while cores are proven quickly the next one is half as large again.
    order = np.argsort(result.reduced_costs, kind="stable")
    best = result.selection
    best_cost = _cost_of(form, best)
    size = tuning.core_start
    core_deadline = time.perf_counter() + tuning.core_share * (deadline - time.perf_counter())
    none = np.zeros(form.size, dtype=bool)
    while size < min(form.size, tuning.core_max):
        columns = np.union1d(order[:size], np.fromiter(best, dtype=np.int64))
        chosen, solved = _milp_columns(
            form,
            columns,
            none,
            _cutoff(form, best_cost),
            min(core_deadline, time.perf_counter() + tuning.core_round_seconds),
            tuning=tuning,
        )
        if chosen is not None:
            found.offer(_indices_to_ids(form, chosen), "heuristic")
            cost = _cost_of(form, chosen)
            if cost < best_cost - 1e-9:
                best, best_cost = chosen, cost
        if not solved or time.perf_counter() >= core_deadline:
            # Timed out: a larger core would not finish either.
            break
        size = int(size * tuning.core_growth)
    return best


def _refine(
    form: Formulation,
    result: HeuristicResult,
    best: frozenset[int],
    deadline: float,
    found: _Incumbents,
    *,
    tuning: Tuning = TUNING,
) -> frozenset[int]:
    """Refinement by fixing (after Caprara, Fischetti and Toth), until ``deadline``.

    Each round forces a share of the best plan's columns into the plan, re-prices the
    columns for the rest of the problem with a short subgradient run, and solves a core MILP
    over the re-priced cheapest columns plus the best plan, capped below the best cost.
    Columns that looked poor for the whole problem can be the right ones for the rest once
    part of it is settled. Rounds cycle through the fixing shares. The first
    ``tuning.refine_certain_rounds`` rounds after each improvement fix the columns with the
    smallest reduced costs (the most certain ones); later rounds fix a random sample of the
    plan (seeded, so the same rounds give the same plans): repeating nested "most certain"
    neighbourhoods mostly proves the same thing again, a sample opens new ones. Stops at
    ``deadline``, when the best plan meets the lower bound, or after ``tuning.refine_patience``
    rounds in a row without a better plan.
    """
    transposed = form.matrix.T.tocsr()
    best_cost = _cost_of(form, best)
    lam = result.multipliers
    rng = np.random.default_rng(0)
    failures = 0
    # A round needs time for its subgradient run and a MILP that ends before HiGHS overshoots.
    last_start = deadline - tuning.milp_overshoot - tuning.min_refine_seconds
    while (
        time.perf_counter() < last_start
        and failures < tuning.refine_patience
        and not _closes_gap(found)
    ):
        share = tuning.refine_shares[failures % len(tuning.refine_shares)]
        reduced = form.cost - transposed @ lam
        members = sorted(best, key=lambda j: (reduced[j], j))
        count = int(share * len(members))
        if failures < tuning.refine_certain_rounds:
            chosen_fixed = members[:count]
        else:
            chosen_fixed = rng.choice(np.asarray(members), count, replace=False).tolist()
        fixed = np.zeros(form.size, dtype=bool)
        fixed[chosen_fixed] = True
        budget = _cutoff(form, best_cost)
        residual, bound = residual_multipliers(
            form, lam, fixed, best_cost, iterations=tuning.refine_iterations, transposed=transposed
        )
        improved = False
        if bound <= budget + 1e-6:
            priced = form.cost - transposed @ residual
            priced[fixed] = -np.inf
            order = np.argsort(priced, kind="stable")
            columns = np.union1d(
                order[: tuning.refine_core + count], np.fromiter(best, dtype=np.int64)
            )
            round_deadline = min(
                deadline - tuning.milp_overshoot, time.perf_counter() + tuning.refine_round_seconds
            )
            chosen, _ = _milp_columns(form, columns, fixed, budget, round_deadline, tuning=tuning)
            if chosen is not None:
                found.offer(_indices_to_ids(form, chosen), "heuristic")
                cost = _cost_of(form, chosen)
                if cost < best_cost - 1e-9:
                    best, best_cost, lam = chosen, cost, residual
                    improved = True
        failures = 0 if improved else failures + 1
    return best


def _cost_of(form: Formulation, selection: Iterable[int]) -> float:
    return math.fsum(float(form.cost[j]) for j in selection)


def _optimise(
    instance: Instance,
    analysis: Analysis,
    forced: frozenset[str],
    deadline: float,
    tie_break: bool,
    *,
    tuning: Tuning = TUNING,
) -> _Outcome:
    form = build_formulation(
        instance.by_id,
        columns=analysis.kept,
        targets=analysis.targets,
        needs=analysis.coverable,
        base=analysis.base,
        forced=forced,
    )
    started = time.perf_counter()
    found = _Incumbents(instance, analysis.coverable)
    proven = False
    proven_by_milp = False
    if form.size <= tuning.milp_first_columns:
        chosen, proven, bound = _run_milp(form, deadline, tuning=tuning)
        found.offer(chosen, "milp" if proven else "milp-incumbent")
        found.bound(bound)
        proven = proven and bool(found.plans)
        proven_by_milp = proven
    if not proven:
        now = time.perf_counter()
        large = form.size > tuning.core_columns
        if large:
            # Large problems: the subgradient phase mainly prices the columns for the core
            # problems, which find far better plans than local search in the same time.
            result = lagrangian_heuristic(
                form,
                deadline=now + tuning.large_share * (deadline - now),
                subgradient_share=tuning.large_subgradient_share,
                stall_limit=tuning.large_stall,
                every=tuning.large_every,
                polish=False,
            )
        else:
            # Medium problems leave most of the time to the MILP, which often proves them.
            share = (
                tuning.heuristic_share
                if form.size > tuning.medium_columns
                else tuning.heuristic_share_medium
            )
            result = lagrangian_heuristic(form, deadline=now + share * (deadline - now))
        if result is not None:
            found.offer(_indices_to_ids(form, result.selection), "heuristic")
            found.bound(result.lower_bound)
            proven = result.proven
            best = result.selection
            if not proven and large:
                best = _core(form, result, deadline, found, tuning=tuning)
                proven = _closes_gap(found)
                if not proven:
                    best = _refine(form, result, best, deadline, found, tuning=tuning)
                    proven = _closes_gap(found)
                if not proven and time.perf_counter() < deadline:
                    now = time.perf_counter()
                    best, _ = polish(form, best, now + tuning.polish_share * (deadline - now))
                    found.offer(_indices_to_ids(form, best), "heuristic")
                    proven = _closes_gap(found)
            if not proven:
                _merge(form, result.pool, best, deadline, found, tuning=tuning)
                proven = _closes_gap(found)
        late_budget = deadline - time.perf_counter()
        if (
            not proven
            and form.size > tuning.milp_first_columns
            and late_budget >= tuning.late_milp_share * (deadline - started)
        ):
            # Only when the heuristic left a real share of the budget: HiGHS overshoots short
            # time limits on large problems and would rarely finish anyway.
            chosen, proven_milp, bound = _run_milp(
                form, deadline - tuning.milp_overshoot, tuning=tuning
            )
            found.offer(chosen, "milp" if proven_milp else "milp-incumbent")
            found.bound(bound)
            proven = proven_milp or _closes_gap(found)
            proven_by_milp = proven_milp
    best_cost, method, chosen = found.best()
    bound = max(found.bounds) if found.bounds else None

    if proven and proven_by_milp and tie_break and len(chosen) > 1:
        # Second stage: the fewest components among the cost-optimal plans. Only where the
        # MILP proved the first stage: elsewhere it would not finish in time either.
        budget = best_cost + max(abs(best_cost), 1.0) * _TIE_RTOL
        fewer, fewer_proven, _ = _run_milp(
            form, deadline, objective=np.ones(form.size), budget=budget, tuning=tuning
        )
        if (
            fewer is not None
            and fewer_proven
            and is_valid_selection(instance, fewer, needs=analysis.coverable)
            and len(fewer) < len(chosen)
            and _tied(math.fsum(instance.by_id[c].cost for c in fewer), best_cost)
        ):
            chosen = fewer
    return _Outcome(selected=chosen, optimal=proven, bound=bound, method=method)


def _closes_gap(found: _Incumbents) -> bool:
    """Whether the best plan meets the best lower bound (integral costs: within one unit)."""
    if not found.plans or not found.bounds:
        return False
    best_cost = found.best()[0]
    bound = max(found.bounds)
    costs = [found.instance.by_id[cid].cost for cid in found.best()[2]]
    if all(float(c).is_integer() for c in costs) and _integral_instance(found.instance):
        return math.ceil(bound - 1e-6) >= best_cost - 1e-9
    return best_cost - bound <= _TIE_RTOL * max(1.0, abs(best_cost))


def _integral_instance(instance: Instance) -> bool:
    return all(float(c.cost).is_integer() for c in instance.components)
