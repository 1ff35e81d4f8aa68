"""Lagrangian heuristic: a good plan and a proven lower bound, fast, for large instances.

The MILP proves optimality, but HiGHS needs seconds on random set-cover instances with
thousands of candidates and finds poor incumbents in its first few hundred milliseconds. This
module gives the optimiser a strong plan within a tight budget:

1. **Subgradient optimisation** of the Lagrangian relaxation of all rows ``A x >= b``:
   ``L(lam) = lam.b + sum_j min(0, c_j - (A^T lam)_j)`` is a lower bound for every
   ``lam >= 0`` (Held-Karp step sizes towards the best plan so far).
2. **Primal plans from the multipliers** (after Caprara, Fischetti and Toth): a greedy that
   repeatedly takes the column with the best score ``gamma/mu`` (``gamma * mu`` when
   ``gamma < 0``), where ``mu`` counts the open targets the column would cover and
   ``gamma = c_j - (value of those targets) + (value of the requirements it would open)``;
   target values come from the multipliers. Redundant components are pruned afterwards,
   dearest first.
3. **Local search** on the best plan, alternating two moves until neither helps or time is
   up: *drop-and-complete* (remove one component, complete greedily without it, prune) and
   *add-and-drop* (add one component, drop what it makes redundant).
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from advisor.large.formulation import FloatArray, Formulation, IntArray


@dataclass(frozen=True, slots=True)
class HeuristicResult:
    """Best selection found (column indices), its cost and the best Lagrangian bound."""

    selection: frozenset[int]
    cost: float
    lower_bound: float
    proven: bool
    pool: tuple[frozenset[int], ...]
    """Distinct complete plans seen, cheapest first (for solution merging)."""
    reduced_costs: FloatArray
    """Lagrangian reduced costs at the best multipliers (low: likely in good plans)."""
    multipliers: FloatArray
    """The best multipliers (one per row of the formulation's matrix)."""


class _Cover:
    """Incremental bookkeeping of a partial plan: who provides what, what is still open."""

    __slots__ = ("count", "demand", "form", "pending", "selected")

    def __init__(self, form: Formulation) -> None:
        self.form = form
        self.count = [0] * len(form.capabilities)
        self.demand = [1 if is_need else 0 for is_need in form.need]
        self.pending = {k for k, is_need in enumerate(form.need) if is_need}
        self.selected: set[int] = set()

    def copy(self) -> _Cover:
        clone = _Cover.__new__(_Cover)
        clone.form = self.form
        clone.count = self.count.copy()
        clone.demand = self.demand.copy()
        clone.pending = set(self.pending)
        clone.selected = set(self.selected)
        return clone

    def add(self, j: int) -> None:
        self.selected.add(j)
        count, demand, pending = self.count, self.demand, self.pending
        for k in self.form.provides[j]:
            count[k] += 1
            if count[k] == 1:
                pending.discard(k)
        for r in self.form.requires[j]:
            demand[r] += 1
            if demand[r] == 1 and count[r] == 0:
                pending.add(r)

    def remove(self, j: int) -> None:
        self.selected.discard(j)
        count, demand, pending = self.count, self.demand, self.pending
        for k in self.form.provides[j]:
            count[k] -= 1
            if count[k] == 0 and demand[k] > 0:
                pending.add(k)
        for r in self.form.requires[j]:
            demand[r] -= 1
            if demand[r] == 0:
                pending.discard(r)

    def removable(self, j: int) -> bool:
        count, demand = self.count, self.demand
        # requires excludes what j provides itself, so j's own demand never props it up.
        return all(count[k] >= 2 or demand[k] == 0 for k in self.form.provides[j])

    def complete(
        self, price: Sequence[float], cheapest: Sequence[float], forbidden: int = -1
    ) -> bool:
        """Greedily cover every open target; False when some target has no usable provider.

        Targets with the fewest providers go first; for each, the provider with the lowest
        (price + cheapest way to meet the requirements it opens) per newly covered target.
        """
        form = self.form
        providers = form.providers
        count, pending, selected = self.count, self.pending, self.selected
        queue = [(len(providers[k]), k) for k in pending]
        heapq.heapify(queue)
        while pending:
            while True:
                if not queue:
                    queue = [(len(providers[k]), k) for k in pending]
                    heapq.heapify(queue)
                _, target = heapq.heappop(queue)
                if target in pending:
                    break
            best = -1
            best_ratio = math.inf
            for j in providers[target]:
                if j in selected or j == forbidden:
                    continue
                gain = 0
                for k in form.provides[j]:
                    if k in pending:
                        gain += 1
                extra = 0.0
                for r in form.requires[j]:
                    if count[r] == 0 and r not in pending:
                        extra += cheapest[r]
                ratio = (price[j] + extra) / gain
                if ratio < best_ratio:
                    best_ratio = ratio
                    best = j
            if best < 0:
                return False
            before = set(pending)
            self.add(best)
            for k in pending - before:
                heapq.heappush(queue, (len(providers[k]), k))
        return True

    def prune(self, rank: Sequence[int], keep: frozenset[int]) -> None:
        # rank[j] is j's position in the pruning order (dearest, then largest id, first).
        for j in sorted(self.selected - keep, key=rank.__getitem__):
            if self.removable(j):
                self.remove(j)


class _Context:
    """Arrays derived once per formulation and shared by all heuristic passes."""

    def __init__(self, form: Formulation) -> None:
        self.form = form
        n = form.size
        self.cost = form.cost
        self.price = [float(v) for v in form.cost]
        self.cheapest = [
            min((self.price[j] for j in ps), default=math.inf) for ps in form.providers
        ]
        self.keep = frozenset(form.forced)
        self.rank = [0] * n
        # Prune the dearest first; among equal costs the larger index (later id) goes first.
        for position, j in enumerate(sorted(range(n), key=lambda j: (-self.price[j], -j))):
            self.rank[j] = position
        self.provider_index: list[IntArray] = [
            np.asarray(p, dtype=np.int64) for p in form.providers
        ]
        owners = form.row_owner
        caps = form.row_capability
        requirement_rows = np.flatnonzero(owners >= 0)
        need_rows = np.flatnonzero(owners == -1)
        self.need_row_capability = caps[need_rows]
        self.need_rows = need_rows
        # For each capability: requirement rows on it, and their owners.
        by_cap: list[list[int]] = [[] for _ in form.capabilities]
        for i in requirement_rows:
            by_cap[int(caps[i])].append(int(i))
        self.rows_on: list[IntArray] = [np.asarray(r, dtype=np.int64) for r in by_cap]
        self.owners_on: list[IntArray] = [owners[r] for r in self.rows_on]
        # For each column: its own requirement rows (capability, row).
        own: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for i in requirement_rows:
            own[int(owners[i])].append((int(caps[i]), int(i)))
        self.own_rows = own
        self.own_row_index = np.asarray(requirement_rows, dtype=np.int64)
        self.own_row_owner = owners[requirement_rows]

    def fresh(self) -> _Cover:
        cover = _Cover(self.form)
        for j in self.form.forced:
            cover.add(j)
        return cover

    def finish(self, cover: _Cover, price: Sequence[float], forbidden: int = -1) -> bool:
        if not cover.complete(price, self.cheapest, forbidden):
            return False
        cover.prune(self.rank, self.keep)
        return True

    def scored_greedy(self, lam: FloatArray) -> _Cover:
        """Greedy completion scored with the Lagrangian multipliers ``lam``."""
        form = self.form
        n = form.size
        value = np.zeros(len(form.capabilities), dtype=np.float64)
        value[self.need_row_capability] = lam[self.need_rows]
        gain = np.zeros(n, dtype=np.float64)
        worth = np.zeros(n, dtype=np.float64)
        opens = np.zeros(n, dtype=np.float64)
        np.add.at(opens, self.own_row_owner, lam[self.own_row_index])
        cover = _Cover(form)
        blocked = np.zeros(n, dtype=bool)

        def pend(k: int, sign: float) -> None:
            idx = self.provider_index[k]
            gain[idx] += sign
            worth[idx] += sign * value[k]

        def covered(k: int) -> None:
            # Columns requiring k no longer open it.
            rows = self.rows_on[k]
            if rows.size:
                np.subtract.at(opens, self.owners_on[k], lam[rows])

        for k in cover.pending:
            pend(k, 1.0)

        def take(j: int) -> None:
            before = set(cover.pending)
            newly = [k for k in form.provides[j] if cover.count[k] == 0]
            cover.add(j)
            blocked[j] = True
            for k in newly:
                covered(k)
            for r, row in self.own_rows[j]:
                if cover.count[r] == 0:
                    extra = float(lam[row])
                    value[r] += extra
                    if r in before:
                        worth[self.provider_index[r]] += extra
            after = cover.pending
            for k in before - after:
                pend(k, -1.0)
            for k in after - before:
                pend(k, 1.0)

        for j in form.forced:
            take(j)
        while cover.pending:
            gamma = self.cost - worth + opens
            with np.errstate(divide="ignore", invalid="ignore"):
                score = np.where(gamma > 0, gamma / gain, gamma * gain)
            score[(gain <= 0) | blocked] = np.inf
            j = int(np.argmin(score))
            if not math.isfinite(float(score[j])):
                break
            take(j)
        if cover.pending and not cover.complete(self.price, self.cheapest):
            return cover
        cover.prune(self.rank, self.keep)
        return cover


def _cost(form: Formulation, selection: Sequence[int] | frozenset[int] | set[int]) -> float:
    return math.fsum(float(form.cost[j]) for j in selection)


def lagrangian_heuristic(
    form: Formulation,
    *,
    deadline: float,
    max_iterations: int = 500,
    every: int = 12,
    warmup: int = 80,
    subgradient_share: float = 0.7,
    stall_limit: int = 20,
    polish: bool = True,
) -> HeuristicResult | None:
    """Run the heuristic until ``deadline`` (a ``time.perf_counter()`` value).

    The subgradient phase may use ``subgradient_share`` of the time; local search the rest.
    Primal plans are built every ``every`` iterations after ``warmup`` iterations (earlier
    multipliers are too poor to be worth the greedy's cost).
    Returns ``None`` when no complete plan exists among the columns (cannot happen after
    presolve, which keeps only supportable candidates).
    """
    ctx = _Context(form)
    phase_end = time.perf_counter() + subgradient_share * (deadline - time.perf_counter())
    seen: dict[frozenset[int], float] = {}
    cost = form.cost
    n = form.size
    start = ctx.fresh()
    if not ctx.finish(start, ctx.price):
        return None
    best = frozenset(start.selected)
    upper = _cost(form, best)
    seen[best] = upper

    matrix, rhs = form.matrix, form.rhs
    transposed = matrix.T.tocsr()
    forced_mask = np.zeros(n, dtype=bool)
    forced_mask[list(form.forced)] = True
    lam: FloatArray = np.zeros(matrix.shape[0], dtype=np.float64)
    # Cover rows start at the cheapest cost per capability among their providers.
    sizes = np.asarray([max(len(p), 1) for p in form.provides], dtype=np.float64)
    per_cap = cost / sizes
    for row, k in zip(ctx.need_rows, ctx.need_row_capability, strict=True):
        lam[row] = min((float(per_cap[j]) for j in form.providers[int(k)]), default=0.0)
    lower = -math.inf
    best_lam = lam
    step_scale = 2.0
    stall = 0
    integral = bool(np.all(cost == np.round(cost)))

    def proven(bound: float) -> bool:
        if not math.isfinite(bound):
            return False
        if integral:
            return math.ceil(bound - 1e-6) >= upper - 1e-9
        return upper - bound <= 1e-9 * max(1.0, abs(upper))

    done = proven(-math.inf) if n == 0 else False
    for iteration in range(max_iterations):
        # The first iteration always runs: it is cheap and yields a valid lower bound.
        if done or (iteration and time.perf_counter() >= phase_end):
            break
        reduced = cost - transposed @ lam
        x = (reduced < 0) | forced_mask
        value = float(lam @ rhs + reduced[x].sum())
        if value > lower + 1e-9:
            lower = value
            best_lam = lam
            stall = 0
        else:
            stall += 1
            if stall >= stall_limit:
                step_scale /= 2
                stall = 0
        if proven(lower):
            done = True
            break
        if iteration >= warmup and iteration % every == every - 1:
            cover = ctx.scored_greedy(lam)
            if not cover.pending:
                found = _cost(form, cover.selected)
                seen[frozenset(cover.selected)] = found
                if found < upper - 1e-9:
                    upper = found
                    best = frozenset(cover.selected)
                    if proven(lower):
                        done = True
                        break
        gradient = rhs - matrix @ x.astype(np.float64)
        gradient[(lam <= 0) & (gradient < 0)] = 0.0
        norm = float(gradient @ gradient)
        if norm == 0.0 or step_scale < 1e-4:
            break
        lam = np.maximum(0.0, lam + step_scale * (upper - value) / norm * gradient)

    if not done:
        # Always, even past the deadline: a greedy plan from the best multipliers is the
        # main primal result and costs a few milliseconds.
        cover = ctx.scored_greedy(best_lam)
        if not cover.pending:
            found = _cost(form, cover.selected)
            seen[frozenset(cover.selected)] = found
            if found < upper - 1e-9:
                upper, best = found, frozenset(cover.selected)
    if not done and polish:
        best, upper = _local_search(ctx, best, upper, deadline)
        seen[best] = upper
    pool = tuple(sorted(seen, key=lambda s: (seen[s], sorted(s))))
    return HeuristicResult(
        selection=best,
        cost=upper,
        lower_bound=min(lower, upper),
        proven=proven(lower),
        pool=pool,
        reduced_costs=cost - transposed @ best_lam,
        multipliers=best_lam,
    )


def residual_multipliers(
    form: Formulation,
    lam: FloatArray,
    fixed: npt.NDArray[np.bool_],
    upper: float,
    *,
    iterations: int = 60,
    scale: float = 0.5,
    transposed: sp.csr_array | None = None,
) -> tuple[FloatArray, float]:
    """Re-price the columns once the columns in ``fixed`` are forced into every plan.

    A short subgradient run from ``lam`` on the Lagrangian relaxation with ``x_j = 1`` for
    the fixed columns (rows they satisfy lose their weight; the rest is re-balanced), aiming
    at ``upper``. Returns the best multipliers and their bound, a lower bound on the cost of
    every plan that contains all fixed columns (not on the optimum itself).
    """
    cost, matrix, rhs = form.cost, form.matrix, form.rhs
    at = matrix.T.tocsr() if transposed is None else transposed
    forced = fixed.copy()
    forced[list(form.forced)] = True
    best_lam, best_value = lam, -math.inf
    for iteration in range(iterations):
        reduced = cost - at @ lam
        x = (reduced < 0) | forced
        value = float(lam @ rhs + reduced[x].sum())
        if value > best_value:
            best_lam, best_value = lam, value
        gradient = rhs - matrix @ x.astype(np.float64)
        gradient[(lam <= 0) & (gradient < 0)] = 0.0
        norm = float(gradient @ gradient)
        if norm == 0.0:
            break
        lam = np.maximum(0.0, lam + scale * max(upper - value, 0.0) / norm * gradient)
        if iteration % 20 == 19:
            scale /= 1.5
    return best_lam, best_value


def polish(
    form: Formulation, selection: frozenset[int], deadline: float
) -> tuple[frozenset[int], float]:
    """Local search (see the module docstring) from ``selection`` until ``deadline``."""
    return _local_search(_Context(form), selection, _cost(form, selection), deadline)


def _local_search(
    ctx: _Context,
    best: frozenset[int],
    upper: float,
    deadline: float,
    seen: dict[frozenset[int], float] | None = None,
) -> tuple[frozenset[int], float]:
    form = ctx.form
    while time.perf_counter() < deadline:
        improved = _drop_and_complete(ctx, best, upper, deadline, seen)
        if improved is None:
            improved = _add_and_drop(ctx, best, upper, deadline)
        if improved is None:
            break
        best = improved
        upper = _cost(form, best)
    return best, upper


def _drop_and_complete(
    ctx: _Context,
    best: frozenset[int],
    upper: float,
    deadline: float,
    seen: dict[frozenset[int], float] | None = None,
) -> frozenset[int] | None:
    # Every completed trial is a near neighbour of the best plan: kept in ``seen`` as
    # material for solution merging.
    base = _Cover(ctx.form)
    for j in sorted(best):
        base.add(j)
    for j in sorted(best - ctx.keep, key=ctx.rank.__getitem__):
        if time.perf_counter() >= deadline:
            return None
        trial = base.copy()
        trial.remove(j)
        if not ctx.finish(trial, ctx.price, forbidden=j):
            continue
        found = _cost(ctx.form, trial.selected)
        if seen is not None:
            seen[frozenset(trial.selected)] = found
        if found < upper - 1e-9:
            return frozenset(trial.selected)
    return None


def _add_and_drop(
    ctx: _Context, best: frozenset[int], upper: float, deadline: float
) -> frozenset[int] | None:
    form = ctx.form
    cover = _Cover(form)
    for j in sorted(best):
        cover.add(j)
    providers = form.providers
    price = ctx.price
    for d in range(form.size):
        if d in cover.selected or any(cover.count[r] == 0 for r in form.requires[d]):
            continue
        if d % 64 == 0 and time.perf_counter() >= deadline:
            return None
        neighbours = {j for k in form.provides[d] for j in providers[k] if j in cover.selected}
        cover.add(d)
        saving = 0.0
        dropped: list[int] = []
        for j in sorted(neighbours - ctx.keep, key=ctx.rank.__getitem__):
            if cover.removable(j):
                cover.remove(j)
                dropped.append(j)
                saving += price[j]
        if saving > price[d] + 1e-9:
            cover.prune(ctx.rank, ctx.keep)
            if _cost(form, cover.selected) < upper - 1e-9:
                return frozenset(cover.selected)
        for j in dropped:
            cover.add(j)
        cover.remove(d)
    return None
