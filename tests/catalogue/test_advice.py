"""The advice bridge on the real GEMMA data and seed catalogue: scenarios written out and reasoned.

Facts these scenarios rest on (from data/components.yaml and data/gemma/gemma.yaml):
- Open Zaak realises the Zaakregistratie-, Documentregistratie- and Zaaktypecataloguscomponent
  (derived from the Zaken, Documenten and Catalogi APIs it provides) and requires Open
  Notificaties; Open Notificaties realises the Notificatierouteringcomponent.
- Open Formulieren realises the E-formulieren publicatie-en-beheercomponent, the only reference
  component GEMMA links to the business function "Indiening c.q. wijziging aanvraag".
- The Dimpact ZAC realises the Generiek zaakafhandelcomponent, a specialisation of the
  Zaakafhandelcomponent; its publiccode.yml says developmentStatus "development".
- Valtimo (EUPL-1.2) realises the Zaakafhandelcomponent too; its catalogue entry (from its
  README) states no development status: unknown, not "concept".
- In GEMMA the Zaakafhandelcomponent depends (role Verplicht) on the Zaakregistratie-,
  Documentregistratie- and Zaaktypecataloguscomponent.
"""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.errors import ValidationError
from catalogue.services.advice import advise, build_instance, profile_from_mapping

ZAAKGERICHT_EN_FORMULIEREN = {
    "business_functions": ["indiening-c-q-wijziging-aanvraag"],
    "reference_components": ["zaakafhandelcomponent"],
    "landscape_reference_components": ["documentbeheercomponent"],
    # The Signalen backend, stable and MPL-2.0 by facts derived from its repository
    # (data/derived_facts.yaml), can fill the Zaakafhandelcomponent too (see the test below);
    # these scenarios are about the ZAC, so they leave it out.
    "exclude": ["signalen-backend"],
}


def _advise(app: Any, **profile: Any) -> Any:
    with app.extensions["catalogue_db"].session() as session:
        return advise(session, profile_from_mapping(profile))


@pytest.mark.both_backends
def test_zaakgericht_werken_with_an_unknown_status_to_verify(app: Any) -> None:
    """With the default minimum status (beta) the ZAC ("development") is not allowed; Valtimo's
    status is unknown, so it stays eligible, covers the Zaakafhandelcomponent and is listed to
    verify, naming its status and the source that was consulted."""
    advice = _advise(app, **ZAAKGERICHT_EN_FORMULIEREN)
    plan = advice.plan
    assert "valtimo" in plan.selected and plan.unmet == ()
    (item,) = [v for v in advice.to_verify if v.component == "valtimo"]
    assert item.facts == ("status",) and item.rules == ("min_status",)
    assert item.source and "valtimo-platform/valtimo" in item.source
    zac_alternatives = {
        alt.candidate: alt
        for choice in advice.explanation.choices
        for need in choice.alternatives
        for alt in need.ranked
    }
    assert "min_status" in dict(
        zac_alternatives["dimpact-zaakafhandelcomponent"].blocked.constraints
    )


@pytest.mark.both_backends
def test_zaakgericht_werken_and_e_forms_with_a_dms_in_place_on_certain_facts(app: Any) -> None:
    """With only certain facts ("alleen zekere feiten") no component is known to be a mature
    enough Zaakafhandelcomponent; everything it needs is still planned: Open Zaak for the
    registrations, Open Notificaties because Open Zaak needs it (first, in its own wave), and
    Open Formulieren for the e-forms."""
    advice = _advise(app, **ZAAKGERICHT_EN_FORMULIEREN, strict=True)
    plan = advice.plan
    assert plan.selected == ("open-formulieren", "open-notificaties", "open-zaak")
    assert plan.unmet == ("rc:zaakafhandelcomponent",)
    assert plan.optimal
    assert plan.order[0] == ("open-notificaties",)
    assert plan.order.index(("open-zaak",)) < len(plan.order)
    (gap,) = advice.explanation.gaps
    blocked = {b.candidate: dict(b.constraints) for b in gap.candidates}
    assert "min_status" in blocked["dimpact-zaakafhandelcomponent"]
    assert "unknown" in blocked["valtimo"]["min_status"]
    assert advice.to_verify == ()


@pytest.mark.both_backends
def test_a_derived_licence_and_status_let_the_signalen_backend_fill_the_zaakafhandelcomponent(
    app: Any,
) -> None:
    """The Signalen backend realises the Meldingen openbare ruimtecomponent, which GEMMA makes a
    (specific) zaakafhandelcomponent. Its licence and status are stated nowhere, but derived
    from its LICENSE file and its releases; with them it passes the default minimum status."""
    profile = {k: v for k, v in ZAAKGERICHT_EN_FORMULIEREN.items() if k != "exclude"}
    with app.extensions["catalogue_db"].session() as session:
        from catalogue.services.components import get_component
        from catalogue.services.facts import is_derived_source

        backend = get_component(session, "signalen-backend")
        assert is_derived_source(backend.field_sources["license"])
        assert is_derived_source(backend.field_sources["development_status"])
    advice = _advise(app, **profile)
    assert "signalen-backend" in advice.plan.selected
    assert advice.plan.unmet == ()
    assert "rc:zaakafhandelcomponent" in advice.explanation.choice("signalen-backend").covers


