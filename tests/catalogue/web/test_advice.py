"""The advisor's pages, exports and API through real HTTP."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.conftest import ROOT

# The Signalen backend is left out ("zonder"): with its derived licence and status it would fill
# the Zaakafhandelcomponent (tests/catalogue/services/test_advice.py), and these pages show a gap.
PROFILE = (
    "functie=indiening-c-q-wijziging-aanvraag&referentie=zaakafhandelcomponent"
    "&gedekt=documentbeheercomponent&gemeente=GM0214&zonder=signalen-backend"
)
# The same profile, saying Buren uses no catalogue component yet (``heeft=``: an empty list is
# respected), so the plan builds everything from scratch.
FROM_SCRATCH = PROFILE + "&heeft="


def _zacs_of_unknown_status(app: Any) -> tuple[list[str], dict[str, Any]]:
    """Valtimo's status is derived ("stable") since the catalogue grew, so to show an unknown
    status these tests leave out ("zonder") every Zaakafhandelcomponent whose status the database
    knows, except the ZAC (too immature). Returns those slugs and the providers of
    unknown status left (slug -> component record), read from the database."""
    from sqlalchemy import select

    from catalogue.models import Component
    from catalogue.services.advice import RC, build_instance, profile_from_mapping

    with app.extensions["catalogue_db"].session() as session:
        instance = build_instance(session, profile_from_mapping({})).instance
        records = {c.slug: c for c in session.scalars(select(Component))}
        providers = {
            c.id: records[c.id]
            for c in instance.components
            if RC + "zaakafhandelcomponent" in c.provides
        }
    known = sorted(
        slug
        for slug, record in providers.items()
        if record.development_status and slug != "dimpact-zaakafhandelcomponent"
    )
    unknown = {slug: record for slug, record in providers.items() if not record.development_status}
    assert unknown, "the catalogue has a Zaakafhandelcomponent of unknown status"
    return known, unknown


def _zonder(slugs: list[str]) -> str:
    return "".join(f"&zonder={slug}" for slug in slugs)


def test_form_lists_every_municipality_and_keeps_a_profile(client: Any) -> None:
    html = client.get("/advies?" + PROFILE).get_data(as_text=True)
    assert html.count('<option value="GM') == 342
    assert 'value="GM0214" selected' in html
    assert 'value="zaakafhandelcomponent" id="r-zaakafhandelcomponent" checked' in html


def test_plan_page_shows_roadmap_explanations_and_gaps(client: Any) -> None:
    response = client.get("/advies/plan?" + FROM_SCRATCH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Gemeente Buren" in html
    assert "Stap 1: Open Notificaties" in html
    assert "Uitleg: score en alternatieven voor Open Zaak" in html
    assert "Zaakafhandelcomponent" in html and "lager dan uw minimum" in html
    assert "Dezelfde afhankelijkheden als tabel" in html


def test_plan_exports_json_and_csv(client: Any, app: Any) -> None:
    """On certain facts only, the Zaakafhandelcomponents of unknown status are out and the need
    stays a gap; nothing is in use yet, so the plan introduces what Buren would otherwise already
    run, with one e-forms component (Open Formulieren or the OWC GravityForms ZGW plugin)."""
    leave_out, unknown = _zacs_of_unknown_status(app)
    strict = FROM_SCRATCH + _zonder(leave_out) + "&zeker=ja"
    body = json.loads(client.get("/advies/plan.json?" + strict).get_data(as_text=True))
    selected = body["plan"]["selected"]
    (forms,) = set(selected) - {"open-notificaties", "open-zaak"}
    assert len(selected) == 3 and forms in ("open-formulieren", "owc-gravityforms-zgw")
    assert body["profile"]["municipality"] == "GM0214"
    assert body["profile"]["strict"] is True
    raw = client.get("/advies/plan.csv?" + strict).get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
    components = [row[1] for row in rows[1:] if row[0]]
    assert components[:2] == ["Open Notificaties", "Open Zaak"] and len(components) == 3
    assert any("Zaakafhandelcomponent" in row[1] for row in rows if not row[0])
    html = client.get("/advies/plan?" + strict).get_data(as_text=True)
    for record in unknown.values():
        assert f"{record.name}: ontwikkelstatus onbekend, en u wilt alleen zekere feiten" in html
    assert 'id="zeker" aria-describedby="zeker-uitleg" checked' in client.get(
        "/advies?" + strict
    ).get_data(as_text=True)


def test_exports_list_what_to_verify(client: Any, app: Any) -> None:
    """Without the strict switch an unknown status is not "no": a Zaakafhandelcomponent of
    unknown status is in the plan, and both exports list it to verify with the source
    consulted."""
    leave_out, unknown = _zacs_of_unknown_status(app)
    profile = PROFILE + _zonder(leave_out)
    body = json.loads(client.get("/advies/plan.json?" + profile).get_data(as_text=True))
    (slug,) = set(unknown) & set(body["plan"]["selected"])
    record = unknown[slug]
    (item,) = [v for v in body["notes"]["to_verify"] if v["component"] == slug]
    assert item["facts"] == ["status"] and item["source"] == record.source_ref
    raw = client.get("/advies/plan.csv?" + profile).get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
    (row,) = [r for r in rows if r[1] == f"Te controleren: {record.name}"]
    assert "ontwikkelstatus onbekend" in row[4] and record.source_ref in row[4]
    html = client.get("/advies/plan?" + profile).get_data(as_text=True)
    assert 'id="te-controleren"' in html
    assert f'href="/componenten/{slug}/wijzigen"' in html


def test_what_if_on_the_plan_page(client: Any) -> None:
    html = client.get("/advies/plan?" + PROFILE + "&vervang=open-zaak&door=open-klant").get_data(
        as_text=True
    )
    assert "Open Zaak vervangen door Open Klant" in html
    assert "Niet meer gedekt:" in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("functie=bestaat-niet", "functie"),
        ("status=x", "status"),
        ("gewicht_hosting=abc", "gewicht_hosting"),
        ("gemeente=GM9999", "gemeente"),
        ("vervang=open-zaak", "vervang"),
        ("voorkeur=cloud", "voorkeur"),
    ],
)
def test_bad_profile_is_a_422_naming_the_field(client: Any, query: str, field: str) -> None:
    response = client.get("/advies/plan?" + query, headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_a_bad_profile_is_worded_in_the_readers_language(client: Any) -> None:
    """The form page words a refused field through gettext; the API keeps the English text."""
    dutch = client.get("/advies/plan?gewicht_hosting=abc")
    assert dutch.status_code == 422
    assert "Geef een getal van 0 tot en met 10." in dutch.get_data(as_text=True)
    english = client.get("/advies/plan?gewicht_hosting=abc&lang=en")
    assert english.status_code == 422
    assert "Give a number from 0 to 10." in english.get_data(as_text=True)
    api = client.get("/advies/plan?gewicht_hosting=abc", headers={"Accept": "application/json"})
    assert api.get_json()["errors"] == {"gewicht_hosting": ["must be a number from 0 to 10"]}


def test_api_advice_matches_the_page(client: Any) -> None:
    response = client.post(
        "/api/v1/advice",
        json={
            "business_functions": ["indiening-c-q-wijziging-aanvraag"],
            "reference_components": ["zaakafhandelcomponent"],
            "landscape_reference_components": ["documentbeheercomponent"],
            "exclude": ["signalen-backend"],
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    page = json.loads(client.get("/advies/plan.json?" + FROM_SCRATCH).get_data(as_text=True))
    assert body["plan"] == page["plan"]
    assert set(body["plan"]) == {"feasible", "selected", "cost", "unmet", "order", "why", "optimal"}


def test_api_advice_rejects_bad_bodies_as_problem_json(client: Any) -> None:
    for body in ("not json", json.dumps([1]), json.dumps({"weights": {"hosting": "x"}})):
        response = client.post("/api/v1/advice", data=body, content_type="application/json")
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"


def test_searching_the_tree_narrows_it_and_keeps_hidden_choices(client: Any) -> None:
    html = client.get("/advies?zoek=aanvraag&referentie=zaakafhandelcomponent").get_data(
        as_text=True
    )
    assert 'id="f-indiening-c-q-wijziging-aanvraag"' in html
    assert 'id="f-aanbesteding"' not in html
    # A chosen reference component outside the search result is kept as a hidden field.
    assert '<input type="hidden" name="referentie" value="zaakafhandelcomponent">' in html
    full = client.get("/advies").get_data(as_text=True)
    assert full.count('name="functie"') > html.count('name="functie"')


def test_api_strict_switch_and_to_verify(client: Any, app: Any) -> None:
    """The API takes "strict"; the lenient plan lists what rests on an unknown, the strict one
    leaves it out; a non-boolean is a 422 naming the field. (The providers of known status are
    excluded, so the need rests on one of unknown status.)"""
    leave_out, _unknown = _zacs_of_unknown_status(app)
    profile = {
        "reference_components": ["zaakafhandelcomponent"],
        "exclude": leave_out,
    }
    lenient = client.post("/api/v1/advice", json=profile).get_json()
    strict = client.post("/api/v1/advice", json={**profile, "strict": True}).get_json()
    verify = {item["component"] for item in lenient["notes"]["to_verify"]}
    assert verify and verify <= set(lenient["plan"]["selected"])
    assert not verify & set(strict["plan"]["selected"])
    assert strict["notes"]["to_verify"] == []
    bad = client.post("/api/v1/advice", json={**profile, "strict": 3})
    assert bad.status_code == 422 and "strict" in bad.get_json()["errors"]


# ---------------------------------------------------------------- the advisor starts from what is known

BUREN_API = {
    "municipality": "GM0214",
    "business_functions": ["indiening-c-q-wijziging-aanvraag"],
    "reference_components": ["zaakafhandelcomponent"],
    "landscape_reference_components": ["documentbeheercomponent"],
}


def _published_by_buren(app: Any) -> dict[str, set[str]]:
    """What the database holds as Buren's usage claims: component slug -> claim sources."""
    from sqlalchemy import select

    from catalogue.models import Organisation, Usage

    with app.extensions["catalogue_db"].session() as session:
        buren = session.scalar(select(Organisation).where(Organisation.cbs_code == "GM0214"))
        claims: dict[str, set[str]] = {}
        for usage in session.scalars(select(Usage).where(Usage.organisation_id == buren.id)):
            claims.setdefault(usage.component.slug, set()).add(usage.source_ref)
        return claims


