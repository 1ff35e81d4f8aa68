"""The advisor's pages, exports and API through real HTTP."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

# The Signalen backend is left out ("zonder"): with its derived licence and status it would fill
# the Zaakafhandelcomponent (tests/catalogue/test_advice.py), and these pages show a gap.
PROFILE = (
    "functie=indiening-c-q-wijziging-aanvraag&referentie=zaakafhandelcomponent"
    "&gedekt=documentbeheercomponent&gemeente=GM0214&zonder=signalen-backend"
)


def test_form_lists_every_municipality_and_keeps_a_profile(client: Any) -> None:
    html = client.get("/advies?" + PROFILE).get_data(as_text=True)
    assert html.count('<option value="GM') == 342
    assert 'value="GM0214" selected' in html
    assert 'value="zaakafhandelcomponent" id="r-zaakafhandelcomponent" checked' in html


def test_plan_page_shows_roadmap_explanations_and_gaps(client: Any) -> None:
    response = client.get("/advies/plan?" + PROFILE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Gemeente Buren" in html
    assert "Stap 1: Open Notificaties" in html
    assert "Uitleg: score en alternatieven voor Open Zaak" in html
    assert "Zaakafhandelcomponent" in html and "lager dan uw minimum" in html
    assert "Dezelfde afhankelijkheden als tabel" in html


def test_plan_exports_json_and_csv(client: Any) -> None:
    body = json.loads(client.get("/advies/plan.json?" + PROFILE).get_data(as_text=True))
    assert body["plan"]["selected"] == ["open-formulieren", "open-notificaties", "open-zaak"]
    assert body["profile"]["municipality"] == "GM0214"
    raw = client.get("/advies/plan.csv?" + PROFILE).get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
    components = [row[1] for row in rows[1:] if row[0]]
    assert components == ["Open Notificaties", "Open Zaak", "Open Formulieren"]
    assert any("Zaakafhandelcomponent" in row[1] for row in rows if not row[0])


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
    page = json.loads(client.get("/advies/plan.json?" + PROFILE).get_data(as_text=True))
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
