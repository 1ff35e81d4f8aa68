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
   (see :func:`advisor.presolve._dominated`).
2. **Exact MILP** with ``scipy.optimize.milp`` (HiGHS), see :mod:`advisor.large.formulation`.
   Relative gap 0, so a solver status of 0 means proven optimal. Small problems (at most
   250 candidates left) go to the MILP first.
3. **Lagrangian heuristic** (:mod:`advisor.large.heuristic`) for larger problems or when the MILP
   ran out of time: a proven lower bound, good plans, local search. Then **solution
   merging**: exact MILPs over the union of the best plan and a few other good ones. Then the
   full MILP again if a real share of the budget is left. Above 1,000 columns the multipliers
   feed **core problems** first (exact MILPs over the columns with the smallest reduced
   costs, see :func:`_core`), then **refinement by fixing** (see :func:`advisor.large.search._refine`) until the
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
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

from advisor.large.search import _optimise
from advisor.large.tuning import TUNING
from advisor.model import Candidate, Instance, Plan
from advisor.presolve import Analysis, PlanError, _tied, analyse, is_valid_selection, plan_cost
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
        reserve = min(TUNING.reserve_share * time_limit, 0.01)
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
