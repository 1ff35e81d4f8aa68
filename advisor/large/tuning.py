"""The large-instance solver's tuning, in one place.

The numbers were tuned on the benchmark (``python bench/advisor.py``, results in
docs/performance.md); the defaults are the values the module constants of advisor/solve.py had
before they were gathered here. Shares are fractions of the time still left at that point;
seconds are wall-clock. A different ``Tuning`` can be passed to the functions of
:mod:`advisor.large.search` (``tuning=``), e.g. to explore settings in a benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tuning:
    """How the optimiser spends its time limit on problems of each size (see advisor.solve)."""

    # Up to this many columns the MILP goes first: HiGHS proves such problems in milliseconds.
    milp_first_columns: int = 250
    # Share of the remaining budget the Lagrangian heuristic may use; it usually stops earlier
    # (local optimum or proven bound), leaving the rest to the MILP.
    heuristic_share: float = 0.75
    # Up to this many columns the heuristic takes a smaller share, leaving the MILP a real chance.
    medium_columns: int = 500
    heuristic_share_medium: float = 0.35
    # Above this many columns local search and merging rarely close the gap in time: the
    # multipliers feed core problems instead (see `core`).
    core_columns: int = 1000
    # Those problems: the subgradient phase may take up to this share of the remaining budget
    # (most of it for multipliers, the rest for one greedy plan); with fewer iterations to stall
    # before the step halves it converges within a few hundred iterations (~30 ms at 2,000
    # candidates) and stops. The cap is generous on purpose: on a busy machine converged
    # multipliers (a good core) matter more than the time left for refinement.
    large_share: float = 0.6
    large_subgradient_share: float = 0.85
    large_stall: int = 10
    # Greedy plans during the subgradient phase cost more than they bring once cores follow.
    large_every: int = 1000
    # Core problems: first size, growth while HiGHS proves them, share of the remaining budget.
    core_start: int = 80
    core_growth: float = 1.5
    core_share: float = 0.6
    # Larger cores rarely finish in time: refinement rounds (see `refine`) do better.
    core_max: int = 130
    # At most this long per core MILP: one that has not finished by then rarely does in time,
    # and refinement rounds use the time better.
    core_round_seconds: float = 0.03
    # Refinement by fixing (see `refine`): shares of the best plan fixed per round, how
    # many rounds in a row fix the most certain columns (the others fix a random sample of the
    # plan), subgradient iterations, core size and time per round, and the least time worth
    # starting one.
    refine_shares: tuple[float, ...] = (0.5, 0.4, 0.6, 0.55)
    refine_certain_rounds: int = 2
    refine_iterations: int = 60
    refine_core: int = 140
    refine_round_seconds: float = 0.02
    min_refine_seconds: float = 0.008
    # Passes through `refine_shares` without a better plan after which refinement gives up
    # (see `refine_patience`): with a generous time limit (the CLI's 10 s) the full MILP that
    # follows can prove the optimum.
    refine_patience_passes: int = 3
    # Share of what is left after the cores for local search on the best plan (merging follows).
    polish_share: float = 0.5
    # HiGHS needs a few milliseconds just to start; below this a MILP call is pointless.
    min_milp_seconds: float = 0.005
    # HiGHS checks its time limit only now and then: on large problems it overshoots by several
    # milliseconds, so calls that would end at the deadline start with that much less.
    milp_overshoot: float = 0.008
    # Solution merging: rounds, plans per round, and the least time worth starting one.
    merge_rounds: int = 3
    merge_width: int = 3
    merge_slack: float = 1.08
    min_merge_seconds: float = 0.012
    # The full MILP after the heuristic runs only with at least this share of the budget left.
    late_milp_share: float = 0.25
    # Share of the time limit (at most 10 ms) kept for ordering and explaining the plan.
    reserve_share: float = 0.1

    @property
    def refine_patience(self) -> int:
        """Rounds in a row without a better plan after which refinement gives up."""
        return self.refine_patience_passes * len(self.refine_shares)


TUNING = Tuning()
"""The defaults, used by :func:`advisor.solve.solve`."""