def test_a_plan_for_buren_does_not_introduce_what_it_publishes_using(app: Any, client: Any) -> None:
    published = _published_by_buren(app)
    assert published, "the seed catalogue holds Buren's published usage claims"
    body = client.get("/advies/plan.json?" + PROFILE).get_json()
    introduced = {cid for wave in body["roadmap"]["waves"] for cid in wave["components"]}
    assert not introduced & set(published)
    assert not set(body["plan"]["selected"]) & set(published)
    assert body["landscape"]["from_published_claims"] is True
    assert set(body["landscape"]["components"]) == set(published)
    for slug, sources in published.items():
        assert all(
            any(listed.startswith(source) for listed in body["landscape"]["sources"][slug])
            for source in sources
        )
    # The same profile, saying nothing is in use yet, does introduce them: the claims made the
    # difference, not something else.
    scratch = client.get("/advies/plan.json?" + FROM_SCRATCH).get_json()
    assert set(published) <= set(scratch["plan"]["selected"])

    html = client.get("/advies/plan?" + PROFILE).get_data(as_text=True)
    assert "Wat u al gebruikt" in html
    assert "zelf publiceert dat het gebruikt" in html
    for slug, sources in published.items():
        assert f'href="/componenten/{slug}"' in html
        for source in sources:
            assert source in html
        assert f"Stap 1: {body['names'][slug]}" not in html


