"""The optimiser: the cheapest set of components that makes every coverable need available.

Problem
-------
A capability is *available* when the landscape provides it (directly or through one of its
components) or a selected component provides it. Choose a set ``S`` of selectable components
of minimum total cost such that every need that *can* be made available is, and every
requirement of every member of ``S`` is available. Requirements may form cycles; the
condition is one of self-support, not of a well-founded order.

Method
------
1. **Presolve** (:func:`analyse`). Filter selectable candidates; take the greatest fixpoint
   of "all requirements can be met" (the union of all self-supporting sets), which decides
   ``unmet`` exactly; keep only candidates reachable backwards from the needs through
   provides/requires (one multi-source traversal); drop candidates no optimal plan needs
   (see :func:`_dominated`).
2. **Exact MILP** with ``scipy.optimize.milp`` (HiGHS), see :mod:`advisor._formulation`.
   Relative gap 0, so a solver status of 0 means proven optimal. Small problems (at most
   250 candidates left) go to the MILP first.
3. **Lagrangian heuristic** (:mod:`advisor._heuristic`) for larger problems or when the MILP
   ran out of time: a proven lower bound, good plans, local search. Then **solution
   merging**: exact MILPs over the union of the best plan and a few other good ones. Then the
   full MILP again if a real share of the budget is left. Above 1,000 columns the multipliers
   feed **core problems** first (exact MILPs over the columns with the smallest reduced
   costs, see :func:`_core`), then **refinement by fixing** (see :func:`_refine`) until the
   time is up. A plan that is not proven optimal
   is reported with ``optimal=False``, the best proven lower bound and the relative gap.
4. **Ties** (deterministic, independent of input order). Among plans whose cost equals the
   optimum (relative tolerance 1e-9) a second MILP picks one with the fewest components
   (when the MILP proved the first stage); then components that can be dropped are dropped
   and, while possible, a selected component is swapped for an alphabetically earlier one of
   equal or lower cost that keeps the plan valid. The result has the fewest components among
   optimal plans and is swap-minimal in id order (not necessarily the globally smallest id
   list: that would need exponentially large weights).
"""

from __future__ import annotations

import gc
import math
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from advisor._formulation import FloatArray, Formulation, build_formulation
from advisor._heuristic import (
    HeuristicResult,
    lagrangian_heuristic,
    polish,
    residual_multipliers,
)
from advisor.model import Candidate, Instance, Plan, UnknownComponentError
from advisor.roadmap import adoption_waves

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "Analysis",
    "PlanError",
    "analyse",
    "is_valid_selection",
    "plan_cost",
    "solve",
]

DEFAULT_TIME_LIMIT = 0.15
"""Seconds one :func:`solve` call may take before the best plan found so far is used."""

