"""The real catalogue in data/ is big enough to advise: the five targets of issue 11, section 4.

Every figure is computed from the seeded catalogue (and, for derived facts, from
data/derived_facts.yaml, whose format and rules data/README.md documents); none is written here.
The targets are the issue's: at least 100 components, 45 realised GEMMA reference components,
a known licence for 95% and a known development status for 85% of the components, and 60 usage
claims, each with its source and a short quote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from license_expression import get_spdx_licensing
from sqlalchemy import func, select

from catalogue.models import Component, GemmaElement, GemmaKind, Realisation, Usage, UsageKind
from catalogue.services.facts import is_derived_source
from tests.conftest import DATA_DIR

DERIVED_FILE = DATA_DIR / "derived_facts.yaml"
WINDOW = dt.timedelta(days=548)  # the release-history rule: a release within 18 months
PRE_RELEASE = re.compile(r"(rc|beta|alpha|dev)", re.IGNORECASE)
VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?([-.+].*)?$")


def _derived() -> list[dict[str, Any]]:
    with DERIVED_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["derived"]


def _status_by_rule(entry: dict[str, Any]) -> str | None:
    """The documented release-history rule, evaluated at the entry's own date."""
    on = entry["derived_on"]
    stable = beta = False
    for release in entry["releases"]:
        match = VERSION.match(str(release["tag"]).removeprefix("v"))
        if match is None or not (on - WINDOW <= release["date"] <= on):
            continue
        pre = bool(PRE_RELEASE.search(match.group(4) or ""))
        stable |= int(match.group(1)) >= 1 and not pre
        beta = True
    return "stable" if stable else ("beta" if beta else None)


def _known(session: Any, fact: str) -> tuple[int, int]:
    """(components with the fact stated or derived with evidence, all components)."""
    column = {"license": Component.license, "development_status": Component.development_status}
    stated = set(session.scalars(select(Component.slug).where(column[fact].is_not(None))))
    derived = {e["component"] for e in _derived() if e["fact"] == fact}
    slugs = set(session.scalars(select(Component.slug)))
    return len(slugs & (stated | derived)), len(slugs)


def test_every_derived_fact_names_a_component_and_carries_its_evidence(session: Any) -> None:
    slugs = set(session.scalars(select(Component.slug)))
    licensing = get_spdx_licensing()
    problems = []
    for entry in _derived():
        evidence = entry["evidence"]
        where = f"{entry['component']} {entry['fact']}"
        if entry["component"] not in slugs:
            problems.append(f"{where}: no such component")
        if not evidence["url"].startswith("https://") or not re.fullmatch(
            r"[0-9a-f]{7,40}", evidence["commit"]
        ):
            problems.append(f"{where}: evidence needs an https URL and a commit")
        if not 0 < len(evidence["excerpt"]) <= 300 or not isinstance(entry["derived_on"], dt.date):
            problems.append(f"{where}: excerpt of 1-300 characters and a date are required")
        if entry["fact"] == "license" and licensing.validate(entry["value"]).errors:
            problems.append(f"{where}: {entry['value']!r} is not an SPDX expression")
        if entry["fact"] == "development_status" and entry["value"] != _status_by_rule(entry):
            problems.append(f"{where}: the releases give {_status_by_rule(entry)!r}")
    assert not problems, "\n".join(problems)


def _stated(session: Any, fact: str) -> set[str]:
    """Slugs whose ``fact`` is stated: filled, and not by a derivation. The seed applies the
    derived facts, so a filled field alone does not tell; its field source does."""
    column = {"license": Component.license, "development_status": Component.development_status}
    return {
        component.slug
        for component in session.scalars(select(Component).where(column[fact].is_not(None)))
        if not is_derived_source((component.field_sources or {}).get(fact))
    }


def test_a_derived_fact_is_only_written_where_no_fact_is_stated(session: Any) -> None:
    stated = {fact: _stated(session, fact) for fact in ("license", "development_status")}
    # Guards the guard: stated facts exist, so an empty set cannot make this pass by itself.
    assert stated["license"] and stated["development_status"], stated
    clashes = [
        f"{e['component']} {e['fact']}"
        for e in _derived()
        if e["fact"] in stated and e["component"] in stated[e["fact"]]
    ]
    assert not clashes, clashes


def test_the_catalogue_meets_the_five_targets(session: Any, capsys: pytest.CaptureFixture) -> None:
    components = session.scalar(select(func.count(Component.id)))
    references = session.scalar(
        select(func.count(GemmaElement.id)).where(
            GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT
        )
    )
    realised = session.scalar(
        select(func.count(func.distinct(Realisation.reference_component_id)))
        .join(GemmaElement, GemmaElement.id == Realisation.reference_component_id)
        .where(GemmaElement.kind == GemmaKind.REFERENCE_COMPONENT)
    )
    licence_known, total = _known(session, "license")
    status_known, _ = _known(session, "development_status")
    claims = session.scalars(select(Usage)).all()
    figures = {
        "components": components,
        "reference components realised": f"{realised} of {references}",
        "licence known": f"{licence_known}/{total} = {licence_known / total:.1%}",
        "status known": f"{status_known}/{total} = {status_known / total:.1%}",
        "usage claims": f"{len(claims)} ({dict(Counter(u.kind for u in claims))})",
    }
    with capsys.disabled():
        print("\ncatalogue figures:", figures)
    assert components >= 100, figures
    assert realised >= 45, figures
    assert licence_known / total >= 0.95, figures
    assert status_known / total >= 0.85, figures
    assert len(claims) >= 60, figures


def test_every_usage_claim_has_a_source_a_quote_and_a_kind(session: Any) -> None:
    claims = session.scalars(select(Usage)).all()
    incomplete = [
        (u.component.slug, u.organisation.slug)
        for u in claims
        if not (u.source_ref and u.source_commit and u.quote) or u.kind not in set(UsageKind)
    ]
    assert not incomplete, incomplete
    # Both kinds occur, and "commissioned by" is never counted as "uses".
    assert {u.kind for u in claims} == set(UsageKind)


def test_each_quote_is_in_the_snapshot_it_cites() -> None:
    """The claims quote a file kept in data/municipalities/raw/ (… marks an elision)."""
    import csv

    sources = _raw_snapshots()
    missing = []
    with (DATA_DIR / "municipalities" / "usage_claims.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = sources.get((row["source"].split("#")[0], row["commit"]))
            if text is None:
                missing.append(f"{row['source']}@{row['commit'][:8]}: no snapshot")
                continue
            parts = [p.strip() for p in row["quote"].split("…")]
            if not all(p in text for p in parts if p):
                missing.append(f"{row['component']} / {row['municipality_name']}: {row['quote']}")
    assert not missing, "\n".join(missing)


def _raw_snapshots() -> dict[tuple[str, str], str]:
    """(github:owner/repo/path, commit) -> text of the snapshot, from raw/ and SOURCES.tsv."""
    snapshots: dict[tuple[str, str], str] = {}
    sources = DATA_DIR / "municipalities" / "SOURCES.tsv"
    for line in sources.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) < 4 or not cells[0].startswith("raw/"):
            continue
        path = Path(DATA_DIR / "municipalities" / cells[0])
        if path.exists():
            commit = cells[3].split()[0]
            key = (f"github:{cells[1]}/{cells[2]}", commit)
            snapshots[key] = path.read_text(encoding="utf-8")
    return snapshots
