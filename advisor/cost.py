"""A weighted, explained score per candidate (lower is better); see ``docs/advisor.md``.

``total = sum(weight_t * value_t)`` over six terms, each ``value_t`` in ``[0, 1]``:

========== ===============================================================================
term       value
========== ===============================================================================
hosting    position of the candidate's best *allowed* hosting form in the preference order,
           ``i / (len(order) - 1)`` (0 for the preferred form; 1 when none is allowed)
maturity   stable 0, beta 1/3, development 2/3, concept 1, obsolete 1
adoption   ``1 - log1p(n) / log1p(saturation)`` capped at 0, for ``n`` municipalities using
           it; **unknown** adoption gets the neutral value 0.5 (not 1, which would mean "known
           to be used by nobody")
licence    open source with a named licence 0; open source without a named licence 0.25;
           proprietary 1
dependencies ``k / (k + 2)`` for the ``k`` requirements the landscape does not already meet
lock_in    0 for open source; for proprietary ``1 / (1 + s)`` with ``s`` declared standards
           (open interfaces are a way out)
========== ===============================================================================

An **unknown** hosting, status or licence (``None`` on the candidate) gets the neutral value
``Profile.unknown_fact`` (0.5) in its terms (hosting, maturity, licence and lock_in), never the
worst one: the catalogue not knowing a fact is no evidence against the candidate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from advisor.model import (
    ALL_HOSTING,
    Candidate,
    Constraints,
    Hosting,
    Instance,
    ScoreBreakdown,
    Status,
    Term,
)

__all__ = [
    "DEFAULT_PROFILE",
    "Profile",
    "apply_scores",
    "score",
    "scores",
]

_DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "hosting": 1.0,
        "maturity": 1.5,
        "adoption": 1.0,
        "licence": 1.5,
        "dependencies": 0.5,
        "lock_in": 1.0,
    }
)
TERMS: tuple[str, ...] = tuple(_DEFAULT_WEIGHTS)

_MATURITY: Mapping[Status, float] = MappingProxyType(
    {
        Status.STABLE: 0.0,
        Status.BETA: 1 / 3,
        Status.DEVELOPMENT: 2 / 3,
        Status.CONCEPT: 1.0,
        Status.OBSOLETE: 1.0,
    }
)


@dataclass(frozen=True, slots=True)
class Profile:
    """The weights and preferences a municipality scores candidates with.

    ``hosting_order`` is the preference order of hosting forms, best first (default "SaaS
    unless": saas > paas > iaas > on-premise). ``adoption_saturation`` is the number of
    municipalities from which more adoption no longer counts; ``unknown_adoption`` the neutral
    value for candidates whose adoption is not known; ``unknown_fact`` the neutral value for
    an unknown hosting, status or licence.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: _DEFAULT_WEIGHTS)
    hosting_order: tuple[Hosting, ...] = (
        Hosting.SAAS,
        Hosting.PAAS,
        Hosting.IAAS,
        Hosting.ON_PREMISE,
    )
    adoption_saturation: int = 50
    unknown_adoption: float = 0.5
    unknown_fact: float = 0.5

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(TERMS))
        if unknown:
            msg = f"unknown weight(s) {', '.join(unknown)}; known: {', '.join(TERMS)}"
            raise ValueError(msg)
        for name, weight in self.weights.items():
            if not math.isfinite(weight) or weight < 0:
                msg = f"weight {name!r} must be a finite non-negative number"
                raise ValueError(msg)
        merged = dict(_DEFAULT_WEIGHTS)
        merged.update(self.weights)
        object.__setattr__(self, "weights", MappingProxyType(merged))
        order = tuple(Hosting(h) for h in self.hosting_order)
        if len(set(order)) != len(order) or set(order) != ALL_HOSTING:
            msg = "hosting_order must list every hosting form exactly once"
            raise ValueError(msg)
        object.__setattr__(self, "hosting_order", order)
        if self.adoption_saturation < 1:
            msg = "adoption_saturation must be at least 1"
            raise ValueError(msg)
        if not 0 <= self.unknown_adoption <= 1:
            msg = "unknown_adoption must lie in [0, 1]"
            raise ValueError(msg)
        if not 0 <= self.unknown_fact <= 1:
            msg = "unknown_fact must lie in [0, 1]"
            raise ValueError(msg)

    @property
    def max_total(self) -> float:
        """The largest possible total (every value 1)."""
        return math.fsum(self.weights.values())


DEFAULT_PROFILE = Profile()


def _neutral(profile: Profile, fact: str) -> tuple[float, str]:
    return profile.unknown_fact, f"{fact} unknown: neutral value {profile.unknown_fact:g} used"


def _hosting(candidate: Candidate, profile: Profile, constraints: Constraints) -> tuple[float, str]:
    if candidate.hosting is None:
        return _neutral(profile, "hosting")
    usable = candidate.hosting & constraints.allowed_hosting
    allowed = [h for h in profile.hosting_order if h in usable]
    if not allowed:
        offered = ", ".join(sorted(h.value for h in candidate.hosting)) or "none"
        return 1.0, f"no allowed hosting form (offers {offered})"
    best = allowed[0]
    position = profile.hosting_order.index(best)
    value = position / (len(profile.hosting_order) - 1)
    preferred = profile.hosting_order[0].value
    if position == 0:
        return value, f"offers the preferred hosting form {best.value}"
    return value, f"best allowed hosting form is {best.value} (preferred: {preferred})"


