"""The advisor's domain model: immutable value objects, no behaviour beyond invariants.

Everything here is a frozen dataclass so that instances and plans can be shared between
threads of the web app and used as cache keys without defensive copies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum, StrEnum
from types import MappingProxyType

__all__ = [
    "ALL_HOSTING",
    "to_jsonable",
    "Candidate",
    "Constraints",
    "Hosting",
    "Instance",
    "Landscape",
    "Obligation",
    "Plan",
    "ScoreBreakdown",
    "Status",
    "Term",
    "UnknownComponentError",
]


class Status(StrEnum):
    """Development status of a component, from least to most mature.

    ``obsolete`` sits outside the order: it is never selectable, whatever ``min_status`` says.
    """

    CONCEPT = "concept"
    DEVELOPMENT = "development"
    BETA = "beta"
    STABLE = "stable"
    OBSOLETE = "obsolete"

    @property
    def rank(self) -> int:
        """Position in the maturity order; ``-1`` for ``obsolete``.

        >>> Status.BETA.rank > Status.CONCEPT.rank
        True
        """
        return _STATUS_RANK[self]


_STATUS_RANK: dict[Status, int] = {
    Status.CONCEPT: 0,
    Status.DEVELOPMENT: 1,
    Status.BETA: 2,
    Status.STABLE: 3,
    Status.OBSOLETE: -1,
}


class Obligation(StrEnum):
    """How strongly GEMMA asks for a dependency or a standard: its role *Verplicht* or *Aanbevolen*.

    GEMMA spells the roles with a capital; the catalogue stores them as GEMMA wrote them, so
    compare through :meth:`of`, which ignores case. A relation without either role is neither.

    >>> Obligation.of("Verplicht") is Obligation.VERPLICHT
    True
    >>> Obligation.of(None) is None, Obligation.of("Optioneel") is None
    (True, True)
    """

    VERPLICHT = "verplicht"
    AANBEVOLEN = "aanbevolen"

    @classmethod
    def of(cls, role: str | None) -> Obligation | None:
        """The obligation a GEMMA role names, ignoring case; ``None`` for no role or another."""
        try:
            return cls((role or "").lower())
        except ValueError:
            return None


class Hosting(StrEnum):
    """Hosting forms, listed in the default "SaaS unless" preference order."""

    SAAS = "saas"
    PAAS = "paas"
    IAAS = "iaas"
    ON_PREMISE = "on-premise"


ALL_HOSTING: frozenset[Hosting] = frozenset(Hosting)


class UnknownComponentError(LookupError):
    """A component id was asked for that the instance does not contain."""

    def __init__(self, component_id: str, where: str = "instance") -> None:
        self.component_id = component_id
        super().__init__(f"unknown component {component_id!r} in {where}")


def _frozen(value: Iterable[str]) -> frozenset[str]:
    # Callers may pass lists or sets; a str would silently become a set of characters.
    if isinstance(value, str):
        msg = f"expected a collection of strings, got the string {value!r}"
        raise TypeError(msg)
    return frozenset(value)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A component that a municipality could adopt.

    ``provides`` and ``requires`` are capability ids (in GEMMA terms: reference components).
    ``cost`` is the weight the optimiser minimises; see :mod:`advisor.cost` for a way to derive
    it from a profile. The descriptive fields do not influence the optimiser, only scores and
    explanations.

    ``hosting``, ``open_source`` and ``status`` may be ``None``: the fact is unknown. Unknown is
    never "no": a constraint excludes the candidate only on a known violation, unless the
    constraints are ``strict`` (see :meth:`Constraints.violations`).
    """

    id: str
    provides: frozenset[str] = frozenset()
    requires: frozenset[str] = frozenset()
    cost: float = 1.0
    hosting: frozenset[Hosting] | None = ALL_HOSTING
    open_source: bool | None = True
    status: Status | None = Status.STABLE
    name: str = ""
    licence: str | None = None
    adoption_count: int | None = None
    dependencies_count: int | None = None
    standards: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.id:
            msg = "component id must not be empty"
            raise ValueError(msg)
        if not math.isfinite(self.cost) or self.cost < 0:
            msg = f"component {self.id!r}: cost must be a finite non-negative number"
            raise ValueError(msg)
        object.__setattr__(self, "cost", float(self.cost))
        if self.adoption_count is not None and self.adoption_count < 0:
            msg = f"component {self.id!r}: adoption_count must not be negative"
            raise ValueError(msg)
        object.__setattr__(self, "provides", _frozen(self.provides))
        object.__setattr__(self, "requires", _frozen(self.requires))
        object.__setattr__(self, "standards", _frozen(self.standards))
        if self.hosting is not None:
            object.__setattr__(self, "hosting", frozenset(Hosting(h) for h in self.hosting))
        if self.status is not None:
            object.__setattr__(self, "status", Status(self.status))
        if not self.name:
            object.__setattr__(self, "name", self.id)

    @property
    def possible_hosting(self) -> frozenset[Hosting]:
        """The hosting forms the candidate may offer: every form when hosting is unknown."""
        return ALL_HOSTING if self.hosting is None else self.hosting

    @property
    def unknown_facts(self) -> tuple[str, ...]:
        """Which of ``hosting``, ``open_source`` and ``status`` are unknown, in that order."""
        return tuple(
            name
            for name, value in (
                ("hosting", self.hosting),
                ("open_source", self.open_source),
                ("status", self.status),
            )
            if value is None
        )


