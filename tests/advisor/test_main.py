"""``python -m advisor solve`` through a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

INSTANCE: dict[str, Any] = {
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
        {"id": "open-notificaties", "provides": ["notificatierouting"], "cost": 1},
        {"id": "formulieren", "provides": ["e-formulieren"], "requires": ["zaakregistratie"]},
        {"id": "closed-forms", "provides": ["e-formulieren"], "cost": 0.5, "status": "concept"},
    ],
    "landscape": {"components": ["some-id"], "provides": ["klantcontact"]},
    "needs": ["zaakregistratie", "e-formulieren", "burgerzaken"],
    "constraints": {
        "open_source_only": False,
        "allowed_hosting": ["saas", "paas", "iaas", "on-premise"],
        "min_status": "beta",
        "exclude": [],
    },
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed interpreter, arguments from the test
        [sys.executable, "-m", "advisor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_solve_prints_the_contract_shape(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(INSTANCE), encoding="utf-8")
    done = run("solve", str(path))
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert set(plan) == {"feasible", "selected", "cost", "unmet", "order", "why", "optimal"}
    assert plan["feasible"] is False
    assert plan["unmet"] == ["burgerzaken"]
    assert plan["selected"] == ["formulieren", "open-notificaties", "open-zaak"]
    assert plan["cost"] == 5.5
    assert plan["order"] == [["open-notificaties"], ["open-zaak"], ["formulieren"]]
    assert plan["why"] == {
        "formulieren": ["e-formulieren"],
        "open-notificaties": ["notificatierouting"],
        "open-zaak": ["zaakregistratie"],
    }
    assert plan["optimal"] is True
    assert isinstance(plan["cost"], int | float)
    assert all(isinstance(wave, list) for wave in plan["order"])


def test_stdin_and_pretty_output() -> None:
    done = run("solve", "-", "--pretty", stdin=json.dumps(INSTANCE))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{\n  ")
    assert json.loads(done.stdout)["selected"] == ["formulieren", "open-notificaties", "open-zaak"]


BAD = [
    (
        '{"components": [{"id": "a", "provides": [], "cost": -2}], "needs": []}',
        "components[0].cost: must not be negative",
    ),
    (
        '{"components": [{"id": "a", "provides": []}, {"id": "a", "provides": []}], "needs": []}',
        "components[1].id: duplicate id 'a'",
    ),
    ('{"components": [], "needs": [], "wishes": []}', "wishes: unknown key"),
    (
        '{"components": [{"id": "a", "provides": "x"}], "needs": []}',
        "components[0].provides: must be a list",
    ),
    (
        '{"components": [{"id": "a", "provides": [], "status": "gold"}], "needs": []}',
        "components[0].status: unknown value 'gold'",
    ),
    (
        '{"components": [{"id": "a", "provides": [], "hosting": ["cloud"]}], "needs": []}',
        "components[0].hosting[0]: unknown value 'cloud'",
    ),
    ('{"components": [], "needs": [3]}', "needs[0]: must be a string"),
    ('{"components": [', "$: invalid JSON at line 1"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_instances_exit_2_naming_the_field(text: str, message: str) -> None:
    done = run("solve", "-", stdin=text)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    done = run("solve", str(tmp_path / "absent.json"))
    assert done.returncode == 2
    assert "cannot read instance" in done.stderr
