"""The advice bridge on the real GEMMA data and seed catalogue: scenarios written out and reasoned.

Facts these scenarios rest on (from data/components.yaml and data/gemma/gemma.yaml):
- Open Zaak realises the Zaakregistratie-, Documentregistratie- and Zaaktypecataloguscomponent
  (derived from the Zaken, Documenten and Catalogi APIs it provides) and requires Open
  Notificaties; Open Notificaties realises the Notificatierouteringcomponent.
- Open Formulieren realises the E-formulieren publicatie-en-beheercomponent, the only reference
  component GEMMA links to the business function "Indiening c.q. wijziging aanvraag".
- The Dimpact ZAC realises the Generiek zaakafhandelcomponent, a specialisation of the
  Zaakafhandelcomponent; its publiccode.yml says developmentStatus "development".
- Valtimo (EUPL-1.2) realises the Zaakafhandelcomponent too; its README states no development
  status, but data/derived_facts.yaml derives "stable" from its releases. Other realisers
  (e.g. MOR Core) still have an unknown status: unknown, not "concept". Which components have
  which facts is read from the database below, not written in here.
- The OWC GravityForms ZGW plugin realises the E-formulieren publicatie-en-beheercomponent as
  well, so it competes with Open Formulieren.
- In GEMMA the Zaakafhandelcomponent depends (role Verplicht) on the Zaakregistratie-,
  Documentregistratie- and Zaaktypecataloguscomponent.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from catalogue.errors import ValidationError
from catalogue.models import Component
from catalogue.services.advice import RC, advise, build_instance, profile_from_mapping

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


def _providers(app: Any, need: str) -> dict[str, Component]:
    """The catalogue components that realise reference component ``need`` (or a specialisation)."""
    with app.extensions["catalogue_db"].session() as session:
        instance = build_instance(session, profile_from_mapping({})).instance
        records = {c.slug: c for c in session.scalars(select(Component))}
        return {c.id: records[c.id] for c in instance.components if RC + need in c.provides}


def _only_the_zac_and_unknown_statuses(
    app: Any, keep: str = "dimpact-zaakafhandelcomponent"
) -> dict[str, Any]:
    """The scenario with every Zaakafhandelcomponent whose status the catalogue knows excluded,
    except ``keep``: what is left to fill the need is ``keep`` and the ones of unknown status."""
    excluded = sorted(
        slug
        for slug, record in _providers(app, "zaakafhandelcomponent").items()
        if record.development_status and slug != keep
    )
    return {**ZAAKGERICHT_EN_FORMULIEREN, "exclude": excluded}


@pytest.mark.both_backends
def test_zaakgericht_werken_with_an_unknown_status_to_verify(app: Any) -> None:
    """With the default minimum status (beta) the ZAC ("development") is not allowed; a
    Zaakafhandelcomponent whose status is unknown stays eligible, covers the need and is listed
    to verify, naming its status and the source that was consulted.

    Valtimo's status is now derived ("stable"), so the components whose status the catalogue
    knows are excluded (read from the database) to leave the unknown ones to choose from."""
    providers = _providers(app, "zaakafhandelcomponent")
    unknown = {slug for slug, record in providers.items() if not record.development_status}
    assert unknown, "the catalogue has a Zaakafhandelcomponent of unknown status"
    advice = _advise(app, **_only_the_zac_and_unknown_statuses(app))
    plan = advice.plan
    assert plan.unmet == ()
    (chosen,) = unknown & set(plan.selected)
    (item,) = [v for v in advice.to_verify if v.component == chosen]
    assert item.facts == ("status",) and item.rules == ("min_status",)
    assert item.source and item.source == providers[chosen].source_ref
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
    """With only certain facts ("alleen zekere feiten"), and the Zaakafhandelcomponents of known
    status other than the ZAC left out, no component is known to be a mature enough
    Zaakafhandelcomponent; everything it needs is still planned: Open Zaak for the
    registrations, Open Notificaties because Open Zaak needs it (first, in its own wave), and
    one e-forms component (Open Formulieren or the OWC GravityForms ZGW plugin)."""
    providers = _providers(app, "zaakafhandelcomponent")
    unknown = {slug for slug, record in providers.items() if not record.development_status}
    forms = set(_providers(app, "e-formulieren-publicatie-en-beheercomponent"))
    advice = _advise(app, **_only_the_zac_and_unknown_statuses(app), strict=True)
    plan = advice.plan
    assert {"open-notificaties", "open-zaak"} <= set(plan.selected)
    assert len(forms & set(plan.selected)) == 1
    assert len(plan.selected) == 3
    assert plan.unmet == ("rc:zaakafhandelcomponent",)
    assert plan.optimal
    assert plan.order[0] == ("open-notificaties",)
    assert plan.order.index(("open-zaak",)) < len(plan.order)
    (gap,) = advice.explanation.gaps
    blocked = {b.candidate: dict(b.constraints) for b in gap.candidates}
    assert "min_status" in blocked["dimpact-zaakafhandelcomponent"]
    assert unknown
    for slug in unknown:
        assert "unknown" in blocked[slug]["min_status"]
    assert advice.to_verify == ()


@pytest.mark.both_backends
def test_a_derived_licence_and_status_let_the_signalen_backend_fill_the_zaakafhandelcomponent(
    app: Any,
) -> None:
    """The Signalen backend realises the Meldingen openbare ruimtecomponent, which GEMMA makes a
    (specific) zaakafhandelcomponent. Its licence and status are stated nowhere, but derived
    from its LICENSE file and its releases; with them it passes the default minimum status."""
    # Valtimo (status derived too) and the Signalen frontend compete for the need; leave out the
    # other realisers with a known status, so the backend's derived facts are what is tested.
    profile = _only_the_zac_and_unknown_statuses(app, keep="signalen-backend")
    assert "signalen-backend" not in profile["exclude"]
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
    through its specialisation; it needs Open Zaak's registrations, so it comes after Open Zaak.
    (Realisers with a known higher status, such as Valtimo, are left out: they would win.)"""
    advice = _advise(
        app, **_only_the_zac_and_unknown_statuses(app), min_status="development", strict=True
    )
    plan = advice.plan
    assert plan.feasible and plan.unmet == ()
    assert "dimpact-zaakafhandelcomponent" in plan.selected
    wave = {cid: number for number, members in enumerate(plan.order) for cid in members}
    assert wave["dimpact-zaakafhandelcomponent"] > wave["open-zaak"] > wave["open-notificaties"]
    zac = advice.explanation.choice("dimpact-zaakafhandelcomponent")
    assert "rc:zaakafhandelcomponent" in zac.covers
    assert {p.requirement for p in zac.brings} >= {"rc:zaakregistratiecomponent"}