def test_lowering_the_minimum_status_lets_the_zac_in(app: Any) -> None:
    """At minimum status "development" (on certain facts) the ZAC is allowed and covers the Zaakafhandelcomponent
    through its specialisation; it needs Open Zaak's registrations, so it comes after Open Zaak."""
    advice = _advise(app, **ZAAKGERICHT_EN_FORMULIEREN, min_status="development", strict=True)
    plan = advice.plan
    assert plan.feasible and plan.unmet == ()
    assert "dimpact-zaakafhandelcomponent" in plan.selected
    wave = {cid: number for number, members in enumerate(plan.order) for cid in members}
    assert wave["dimpact-zaakafhandelcomponent"] > wave["open-zaak"] > wave["open-notificaties"]
    zac = advice.explanation.choice("dimpact-zaakafhandelcomponent")
    assert "rc:zaakafhandelcomponent" in zac.covers
    assert {p.requirement for p in zac.brings} >= {"rc:zaakregistratiecomponent"}


def test_landscape_covers_what_it_runs(app: Any) -> None:
    """A municipality that already runs Open Zaak and Open Notificaties needs only the forms."""
    advice = _advise(
        app, **ZAAKGERICHT_EN_FORMULIEREN, landscape_components=["open-zaak", "open-notificaties"]
    )
    assert "open-zaak" not in advice.plan.selected
    assert "open-formulieren" in advice.plan.selected
    assert "rc:zaakregistratiecomponent" in advice.explanation.landscape_covers


def test_a_need_nobody_provides_is_a_gap_with_that_reason(app: Any) -> None:
    """No catalogue component realises the Accommodatiebeheercomponent."""
    advice = _advise(app, reference_components=["accommodatiebeheercomponent"])
    (gap,) = [g for g in advice.explanation.gaps if g.need == "rc:accommodatiebeheercomponent"]
    assert gap.kind == "no_provider"
    assert not advice.plan.feasible


def test_excluding_the_only_provider_is_named_as_the_reason(app: Any) -> None:
    advice = _advise(
        app, business_functions=["indiening-c-q-wijziging-aanvraag"], exclude=["open-formulieren"]
    )
    gap = next(
        g
        for g in advice.explanation.gaps
        if g.need == "rc:e-formulieren-publicatie-en-beheercomponent"
    )
    reasons = {b.candidate: [name for name, _ in b.constraints] for b in gap.candidates}
    assert "exclude" in reasons["open-formulieren"]


def test_required_standard_excludes_components_that_do_not_claim_it(app: Any) -> None:
    advice = _advise(
        app,
        reference_components=["zaakregistratiecomponent"],
        required_standards=["zaken-api-standaard"],
    )
    # Open Zaak claims the Zaken API standard; Open Notificaties, which it needs, realises no
    # reference component for which GEMMA lists that standard, so the rule does not apply to it.
    assert "open-zaak" in advice.plan.selected
    lacking = advice.facts.missing_standards
    assert "open-zaak" not in lacking and "open-notificaties" not in lacking
    # Open Klant realises the Relatiebeheercomponent; GEMMA lists the Zaken API standard for it,
    # and Open Klant does not claim it.
    assert "Zaken API-standaard" in lacking.get("open-klant", ())


def test_what_if_replacing_open_zaak(app: Any) -> None:
    """Replacing Open Zaak by Open Klant loses the registrations Open Zaak covered, and the
    components that needed them are named."""
    with app.extensions["catalogue_db"].session() as session:
        advice = advise(
            session,
            profile_from_mapping({**ZAAKGERICHT_EN_FORMULIEREN}),
            replace=("open-zaak", "open-klant"),
        )
    what_if = advice.what_if
    assert what_if is not None
    assert "rc:zaakregistratiecomponent" in what_if.needs_lost
    assert any(d.component == "open-formulieren" for d in what_if.dependents)


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"business_functions": ["bestaat-niet"]}, "business_functions"),
        ({"min_status": "obsolete"}, "min_status"),
        ({"weights": {"hosting": 99}}, "weights.hosting"),
        ({"disallowed_hosting": ["saas", "paas", "iaas", "on-premise"]}, "disallowed_hosting"),
        ({"municipality": "GM9999"}, "municipality"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_profiles_name_the_field(app: Any, profile: dict[str, Any], field: str) -> None:
    with (
        app.extensions["catalogue_db"].session() as session,
        pytest.raises(ValidationError) as error,
    ):
        build_instance(session, profile_from_mapping(profile))
    assert field in error.value.errors


def test_only_claims_of_use_count_as_adoption(app: Any) -> None:
    """Open Zaak has claims of both kinds; Open Formulieren only 'ontwikkeld in opdracht van'
    (its STAKEHOLDERS.md), which is not proof of use: its adoption stays unknown."""
    from sqlalchemy import select

    from catalogue.models import Usage, UsageKind

    with app.extensions["catalogue_db"].session() as session:
        facts = build_instance(session, profile_from_mapping(ZAAKGERICHT_EN_FORMULIEREN))
        claims = [
            (u.component.slug, u.organisation_id, u.kind) for u in session.scalars(select(Usage))
        ]
    users = {org for slug, org, kind in claims if slug == "open-zaak" and kind == UsageKind.USES}
    commissioners = {
        org for slug, org, kind in claims if slug == "open-zaak" and kind == UsageKind.COMMISSIONED
    }
    assert commissioners - users, "the seed holds a commissioner of Open Zaak that claims no use"
    assert facts.instance.by_id["open-zaak"].adoption_count == len(users)
    assert {kind for slug, _, kind in claims if slug == "open-formulieren"} == {
        UsageKind.COMMISSIONED
    }
    assert facts.instance.by_id["open-formulieren"].adoption_count is None
