"""The JSON API: shapes, paging headers, problem+json errors, CORS, and schemathesis conformance."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import func, select

from catalogue.models import Component, Organisation


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
