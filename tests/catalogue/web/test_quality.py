"""/kwaliteit: per kind of fact how many are stated, derived or unknown, through real HTTP.

The expected counts are computed here from the database rows, independently of the service.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalogue.models import Component
from catalogue.services.quality import is_derived_source, quality_report


def _rows(html: str) -> dict[str, list[int]]:
    """The counts table as {label: [stated, derived, unknown]}."""
    table = html[html.index("<caption>") : html.index("</table>")]
    found = {}
    for label, numbers in re.findall(
        r'<th scope="row">([^<]+)</th>((?:<td class="num">\d+</td>){3})', table
    ):
        found[label] = [int(n) for n in re.findall(r"\d+", numbers)]
    return found


@pytest.mark.both_backends
def test_counts_match_the_catalogue(client: Any, app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        components = list(
            session.scalars(select(Component).options(selectinload(Component.usages)))
        )
    total = len(components)
    no_licence = sum(1 for c in components if not c.license)
    no_status = sum(1 for c in components if not c.development_status)
    no_usage = sum(1 for c in components if not c.usages)
    html = client.get("/kwaliteit").get_data(as_text=True)
    rows = _rows(html)
    assert rows["Licentie"][2] == no_licence
    assert sum(rows["Licentie"]) == total
    assert rows["Ontwikkelstatus"][2] == no_status
    assert rows["Gebruik door organisaties"][2] == no_usage
    assert all(sum(counts) == total for counts in rows.values())
    assert f"van de {total} componenten" in html
    english = client.get("/kwaliteit?lang=en").get_data(as_text=True)
    assert _rows(english)["Licence"] == rows["Licentie"]


def test_the_most_unknown_come_first_with_a_fill_in_link(client: Any, app: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        report = quality_report(session)
    counts = [len(item.unknown) for item in report.most_unknown]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    html = client.get("/kwaliteit").get_data(as_text=True)
    first = report.most_unknown[0]
    assert f'href="/componenten/{first.slug}/wijzigen" aria-label="vul aan: {first.name}"' in html


@pytest.mark.parametrize(
    "source",
    [
        {
            "kind": "afgeleid",
            "rule": "LICENSE text matched EUPL-1.2",
            "evidence": {"url": "https://example.org/LICENSE", "commit": "abc", "excerpt": "EUPL"},
            "date": "2026-12-01",
        },
        {"kind": "derived", "rule": "x"},
        "afgeleid: LICENSE text",
    ],
)
def test_a_derived_source_counts_as_derived(app: Any, source: Any) -> None:
    """However the harvester records it (a mapping with kind "afgeleid"/"derived", or a text
    starting with it), a derived licence moves from stated or unknown to derived."""
    with app.extensions["catalogue_db"].session() as session:
        before = {f.kind: f for f in quality_report(session).facts}["licence"]
        # A component whose licence is stated (not already derived: since the harvester, many
        # licences are), read from the database.
        component = next(
            c
            for c in session.scalars(
                select(Component).where(Component.license.is_not(None)).order_by(Component.slug)
            )
            if not is_derived_source((c.field_sources or {}).get("license"))
        )
        component.field_sources = {**(component.field_sources or {}), "license": source}
        session.flush()
        after = {f.kind: f for f in quality_report(session).facts}["licence"]
        session.rollback()
    assert after.derived == before.derived + 1
    assert after.stated == before.stated - 1
    assert after.unknown == before.unknown


def test_what_is_not_a_derived_source() -> None:
    assert is_derived_source({"kind": "AFGELEID"})
    assert not is_derived_source("publiccode.yml: data/publiccode/dutch/x.yml")
    assert not is_derived_source({"kind": "file"})
    assert not is_derived_source(None)
    assert not is_derived_source(["afgeleid"])