@dataclass(frozen=True, slots=True)
class Landscape:
    """What a municipality already runs.

    ``components`` are ids of systems in place; those that appear in the instance's candidate
    list contribute their ``provides``. Ids that are not candidates are allowed (a municipality
    runs systems the catalogue does not know) and provide nothing by themselves: list their
    capabilities in ``provides``.
    """

    components: frozenset[str] = frozenset()
    provides: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "components", _frozen(self.components))
        object.__setattr__(self, "provides", _frozen(self.provides))


@dataclass(frozen=True, slots=True)
class Constraints:
    """Rules a selectable component must satisfy (they never apply to the landscape).

    ``strict`` ("alleen zekere feiten", for strict procurement) also excludes candidates whose
    licence, status or hosting is unknown where a rule depends on it; otherwise such a candidate
    stays selectable and :meth:`uncertainties` names what is left to verify.
    """

    open_source_only: bool = False
    allowed_hosting: frozenset[Hosting] = ALL_HOSTING
    min_status: Status = Status.BETA
    exclude: frozenset[str] = frozenset()
    strict: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "allowed_hosting", frozenset(Hosting(h) for h in self.allowed_hosting)
        )
        object.__setattr__(self, "min_status", Status(self.min_status))
        object.__setattr__(self, "exclude", _frozen(self.exclude))
        if self.min_status is Status.OBSOLETE:
            msg = "min_status cannot be 'obsolete': obsolete components are never selectable"
            raise ValueError(msg)

    def uncertainties(self, candidate: Candidate) -> tuple[tuple[str, str], ...]:
        """The rules ``candidate`` might break but that the known facts cannot decide.

        Pairs of (constraint name, reason), in the order of :meth:`violations`. Under
        ``strict`` these are violations instead. A status is always checked (an unknown status
        might be "obsolete"); a licence only under ``open_source_only``; hosting only when
        some form is not allowed.

        >>> c = Candidate("x", open_source=None, status=None)
        >>> [name for name, _ in Constraints(open_source_only=True).uncertainties(c)]
        ['min_status', 'open_source_only']
        >>> Constraints(open_source_only=True).violations(c)
        ()
        """
        found: list[tuple[str, str]] = []
        if candidate.status is None:
            found.append(
                ("min_status", f"status unknown; the minimum is {self.min_status.value!r}")
            )
        if self.open_source_only and candidate.open_source is None:
            what = (
                f"whether licence {candidate.licence!r} is open source is unknown"
                if candidate.licence
                else "licence unknown"
            )
            found.append(("open_source_only", f"{what}; only open source is allowed"))
        if candidate.hosting is None and self.allowed_hosting != ALL_HOSTING:
            allowed = ", ".join(sorted(h.value for h in self.allowed_hosting)) or "none"
            found.append(("allowed_hosting", f"hosting unknown; allowed is {allowed}"))
        return tuple(found)

    def violations(self, candidate: Candidate) -> tuple[tuple[str, str], ...]:
        """Why ``candidate`` is not selectable: pairs of (constraint name, reason).

        An empty tuple means the candidate is selectable. Only a known violation counts, or,
        under ``strict``, an unknown fact a rule depends on (its reason says "unknown").

        >>> c = Candidate("x", status=Status.CONCEPT)
        >>> [name for name, _ in Constraints().violations(c)]
        ['min_status']
        >>> Constraints(strict=True).violations(Candidate("y", status=None))
        (('min_status', "status unknown; the minimum is 'beta' (only certain facts)"),)
        """
        found: list[tuple[str, str]] = []
        if candidate.id in self.exclude:
            found.append(("exclude", f"{candidate.id!r} is explicitly excluded"))
        if candidate.status is Status.OBSOLETE:
            found.append(("status", "status 'obsolete' is never selectable"))
        elif candidate.status is not None and candidate.status.rank < self.min_status.rank:
            found.append(
                (
                    "min_status",
                    f"status {candidate.status.value!r} is below the minimum "
                    f"{self.min_status.value!r}",
                )
            )
        if self.open_source_only and candidate.open_source is False:
            found.append(("open_source_only", "not open source, and only open source is allowed"))
        if candidate.hosting is not None and not candidate.hosting & self.allowed_hosting:
            offered = ", ".join(sorted(h.value for h in candidate.hosting)) or "none"
            allowed = ", ".join(sorted(h.value for h in self.allowed_hosting)) or "none"
            found.append(
                (
                    "allowed_hosting",
                    f"offers hosting {offered}; allowed is {allowed}",
                )
            )
        if self.strict:
            found.extend(
                (name, f"{why} (only certain facts)") for name, why in self.uncertainties(candidate)
            )
        return tuple(found)

    def allows(self, candidate: Candidate) -> bool:
        """Whether ``candidate`` may be selected under these constraints."""
        return not self.violations(candidate)


