"""Why the plan looks the way it does: choices, alternatives, gaps, redundancies, mismatches.

Everything is derived from the instance and the plan; nothing here changes the plan. Pricing
alternatives (``price_alternatives=True``) re-solves the instance once per selectable
alternative with that alternative forced in, so that "costlier" means *the whole plan* would
cost more, including what the alternative brings along.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from advisor.cost import DEFAULT_PROFILE, Profile, scores
from advisor.model import Candidate, Instance, Plan, ScoreBreakdown
from advisor.solve import PlanError, analyse, solve

__all__ = [
    "Alternative",
    "Choice",
    "Explanation",
    "Gap",
    "Mismatch",
    "NeedAlternatives",
    "Provision",
    "Redundancy",
    "Blocked",
    "explain",
]

_EXPLAIN_TIME_LIMIT = 2.0
# Seconds one re-solve for pricing an alternative may take (within the overall budget).
_PRICE_SOLVE_LIMIT = 0.5


@dataclass(frozen=True, slots=True)
class Blocked:
    """A candidate that cannot help: the constraints it violates and/or requirements no plan
    can meet. ``constraints`` holds ``(constraint name, reason)`` pairs."""

    candidate: str
    constraints: tuple[tuple[str, str], ...]
    unmet_requirements: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The blocking reasons in one sentence."""
        parts = [f"{why} (constraint {name})" for name, why in self.constraints]
        if self.unmet_requirements:
            parts.append(
                "requires "
                + ", ".join(self.unmet_requirements)
                + ", which no selectable component can provide"
            )
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Alternative:
    """One candidate for a need, with its score and, when not chosen, why not.

    ``plan_cost_delta`` is how much more the cheapest plan containing this candidate costs
    (``None`` when not priced or impossible); ``extra_requirements`` are its requirements that
    neither the landscape nor the plan meets.
    """

    candidate: str
    chosen: bool
    selectable: bool
    cost: float
    score: ScoreBreakdown
    plan_cost_delta: float | None
    extra_requirements: tuple[str, ...]
    blocked: Blocked | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NeedAlternatives:
    """Candidates for one need, best first (chosen, then by plan cost, cost, score, id)."""

    need: str
    covered_by: tuple[str, ...]
    ranked: tuple[Alternative, ...]


@dataclass(frozen=True, slots=True)
class Provision:
    """A requirement of a chosen component and what meets it."""

    requirement: str
    met_by: tuple[str, ...]
    from_landscape: bool


