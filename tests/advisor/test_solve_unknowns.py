"""Unknown is never "no": three-valued licence, status and hosting in the advisor's core.

``open_source``, ``status`` and ``hosting`` may be null in the JSON contract. A rule excludes a
candidate only on a known violation; ``constraints.strict`` ("alleen zekere feiten") excludes
an unknown wherever a rule depends on it. The properties are checked against an independent
reading of the rules (``advisor_reference.is_selectable``) and against every completion of the
unknown facts.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from advisor import Candidate, Constraints, Hosting, Status, explain, instance_from_json, solve
from advisor.cost import Profile, score
from advisor.instance import instance_to_json
from tests.advisor.advisor_reference import (
    HOSTING,
    JSON,
    STATUSES,
    brute_force,
    components,
    instances,
)

SETTINGS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
LIMIT = 20.0
# Every value a fact could turn out to have, for the completions of an unknown.
# A system is hosted somehow: an unknown hosting is some non-empty set of forms (an empty
# list in the contract means "never selectable", which is a known fact, not an unknown).
HOSTING_VALUES = [
    list(c) for r in range(1, len(HOSTING) + 1) for c in itertools.combinations(HOSTING, r)
]
POSSIBLE = {"open_source": [True, False], "status": STATUSES, "hosting": HOSTING_VALUES}


def _completions(comp: JSON) -> list[JSON]:
    """The component with each unknown fact replaced by every value it could have."""
    unknown = [key for key in POSSIBLE if key in comp and comp[key] is None]
    result = []
    for values in itertools.product(*(POSSIBLE[key] for key in unknown)):
        result.append({**comp, **dict(zip(unknown, values, strict=True))})
    return result


@SETTINGS
@given(instances(unknowns=True))
def test_plans_with_unknowns_are_optimal_against_brute_force(data: JSON) -> None:
    """The solver and an independent enumeration agree on the three-valued rules."""
    plan = solve(instance_from_json(data), time_limit=LIMIT)
    unmet, best, fewest = brute_force(data)
    assert set(plan.unmet) == unmet
    assert plan.optimal
    assert math.isclose(plan.cost, best, rel_tol=1e-9, abs_tol=1e-9)
    assert len(plan.selected) == fewest


@SETTINGS
@given(instances(unknowns=True))
def test_an_unknown_excludes_only_when_every_or_no_completion_passes(data: JSON) -> None:
    """Lenient: allowed when the facts *could* pass (some completion is allowed).
    Strict: allowed only when they *must* pass (every completion is allowed)."""
    inst = instance_from_json(data)
    for raw in data["components"]:
        candidate = inst.candidate(raw["id"])
        lenient = Constraints(**{**_rules(inst.constraints), "strict": False})
        strict = Constraints(**{**_rules(inst.constraints), "strict": True})
        outcomes = [
            lenient.allows(instance_from_json({**data, "components": [c]}).components[0])
            for c in _completions(raw)
        ]
        assert lenient.allows(candidate) == any(outcomes), raw
        assert strict.allows(candidate) == all(outcomes), raw


def _rules(constraints: Constraints) -> dict[str, Any]:
    return {
        "open_source_only": constraints.open_source_only,
        "allowed_hosting": constraints.allowed_hosting,
        "min_status": constraints.min_status,
        "exclude": constraints.exclude,
    }


@SETTINGS
@given(instances(unknowns=True))
def test_no_explanation_states_a_negative_the_instance_does_not_know(data: JSON) -> None:
    """Reasons for not selecting a candidate name only violations of known facts, or (strict)
    say "unknown"; never "not open source" or "below the minimum" for an unknown."""
    inst = instance_from_json(data)
    plan = solve(inst, time_limit=LIMIT)
    ex = explain(inst, plan, time_limit=0.5)
    blocked = [b for gap in ex.gaps for b in gap.candidates]
    blocked += [
        alt.blocked
        for choice in ex.choices
        for need in choice.alternatives
        for alt in need.ranked
        if alt.blocked is not None
    ]
    comps = components(data)
    for b in blocked:
        comp = comps[b.candidate]
        for name, why in b.constraints:
            if name == "open_source_only" and comp["open_source"] is None:
                assert "unknown" in why and "not open source" not in why
            if name == "min_status" and comp["status"] is None:
                assert "unknown" in why and "below" not in why
            if name == "allowed_hosting" and comp["hosting"] is None:
                assert "unknown" in why and "offers" not in why
            if "unknown" in why:
                assert inst.constraints.strict


@SETTINGS
@given(instances(unknowns=True))
def test_round_trip_keeps_unknowns(data: JSON) -> None:
    inst = instance_from_json(data)
    again = instance_from_json(json.loads(json.dumps(instance_to_json(inst))))
    assert again == inst


def test_null_means_unknown_and_absent_keeps_the_old_defaults() -> None:
    inst = instance_from_json(
        {
            "components": [
                {"id": "a", "provides": ["x"], "open_source": None, "status": None},
                {"id": "b", "provides": ["x"], "hosting": None},
                {"id": "c", "provides": ["x"]},
            ],
            "needs": ["x"],
        }
    )
    a, b, c = (inst.candidate(cid) for cid in "abc")
    assert (a.open_source, a.status, a.hosting) == (None, None, frozenset(Hosting))
    assert b.hosting is None and b.possible_hosting == frozenset(Hosting)
    assert (c.open_source, c.status, c.hosting) == (True, Status.STABLE, frozenset(Hosting))
    assert a.unknown_facts == ("open_source", "status")
    assert inst.constraints.strict is False


def test_unknown_licence_stays_eligible_and_is_listed_to_verify() -> None:
    """The case of Open Archiefbeheer: EUPL-licensed, but the catalogue lacked its licence."""
    rules = Constraints(open_source_only=True, min_status=Status.BETA)
    unknown = Candidate("open-archiefbeheer", provides=frozenset({"archief"}), open_source=None)
    assert rules.allows(unknown)
    assert rules.uncertainties(unknown) == (
        ("open_source_only", "licence unknown; only open source is allowed"),
    )
    proprietary = Candidate("closed", provides=frozenset({"archief"}), open_source=False)
    assert not rules.allows(proprietary)
    strict = Constraints(open_source_only=True, strict=True)
    ((name, why),) = strict.violations(unknown)
    assert name == "open_source_only"
    assert "licence unknown" in why and "not open source" not in why


def test_unknown_status_is_not_concept() -> None:
    rules = Constraints(min_status=Status.STABLE)
    candidate = Candidate("x", status=None)
    assert rules.allows(candidate)
    assert [name for name, _ in rules.uncertainties(candidate)] == ["min_status"]
    (violation,) = Constraints(min_status=Status.STABLE, strict=True).violations(candidate)
    assert violation[0] == "min_status" and "unknown" in violation[1]


def test_unknown_hosting_matters_only_when_a_form_is_disallowed() -> None:
    candidate = Candidate("x", hosting=None)
    assert Constraints(strict=True).allows(candidate)
    no_saas = Constraints(allowed_hosting=frozenset(Hosting) - {Hosting.SAAS}, strict=True)
    assert not no_saas.allows(candidate)
    assert Constraints(allowed_hosting=no_saas.allowed_hosting).allows(candidate)


def test_unknowns_score_the_documented_neutral_value_not_the_worst() -> None:
    """docs/advisor.md: an unknown hosting, status or licence scores 0.5 in its terms."""
    profile = Profile()
    unknown = score(Candidate("u", hosting=None, open_source=None, status=None), profile=profile)
    worst = score(
        Candidate(
            "w", hosting=frozenset({Hosting.ON_PREMISE}), open_source=False, status=Status.CONCEPT
        ),
        profile=profile,
    )
    for term in ("hosting", "maturity", "licence", "lock_in"):
        assert unknown.term(term).value == profile.unknown_fact == 0.5
        assert "unknown" in unknown.term(term).reason
        assert worst.term(term).value == 1.0
    assert unknown.total < worst.total


@pytest.mark.slow  # seconds: see SLOW_FILES in tests/conftest.py
def test_the_cli_accepts_nulls_and_strict(tmp_path: Any) -> None:
    """``python -m advisor solve`` keeps its seven-key output; null means unknown."""
    data = {
        "components": [
            {"id": "known", "provides": ["x"], "cost": 3, "open_source": True},
            {"id": "unknown", "provides": ["x"], "cost": 1, "open_source": None, "status": None},
        ],
        "needs": ["x"],
        "constraints": {"open_source_only": True},
    }
    path = tmp_path / "instance.json"
    outputs = []
    for strict in (False, True):
        body = copy.deepcopy(data)
        body["constraints"]["strict"] = strict
        path.write_text(json.dumps(body))
        result = subprocess.run(  # noqa: S603 - fixed interpreter, arguments from the test
            [sys.executable, "-m", "advisor", "solve", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(result.stdout))
    lenient, strict_plan = outputs
    assert set(lenient) == {"feasible", "selected", "cost", "unmet", "order", "why", "optimal"}
    assert lenient["selected"] == ["unknown"]
    assert strict_plan["selected"] == ["known"]


def test_a_named_licence_of_unknown_openness_is_named_not_called_closed() -> None:
    candidate = Candidate("x", open_source=None, licence="LicenseRef-gemeente")
    ((name, why),) = Constraints(open_source_only=True, strict=True).violations(candidate)
    assert name == "open_source_only"
    assert "'LicenseRef-gemeente'" in why and "unknown" in why and "not open source" not in why
    licence = score(candidate).term("licence")
    assert licence.value == 0.5 and "LicenseRef-gemeente" in licence.reason
