"""Unknown is never "no" outside the advisor too: comparison, facets, API and export.

The issue's example was Open Archiefbeheer: EUPL-licensed in reality, but its catalogue entry
(from its README and Docker Hub description) recorded no licence and no development status. Its
status is now derived from its releases (data/derived_facts.yaml), so the example here is read
from the database: the first component (by slug) whose licence and status are both unknown.
Expected counts are computed from the database here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from catalogue.models import Component


@pytest.fixture
def example(app: Any) -> str:
    """The slug of the first component whose licence and status the catalogue does not know."""
    with app.extensions["catalogue_db"].session() as session:
        slug = session.scalar(
            select(Component.slug)
            .where(Component.license.is_(None), Component.development_status.is_(None))
            .order_by(Component.slug)
        )
    assert slug is not None, "the seed has a component of unknown licence and status"
    return slug


def test_the_example_is_unknown_in_the_catalogue(app: Any, example: str) -> None:
    with app.extensions["catalogue_db"].session() as session:
        component = session.scalar(select(Component).where(Component.slug == example))
        assert component is not None
        assert component.license is None and component.development_status is None
        # Nothing was derived for it either: unknown is what the catalogue holds.
        assert not (component.field_sources or {}).get("license")
        assert not (component.field_sources or {}).get("development_status")


def _table(raw: bytes) -> dict[str, list[str]]:
    """The comparison CSV's table (Dutch Excel: ";"), by row label, without the sources part."""
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff")), delimiter=";"))
    table: dict[str, list[str]] = {}
    for row in rows:
        if row and row[0] in ("Bronnen", "Sources"):
            break
        if row:
            table.setdefault(row[0], row[1:])
    return table


def test_comparison_says_onbekend_on_the_page_and_in_the_csv(client: Any, example: str) -> None:
    by_label = _table(client.get(f"/vergelijk.csv?c={example}&c=open-zaak").get_data())
    assert by_label["Licentie"] == ["onbekend", "EUPL-1.2"]
    assert by_label["Ontwikkelstatus"][0] == "onbekend"
    english = client.get(f"/vergelijk.csv?c={example}&c=open-zaak&lang=en").get_data()
    assert _table(english)["Licence"][0] == "unknown"
    html = client.get(f"/vergelijk?c={example}&c=open-zaak&lang=nl").get_data(as_text=True)
    assert "onbekend" in html


def test_facets_count_unknown_as_onbekend_not_as_a_value(client: Any, app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        components = list(session.scalars(select(Component)))
    body = client.get("/api/v1/components?per_page=1").get_json()
    licence = {v["value"]: v["count"] for v in body["facets"]["license"]}
    status = {v["value"]: v["count"] for v in body["facets"]["development_status"]}
    assert licence["onbekend"] == sum(1 for c in components if not c.license)
    assert status["onbekend"] == sum(1 for c in components if not c.development_status)


def test_api_gives_null_for_unknown(client: Any, example: str) -> None:
    body = client.get(f"/api/v1/components/{example}").get_json()
    assert body["license"] is None and body["development_status"] is None


def test_export_keeps_unknown_as_absent_or_null(runner: Any, tmp_path: Path, example: str) -> None:
    result = runner.invoke(args=["catalogue", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load((tmp_path / "components.yaml").read_text(encoding="utf-8"))
    (entry,) = [c for c in exported["components"] if c["slug"] == example]
    assert entry.get("license") is None and entry.get("development_status") is None
