"""The large-instance search reads its tuning from one frozen dataclass, and honours it."""

from __future__ import annotations

import dataclasses
import math
import time

import pytest

from advisor import instance_from_json
from advisor.large.search import _optimise
from advisor.large.tuning import TUNING, Tuning
from advisor.solve import analyse, is_valid_selection, plan_cost, solve
from tests.advisor.advisor_reference import random_setcover


def test_tuning_is_frozen_and_refinement_patience_follows_the_shares() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TUNING.core_max = 1  # type: ignore[misc]
    shorter = Tuning(refine_shares=(0.5, 0.4))
    assert shorter.refine_patience == TUNING.refine_patience // len(TUNING.refine_shares) * 2


def test_the_search_follows_the_tuning_it_is_given() -> None:
    # A small problem goes to the MILP first by default; with the MILP-first threshold at zero
    # the same problem takes the heuristic path (and, with the late MILP turned off, stays on
    # it). Its plan is valid and never cheaper than the MILP's proven optimum.
    instance = instance_from_json(random_setcover(60, 7))
    analysis = analyse(instance)
    assert analysis.kept and len(analysis.kept) <= TUNING.milp_first_columns
    default = _optimise(instance, analysis, frozenset(), time.perf_counter() + 5.0, True)
    heuristic_first = _optimise(
        instance,
        analysis,
        frozenset(),
        time.perf_counter() + 5.0,
        True,
        tuning=dataclasses.replace(TUNING, milp_first_columns=0, late_milp_share=math.inf),
    )
    assert default.method == "milp"
    assert heuristic_first.method == "heuristic"
    assert is_valid_selection(instance, heuristic_first.selected)
    assert plan_cost(instance, heuristic_first.selected) >= plan_cost(instance, default.selected)
    assert solve(instance, time_limit=5.0).cost == plan_cost(instance, default.selected)
