"""The JSON API: shapes, paging headers, problem+json errors, CORS, and schemathesis conformance."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import func, select

from catalogue.models import Component, Organisation


@pytest.mark.slow  # seconds: see SLOW_FILES in tests/conftest.py
def test_api_conforms_to_its_openapi_document(app: Any) -> None:
    """schemathesis, in-process through WSGI: no 5xx, documented statuses and bodies only."""
    # schemathesis' pytest plugin does not run under pytest 9, so its engine is driven directly.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert len(operations) == sum(len(methods) for methods in document["paths"].values())
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: Any) -> None:
            # Slugs and codes that the schema allows can still be unknown to the catalogue; a
            # 404/422 for them is right, so "schema-valid data must be accepted" does not apply.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()


@pytest.mark.both_backends
def test_components_list_has_total_paging_headers_and_links(app: Any, client: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        total = session.scalar(select(func.count(Component.id)))
    response = client.get("/api/v1/components?per_page=10&page=2")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"items", "total", "facets"}
    assert body["total"] == total
    assert response.headers["Total-Count"] == str(total)
    assert len(body["items"]) == 10
    link = response.headers["Link"]
    for relation in ("first", "prev", "next", "last"):
        assert f'rel="{relation}"' in link
    assert "page=3" in link and "page=1" in link


def test_component_detail_carries_sources_and_users(client: Any) -> None:
    body = client.get("/api/v1/components/open-zaak").get_json()
    assert body["name"] == "Open Zaak"
    assert body["source"]
    assert {u["cbs_code"] for u in body["users"]} >= {"GM0344", "GM0363"}
    assert all(u["source"] for u in body["users"])
    assert any(r["name"] == "Zaakregistratiecomponent" for r in body["reference_components"])
    assert body["latest_import"]["accepted"] is True


def test_organisations_filter_by_kind(app: Any, client: Any) -> None:
    with app.extensions["catalogue_db"].session() as session:
        municipalities = session.scalar(
            select(func.count(Organisation.id)).where(Organisation.kind == "municipality")
        )
    body = client.get("/api/v1/organisations?kind=municipality&per_page=100").get_json()
    assert body["total"] == municipalities == 342
    assert all(item["kind"] == "municipality" for item in body["items"])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/components/bestaat-niet", 404),
        ("/api/v1/components?per_page=0", 422),
        ("/api/v1/components?page=abc", 422),
        ("/api/v1/organisations?kind=x", 422),
        ("/api/v1/nergens", 404),
    ],
)
def test_errors_are_problem_json(client: Any, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"]


def test_cors_allows_reading_only(client: Any) -> None:
    response = client.get("/api/v1/standards", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]
    assert client.post("/api/v1/components").status_code in (400, 405)


def test_openapi_document_is_3_1_and_lists_every_route(app: Any, client: Any) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    routes = {
        (rule.rule.removeprefix("/api/v1").replace("<slug>", "{slug}"), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method) for path, methods in document["paths"].items() for method in methods
    }
    assert routes == documented


def _refusals() -> list[tuple[str, str, str, dict[str, Any], str]]:
    """(path, field, code, params, English) of each refusal of a request's parameters."""
    from catalogue.search.interfaces import SORTS
    from catalogue.web.serializers import ORGANISATION_KINDS

    kinds, sorts = ", ".join(ORGANISATION_KINDS), ", ".join(SORTS)
    return [
        (
            "/api/v1/components?per_page=0",
            "per_page",
            "whole_number_range",
            {"minimum": 1, "maximum": 100},
            "must be a whole number from 1 to 100",
        ),
        (
            "/api/v1/standards?page=abc",
            "page",
            "whole_number_range",
            {"minimum": 1, "maximum": 100_000},
            "must be a whole number from 1 to 100000",
        ),
        (
            "/api/v1/organisations?kind=x",
            "kind",
            "choice_unknown",
            {"choices": kinds},
            f"must be one of {kinds}",
        ),
        (
            "/api/v1/components?sort=x",
            "sort",
            "choice_unknown",
            {"choices": sorts},
            f"must be one of {sorts}",
        ),
        (
            "/api/v1/components?q=" + "a" * 201,
            "q",
            "text_too_long",
            {"maximum": 200},
            "at most 200 characters",
        ),
    ]


def test_each_refused_parameter_has_its_code_beside_its_english_text(client: Any) -> None:
    for path, field, code, params, english in _refusals():
        response = client.get(path)
        assert response.status_code == 422, path
        body = response.get_json()
        assert body["errors"] == {field: [english]}, path
        assert body["codes"] == {field: [{"code": code, "params": params}]}, path


@pytest.mark.both_backends
def test_a_refused_advice_request_has_its_code(client: Any) -> None:
    not_an_object = client.post("/api/v1/advice", json=["gemeente"])
    assert not_an_object.status_code == 422
    body = not_an_object.get_json()
    assert body["errors"] == {"body": ["send a JSON object with the profile"]}
    assert body["codes"] == {"body": [{"code": "profile_body_required", "params": {}}]}
    shape = client.post("/api/v1/advice", json={"replace": {"remove": 1}})
    assert shape.status_code == 422
    body = shape.get_json()
    assert body["errors"] == {"replace": ['must be {"remove": id, "add": id}']}
    assert body["codes"]["replace"][0]["code"] == "replacement_shape"
    # A service's refusal of the profile carries its code too, in the same place as its text.
    unknown = client.post("/api/v1/advice", json={"municipality": "GM9999"}).get_json()
    assert unknown["errors"] == {"municipality": ["unknown CBS code 'GM9999'"]}
    assert unknown["codes"] == {
        "municipality": [{"code": "municipality_unknown", "params": {"cbs_code": "GM9999"}}]
    }


@pytest.mark.both_backends
@pytest.mark.parametrize(
    ("path", "code", "params", "detail"),
    [
        (
            "/api/v1/components/bestaat-niet",
            "component_unknown",
            {"slug": "bestaat-niet"},
            "no component 'bestaat-niet'",
        ),
        (
            "/api/v1/organisations/bestaat-niet",
            "organisation_not_found",
            {"organisation": "bestaat-niet"},
            "no organisation 'bestaat-niet'",
        ),
    ],
)
def test_a_missing_record_has_its_code_beside_the_english_detail(
    client: Any, path: str, code: str, params: dict[str, Any], detail: str
) -> None:
    response = client.get(path, headers={"Accept-Language": "nl"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert (body["detail"], body["code"], body["params"]) == (detail, code, params)
    assert "codes" not in body  # no refused fields


def test_the_problem_schema_lists_every_error_code(client: Any) -> None:
    from catalogue.errors import ErrorCode

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert set(schemas["ErrorCode"]["enum"]) == {code.value for code in ErrorCode}
    problem = schemas["Problem"]["properties"]
    assert {"errors", "codes", "code", "params"} <= set(problem)
    assert problem["codes"]["additionalProperties"]["items"] == {
        "$ref": "#/components/schemas/Coded"
    }