_TIE_RTOL = 1e-9
_COST_DECIMALS = 9
# Up to this many columns the MILP goes first: HiGHS proves such problems in milliseconds.
_MILP_FIRST_COLUMNS = 250
# Share of the remaining budget the Lagrangian heuristic may use; it usually stops earlier
# (local optimum or proven bound), leaving the rest to the MILP.
_HEURISTIC_SHARE = 0.75
# Up to this many columns the heuristic takes a smaller share, leaving the MILP a real chance.
_MEDIUM_COLUMNS = 500
_HEURISTIC_SHARE_MEDIUM = 0.35
# Above this many columns local search and merging rarely close the gap in time: the
# multipliers feed core problems instead (see :func:`_core`).
_CORE_COLUMNS = 1000
# Those problems: the subgradient phase may take up to this share of the remaining budget
# (most of it for multipliers, the rest for one greedy plan); with fewer iterations to stall
# before the step halves it converges within a few hundred iterations (~30 ms at 2,000
# candidates) and stops. The cap is generous on purpose: on a busy machine converged
# multipliers (a good core) matter more than the time left for refinement.
_LARGE_SHARE = 0.6
_LARGE_SUBGRADIENT_SHARE = 0.85
_LARGE_STALL = 10
# Greedy plans during the subgradient phase cost more than they bring once cores follow.
_LARGE_EVERY = 1000
# Core problems: first size, growth while HiGHS proves them, share of the remaining budget.
_CORE_START = 80
_CORE_GROWTH = 1.5
_CORE_SHARE = 0.6
# Larger cores rarely finish in time: refinement rounds (see :func:`_refine`) do better.
_CORE_MAX = 130
# At most this long per core MILP: one that has not finished by then rarely does in time,
# and refinement rounds use the time better.
_CORE_ROUND_SECONDS = 0.03
# Refinement by fixing (see :func:`_refine`): shares of the best plan fixed per round, how
# many rounds in a row fix the most certain columns (the others fix a random sample of the
# plan), subgradient iterations, core size and time per round, and the least time worth
# starting one.
_REFINE_SHARES = (0.5, 0.4, 0.6, 0.55)
_REFINE_CERTAIN_ROUNDS = 2
_REFINE_ITERATIONS = 60
_REFINE_CORE = 140
_REFINE_ROUND_SECONDS = 0.02
_MIN_REFINE_SECONDS = 0.008
# Rounds in a row without a better plan after which refinement gives up: with a generous
# time limit (the CLI's 10 s) the full MILP that follows can prove the optimum.
_REFINE_PATIENCE = 3 * len(_REFINE_SHARES)
# Share of what is left after the cores for local search on the best plan (merging follows).
_POLISH_SHARE = 0.5
# HiGHS needs a few milliseconds just to start; below this a MILP call is pointless.
_MIN_MILP_SECONDS = 0.005
# HiGHS checks its time limit only now and then: on large problems it overshoots by several
# milliseconds, so calls that would end at the deadline start with that much less.
_MILP_OVERSHOOT = 0.008
# Solution merging: rounds, plans per round, and the least time worth starting one.
_MERGE_ROUNDS = 3
_MERGE_WIDTH = 3
_MERGE_SLACK = 1.08
_MIN_MERGE_SECONDS = 0.012
# The full MILP after the heuristic runs only with at least this share of the budget left.
_LATE_MILP_SHARE = 0.25
# Share of the time limit (at most 10 ms) kept for ordering and explaining the plan.
_RESERVE_SHARE = 0.1


