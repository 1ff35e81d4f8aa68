"""bench/_http_catalogue.py grows a seeded catalogue with synthetic components that the app
serves like real ones: their pages render, search finds them and counts them in its facets.

The script runs as bench/http.sh runs it (its own process, on the database URL), on a private
copy of the migrated, seeded catalogue; the index is then built with ``catalogue reindex``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from catalogue.services.seeding import COMPONENTS_FILE, read_catalogue_file
from tests.conftest import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "_http_catalogue.py"
# How many components the seed loads, counted from data/ (46 once, 102 now), and a total that
# adds the same 74 synthetic ones whatever that count is.
SYNTHETIC = 74  # components the test grows the catalogue by


def seeded() -> int:
    """How many components the seed file holds (read when a test asks, not at collection)."""
    return len(read_catalogue_file(DATA_DIR / COMPONENTS_FILE)["components"])


def _grow(database_url: str, total: int) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script, fixed arguments
        [sys.executable, str(SCRIPT), database_url, "--total", str(total)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_synthetic_components_are_served_like_real_ones(
    database_url: str, app: Any, runner: Any, client: Any
) -> None:
    from catalogue.models import (
        CatalogueState,
        Component,
        ComponentDescription,
        Realisation,
        SearchOutbox,
        Usage,
    )
    from catalogue.services.components import get_component

    total = seeded() + SYNTHETIC
    output = _grow(database_url, total)
    assert f"{total} components in the catalogue ({SYNTHETIC} synthetic added" in output

    database = app.extensions["catalogue_db"]
    with database.session() as session:
        assert session.scalar(select(func.count(Component.id))) == total
        synthetic = list(
            session.scalars(
                select(Component).where(Component.url.like("https://synthetic.invalid/%"))
            )
        )
        assert len(synthetic) == SYNTHETIC
        # Written through the project's session hooks: the generation moved, the outbox holds
        # one row per new component until the index is built.
        assert (session.scalar(select(CatalogueState.generation)) or 0) > 0
        assert sorted(session.scalars(select(SearchOutbox.component_id))) == sorted(
            c.id for c in synthetic
        )
        # Real rows under the component, not just a name.
        ids = [c.id for c in synthetic]
        assert session.scalar(
            select(func.count(ComponentDescription.id)).where(
                ComponentDescription.component_id.in_(ids)
            )
        ) >= len(ids)
        assert session.scalar(
            select(func.count(Realisation.id)).where(Realisation.component_id.in_(ids))
        )
        assert session.scalar(select(func.count(Usage.id)).where(Usage.component_id.in_(ids)))
        # The real catalogue is untouched.
        assert get_component(session, "open-zaak").url == "https://github.com/open-zaak/open-zaak"
        example = next(c for c in synthetic if c.realisations and c.maintaining_organisation)
        slug, name = example.slug, example.name
        reference = example.realisations[0].reference_component.name
        maintainer = example.maintaining_organisation.name

    reindexed = runner.invoke(args=["catalogue", "reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    assert f"search index rebuilt with {total} documents" in reindexed.output
    with database.session() as session:
        assert session.scalar(select(func.count(SearchOutbox.id))) == 0

    page = client.get(f"/componenten/{slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert name in html and reference in html and maintainer in html
    assert "bench/_http_catalogue.py" in html  # every fact names its source

    # A word of the example's name finds it among others, with counts per facet value.
    word = max(name.split(), key=len)
    found = client.get("/componenten", query_string={"q": word})
    assert found.status_code == 200
    results = found.get_data(as_text=True)
    assert f'href="/componenten/{slug}"' in results
    found_total = re.search(r"(\d+) componenten? gevonden", results)
    assert found_total and int(found_total.group(1)) >= 1
    counts = [int(n) for n in re.findall(r'<label for="[^"]+">[^<]+ \((\d+)\)</label>', results)]
    assert counts and max(counts) <= int(found_total.group(1))

    # Every component, real and synthetic, is in the index: the counts of the layers (one per
    # component, "onbekend" when none is known) add up to the whole catalogue.
    everything = client.get("/componenten").get_data(as_text=True)
    assert re.search(rf"\b{total} componenten\b", everything)
    layers = re.findall(
        r'name="laag" value="[^"]+"[^>]*>\s*<label for="[^"]+">[^<]+ \((\d+)\)</label>',
        everything,
    )
    assert sum(int(n) for n in layers) == total


def test_a_catalogue_at_its_total_is_left_alone(database_url: str) -> None:
    output = _grow(database_url, seeded() - 6)
    assert f"{seeded()} components in the catalogue (0 synthetic added" in output