@dataclass(frozen=True, slots=True)
class Choice:
    """One chosen component: what it covers, what it brings along, and its competition."""

    component: str
    covers: tuple[str, ...]
    serves: tuple[str, ...]
    brings: tuple[Provision, ...]
    score: ScoreBreakdown
    alternatives: tuple[NeedAlternatives, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    """A need that no plan can make available.

    ``kind`` is ``"no_provider"`` (nothing in the catalogue provides it), ``"excluded"``
    (every provider violates a named constraint) or ``"unsupportable"`` (some providers are
    allowed, but each has a requirement that cannot be met).
    """

    need: str
    kind: Literal["no_provider", "excluded", "unsupportable"]
    reason: str
    candidates: tuple[Blocked, ...]


@dataclass(frozen=True, slots=True)
class Redundancy:
    """A capability that two or more landscape systems provide."""

    capability: str
    systems: tuple[str, ...]
    needed: bool


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A chosen component and a partner it must talk to that share no declared standard."""

    component: str
    partner: str
    via: tuple[str, ...]
    partner_in_landscape: bool
    component_standards: tuple[str, ...]
    partner_standards: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    """The full explanation of a plan."""

    plan: Plan
    choices: tuple[Choice, ...]
    landscape_covers: tuple[str, ...]
    gaps: tuple[Gap, ...]
    redundancies: tuple[Redundancy, ...]
    mismatches: tuple[Mismatch, ...]
    unknown_landscape: tuple[str, ...]

    def choice(self, component: str) -> Choice:
        """The explanation of one chosen component."""
        for choice in self.choices:
            if choice.component == component:
                return choice
        msg = f"{component!r} is not part of the plan"
        raise KeyError(msg)


def _blocked(
    candidate: Candidate, instance: Instance, reachable: frozenset[str], supportable: frozenset[str]
) -> Blocked | None:
    violations = instance.constraints.violations(candidate)
    unmet: tuple[str, ...] = ()
    if not violations and candidate.id not in supportable:
        unmet = tuple(sorted(candidate.requires - reachable))
    if not violations and not unmet:
        return None
    return Blocked(candidate=candidate.id, constraints=violations, unmet_requirements=unmet)


def _gap(
    need: str,
    providers: list[Candidate],
    instance: Instance,
    reachable: frozenset[str],
    supportable: frozenset[str],
) -> Gap:
    if not providers:
        return Gap(
            need=need,
            kind="no_provider",
            reason=f"no component provides {need!r}",
            candidates=(),
        )
    blocked = tuple(
        b
        for b in (_blocked(c, instance, reachable, supportable) for c in providers)
        if b is not None
    )
    if all(b.constraints for b in blocked):
        names = sorted({name for b in blocked for name, _ in b.constraints})
        detail = "; ".join(f"{b.candidate}: {b.reason}" for b in blocked)
        return Gap(
            need=need,
            kind="excluded",
            reason=(
                f"every candidate providing {need!r} is excluded by a constraint "
                f"({', '.join(names)}): {detail}"
            ),
            candidates=blocked,
        )
    detail = "; ".join(f"{b.candidate}: {b.reason}" for b in blocked)
    return Gap(
        need=need,
        kind="unsupportable",
        reason=f"no candidate providing {need!r} can have its requirements met: {detail}",
        candidates=blocked,
    )


def _rank_key(alternative: Alternative) -> tuple[int, float, float, float, str]:
    group = 0 if alternative.chosen else 1 if alternative.selectable else 2
    delta = alternative.plan_cost_delta
    return (
        group,
        math.inf if delta is None else delta,
        alternative.cost,
        alternative.score.total,
        alternative.candidate,
    )


def explain(
    instance: Instance,
    plan: Plan | None = None,
    *,
    profile: Profile = DEFAULT_PROFILE,
    price_alternatives: bool = True,
    time_limit: float = _EXPLAIN_TIME_LIMIT,
) -> Explanation:
    """Explain a plan (solving the instance first when ``plan`` is omitted).

    Parameters
    ----------
    instance
        The question.
    plan
        The answer to explain; by default ``solve(instance)``.
    profile
        Weights for the score breakdowns.
    price_alternatives
        Re-solve with each selectable alternative forced in to report how much more the plan
        would cost with it.
    time_limit
        Total seconds for those re-solves; alternatives left when it runs out stay unpriced
        (``plan_cost_delta`` is ``None``).

    Returns
    -------
    Explanation
    """
    if plan is None:
        plan = solve(instance)
    candidates = instance.by_id
    analysis = analyse(instance)
    base = analysis.base
    selected = set(plan.selected)
    for cid in selected:
        instance.candidate(cid)
    available = set(base)
    for cid in selected:
        available |= candidates[cid].provides
    score_of = scores(instance, profile=profile)
    landscape = instance.landscape.components

    providers: dict[str, list[Candidate]] = defaultdict(list)
    for c in sorted(instance.components, key=lambda c: c.id):
        if c.id in landscape:
            continue
        for capability in c.provides:
            providers[capability].append(c)

    priced: dict[str, float | None] = {}
    pricing_deadline = time.perf_counter() + time_limit

    def plan_delta(cid: str) -> float | None:
        if not price_alternatives:
            return None
        if cid not in priced:
            remaining = pricing_deadline - time.perf_counter()
            if remaining < 0.01:
                return None
            try:
                forced = solve(
                    instance, include=[cid], time_limit=min(_PRICE_SOLVE_LIMIT, remaining)
                )
            except PlanError:
                priced[cid] = None
            else:
                priced[cid] = round(forced.cost - plan.cost, 9)
        return priced[cid]

    required_by_selected: set[str] = set()
    for cid in selected:
        required_by_selected |= candidates[cid].requires

    choices: list[Choice] = []
    for cid in plan.selected:
        chosen = candidates[cid]
        covers = tuple(sorted((chosen.provides & instance.needs) - base))
        others_need: set[str] = set()
        for other in selected - {cid}:
            others_need |= candidates[other].requires
        serves = tuple(sorted((chosen.provides & others_need) - base - instance.needs))
        brings = tuple(
            Provision(
                requirement=r,
                met_by=tuple(sorted(s for s in selected if r in candidates[s].provides)),
                from_landscape=r in base,
            )
            for r in sorted(chosen.requires)
        )
        per_need: list[NeedAlternatives] = []
        for need in covers:
            alternatives: list[Alternative] = []
            covered_by = tuple(sorted(s for s in selected if need in candidates[s].provides))
            for candidate in providers[need]:
                is_chosen = candidate.id in selected
                blocked = _blocked(candidate, instance, analysis.reachable, analysis.supportable)
                extra = tuple(sorted(candidate.requires - available - candidate.provides))
                delta: float | None = None
                reasons: list[str] = []
                if is_chosen:
                    reasons.append(f"chosen: part of the cheapest plan ({plan.cost:g})")
                elif blocked is not None:
                    reasons.append(f"not selectable: {blocked.reason}")
                else:
                    delta = plan_delta(candidate.id)
                    difference = round(candidate.cost - chosen.cost, 9)
                    if difference > 0:
                        reasons.append(f"costlier by {difference:g} than {cid}")
                    elif difference < 0:
                        reasons.append(f"cheaper by {-difference:g} than {cid} on its own")
                    if delta is not None and delta > 1e-9:
                        reasons.append(f"a plan with it would cost {delta:g} more")
                    elif delta is not None and delta < -1e-9:
                        reasons.append(
                            f"a plan with it would cost {-delta:g} less "
                            "(the plan was not proven optimal)"
                        )
                    elif delta is not None:
                        reasons.append(
                            "an equally cheap plan contains it; the tie rule (fewest "
                            f"components, then earlier ids) preferred {cid}"
                        )
                    if extra:
                        reasons.append(f"would bring extra requirements {', '.join(extra)}")
                alternatives.append(
                    Alternative(
                        candidate=candidate.id,
                        chosen=is_chosen,
                        selectable=blocked is None,
                        cost=candidate.cost,
                        score=score_of[candidate.id],
                        plan_cost_delta=0.0 if is_chosen else delta,
                        extra_requirements=() if is_chosen else extra,
                        blocked=blocked,
                        reasons=tuple(reasons),
                    )
                )
            alternatives.sort(key=_rank_key)
            per_need.append(
                NeedAlternatives(need=need, covered_by=covered_by, ranked=tuple(alternatives))
            )
        choices.append(
            Choice(
                component=cid,
                covers=covers,
                serves=serves,
                brings=brings,
                score=score_of[cid],
                alternatives=tuple(per_need),
            )
        )

    gaps = tuple(
        _gap(need, providers[need], instance, analysis.reachable, analysis.supportable)
        for need in sorted(analysis.unmet)
    )
    needed = set(instance.needs) | required_by_selected
    for system in instance.landscape_candidates():
        needed |= system.requires
    return Explanation(
        plan=plan,
        choices=tuple(choices),
        landscape_covers=tuple(sorted(instance.needs & base)),
        gaps=gaps,
        redundancies=_redundancies(instance, needed),
        mismatches=_mismatches(instance, plan.selected),
        unknown_landscape=tuple(sorted(landscape - candidates.keys())),
    )


def _redundancies(instance: Instance, needed: Iterable[str]) -> tuple[Redundancy, ...]:
    wanted = set(needed)
    systems: dict[str, list[str]] = defaultdict(list)
    for system in instance.landscape_candidates():
        for capability in system.provides:
            systems[capability].append(system.id)
    return tuple(
        Redundancy(capability=k, systems=tuple(sorted(ids)), needed=k in wanted)
        for k, ids in sorted(systems.items())
        if len(ids) > 1
    )


def _mismatches(instance: Instance, selected: Iterable[str]) -> tuple[Mismatch, ...]:
    candidates: Mapping[str, Candidate] = instance.by_id
    chosen = sorted(selected)
    in_landscape = {c.id for c in instance.landscape_candidates()}
    partners_pool = sorted(set(chosen) | in_landscape)
    found: list[Mismatch] = []
    for cid in chosen:
        component = candidates[cid]
        if not component.standards:
            continue
        via: dict[str, list[str]] = defaultdict(list)
        for requirement in sorted(component.requires):
            for partner in partners_pool:
                if partner != cid and requirement in candidates[partner].provides:
                    via[partner].append(requirement)
        for partner, reqs in sorted(via.items()):
            other = candidates[partner]
            # Only where both sides declare standards: silence is not a mismatch.
            if other.standards and not component.standards & other.standards:
                found.append(
                    Mismatch(
                        component=cid,
                        partner=partner,
                        via=tuple(reqs),
                        partner_in_landscape=partner in in_landscape,
                        component_standards=tuple(sorted(component.standards)),
                        partner_standards=tuple(sorted(other.standards)),
                    )
                )
    return tuple(found)