class PlanError(ValueError):
    """A request the optimiser cannot honour, e.g. forcing in an unsupportable component."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """What presolve learned about an instance; explanations reuse it.

    Attributes
    ----------
    base
        Capabilities the landscape makes available.
    selectable
        Candidates that satisfy every constraint and are not landscape components.
    supportable
        The greatest subset of ``selectable`` whose requirements can all be met (by the
        landscape and members of the subset): exactly the candidates that can appear in a plan.
    reachable
        Capabilities some plan can make available: ``base`` plus what ``supportable`` provides.
    coverable
        Needs not in ``base`` that some plan can make available.
    unmet
        Needs no plan can make available.
    relevant
        Supportable candidates that can contribute to covering a need (directly or by
        meeting a requirement of a relevant candidate).
    kept
        ``relevant`` minus dominated candidates: the MILP's columns.
    targets
        Capabilities (coverable needs and requirements of relevant candidates) not in ``base``.
    """

    base: frozenset[str]
    selectable: frozenset[str]
    supportable: frozenset[str]
    reachable: frozenset[str]
    coverable: frozenset[str]
    unmet: frozenset[str]
    relevant: frozenset[str]
    kept: frozenset[str]
    targets: frozenset[str]


def _supportable(
    candidates: Mapping[str, Candidate], ids: Iterable[str], base: frozenset[str]
) -> frozenset[str]:
    # Greatest fixpoint by counting providers: a candidate dies when some requirement loses
    # its last living provider. Linear in the size of the provides/requires lists.
    alive = set(ids)
    provider_count: Counter[str] = Counter()
    requirers: dict[str, list[str]] = defaultdict(list)
    for cid in alive:
        candidate = candidates[cid]
        provider_count.update(candidate.provides)
        for requirement in candidate.requires - base:
            requirers[requirement].append(cid)
    dead = {
        cid for cid in alive if any(provider_count[r] == 0 for r in candidates[cid].requires - base)
    }
    queue = list(dead)
    while queue:
        cid = queue.pop()
        for capability in candidates[cid].provides:
            provider_count[capability] -= 1
            if provider_count[capability] == 0:
                for victim in requirers.get(capability, ()):
                    if victim not in dead:
                        dead.add(victim)
                        queue.append(victim)
    return frozenset(alive - dead)


def _dominated(
    candidates: Mapping[str, Candidate],
    relevant: frozenset[str],
    targets: frozenset[str],
    met: frozenset[str],
    protected: frozenset[str],
) -> frozenset[str]:
    # ``met`` holds what every valid plan makes available (landscape and coverable needs), so
    # requirements on it cost nothing. Two rules, both keep every optimal plan reachable:
    # * d dominates c when cost(d) <= cost(c), d provides every target c provides, and every
    #   requirement of d that d does not meet itself is also one of c's. Replacing c by d
    #   never makes a plan dearer or larger. Equal pairs keep the smaller id.
    # * c is strictly dominated by a set when the cheapest requirement-free providers of its
    #   targets together cost less than c: no optimal plan contains c.
    useful = {cid: candidates[cid].provides & targets for cid in relevant}
    open_req = {cid: candidates[cid].requires - met for cid in relevant}
    foreign = {cid: open_req[cid] - candidates[cid].provides for cid in relevant}
    cost = {cid: candidates[cid].cost for cid in relevant}
    by_capability: dict[str, list[str]] = defaultdict(list)
    # Per capability the two cheapest requirement-free providers: (cost, id, runner-up cost).
    cheapest_free: dict[str, tuple[float, str, float]] = {}
    for cid in sorted(relevant):
        own_cost = cost[cid]
        free = not foreign[cid]
        for capability in useful[cid]:
            by_capability[capability].append(cid)
            if not free:
                continue
            entry = cheapest_free.get(capability)
            if entry is None:
                cheapest_free[capability] = (own_cost, cid, math.inf)
            elif own_cost < entry[0]:
                cheapest_free[capability] = (own_cost, cid, entry[0])
            elif own_cost < entry[2]:
                cheapest_free[capability] = (entry[0], entry[1], own_cost)

    def dominates(d: str, c: str) -> bool:
        return cost[d] <= cost[c] and useful[c] <= useful[d] and foreign[d] <= open_req[c]

    def replaceable(c: str) -> bool:
        # This runs for every candidate: stop as soon as the total reaches c's cost.
        limit = cost[c]
        total = 0.0
        for capability in useful[c]:
            entry = cheapest_free.get(capability)
            if entry is None:
                return False
            total += entry[2] if entry[1] == c else entry[0]
            if total >= limit:
                return False
        return not math.isclose(total, limit, rel_tol=_TIE_RTOL)

    removed: set[str] = set()
    for c in sorted(relevant - protected):
        if not useful[c] or replaceable(c):
            removed.add(c)
            continue
        pool = min((by_capability[k] for k in useful[c]), key=len)
        cost_c = cost[c]
        size_c = len(useful[c])
        for d in pool:
            # Cheap filters first: this loop dominates presolve time on large instances.
            if d == c or cost[d] > cost_c or len(useful[d]) < size_c:
                continue
            if not dominates(d, c):
                continue
            if dominates(c, d) and c < d:
                # Mutual dominance: the smaller id survives, so c stays against this d.
                continue
            removed.add(c)
            break
    return frozenset(removed)


def analyse(instance: Instance, *, include: Iterable[str] = ()) -> Analysis:
    """Presolve an instance: decide what is unmet and which candidates matter.

    Parameters
    ----------
    instance
        The instance.
    include
        Ids that the plan must contain (their requirements become targets too).

    Returns
    -------
    Analysis

    Raises
    ------
    UnknownComponentError
        When an id in ``include`` is not a candidate.
    PlanError
        When an id in ``include`` is a landscape component or cannot be supported.
    """
    candidates = instance.by_id
    base = instance.base_available()
    landscape = instance.landscape.components
    constraints = instance.constraints
    selectable = frozenset(
        c.id for c in instance.components if c.id not in landscape and constraints.allows(c)
    )
    supportable = _supportable(candidates, selectable, base)
    reachable = set(base)
    for cid in supportable:
        reachable |= candidates[cid].provides
    forced = frozenset(include)
    for cid in sorted(forced):
        if cid not in candidates:
            raise UnknownComponentError(cid)
        if cid in landscape:
            msg = f"{cid!r} is already in the landscape and cannot be selected"
            raise PlanError(msg)
        if cid not in supportable:
            msg = (
                f"{cid!r} cannot be included: it is not selectable or its requirements "
                "cannot be met"
            )
            raise PlanError(msg)
    coverable = frozenset((instance.needs & reachable) - base)
    unmet = frozenset(instance.needs - reachable)

    providers: dict[str, list[str]] = defaultdict(list)
    for cid in sorted(supportable):
        for capability in candidates[cid].provides:
            providers[capability].append(cid)

    # One multi-source backward traversal from all needs (and forced components) at once.
    targets: set[str] = set(coverable)
    relevant: set[str] = set(forced)
    for cid in forced:
        targets |= candidates[cid].requires - base
    queue = deque(sorted(targets))
    while queue:
        capability = queue.popleft()
        for cid in providers.get(capability, ()):
            if cid in relevant:
                continue
            relevant.add(cid)
            for requirement in sorted(candidates[cid].requires - base):
                if requirement not in targets:
                    targets.add(requirement)
                    queue.append(requirement)
    frozen_targets = frozenset(targets)
    frozen_relevant = frozenset(relevant)
    removed = _dominated(candidates, frozen_relevant, frozen_targets, base | coverable, forced)
    return Analysis(
        base=base,
        selectable=selectable,
        supportable=supportable,
        reachable=frozenset(reachable),
        coverable=coverable,
        unmet=unmet,
        relevant=frozen_relevant,
        kept=frozen_relevant - removed,
        targets=frozen_targets,
    )


def is_valid_selection(
    instance: Instance, selected: Iterable[str], *, needs: Iterable[str] | None = None
) -> bool:
    """Whether ``selected`` covers ``needs`` (default: the coverable needs) and is closed.

    Closed means every requirement of every selected component is available. Constraints are
    not checked here.
    """
    candidates = instance.by_id
    chosen = set(selected)
    available = set(instance.base_available())
    for cid in chosen:
        available |= candidates[cid].provides
    wanted = set(analyse(instance).coverable) if needs is None else set(needs)
    if not wanted <= available:
        return False
    return all(candidates[cid].requires <= available for cid in chosen)


def plan_cost(instance: Instance, selected: Iterable[str]) -> float:
    """The cost of a selection as reported in plans: ``fsum`` rounded to 9 decimals.

    Nine decimals remove binary noise such as ``0.30000000000000004`` and stay far below any
    meaningful cost resolution.
    """
    return round(math.fsum(instance.by_id[cid].cost for cid in selected), _COST_DECIMALS)


class _State:
    """Coverage bookkeeping for the tie-breaking passes: who provides and who needs what."""

    def __init__(
        self,
        candidates: Mapping[str, Candidate],
        base: frozenset[str],
        needs: frozenset[str],
        selected: set[str],
    ) -> None:
        self.candidates = candidates
        self.base = base
        self.needs = needs
        self.selected: set[str] = set()
        self.count: Counter[str] = Counter()
        self.demand: Counter[str] = Counter()
        for cid in selected:
            self.add(cid)

    def add(self, cid: str) -> None:
        self.selected.add(cid)
        self.count.update(self.candidates[cid].provides)
        self.demand.update(self.candidates[cid].requires - self.base)

    def remove(self, cid: str) -> None:
        self.selected.discard(cid)
        self.count.subtract(self.candidates[cid].provides)
        self.demand.subtract(self.candidates[cid].requires - self.base)

    def sole_duties(self, cid: str) -> set[str]:
        """Needed capabilities that only ``cid`` provides (its own requirements excluded)."""
        candidate = self.candidates[cid]
        duties: set[str] = set()
        for k in candidate.provides - self.base:
            if self.count[k] != 1:
                continue
            others_need = self.demand[k] - (1 if k in candidate.requires else 0)
            if k in self.needs or others_need > 0:
                duties.add(k)
        return duties

    def supported_after_swap(self, old: str, new: str) -> bool:
        """Whether ``new``'s requirements are met once it replaces ``old``."""
        lost = self.candidates[old].provides
        gained = self.candidates[new].provides
        for r in self.candidates[new].requires:
            if r in self.base or r in gained:
                continue
            if self.count[r] - (1 if r in lost else 0) <= 0:
                return False
        return True

    def valid(self) -> bool:
        available = set(self.base)
        for cid in self.selected:
            available |= self.candidates[cid].provides
        if not self.needs <= available:
            return False
        return all(self.candidates[cid].requires <= available for cid in self.selected)


