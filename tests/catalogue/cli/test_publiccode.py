"""The CLI through click's runner, on a real seeded database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from catalogue.models import Component, ImportRecord
from tests.conftest import ROOT

DUTCH = ROOT / "data" / "publiccode" / "dutch"
OPEN_ZAAK = DUTCH / "open-zaak__open-zaak.yml"

NEW_COMPONENT = """\
publiccodeYmlVersion: "0.4"
name: Proefcomponent
url: https://github.com/example/proefcomponent
softwareVersion: "2.0"
releaseDate: "2024-05-01"
platforms: [web]
categories: [document-management]
developmentStatus: beta
softwareType: standalone/web
description:
  nl:
    shortDescription: Een component om mee te proberen
    longDescription: >
      Een beschrijving die lang genoeg is om aan de eisen van de standaard te voldoen,
      met nog wat woorden erbij om zeker te zijn dat hij lang genoeg is.
    features: [Proberen]
legal:
  license: EUPL-1.2
maintenance:
  type: community
  contacts:
    - name: Proef Persoon
localisation:
  localisationReady: true
  availableLanguages: [nl]
"""


def _count(app: Any, model: Any) -> int:
    with app.extensions["catalogue_db"].session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_validate_prints_each_issue_with_key_line_and_column(runner: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\nurl: [unclosed\n", encoding="utf-8")
    result = runner.invoke(args=["catalogue", "validate", str(broken)])
    assert result.exit_code == 1
    assert "broken.yml: invalid" in result.output
    # The YAML error is located: "line:column" appears in the row.
    assert any(":" in line and "error" in line for line in result.output.splitlines()[1:])


def test_validate_json_lists_every_file(runner: Any, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.yml"
    latin1.write_bytes("name: Gemeente Súdwest-Fryslân\nurl: https://x.org/y\n".encode("latin-1"))
    result = runner.invoke(args=["catalogue", "validate", "--json", str(OPEN_ZAAK), str(latin1)])
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [r["file"] for r in reports] == [str(OPEN_ZAAK), str(latin1)]
    by_file = {r["file"]: r for r in reports}
    assert by_file[str(OPEN_ZAAK)]["valid"] is True
    assert by_file[str(latin1)]["valid"] is False
    error = by_file[str(latin1)]["errors"][0]
    assert set(error) == {"key", "line", "column", "message"}
    assert error["line"] == 1


def test_validate_exit_zero_when_all_files_are_valid(runner: Any) -> None:
    result = runner.invoke(args=["catalogue", "validate", str(OPEN_ZAAK)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_strict_validation_is_stricter_than_lenient(runner: Any) -> None:
    # The ZGWBundle file declares version 0.1, which only the lenient mode accepts.
    path = DUTCH / "CommonGateway__ZGWBundle.yml"
    lenient = runner.invoke(args=["catalogue", "validate", str(path)])
    strict = runner.invoke(args=["catalogue", "validate", "--strict", str(path)])
    assert lenient.exit_code == 0, lenient.output
    assert strict.exit_code == 1, strict.output


def test_import_dry_run_writes_nothing(app: Any, runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "publiccode.yml"
    path.write_text(NEW_COMPONENT, encoding="utf-8")
    components, records = _count(app, Component), _count(app, ImportRecord)
    result = runner.invoke(args=["catalogue", "import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert "would create 'Proefcomponent'" in result.output
    assert "name:" in result.output
    assert (_count(app, Component), _count(app, ImportRecord)) == (components, records)


def test_import_creates_then_updates_by_url(app: Any, runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "publiccode.yml"
    path.write_text(NEW_COMPONENT, encoding="utf-8")
    components = _count(app, Component)
    created = runner.invoke(args=["catalogue", "import", str(path)])
    assert created.exit_code == 0, created.output
    assert "created 'Proefcomponent'" in created.output
    assert _count(app, Component) == components + 1

    path.write_text(
        NEW_COMPONENT.replace('softwareVersion: "2.0"', 'softwareVersion: "2.1"').replace(
            "https://github.com/example/proefcomponent",
            "https://github.com/example/proefcomponent.git",
        ),
        encoding="utf-8",
    )
    updated = runner.invoke(args=["catalogue", "import", str(path)])
    assert updated.exit_code == 0, updated.output
    assert "updated 'Proefcomponent'" in updated.output
    assert 'software_version: "2.0" -> "2.1"' in updated.output
    assert _count(app, Component) == components + 1


def test_import_of_a_bad_file_is_recorded_and_exits_1(
    app: Any, runner: Any, tmp_path: Path
) -> None:
    path = tmp_path / "publiccode.yml"
    path.write_text("just a string\n", encoding="utf-8")
    records = _count(app, ImportRecord)
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 1
    assert "rejected" in result.output
    assert _count(app, ImportRecord) == records + 1


def test_seed_twice_reports_the_same_catalogue(app: Any, runner: Any) -> None:
    components = _count(app, Component)
    result = runner.invoke(args=["catalogue", "seed"])
    assert result.exit_code == 0, result.output
    assert f"{components} components" in result.output
    assert "342 municipalities" in result.output
    assert _count(app, Component) == components


def test_export_writes_the_catalogue_files(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["catalogue", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for name in (
        "components.yaml",
        "municipalities/municipalities.csv",
        "municipalities/usage_claims.csv",
        "gemma/gemma.yaml",
    ):
        assert (tmp_path / "out" / name).exists(), name