@pytest.mark.parametrize(
    ("landscape", "expected"),
    [(None, "published"), ([], []), (["open-klant"], ["open-klant"])],
)
def test_api_absent_landscape_uses_the_claims_and_a_given_one_is_respected(
    app: Any, client: Any, landscape: list[str] | None, expected: Any
) -> None:
    body = dict(BUREN_API)
    if landscape is not None:
        body["landscape_components"] = landscape
    answer = client.post("/api/v1/advice", json=body).get_json()
    if expected == "published":
        assert set(answer["landscape"]["components"]) == set(_published_by_buren(app))
        assert answer["landscape"]["from_published_claims"] is True
        # JSON null means the same as leaving the field out.
        nulled = client.post(
            "/api/v1/advice", json={**body, "landscape_components": None}
        ).get_json()
        assert nulled["plan"] == answer["plan"]
    else:
        assert answer["landscape"]["components"] == expected
        assert answer["landscape"]["from_published_claims"] is False
        assert answer["landscape"]["sources"] == {}


def test_form_is_prefilled_with_the_published_claims_and_their_sources(
    app: Any, client: Any
) -> None:
    published = _published_by_buren(app)
    html = client.get("/advies?gemeente=GM0214").get_data(as_text=True)
    for slug, sources in published.items():
        assert f'value="{slug}" id="h-{slug}" checked' in html
        for source in sources:
            assert source in html
    # The form says what it shows, so unticking everything comes back as "nothing in use".
    assert '<input type="hidden" name="heeft" value="">' in html
    stated = client.get("/advies?gemeente=GM0214&heeft=").get_data(as_text=True)
    assert not any(f'id="h-{slug}" checked' in stated for slug in published)
    # Without JavaScript: choose the municipality, then ask for its published landscape.
    refilled = client.get("/advies?gemeente=GM0214&heeft=&heeft=open-klant&vul_in=ja").get_data(
        as_text=True
    )
    assert all(f'id="h-{slug}" checked' in refilled for slug in published)
    assert 'id="h-open-klant" checked' not in refilled
    # A form without a municipality has nothing to take over, and says nothing about it.
    assert '<input type="hidden" name="heeft"' not in client.get("/advies").get_data(as_text=True)