def _tied(a: float, b: float) -> bool:
    return a <= b or math.isclose(a, b, rel_tol=_TIE_RTOL, abs_tol=1e-12)


def _canonicalise(
    state: _State,
    pool: frozenset[str],
    providers: Mapping[str, list[str]],
    protected: frozenset[str],
) -> set[str]:
    candidates = state.candidates
    original = set(state.selected)
    while True:
        # Drop what is not needed (after an optimal solve only zero-cost components can be),
        # dearest and then largest id first so that the smaller ids stay.
        for cid in sorted(state.selected - protected, key=lambda c: (candidates[c].cost, c))[::-1]:
            if not state.sole_duties(cid):
                state.remove(cid)
        if not _swap_once(state, pool, providers, protected):
            break
    # The counters make these passes cheap; one full check guards against a slip.
    return set(state.selected) if state.valid() else original


def _swap_once(
    state: _State,
    pool: frozenset[str],
    providers: Mapping[str, list[str]],
    protected: frozenset[str],
) -> bool:
    # Replace one selected component by an alphabetically earlier, no dearer one that keeps
    # the plan valid. Each swap makes the sorted id list lexicographically smaller, so
    # repeating this terminates.
    candidates = state.candidates
    for cid in sorted(state.selected - protected, reverse=True):
        duties = state.sole_duties(cid)
        if not duties:
            continue
        for other in min((providers.get(k, []) for k in duties), key=len):
            if other >= cid:
                break
            if other in state.selected or other not in pool:
                continue
            if not _tied(candidates[other].cost, candidates[cid].cost):
                continue
            if not duties <= candidates[other].provides:
                continue
            if state.supported_after_swap(cid, other):
                state.remove(cid)
                state.add(other)
                return True
    return False