def _empty_index() -> Mapping[str, Candidate]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Instance:
    """A complete advisor question: candidates, landscape, needs and constraints."""

    components: tuple[Candidate, ...]
    needs: frozenset[str]
    landscape: Landscape = field(default_factory=Landscape)
    constraints: Constraints = field(default_factory=Constraints)
    _by_id: Mapping[str, Candidate] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=_empty_index
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "components", tuple(self.components))
        object.__setattr__(self, "needs", _frozen(self.needs))
        by_id: dict[str, Candidate] = {}
        for candidate in self.components:
            if candidate.id in by_id:
                msg = f"duplicate component id {candidate.id!r}"
                raise ValueError(msg)
            by_id[candidate.id] = candidate
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))

    @property
    def by_id(self) -> Mapping[str, Candidate]:
        """Read-only mapping from component id to candidate."""
        return self._by_id

    def candidate(self, component_id: str) -> Candidate:
        """The candidate with this id; raises :class:`UnknownComponentError` otherwise."""
        try:
            return self._by_id[component_id]
        except KeyError:
            raise UnknownComponentError(component_id) from None

    def landscape_candidates(self) -> tuple[Candidate, ...]:
        """Landscape components that the instance describes, sorted by id."""
        return tuple(
            self._by_id[cid] for cid in sorted(self.landscape.components) if cid in self._by_id
        )

    def base_available(self) -> frozenset[str]:
        """Capabilities available before anything is selected (landscape only)."""
        available = set(self.landscape.provides)
        for candidate in self.landscape_candidates():
            available |= candidate.provides
        return frozenset(available)


@dataclass(frozen=True, slots=True)
class Plan:
    """The advisor's answer to an :class:`Instance`.

    ``selected`` and each wave of ``order`` are sorted by id. ``cost`` is the ``math.fsum`` of
    the selected costs rounded to 9 decimals. ``gap`` is the relative optimality gap the solver
    proved (``0.0`` when optimal, ``None`` when no bound is known); ``lower_bound`` the matching
    proven lower bound on the cost. ``method`` names how the plan was found: ``"presolve"``
    (nothing left to optimise), ``"milp"`` (proven by HiGHS), ``"milp-incumbent"`` (HiGHS
    stopped by the time limit) or ``"heuristic"`` (Lagrangian heuristic or solution merging;
    proven optimal only when its lower bound meets the cost).
    """

    feasible: bool
    selected: tuple[str, ...]
    cost: float
    unmet: tuple[str, ...]
    order: tuple[tuple[str, ...], ...]
    why: Mapping[str, tuple[str, ...]] = field(hash=False)
    optimal: bool
    gap: float | None = None
    lower_bound: float | None = None
    method: str = "milp"
    available: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, object]:
        """The plan in the CLI contract's shape (exactly its seven keys)."""
        return {
            "feasible": self.feasible,
            "selected": list(self.selected),
            "cost": self.cost,
            "unmet": list(self.unmet),
            "order": [list(wave) for wave in self.order],
            "why": {cid: list(self.why[cid]) for cid in self.selected},
            "optimal": self.optimal,
        }


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a weighted score: ``contribution = weight * value``.

    ``value`` lies in ``[0, 1]`` where 0 is best; ``reason`` says in words where it came from.
    """

    name: str
    value: float
    weight: float
    contribution: float
    reason: str


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    """A candidate's weighted score (lower is better) with every term that made it."""

    candidate: str
    total: float
    terms: tuple[Term, ...]

    def term(self, name: str) -> Term:
        """The term called ``name``; raises ``KeyError`` when there is none."""
        for term in self.terms:
            if term.name == name:
                return term
        msg = f"no term {name!r} in the score of {self.candidate!r}"
        raise KeyError(msg)


def to_jsonable(value: object) -> object:
    """Turn advisor results (dataclasses, enums, sets, mappings) into plain JSON data.

    Sets become sorted lists, tuples lists, enums their values; private fields (leading
    underscore) are left out. Meant for the web bridge and for debugging output.

    >>> to_jsonable(Term("hosting", 0.0, 1.0, 0.0, "saas"))["reason"]
    'saas'
    """
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name))
            for f in fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted((to_jsonable(v) for v in value), key=repr)
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    msg = f"cannot convert {type(value).__name__} to JSON"
    raise TypeError(msg)
