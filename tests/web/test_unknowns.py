"""Unknown is never "no" outside the advisor too: comparison, facets, API and export.

Open Archiefbeheer is the issue's example: EUPL-licensed in reality, but the catalogue entry
(from its README and Docker Hub description) records no licence and no development status.
Expected counts are computed from the database here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from catalogue.models import Component

SLUG = "open-archiefbeheer"


def test_the_example_is_unknown_in_the_catalogue(app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        component = session.scalar(select(Component).where(Component.slug == SLUG))
        assert component is not None
        assert component.license is None and component.development_status is None


def test_comparison_says_onbekend_on_the_page_and_in_the_csv(client: Any) -> None:
    raw = client.get(f"/vergelijk.csv?c={SLUG}&c=open-zaak").get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Licentie"] == ["onbekend", "EUPL-1.2"]
    assert by_label["Ontwikkelstatus"][0] == "onbekend"
    english = client.get(f"/vergelijk.csv?c={SLUG}&c=open-zaak&lang=en").get_data()
    rows = list(csv.reader(io.StringIO(english.decode("utf-8").removeprefix("\ufeff"))))
    assert {row[0]: row[1:] for row in rows}["Licence"][0] == "unknown"


def test_facets_count_unknown_as_onbekend_not_as_a_value(client: Any, app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        components = list(session.scalars(select(Component)))
    body = client.get("/api/v1/components?per_page=1").get_json()
    licence = {v["value"]: v["count"] for v in body["facets"]["license"]}
    status = {v["value"]: v["count"] for v in body["facets"]["development_status"]}
    assert licence["onbekend"] == sum(1 for c in components if not c.license)
    assert status["onbekend"] == sum(1 for c in components if not c.development_status)


def test_api_gives_null_for_unknown(client: Any) -> None:
    body = client.get(f"/api/v1/components/{SLUG}").get_json()
    assert body["license"] is None and body["development_status"] is None


def test_export_keeps_unknown_as_absent_or_null(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["catalogue", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load((tmp_path / "components.yaml").read_text(encoding="utf-8"))
    (entry,) = [c for c in exported["components"] if c["slug"] == SLUG]
    assert entry.get("license") is None and entry.get("development_status") is None
