"""``catalogue landscape import|export``: the CLI contract, dry run, revisions and the round trip,
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from catalogue import ameff
from catalogue.models import Landscape, LandscapeRevision
from tests.conftest import ROOT

GEMMA_FILE = ROOT / "tests" / "catalogue" / "ameff" / "gemeente-met-gemma.xml"
APPLICATION_KEYS = {
    "element",
    "name",
    "status",
    "component",
    "reference_components",
    "supplier",
    "version",
    "hosting",
    "contract_end",
    "notice_months",
}


def _count(app: Any, model: Any) -> int:
    with app.extensions["catalogue_db"].session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_dry_run_json_has_the_contracts_shape_and_writes_nothing(runner: Any, app: Any) -> None:
    result = runner.invoke(
        args=[
            "catalogue", "landscape", "import", "--organisation", "GM0197",
            "--dry-run", "--json", str(GEMMA_FILE),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"organisation", "applications", "warnings", "ignored"}
    assert report["organisation"] == "GM0197"
    assert report["ignored"] == 2
    for application in report["applications"]:
        assert set(application) == APPLICATION_KEYS
        assert application["status"] in {"matched", "other"}
    for warning in report["warnings"]:
        assert set(warning) == {"element", "message"}
    assert {w["element"] for w in report["warnings"]} == {"id-app-sig", "id-app-unknown"}
    assert _count(app, Landscape) == 0 and _count(app, LandscapeRevision) == 0


@pytest.mark.both_backends
def test_import_saves_revisions_and_the_export_round_trips(
    runner: Any, app: Any, tmp_path: Path
) -> None:
    args = ["catalogue", "landscape", "import", "--organisation", "GM0197", str(GEMMA_FILE)]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "revision 1" in first.output
    exported = tmp_path / "export.xml"
    out = runner.invoke(
        args=[
            "catalogue",
            "landscape",
            "export",
            "--organisation",
            "gemeente-aalten",
            str(exported),
        ]
    )
    assert out.exit_code == 0, out.output
    data = exported.read_bytes()
    assert ameff.schema_problems(data) == []
    # Importing the export again gives the same landscape, kept as a second revision.
    again = runner.invoke(
        args=["catalogue", "landscape", "import", "--organisation", "GM0197", str(exported)]
    )
    assert again.exit_code == 0, again.output
    with app.extensions["catalogue_db"].session() as session:
        revisions = session.scalars(
            select(LandscapeRevision).order_by(LandscapeRevision.number)
        ).all()
        assert [r.number for r in revisions] == [1, 2]
        assert revisions[0].applications == revisions[1].applications
        assert revisions[0].origin == "cli" and revisions[0].actor_id is None
        assert revisions[1].summary.startswith("+0 -0 ~0")


def test_an_unknown_organisation_and_a_broken_file_fail_clearly(
    runner: Any, tmp_path: Path
) -> None:
    unknown = runner.invoke(
        args=["catalogue", "landscape", "import", "--organisation", "GM9999", str(GEMMA_FILE)]
    )
    assert unknown.exit_code != 0 and "GM9999" in unknown.output
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<model xmlns='http://www.opengroup.org/xsd/archimate/3.0/'>\n<name>")
    result = runner.invoke(
        args=["catalogue", "landscape", "import", "--organisation", "GM0197", str(broken)]
    )
    assert result.exit_code != 0
    assert "line 2" in result.output and "well-formed" in result.output


def test_the_command_line_is_exactly_the_contract(database_url: str, tmp_path: Path) -> None:
    """The real ``flask`` executable, as the issue writes it."""
    env = {
        **os.environ,
        "CATALOGUE_ENV": "testing",
        "CATALOGUE_DATABASE_URL": database_url,
        "CATALOGUE_SEARCH_INDEX_DIR": str(tmp_path / "index"),
    }
    flask = Path(sys.executable).with_name("flask")
    dry = subprocess.run(  # noqa: S603 - our own executable and arguments
        [str(flask), "--app", "app", "catalogue", "landscape", "import", "--organisation",
         "GM0197", "--dry-run", "--json", str(GEMMA_FILE)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert json.loads(dry.stdout)["organisation"] == "GM0197"
    target = tmp_path / "landschap.xml"
    subprocess.run(  # noqa: S603 - our own executable and arguments
        [str(flask), "--app", "app", "catalogue", "landscape", "export", "--organisation",
         "GM0197", str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert ameff.schema_problems(target.read_bytes()) == []


def test_the_catalogue_export_never_carries_a_landscape(runner: Any, tmp_path: Path) -> None:
    imported = runner.invoke(
        args=["catalogue", "landscape", "import", "--organisation", "GM0197", str(GEMMA_FILE)]
    )
    assert imported.exit_code == 0, imported.output
    target = tmp_path / "export"
    result = runner.invoke(args=["catalogue", "export", str(target)])
    assert result.exit_code == 0, result.output
    files = [p for p in target.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert b"Formulierenpakket Testleverancier" not in path.read_bytes(), path