def _unlinked_function_with_a_linked_relative(app: Any) -> tuple[str, str]:
    """A business function with no supporting reference component whose parent has one."""
    from sqlalchemy import select

    from catalogue.models import GemmaElement, GemmaRelation
    from catalogue.models import GemmaRelationKind as K

    with app.extensions["catalogue_db"].session() as session:
        supported = set(
            session.scalars(
                select(GemmaRelation.target_id).where(GemmaRelation.kind == K.SUPPORTS_FUNCTION)
            )
        )
        for relation in session.scalars(
            select(GemmaRelation)
            .where(GemmaRelation.kind == K.FUNCTION_PARENT)
            .order_by(GemmaRelation.id)
        ):
            has_children = session.scalar(
                select(GemmaRelation.id).where(
                    GemmaRelation.kind == K.FUNCTION_PARENT,
                    GemmaRelation.target_id == relation.source_id,
                )
            )
            if (
                relation.source_id not in supported
                and relation.target_id in supported
                and not has_children
            ):
                function = session.get(GemmaElement, relation.source_id)
                parent = session.get(GemmaElement, relation.target_id)
                return function.slug, parent.name
    pytest.fail("the seed GEMMA model has no unlinked function under a linked one")


def test_a_need_without_a_gemma_link_stays_visible_with_a_suggestion(app: Any, client: Any) -> None:
    slug, parent_name = _unlinked_function_with_a_linked_relative(app)
    query = f"functie={slug}"
    body = client.get("/advies/plan.json?" + query).get_json()
    (need,) = body["notes"]["unlinked"]
    assert need["function"] == slug
    assert need["via"] == parent_name
    assert need["suggestion"]
    html = client.get("/advies/plan?" + query).get_data(as_text=True)
    assert "Niet te koppelen" in html
    assert need["name"] in html and need["suggestion_name"] in html
    # Following the suggestion puts that reference component into the plan's needs.
    followed = client.get(
        "/advies/plan.json?" + query + "&referentie=" + need["suggestion"]
    ).get_json()
    assert f"rc:{need['suggestion']}" not in body["names"]
    assert f"rc:{need['suggestion']}" in followed["names"]
    assert followed["notes"]["unlinked"] == body["notes"]["unlinked"]


def test_a_plan_with_nothing_new_renders(client: Any) -> None:
    """Everything needed is already in use: the page says so instead of failing on the graph."""
    response = client.get("/advies/plan?referentie=zaakregistratiecomponent&heeft=open-zaak")
    assert response.status_code == 200
    assert "Er hoeft niets nieuws te komen." in response.get_data(as_text=True)


def _advice(app: Any, query: str) -> Any:
    """The service's own advice for a plan link, to check the page against."""
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import MultiDict

    from catalogue.services.advice import advise
    from catalogue.web.advice import profile_from_arguments

    with app.test_request_context("/advies/plan?" + query):
        profile = profile_from_arguments(MultiDict(parse_qsl(query, keep_blank_values=True)))
        with app.extensions["catalogue_db"].session() as session:
            return advise(session, profile)


def test_what_if_offers_only_alternatives_for_the_same_reference_components(
    app: Any, client: Any
) -> None:
    import re

    advice = _advice(app, FROM_SCRATCH)
    html = client.get("/advies/plan?" + FROM_SCRATCH).get_data(as_text=True)
    form = html[html.index('id="wat-als"') :]
    assert 'action="/advies/plan#wat-als-uitkomst"' in form
    door = form[form.index('<select id="door"') : form.index("</select>", form.index('id="door"'))]
    groups = re.findall(r'<optgroup label="[^"]*">(.*?)</optgroup>', door, re.S)
    replaceable = re.findall(
        r'<option value="([^"]+)"',
        form[form.index('<select id="vervang"') : form.index('<label for="door"')],
    )
    assert replaceable and len(groups) == len(replaceable)
    offered_somewhere = set()
    for removed, group in zip(replaceable, groups, strict=True):
        fills = {c for c in advice.instance.by_id[removed].provides if c.startswith("rc:")}
        offered = re.findall(r'<option value="([^"]+)"', group)
        assert offered
        offered_somewhere |= set(offered)
        for added in offered:
            assert fills & advice.instance.by_id[added].provides, (removed, added)
    # Components that fill none of the same reference components are not offered at all.
    assert len(offered_somewhere) < len(advice.instance.components)