def _adoption(candidate: Candidate, profile: Profile) -> tuple[float, str]:
    count = candidate.adoption_count
    if count is None:
        return (
            profile.unknown_adoption,
            f"adoption unknown: neutral value {profile.unknown_adoption:g} used, not zero",
        )
    value = max(0.0, 1 - math.log1p(count) / math.log1p(profile.adoption_saturation))
    who = "municipality" if count == 1 else "municipalities"
    return value, f"used by {count} {who} (saturates at {profile.adoption_saturation})"


def _licence(candidate: Candidate, profile: Profile) -> tuple[float, str]:
    if candidate.open_source is None and candidate.licence:
        return _neutral(profile, f"whether licence {candidate.licence!r} is open source is")
    if candidate.open_source is None:
        return _neutral(profile, "licence")
    if not candidate.open_source:
        return 1.0, "proprietary licence"
    if candidate.licence:
        return 0.0, f"open source ({candidate.licence})"
    return 0.25, "open source, but no licence named"


def _dependencies(candidate: Candidate, available: frozenset[str]) -> tuple[float, str]:
    extra = sorted(candidate.requires - available - candidate.provides)
    value = len(extra) / (len(extra) + 2)
    declared = (
        f"; declares {candidate.dependencies_count} software dependencies (not scored)"
        if candidate.dependencies_count is not None
        else ""
    )
    if not extra:
        return value, f"brings no requirements the landscape does not meet{declared}"
    return value, f"brings {len(extra)} requirement(s) not yet met: {', '.join(extra)}{declared}"


def _lock_in(candidate: Candidate, profile: Profile) -> tuple[float, str]:
    if candidate.open_source is None:
        return _neutral(profile, "licence")
    if candidate.open_source:
        return 0.0, "open source: no vendor lock-in"
    count = len(candidate.standards)
    if count == 0:
        return 1.0, "proprietary without declared standards"
    return 1 / (1 + count), f"proprietary, but supports {count} standard(s)"


def score(
    candidate: Candidate,
    *,
    profile: Profile = DEFAULT_PROFILE,
    constraints: Constraints | None = None,
    available: Iterable[str] = (),
) -> ScoreBreakdown:
    """Score one candidate; every term comes with its reason.

    Parameters
    ----------
    candidate
        The candidate to score.
    profile
        Weights and preferences.
    constraints
        Constraints whose ``allowed_hosting`` restricts the hosting term (default: none).
    available
        Capabilities already available (the landscape), for the dependencies term.

    Returns
    -------
    ScoreBreakdown

    Examples
    --------
    >>> from advisor.model import Candidate
    >>> s = score(Candidate("x", open_source=True, licence="EUPL-1.2"))
    >>> s.term("licence").value, s.term("adoption").reason
    (0.0, 'adoption unknown: neutral value 0.5 used, not zero')
    """
    rules = constraints or Constraints()
    have = frozenset(available)
    status = candidate.status
    values: dict[str, tuple[float, str]] = {
        "hosting": _hosting(candidate, profile, rules),
        "maturity": (
            _neutral(profile, "status")
            if status is None
            else (_MATURITY[status], f"status {status.value}")
        ),
        "adoption": _adoption(candidate, profile),
        "licence": _licence(candidate, profile),
        "dependencies": _dependencies(candidate, have),
        "lock_in": _lock_in(candidate, profile),
    }
    terms = tuple(
        Term(
            name=name,
            value=value,
            weight=profile.weights[name],
            contribution=profile.weights[name] * value,
            reason=reason,
        )
        for name, (value, reason) in values.items()
    )
    return ScoreBreakdown(
        candidate=candidate.id,
        total=math.fsum(t.contribution for t in terms),
        terms=terms,
    )


def scores(instance: Instance, *, profile: Profile = DEFAULT_PROFILE) -> dict[str, ScoreBreakdown]:
    """Score every candidate of an instance against its constraints and landscape."""
    available = instance.base_available()
    return {
        c.id: score(c, profile=profile, constraints=instance.constraints, available=available)
        for c in instance.components
    }


def apply_scores(
    instance: Instance, *, profile: Profile = DEFAULT_PROFILE, base: float = 1.0
) -> Instance:
    """An instance whose costs are ``cost * (base + total / max_total)``.

    Keeps the instance's own costs (e.g. licence fees or effort) as the main driver and scales
    them by at most ``(base + 1) / base`` for a poorly scoring candidate, so the optimiser
    prefers well-scoring candidates among similarly priced ones.
    """
    if base <= 0:
        msg = "base must be positive"
        raise ValueError(msg)
    scored = scores(instance, profile=profile)
    top = profile.max_total or 1.0
    components = tuple(
        replace(c, cost=c.cost * (base + scored[c.id].total / top)) for c in instance.components
    )
    return replace(instance, components=components)