def _indices_to_ids(form: Formulation, selection: Iterable[int]) -> set[str]:
    return {form.columns[j] for j in selection}


def _run_milp(
    form: Formulation,
    deadline: float,
    *,
    objective: FloatArray | None = None,
    budget: float | None = None,
) -> tuple[set[str] | None, bool, float | None]:
    """Solve the formulation's MILP until ``deadline``; optionally cap the cost at ``budget``."""
    remaining = deadline - time.perf_counter()
    if remaining < _MIN_MILP_SECONDS:
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
        integrality=np.ones(n),
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
) -> frozenset[int]:
    # Solution merging: an exact MILP over the union of a few good plans is small and
    # usually solved in milliseconds, and often beats every plan it was made from.
    best_cost = float(form.cost[sorted(best)].sum())
    # Plans far from the best only blow up the merged MILP.
    others = [
        plan
        for plan in pool
        if plan != best and float(form.cost[sorted(plan)].sum()) <= _MERGE_SLACK * best_cost
    ]
    for start in range(0, min(len(others), _MERGE_ROUNDS * _MERGE_WIDTH), _MERGE_WIDTH):
        remaining = deadline - time.perf_counter()
        if remaining < _MIN_MERGE_SECONDS:
            break
        union = set(best).union(*others[start : start + _MERGE_WIDTH])
        sub = form.restrict(union)
        chosen, _, _ = _run_milp(sub, time.perf_counter() + remaining / 2)
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
) -> tuple[frozenset[int] | None, bool]:
    """Exact MILP over ``columns`` (sorted indices), ``fixed`` columns forced in, cost capped.

    Array-level (no :meth:`Formulation.restrict`): core and refinement rounds run it many
    times. Returns the plan as column indices of ``form`` (or None) and whether HiGHS proved
    it optimal within the columns, or proved that none of them makes a plan within budget.
    """
    remaining = deadline - time.perf_counter()
    if remaining < _MIN_MILP_SECONDS:
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
        integrality=np.ones(columns.size),
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
) -> frozenset[int]:
    # Core problems (after Caprara, Fischetti and Toth): the columns with the smallest
    # Lagrangian reduced costs hold nearly every optimal plan, and HiGHS solves a MILP over a
    # hundred of them in milliseconds where the full problem takes seconds. Each core is
    # solved exactly with the cost capped just below the best plan (a cutoff that lets HiGHS
    # prune at once); while cores are proven quickly the next one is half as large again.
    order = np.argsort(result.reduced_costs, kind="stable")
    best = result.selection
    best_cost = _cost_of(form, best)
    size = _CORE_START
    core_deadline = time.perf_counter() + _CORE_SHARE * (deadline - time.perf_counter())
    none = np.zeros(form.size, dtype=bool)
    while size < min(form.size, _CORE_MAX):
        columns = np.union1d(order[:size], np.fromiter(best, dtype=np.int64))
        chosen, solved = _milp_columns(
            form,
            columns,
            none,
            _cutoff(form, best_cost),
            min(core_deadline, time.perf_counter() + _CORE_ROUND_SECONDS),
        )
        if chosen is not None:
            found.offer(_indices_to_ids(form, chosen), "heuristic")
            cost = _cost_of(form, chosen)
            if cost < best_cost - 1e-9:
                best, best_cost = chosen, cost
        if not solved or time.perf_counter() >= core_deadline:
            # Timed out: a larger core would not finish either.
            break
        size = int(size * _CORE_GROWTH)
    return best


