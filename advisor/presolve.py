"""Presolve: what an instance allows before any search, and the checks every plan passes.

:func:`analyse` filters the selectable candidates, takes the greatest fixpoint of "all
requirements can be met" (which decides ``unmet`` exactly), keeps only candidates reachable
backwards from the needs, and drops candidates no optimal plan needs (see :func:`_dominated`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from advisor.model import Candidate, Instance, UnknownComponentError

_TIE_RTOL = 1e-9
_COST_DECIMALS = 9


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


def _tied(a: float, b: float) -> bool:
    return a <= b or math.isclose(a, b, rel_tol=_TIE_RTOL, abs_tol=1e-12)