def test_what_if_lands_on_its_result_with_a_plain_verdict(app: Any, client: Any) -> None:
    from catalogue.web import advice_text

    advice = _advice(app, FROM_SCRATCH)
    with app.test_request_context():
        cid, _label, alternatives = advice_text.what_if_options(advice)[0]
    html = client.get(f"/advies/plan?{FROM_SCRATCH}&vervang={cid}&door={alternatives[0]}").get_data(
        as_text=True
    )
    assert '<div class="whatif" id="wat-als-uitkomst" tabindex="-1" autofocus>' in html
    verdict = html[html.index('<p class="verdict">') :].split("</p>")[0]
    assert verdict.split("<strong>")[1].startswith(
        ("Dat mag niet", "Niet aan te raden", "Let op", "Dat kan")
    )


def test_plain_words_weights_on_a_scale_and_no_cheapest(client: Any) -> None:
    from advisor.cost import TERMS
    from catalogue.web.labels import WEIGHT

    assert set(WEIGHT) == set(TERMS), "every weight has a label; none shows as a code"
    html = client.get("/advies").get_data(as_text=True)
    for term in TERMS:
        assert f'<select id="gewicht_{term}" name="gewicht_{term}">' in html
        assert f">{term}<" not in html
    assert "telt gewoon mee" in html and "telt zwaar" in html
    plan = client.get("/advies/plan?" + FROM_SCRATCH).get_data(as_text=True)
    assert "goedkoopste" not in plan and "duurder" not in plan
    assert "Laagste totaalscore volgens uw weging" in plan
    # A weight off the scale, from an old link, is kept and shown as its number.
    odd = client.get("/advies?gewicht_hosting=2.5").get_data(as_text=True)
    assert '<option value="2.5" selected>' in odd


def test_no_alarm_about_shared_standards_unless_gemma_expects_one() -> None:
    from types import SimpleNamespace

    from advisor.explain import Mismatch
    from catalogue.web.advice_text import standard_alarms

    def mismatch(via: str) -> Mismatch:
        return Mismatch(
            component="a",
            partner="b",
            via=(via,),
            partner_in_landscape=False,
            component_standards=("X",),
            partner_standards=("Y",),
        )

    advice = SimpleNamespace(
        explanation=SimpleNamespace(mismatches=(mismatch("rc:expects"), mismatch("rc:silent"))),
        facts=SimpleNamespace(expected_standards={"rc:expects": ("Z",)}),
    )
    assert [(m.via, expected) for m, expected in standard_alarms(advice)] == [
        (("rc:expects",), ("Z",))
    ]


def test_plan_carries_the_profile_the_date_and_its_link_for_print(client: Any) -> None:
    import datetime as dt

    html = client.get("/advies/plan?" + PROFILE).get_data(as_text=True)
    assert f'<time datetime="{dt.date.today().isoformat()}">' in html
    link = (
        html[html.index('class="stamp-link">') :].split("<")[0].removeprefix('class="stamp-link">')
    )
    assert link.startswith("http") and "/advies/plan?" in link and "gemeente=GM0214" in link
    summary = html[html.index('id="uw-antwoorden"') : html.index('id="samenvatting"')]
    assert "Gemeente Buren" in summary and "Zaakafhandelcomponent" in summary
    assert "telt" in summary  # the weights, in words

    css = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert ".graph-scroll svg { max-width: 100%; height: auto; }" in css


def test_show_all_keeps_what_was_ticked(client: Any) -> None:
    """ "Toon alles" sends the form, so ticks made while the tree was narrowed survive."""
    narrowed = client.get("/advies?zoek=aanvraag").get_data(as_text=True)
    assert 'name="toon_alles"' in narrowed and 'formaction="/advies#zoek"' in narrowed
    shown = client.get(
        "/advies?zoek=aanvraag&functie=indiening-c-q-wijziging-aanvraag&toon_alles=ja"
    ).get_data(as_text=True)
    assert 'id="f-aanbesteding"' in shown
    assert 'id="f-indiening-c-q-wijziging-aanvraag" checked' in shown
    assert 'name="toon_alles"' not in shown