def _refine(
    form: Formulation,
    result: HeuristicResult,
    best: frozenset[int],
    deadline: float,
    found: _Incumbents,
) -> frozenset[int]:
    """Refinement by fixing (after Caprara, Fischetti and Toth), until ``deadline``.

    Each round forces a share of the best plan's columns into the plan, re-prices the
    columns for the rest of the problem with a short subgradient run, and solves a core MILP
    over the re-priced cheapest columns plus the best plan, capped below the best cost.
    Columns that looked poor for the whole problem can be the right ones for the rest once
    part of it is settled. Rounds cycle through the fixing shares. The first
    ``_REFINE_CERTAIN_ROUNDS`` rounds after each improvement fix the columns with the
    smallest reduced costs (the most certain ones); later rounds fix a random sample of the
    plan (seeded, so the same rounds give the same plans): repeating nested "most certain"
    neighbourhoods mostly proves the same thing again, a sample opens new ones. Stops at
    ``deadline``, when the best plan meets the lower bound, or after ``_REFINE_PATIENCE``
    rounds in a row without a better plan.
    """
    transposed = form.matrix.T.tocsr()
    best_cost = _cost_of(form, best)
    lam = result.multipliers
    rng = np.random.default_rng(0)
    failures = 0
    # A round needs time for its subgradient run and a MILP that ends before HiGHS overshoots.
    last_start = deadline - _MILP_OVERSHOOT - _MIN_REFINE_SECONDS
    while (
        time.perf_counter() < last_start and failures < _REFINE_PATIENCE and not _closes_gap(found)
    ):
        share = _REFINE_SHARES[failures % len(_REFINE_SHARES)]
        reduced = form.cost - transposed @ lam
        members = sorted(best, key=lambda j: (reduced[j], j))
        count = int(share * len(members))
        if failures < _REFINE_CERTAIN_ROUNDS:
            chosen_fixed = members[:count]
        else:
            chosen_fixed = rng.choice(np.asarray(members), count, replace=False).tolist()
        fixed = np.zeros(form.size, dtype=bool)
        fixed[chosen_fixed] = True
        budget = _cutoff(form, best_cost)
        residual, bound = residual_multipliers(
            form, lam, fixed, best_cost, iterations=_REFINE_ITERATIONS, transposed=transposed
        )
        improved = False
        if bound <= budget + 1e-6:
            priced = form.cost - transposed @ residual
            priced[fixed] = -np.inf
            order = np.argsort(priced, kind="stable")
            columns = np.union1d(order[: _REFINE_CORE + count], np.fromiter(best, dtype=np.int64))
            round_deadline = min(
                deadline - _MILP_OVERSHOOT, time.perf_counter() + _REFINE_ROUND_SECONDS
            )
            chosen, _ = _milp_columns(form, columns, fixed, budget, round_deadline)
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
    if form.size <= _MILP_FIRST_COLUMNS:
        chosen, proven, bound = _run_milp(form, deadline)
        found.offer(chosen, "milp" if proven else "milp-incumbent")
        found.bound(bound)
        proven = proven and bool(found.plans)
        proven_by_milp = proven
    if not proven:
        now = time.perf_counter()
        large = form.size > _CORE_COLUMNS
        if large:
            # Large problems: the subgradient phase mainly prices the columns for the core
            # problems, which find far better plans than local search in the same time.
            result = lagrangian_heuristic(
                form,
                deadline=now + _LARGE_SHARE * (deadline - now),
                subgradient_share=_LARGE_SUBGRADIENT_SHARE,
                stall_limit=_LARGE_STALL,
                every=_LARGE_EVERY,
                polish=False,
            )
        else:
            # Medium problems leave most of the time to the MILP, which often proves them.
            share = _HEURISTIC_SHARE if form.size > _MEDIUM_COLUMNS else _HEURISTIC_SHARE_MEDIUM
            result = lagrangian_heuristic(form, deadline=now + share * (deadline - now))
        if result is not None:
            found.offer(_indices_to_ids(form, result.selection), "heuristic")
            found.bound(result.lower_bound)
            proven = result.proven
            best = result.selection
            if not proven and large:
                best = _core(form, result, deadline, found)
                proven = _closes_gap(found)
                if not proven:
                    best = _refine(form, result, best, deadline, found)
                    proven = _closes_gap(found)
                if not proven and time.perf_counter() < deadline:
                    now = time.perf_counter()
                    best, _ = polish(form, best, now + _POLISH_SHARE * (deadline - now))
                    found.offer(_indices_to_ids(form, best), "heuristic")
                    proven = _closes_gap(found)
            if not proven:
                _merge(form, result.pool, best, deadline, found)
                proven = _closes_gap(found)
        late_budget = deadline - time.perf_counter()
        if (
            not proven
            and form.size > _MILP_FIRST_COLUMNS
            and late_budget >= _LATE_MILP_SHARE * (deadline - started)
        ):
            # Only when the heuristic left a real share of the budget: HiGHS overshoots short
            # time limits on large problems and would rarely finish anyway.
            chosen, proven_milp, bound = _run_milp(form, deadline - _MILP_OVERSHOOT)
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
            form, deadline, objective=np.ones(form.size), budget=budget
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


