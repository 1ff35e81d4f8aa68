"""Explanations, what-if comparisons and roadmaps on small hand-made landscapes."""

from __future__ import annotations

import json

import pytest

from advisor import (
    Constraints,
    Hosting,
    Instance,
    Landscape,
    Status,
    UnknownComponentError,
    explain,
    replace_component,
    roadmap,
    solve,
    to_jsonable,
)
from tests.advisor.advisor_builders import cand


@pytest.fixture(scope="module")
def municipality() -> Instance:
    return Instance(
        components=(
            cand("open-zaak", "zaak", "notif", cost=3, standards=frozenset({"ZGW"})),
            cand("cheap-zaak", "zaak", "dms", cost=2),
            cand("dms-1", "dms", cost=4),
            cand("closed-zaak", "zaak", cost=2, open_source=False),
            cand("concept-zaak", "zaak", cost=1, status=Status.CONCEPT),
            cand("open-notif", "notif", cost=1, standards=frozenset({"ZGW"})),
            cand("legacy-notif", "notif", standards=frozenset({"StUF"})),
            cand("silent-notif", "notif"),
            cand("crm-a", "crm"),
            cand("crm-b", "crm"),
            cand("burger-1", "burger", status=Status.CONCEPT),
            cand("burger-2", "burger", open_source=False),
            cand("burger-3", "burger", hosting=frozenset({Hosting.ON_PREMISE})),
            cand("post-1", "post", "nowhere"),
        ),
        needs=frozenset({"zaak", "burger", "gis", "post", "crm"}),
        landscape=Landscape(
            components=frozenset({"crm-a", "crm-b", "legacy-notif", "not-in-catalogue"})
        ),
        constraints=Constraints(
            open_source_only=True, allowed_hosting=frozenset({Hosting.SAAS, Hosting.PAAS})
        ),
    )


def test_gaps_distinguish_no_provider_from_named_constraints(municipality: Instance) -> None:
    gaps = {gap.need: gap for gap in explain(municipality).gaps}
    assert set(gaps) == {"burger", "gis", "post"}
    assert gaps["gis"].kind == "no_provider"
    assert gaps["gis"].candidates == ()
    burger = gaps["burger"]
    assert burger.kind == "excluded"
    named = {b.candidate: [name for name, _ in b.constraints] for b in burger.candidates}
    assert named == {
        "burger-1": ["min_status"],
        "burger-2": ["open_source_only"],
        "burger-3": ["allowed_hosting"],
    }
    for constraint in ("min_status", "open_source_only", "allowed_hosting"):
        assert constraint in burger.reason
    assert gaps["post"].kind == "unsupportable"
    assert gaps["post"].candidates[0].unmet_requirements == ("nowhere",)


def test_alternatives_are_ranked_with_breakdowns_and_reasons(municipality: Instance) -> None:
    explanation = explain(municipality)
    assert explanation.plan.selected == ("open-zaak",)
    choice = explanation.choice("open-zaak")
    assert choice.covers == ("zaak",)
    (zaak,) = choice.alternatives
    ranked = [a.candidate for a in zaak.ranked]
    assert ranked == ["open-zaak", "cheap-zaak", "concept-zaak", "closed-zaak"]
    chosen, cheap, concept, closed = zaak.ranked
    assert chosen.chosen and chosen.plan_cost_delta == 0.0
    # cheap-zaak is cheaper on its own but brings a requirement that makes the plan dearer.
    assert cheap.plan_cost_delta == pytest.approx(3.0)
    assert cheap.extra_requirements == ("dms",)
    assert any("cheaper by 1" in r for r in cheap.reasons)
    assert any("would cost 3 more" in r for r in cheap.reasons)
    assert any("extra requirements dms" in r for r in cheap.reasons)
    assert not concept.selectable and "min_status" in concept.reasons[0]
    assert not closed.selectable and "open_source_only" in closed.reasons[0]
    for alternative in zaak.ranked:
        terms = {t.name for t in alternative.score.terms}
        assert terms == {"hosting", "maturity", "adoption", "licence", "dependencies", "lock_in"}
        assert alternative.score.total == pytest.approx(
            sum(t.contribution for t in alternative.score.terms)
        )


def test_what_a_choice_brings_along() -> None:
    inst = Instance(
        components=(cand("portal", "portaal", "zaak"), cand("zaken", "zaak", "notif")),
        needs=frozenset({"portaal"}),
        landscape=Landscape(provides=frozenset({"notif"})),
    )
    explanation = explain(inst)
    portal = explanation.choice("portal")
    assert [(p.requirement, p.met_by, p.from_landscape) for p in portal.brings] == [
        ("zaak", ("zaken",), False)
    ]
    zaken = explanation.choice("zaken")
    assert zaken.serves == ("zaak",)
    assert [(p.requirement, p.from_landscape) for p in zaken.brings] == [("notif", True)]


