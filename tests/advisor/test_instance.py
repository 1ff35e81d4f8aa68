"""The JSON instance contract: defaults, round trips and located validation errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings

from advisor import (
    ALL_HOSTING,
    Hosting,
    InstanceError,
    Status,
    instance_from_json,
    instance_to_json,
    parse_instance,
)
from tests.advisor.advisor_reference import instances

VALID: dict[str, Any] = {
    "components": [
        {
            "id": "open-zaak",
            "provides": ["zaakregistratie", "documentregistratie"],
            "requires": ["notificatierouting"],
            "cost": 3.5,
            "hosting": ["saas", "on-premise"],
            "open_source": True,
            "status": "stable",
        },
        {"id": "open-notificaties", "provides": ["notificatierouting"]},
    ],
    "landscape": {"components": ["some-id"], "provides": ["klantcontact"]},
    "needs": ["zaakregistratie", "e-formulieren"],
    "constraints": {
        "open_source_only": False,
        "allowed_hosting": ["saas", "paas", "iaas", "on-premise"],
        "min_status": "beta",
        "exclude": [],
    },
}


def test_defaults_follow_the_contract() -> None:
    inst = instance_from_json({"components": [{"id": "x", "provides": ["a"]}], "needs": ["a"]})
    x = inst.candidate("x")
    assert x.cost == 1.0
    assert x.requires == frozenset()
    assert x.hosting == ALL_HOSTING
    assert x.open_source is True
    assert x.status is Status.STABLE
    assert inst.landscape.components == frozenset()
    assert inst.landscape.provides == frozenset()
    assert inst.constraints.min_status is Status.BETA
    assert inst.constraints.open_source_only is False
    assert inst.constraints.allowed_hosting == ALL_HOSTING
    assert inst.constraints.exclude == frozenset()


def test_the_contract_example_parses() -> None:
    inst = instance_from_json(VALID)
    assert inst.candidate("open-zaak").hosting == frozenset({Hosting.SAAS, Hosting.ON_PREMISE})
    # A landscape id the catalogue does not know is allowed and provides nothing itself.
    assert inst.base_available() == frozenset({"klantcontact"})


@settings(deadline=None, max_examples=100)
@given(instances())
def test_round_trip_through_json(data: dict[str, Any]) -> None:
    inst = instance_from_json(data)
    again = instance_from_json(json.loads(json.dumps(instance_to_json(inst))))
    assert again == inst


def _broken(path: list[Any], value: Any, *, delete: bool = False) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


CASES = [
    (_broken(["components", 0, "cost"], -1), "components[0].cost", "negative"),
    (_broken(["components", 1, "cost"], "3"), "components[1].cost", "number"),
    (_broken(["components", 0, "cost"], True), "components[0].cost", "number"),
    (_broken(["components", 1, "id"], "open-zaak"), "components[1].id", "duplicate"),
    (_broken(["components", 0, "colour"], "red"), "components[0].colour", "unknown key"),
    (_broken(["extra"], 1), "extra", "unknown key"),
    (_broken(["components", 0, "provides"], "zaak"), "components[0].provides", "list"),
    (_broken(["components", 0, "requires"], [1]), "components[0].requires[0]", "string"),
    (_broken(["components", 0, "status"], "ready"), "components[0].status", "unknown value"),
    (_broken(["components", 0, "hosting"], ["cloud"]), "components[0].hosting[0]", "unknown"),
    (_broken(["components", 0, "open_source"], "yes"), "components[0].open_source", "true"),
    (_broken(["components", 1, "id"], None, delete=True), "components[1].id", "required"),
    (_broken(["components", 1, "id"], ""), "components[1].id", "empty"),
    (_broken(["components"], {}), "components", "list"),
    (_broken(["components", 0], "open-zaak"), "components[0]", "object"),
    (_broken(["needs"], "zaak"), "needs", "list"),
    (_broken(["needs"], None, delete=True), "needs", "required"),
    (_broken(["landscape", "components"], "x"), "landscape.components", "list"),
    (_broken(["landscape", "owner"], "x"), "landscape.owner", "unknown key"),
    (_broken(["constraints", "min_status"], "obsolete"), "constraints.min_status", "unknown"),
    (
        _broken(["constraints", "allowed_hosting"], ["mainframe"]),
        "constraints.allowed_hosting[0]",
        "unknown",
    ),
    (_broken(["constraints", "open_source_only"], 1), "constraints.open_source_only", "true"),
    (_broken(["constraints", "budget"], 1), "constraints.budget", "unknown key"),
    (_broken(["components", 0, "adoption_count"], -2), "components[0].adoption_count", "negative"),
]


@pytest.mark.parametrize(("data", "path", "fragment"), CASES, ids=[c[1] for c in CASES])
def test_errors_name_the_json_path(data: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(InstanceError) as caught:
        instance_from_json(data)
    assert caught.value.path == path
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{", "invalid JSON at line 1"),
        ('{"components": [], "needs": [], "needs": []}', "duplicate key"),
        ('{"components": [{"id": "a", "provides": [], "cost": NaN}], "needs": []}', "NaN"),
        ("[]", "must be an object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_text_level_errors(text: str, fragment: str) -> None:
    with pytest.raises(InstanceError) as caught:
        parse_instance(text)
    assert caught.value.path == "$"
    assert fragment in caught.value.message


def test_descriptive_fields_are_accepted_and_kept() -> None:
    data = copy.deepcopy(VALID)
    data["components"][0].update(
        name="Open Zaak",
        licence="EUPL-1.2",
        adoption_count=None,
        dependencies_count=4,
        standards=["ZGW API's"],
    )
    zaak = instance_from_json(data).candidate("open-zaak")
    assert zaak.name == "Open Zaak"
    assert zaak.licence == "EUPL-1.2"
    assert zaak.adoption_count is None
    assert zaak.dependencies_count == 4
    assert zaak.standards == frozenset({"ZGW API's"})