def _why(
    candidates: Mapping[str, Candidate],
    instance: Instance,
    selected: Iterable[str],
    base: frozenset[str],
) -> dict[str, tuple[str, ...]]:
    chosen = sorted(selected)
    result: dict[str, tuple[str, ...]] = {}
    for cid in chosen:
        wanted = set(instance.needs)
        for other in chosen:
            if other != cid:
                wanted |= candidates[other].requires
        result[cid] = tuple(sorted((candidates[cid].provides & wanted) - base))
    return result


def solve(
    instance: Instance,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    include: Iterable[str] = (),
    tie_break: bool = True,
) -> Plan:
    """Find the cheapest plan that covers every coverable need.

    Parameters
    ----------
    instance
        The question.
    time_limit
        Seconds the MILP solver may use in total. When it runs out, the best plan found is
        returned with ``optimal=False`` and the proven gap.
    include
        Candidate ids the plan must contain (used by explanations to price alternatives).
    tie_break
        Make equal-cost ties canonical (see the module docstring). Turning it off saves a
        second MILP solve; the plan stays deterministic but depends on solver internals.

    Returns
    -------
    Plan

    Raises
    ------
    UnknownComponentError, PlanError
        For unusable ``include`` ids.

    Examples
    --------
    >>> from advisor.model import Candidate, Instance
    >>> inst = Instance(
    ...     components=(Candidate("big", provides=frozenset({"a", "b"}), cost=3),
    ...                 Candidate("a1", provides=frozenset({"a"}), cost=1),
    ...                 Candidate("b1", provides=frozenset({"b"}), cost=1)),
    ...     needs=frozenset({"a", "b"}))
    >>> plan = solve(inst)
    >>> plan.selected, plan.cost, plan.optimal
    (('a1', 'b1'), 2.0, True)
    """
    if time_limit <= 0:
        msg = "time_limit must be positive"
        raise ValueError(msg)
    deadline = time.perf_counter() + time_limit
    with _collection_paused():
        return _solve(instance, deadline, time_limit, frozenset(include), tie_break)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of one solve call.

    The search allocates many short-lived containers; on a large heap (a web app) a full
    collection triggered in the middle costs tens of milliseconds of the time limit.
    Reference counting still frees almost everything at once; the collector runs again
    right after the call. Re-enables it only if it was enabled (callers may have turned it
    off themselves). With threads, a call that started while it was enabled re-enables it
    when it ends, which at most shortens the pause of calls still running.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _solve(
    instance: Instance,
    deadline: float,
    time_limit: float,
    forced: frozenset[str],
    tie_break: bool,
) -> Plan:
    candidates = instance.by_id
    analysis = analyse(instance, include=forced)

    method = "presolve"
    optimal = True
    bound: float | None = None
    chosen: set[str] = set(forced)
    if analysis.targets:
        reserve = min(_RESERVE_SHARE * time_limit, 0.01)
        outcome = _optimise(instance, analysis, forced, deadline - reserve, tie_break)
        chosen, optimal, bound, method = (
            outcome.selected,
            outcome.optimal,
            outcome.bound,
            outcome.method,
        )
    if tie_break and len(chosen) > 1:
        providers: dict[str, list[str]] = defaultdict(list)
        for cid in sorted(analysis.relevant):
            for capability in candidates[cid].provides:
                providers[capability].append(cid)
        state = _State(candidates, analysis.base, analysis.coverable, set(chosen))
        chosen = _canonicalise(state, analysis.relevant - forced, providers, forced)

    cost = plan_cost(instance, chosen)
    gap: float | None
    if optimal:
        gap, lower_bound = 0.0, cost
    elif bound is not None:
        lower_bound = min(bound, cost)
        gap = 0.0 if cost <= 0 else max(0.0, (cost - lower_bound) / cost)
    else:
        gap, lower_bound = None, None
    available = set(analysis.base)
    for cid in chosen:
        available |= candidates[cid].provides
    return Plan(
        feasible=not analysis.unmet,
        selected=tuple(sorted(chosen)),
        cost=cost,
        unmet=tuple(sorted(analysis.unmet)),
        order=adoption_waves(candidates, chosen, available=analysis.base),
        why=MappingProxyType(_why(candidates, instance, chosen, analysis.base)),
        optimal=optimal,
        gap=gap,
        lower_bound=lower_bound,
        method=method,
        available=frozenset(available),
    )