def test_landscape_covers_what_it_runs(app: Any) -> None:
    """A municipality that already runs Open Zaak and Open Notificaties needs only the forms
    (and the Zaakafhandelcomponent), not the registrations again."""
    forms = set(_providers(app, "e-formulieren-publicatie-en-beheercomponent"))
    advice = _advise(
        app, **ZAAKGERICHT_EN_FORMULIEREN, landscape_components=["open-zaak", "open-notificaties"]
    )
    assert "open-zaak" not in advice.plan.selected
    assert "open-notificaties" not in advice.plan.selected
    assert len(forms & set(advice.plan.selected)) == 1
    assert "rc:zaakregistratiecomponent" in advice.explanation.landscape_covers


def test_a_need_nobody_provides_is_a_gap_with_that_reason(app: Any) -> None:
    """No catalogue component realises the Accommodatiebeheercomponent."""
    advice = _advise(app, reference_components=["accommodatiebeheercomponent"])
    (gap,) = [g for g in advice.explanation.gaps if g.need == "rc:accommodatiebeheercomponent"]
    assert gap.kind == "no_provider"
    assert not advice.plan.feasible


def test_excluding_the_only_provider_is_named_as_the_reason(app: Any) -> None:
    """Excluding every provider of the e-forms need (Open Formulieren and, since the catalogue
    grew, the OWC GravityForms ZGW plugin) names the exclusion as the reason for each."""
    forms = sorted(_providers(app, "e-formulieren-publicatie-en-beheercomponent"))
    assert "open-formulieren" in forms
    advice = _advise(app, business_functions=["indiening-c-q-wijziging-aanvraag"], exclude=forms)
    gap = next(
        g
        for g in advice.explanation.gaps
        if g.need == "rc:e-formulieren-publicatie-en-beheercomponent"
    )
    reasons = {b.candidate: [name for name, _ in b.constraints] for b in gap.candidates}
    for slug in forms:
        assert "exclude" in reasons[slug]


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
    # The e-forms component the plan chose (Open Formulieren or the OWC plugin) needs them.
    forms = set(_providers(app, "e-formulieren-publicatie-en-beheercomponent"))
    (chosen,) = forms & set(advice.plan.selected)
    assert any(d.component == chosen for d in what_if.dependents)


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
