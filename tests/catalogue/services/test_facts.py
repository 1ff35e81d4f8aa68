"""Derived facts: the file format, the rules, precedence (stated wins), display, and the review flow.

The seed catalogue carries real derived facts (data/derived_facts.yaml); the expected values are
read from that file, not written here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from catalogue.errors import ValidationError
from catalogue.models import Component, DerivedFact, DerivedFactStatus, Role
from catalogue.services import accounts, facts, submissions
from catalogue.services.components import get_component
from catalogue.services.importing import import_publiccode
from catalogue.services.seeding import seed
from tests.accounts import make_account
from tests.conftest import ROOT

DATA = ROOT / "data"
ENTRIES = yaml.safe_load((DATA / "derived_facts.yaml").read_text(encoding="utf-8"))["derived"]
ON = dt.date(2026, 12, 7)


def _entry(component: str, fact: str) -> dict[str, Any]:
    return next(e for e in ENTRIES if e["component"] == component and e["fact"] == fact)


def _good(**overrides: Any) -> dict[str, Any]:
    entry = {
        "component": "open-klant",
        "fact": "license",
        "value": "EUPL-1.2",
        "rule": "license-file",
        "evidence": {
            "url": "https://github.com/maykinmedia/open-klant/blob/754d9cd/LICENSE.md",
            "commit": "754d9cd",
            "excerpt": "EUROPEAN UNION PUBLIC LICENCE v. 1.2",
        },
        "derived_on": "2026-12-07",
    }
    entry.update(overrides)
    return entry


# ---------------------------------------------------------------- the rules


def test_release_history_rule() -> None:
    assert facts.status_from_releases([{"tag": "v2.0.0", "date": "2026-02-09"}], on=ON) == "stable"
    assert facts.status_from_releases([{"tag": "0.14.2", "date": "2026-02-09"}], on=ON) == "beta"
    # A 1.0 release candidate is not a 1.0 release.
    assert (
        facts.status_from_releases([{"tag": "1.0.0-rc.1", "date": "2026-02-09"}], on=ON) == "beta"
    )
    # Older than 18 months: nothing is derived (not "obsolete": that would be a guess).
    assert facts.status_from_releases([{"tag": "3.1.0", "date": "2024-01-01"}], on=ON) is None
    assert facts.status_from_releases([{"tag": "latest", "date": "2026-11-01"}], on=ON) is None
    # The window is 548 days, counted back from the day the evidence was read.
    edge = ON - dt.timedelta(days=facts.RELEASE_WINDOW_DAYS)
    assert facts.status_from_releases([{"tag": "1.0", "date": edge.isoformat()}], on=ON) == "stable"
    before = edge - dt.timedelta(days=1)
    assert facts.status_from_releases([{"tag": "1.0", "date": before.isoformat()}], on=ON) is None


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 9), st.integers(-2000, 10)),
        max_size=8,
    )
)
def test_release_rule_never_says_stable_without_a_recent_major_release(
    releases: list[tuple[int, int, int]],
) -> None:
    listed = [
        {"tag": f"{major}.{minor}.0", "date": (ON + dt.timedelta(days=offset)).isoformat()}
        for major, minor, offset in releases
    ]
    status = facts.status_from_releases(listed, on=ON)
    recent = [
        (major, offset)
        for major, _minor, offset in releases
        if -facts.RELEASE_WINDOW_DAYS <= offset <= 0
    ]
    if not recent:
        assert status is None
    elif any(major >= 1 for major, _ in recent):
        assert status == "stable"
    else:
        assert status == "beta"


def test_licence_text_and_spdx_headers_are_recognised() -> None:
    assert (
        facts.license_from_text("EUROPEAN UNION PUBLIC LICENCE v. 1.2\nEUPL © the EU") == "EUPL-1.2"
    )
    assert facts.license_from_text("Mozilla Public License Version 2.0\n=====") == "MPL-2.0"
    assert facts.license_from_text("Licensed under the EUPL") is None
    assert facts.license_from_spdx_header("# SPDX-License-Identifier: EUPL-1.2\n") == "EUPL-1.2"
    assert facts.normalise_license("eupl-1.2 or mit") == "EUPL-1.2 OR MIT"
    with pytest.raises(ValueError, match="(?i)unknown"):
        facts.normalise_license("Geen-Licentie")


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"value": "Geen-Licentie"}, "SPDX"),
        ({"value": "MIT"}, "excerpt says EUPL-1.2"),
        ({"fact": "colour"}, "fact"),
        ({"rule": "release-history"}, "cannot derive"),
        ({"derived_on": "gisteren"}, "derived_on"),
        ({"evidence": {"url": "http://x", "excerpt": "y"}}, "https"),
        ({"evidence": {"url": "https://x", "excerpt": "", "commit": "zz"}}, "commit"),
        (
            {
                "fact": "development_status",
                "rule": "release-history",
                "value": "stable",
                "releases": [{"tag": "0.3.0", "date": "2026-05-01"}],
            },
            "rule gives 'beta'",
        ),
        (
            {
                "fact": "development_status",
                "rule": "release-history",
                "releases": [{"tag": "2.0.0", "date": "2019-05-01"}],
            },
            "no release within 18 months",
        ),
        (
            {"fact": "self_hostable", "rule": "helm-chart", "value": False},
            "only be derived as true",
        ),
        ({"rule": "spdx-header"}, "SPDX-License-Identifier"),
    ],
)
def test_a_bad_entry_is_refused_with_its_reason(overrides: dict[str, Any], problem: str) -> None:
    fact, problems = facts.check_entry(_good(**overrides))
    assert fact == {}
    assert any(problem in p for p in problems), problems


def test_the_seed_file_is_valid_and_every_entry_has_evidence() -> None:
    for entry in ENTRIES:
        fact, problems = facts.check_entry(entry)
        assert problems == [], (entry["component"], problems)
        assert fact["evidence_url"].startswith("https://")


# ---------------------------------------------------------------- storage and precedence


@pytest.mark.both_backends
def test_the_seed_stores_derived_facts_and_fills_only_unstated_fields(session: Any) -> None:
    klant = get_component(session, "open-klant")
    expected = _entry("open-klant", "license")
    assert klant.license == facts.normalise_license(expected["value"])
    assert facts.is_derived_source(klant.field_sources["license"])
    assert expected["evidence"]["url"] in klant.field_sources["license"]
    rows = facts.derived_facts_of(session, klant)
    assert {r.fact for r in rows} == {e["fact"] for e in ENTRIES if e["component"] == "open-klant"}
    assert all(r.kind == "afgeleid" and r.status == DerivedFactStatus.ACTIVE for r in rows)

    archief = get_component(session, "open-archiefbeheer")
    expected_status = facts.status_from_releases(
        _entry("open-archiefbeheer", "development_status")["releases"],
        on=_entry("open-archiefbeheer", "development_status")["derived_on"],
    )
    assert archief.development_status == expected_status
    # The licence of Open Archiefbeheer is not derived: no LICENSE file was found. Unknown stays unknown.
    assert archief.license is None
    # components.yaml already states on-premise hosting (Docker image): the chart does not replace it.
    chart = next(r for r in facts.derived_facts_of(session, archief) if r.fact == "self_hostable")
    assert chart.status == DerivedFactStatus.SUPERSEDED
    assert not any(facts.is_derived_source(h["source"]) for h in archief.hosting_models)


@pytest.mark.both_backends
def test_seeding_twice_changes_nothing(session: Any) -> None:
    before = [
        (r.component_id, r.fact, r.value, r.status) for r in session.scalars(select(DerivedFact))
    ]
    report = seed(session, DATA)
    session.flush()
    after = [
        (r.component_id, r.fact, r.value, r.status) for r in session.scalars(select(DerivedFact))
    ]
    assert sorted(after) == sorted(before)
    assert report.derived_facts == len(ENTRIES)


def test_a_stated_licence_wins_over_the_derived_one(session: Any) -> None:
    klant = get_component(session, "open-klant")
    text = (DATA / "publiccode" / "dutch" / "open-zaak__open-zaak.yml").read_text(encoding="utf-8")
    text = text.replace("https://github.com/open-zaak/open-zaak", klant.url)
    stated = yaml.safe_load(text)["legal"]["license"]
    outcome = import_publiccode(session, text, source="test: a publiccode.yml for Open Klant")
    assert outcome.component is not None and outcome.component.id == klant.id
    assert klant.license == stated
    assert not facts.is_derived_source(klant.field_sources.get("license"))
    row = next(r for r in facts.derived_facts_of(session, klant) if r.fact == "license")
    assert row.status == DerivedFactStatus.SUPERSEDED


def test_a_file_that_drops_its_licence_falls_back_to_the_derived_one(session: Any) -> None:
    component = get_component(session, "open-zaak")
    assert component.license is not None  # stated by its publiccode.yml
    session.add(
        DerivedFact(
            component=component,
            fact="license",
            value="EUPL-1.2",
            rule="license-file",
            evidence_url="https://github.com/open-zaak/open-zaak/blob/main/LICENSE.md",
            evidence_excerpt="EUROPEAN UNION PUBLIC LICENCE v. 1.2",
            derived_on=ON,
        )
    )
    session.flush()
    facts.apply_derived_facts(session, component)
    assert not facts.is_derived_source(component.field_sources.get("license"))
    text = (DATA / "publiccode" / "dutch" / "open-zaak__open-zaak.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    del data["legal"]["license"]
    import_publiccode(session, yaml.safe_dump(data, allow_unicode=True), source="test: no licence")
    assert component.license == "EUPL-1.2"
    assert facts.is_derived_source(component.field_sources["license"])


def test_an_unknown_component_slug_is_an_error(session: Any, tmp_path: Path) -> None:
    path = tmp_path / "derived_facts.yaml"
    path.write_text(
        yaml.safe_dump({"derived": [_good(component="bestaat-niet")]}), encoding="utf-8"
    )
    with pytest.raises(ValidationError, match="bestaat-niet"):
        facts.load_derived_facts(session, path, source_ref="test")
    path.write_text("derived:\n  - component: [x\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"derived_facts.yaml:\d+:\d+"):
        facts.load_derived_facts(session, path, source_ref="test")


# ---------------------------------------------------------------- the review flow


@pytest.mark.both_backends
def test_a_maintainer_confirms_or_corrects_a_derived_fact_through_review(app: Any) -> None:
    maintainer = make_account(app, Role.MAINTAINER, organisation="maykin-media")
    municipal = make_account(app, Role.MAINTAINER)  # Amsterdam maintains the Signalen backend
    reviewer = make_account(app, Role.REVIEWER)
    database = app.extensions["catalogue_db"]
    with database.session() as session:
        derived = get_component(session, "open-klant").license
        actor = accounts.get_user(session, maintainer.id)
        confirm = submissions.start_update(session, "open-klant", actor=actor)
        submissions.save_step(
            session,
            confirm.id,
            "licence",
            {"license": derived},
            actor=actor,
            lock_version=confirm.version,
        )
        submissions.submit_for_review(session, confirm.id, actor=actor)

        actor = accounts.get_user(session, municipal.id)
        correct = submissions.start_update(session, "signalen-backend", actor=actor)
        submissions.save_step(
            session,
            correct.id,
            "licence",
            {"license": "EUPL-1.2"},
            actor=actor,
            lock_version=correct.version,
        )
        submissions.submit_for_review(session, correct.id, actor=actor)
        ids = confirm.id, correct.id
    with database.session() as session:
        for number in ids:
            submissions.approve(session, number, actor=accounts.get_user(session, reviewer.id))
    with database.session() as session:
        klant = get_component(session, "open-klant")
        assert klant.license == derived
        assert not facts.is_derived_source(klant.field_sources["license"])
        row = next(r for r in facts.derived_facts_of(session, klant) if r.fact == "license")
        assert row.status == DerivedFactStatus.CONFIRMED
        # The derived status was not in this submission's step: it stays derived.
        assert facts.is_derived_source(klant.field_sources["development_status"])

        backend = get_component(session, "signalen-backend")
        assert backend.license == "EUPL-1.2"
        row = next(r for r in facts.derived_facts_of(session, backend) if r.fact == "license")
        assert row.status == DerivedFactStatus.CORRECTED


# ---------------------------------------------------------------- display


@pytest.mark.parametrize(("lang", "word"), [("nl", "afgeleid"), ("en", "derived")])
def test_the_component_page_shows_a_derived_fact_with_its_evidence(
    client: Any, lang: str, word: str
) -> None:
    expected = _entry("open-klant", "license")
    page = client.get(f"/componenten/open-klant?lang={lang}").get_data(as_text=True)
    assert 'id="afgeleid"' in page
    assert expected["evidence"]["url"] in page
    assert expected["evidence"]["commit"][:10] in page
    assert word in page.lower()
    if lang == "en":
        assert "Derived facts" in page


def test_a_component_without_derived_facts_has_no_such_section(client: Any, session: Any) -> None:
    plain = session.scalar(
        select(Component).where(~Component.id.in_(select(DerivedFact.component_id))).limit(1)
    )
    page = client.get(f"/componenten/{plain.slug}").get_data(as_text=True)
    assert 'id="afgeleid"' not in page


def test_export_keeps_derived_facts_apart_so_a_reseed_derives_them_again(
    session: Any, tmp_path: Path
) -> None:
    from catalogue.services.exporting import export

    export(session, tmp_path)
    exported = yaml.safe_load((tmp_path / "derived_facts.yaml").read_text(encoding="utf-8"))
    assert len(exported["derived"]) == len(ENTRIES)
    assert all(facts.check_entry(e)[1] == [] for e in exported["derived"])
    components = yaml.safe_load((tmp_path / "components.yaml").read_text(encoding="utf-8"))
    klant = next(c for c in components["components"] if c["slug"] == "open-klant")
    assert "license" not in klant  # derived, so not written as if it were stated
    assert not any(facts.is_derived_source(s) for s in (klant.get("field_sources") or {}).values())