def test_equal_plans_are_explained_by_the_tie_rule() -> None:
    inst = Instance(components=(cand("b", "x"), cand("a", "x")), needs=frozenset({"x"}))
    (need,) = explain(inst).choice("a").alternatives
    other = need.ranked[1]
    assert other.candidate == "b"
    assert other.plan_cost_delta == 0.0
    assert any("tie rule" in r for r in other.reasons)


def test_redundancy_in_the_landscape(municipality: Instance) -> None:
    explanation = explain(municipality)
    assert [(r.capability, r.systems, r.needed) for r in explanation.redundancies] == [
        ("crm", ("crm-a", "crm-b"), True)
    ]
    assert explanation.landscape_covers == ("crm",)
    assert explanation.unknown_landscape == ("not-in-catalogue",)


def test_standards_mismatch_only_where_both_sides_declare(municipality: Instance) -> None:
    mismatches = explain(municipality).mismatches
    assert [(m.component, m.partner, m.via, m.partner_in_landscape) for m in mismatches] == [
        ("open-zaak", "legacy-notif", ("notif",), True)
    ]
    assert mismatches[0].component_standards == ("ZGW",)
    assert mismatches[0].partner_standards == ("StUF",)
    # A partner that declares no standards is not reported.
    silent = Instance(
        components=municipality.components,
        needs=frozenset({"zaak"}),
        landscape=Landscape(components=frozenset({"silent-notif"})),
    )
    assert explain(silent).mismatches == ()


def test_explanation_is_json_serialisable(municipality: Instance) -> None:
    data = to_jsonable(explain(municipality, price_alternatives=False))
    assert isinstance(data, dict)
    json.dumps(data)
    assert data["plan"]["selected"] == ["open-zaak"]


def test_what_if_replacing_a_landscape_system(municipality: Instance) -> None:
    plan = solve(municipality)
    result = replace_component(municipality, plan, remove="legacy-notif", add="open-notif")
    assert result.removed_from == "landscape"
    assert result.needs_lost == ()
    assert [(d.component, d.requires, d.still_met) for d in result.dependents] == [
        ("open-zaak", ("notif",), True)
    ]
    assert result.cost_delta == 1.0
    assert result.complete


def test_what_if_replacing_a_selected_component(municipality: Instance) -> None:
    plan = solve(municipality)
    result = replace_component(municipality, plan, remove="open-zaak", add="cheap-zaak")
    assert result.removed_from == "plan"
    assert result.needs_kept == ("crm", "zaak")
    assert result.brings == ("dms",)
    assert result.cost_delta == -1.0
    assert not result.complete
    blocked = replace_component(municipality, plan, remove="open-zaak", add="closed-zaak")
    assert [name for name, _ in blocked.blocked_by] == ["open_source_only"]


def test_what_if_losing_coverage_and_breaking_dependents() -> None:
    inst = Instance(
        components=(
            cand("zaken", "zaak dms"),
            cand("portal", "portaal", "dms"),
            cand("archive", "archief", "dms"),
            cand("zaak-only", "zaak"),
        ),
        needs=frozenset({"zaak", "portaal"}),
        landscape=Landscape(components=frozenset({"archive"})),
    )
    plan = solve(inst)
    assert plan.selected == ("portal", "zaken")
    result = replace_component(inst, plan, remove="zaken", add="zaak-only")
    assert result.needs_lost == ()
    lost = {d.component: d.lost for d in result.dependents}
    assert lost == {"archive": ("dms",), "portal": ("dms",)}
    assert not result.complete
    with pytest.raises(ValueError, match="neither selected"):
        replace_component(inst, plan, remove="zaak-only", add="zaken")
    with pytest.raises(UnknownComponentError):
        replace_component(inst, plan, remove="zaken", add="nope")


def test_roadmap_puts_a_cycle_in_one_wave() -> None:
    inst = Instance(
        components=(
            cand("zaken", "zaak", "doc"),
            cand("docs", "doc", "zaak notif"),
            cand("notify", "notif"),
            cand("portal", "portaal", "zaak"),
        ),
        needs=frozenset({"portaal"}),
    )
    plan = solve(inst)
    steps = roadmap(inst, plan)
    assert [w.components for w in steps.waves] == [("notify",), ("docs", "zaken"), ("portal",)]
    assert steps.waves[1].adopted_together == (("docs", "zaken"),)
    assert steps.waves[1].makes_available == ("doc", "zaak")
    assert steps.waves[1].relies_on == ("notif",)
    assert steps.waves[0].adopted_together == ()
    assert [w.number for w in steps.waves] == [1, 2, 3]
