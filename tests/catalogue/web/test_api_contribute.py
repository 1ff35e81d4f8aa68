"""The write API for maintainers' CI and its OpenAPI description, the create-user command, and
bandit's verdict on the code."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import jsonschema_rs  # installed with schemathesis, the API's conformance tool
import pytest
from sqlalchemy import select

from catalogue.models import Role, Submission, SubmissionStatus, User
from catalogue.publiccode import parse
from catalogue.services import accounts
from catalogue.web.api_contribute import contribute_paths, contribute_security_schemes
from catalogue.web.openapi import SCHEMAS
from tests.accounts import COMPONENT, make_account
from tests.conftest import ROOT

SIGNALEN = ROOT / "data" / "publiccode" / "dutch" / "Amsterdam__signals-frontend.yml"
BROKEN = b"name: [unclosed\n"


def _token(app: Any, account: Any) -> str:
    with app.extensions["catalogue_db"].session() as session:
        _row, secret = accounts.create_token(
            session,
            actor=accounts.get_user(session, account.id),
            name="ci",
            scopes=["submissions:write"],
        )
    return secret


def _conforms(body: Any, schema: dict[str, Any]) -> None:
    jsonschema_rs.validator_for(schema).validate(body)


def _schema(path: str, method: str, status: str) -> dict[str, Any]:
    """The answer's schema, with the document's generated schemas its ``$ref`` points into."""
    schema = contribute_paths()[path][method]["responses"][status]["content"]["application/json"][
        "schema"
    ]
    return {**schema, "components": {"schemas": SCHEMAS}}


def test_validate_returns_located_issues_in_both_languages(client: Any) -> None:
    response = client.post(
        "/api/v1/validate", data=SIGNALEN.read_bytes(), content_type="application/yaml"
    )
    assert response.status_code == 200
    body = response.get_json()
    _conforms(body, _schema("/validate", "post", "200"))
    assert body["accepted"] and body["warnings"]
    assert all(w["line"] and w["message"] and w["message_nl"] for w in body["warnings"] if w["key"])
    broken = client.post("/api/v1/validate", data=BROKEN).get_json()
    _conforms(broken, _schema("/validate", "post", "200"))
    assert not broken["accepted"] and broken["errors"]
    old_version = (
        ROOT / "data" / "publiccode" / "dutch" / "ConductionNL__bag_publiccode.yml"
    ).read_bytes()
    lenient = client.post("/api/v1/validate", data=old_version).get_json()
    strict = client.post("/api/v1/validate?mode=strict", data=old_version).get_json()
    assert lenient["valid"] and strict["mode"] == "strict" and not strict["valid"]
    empty = client.post("/api/v1/validate", data=b"")
    assert empty.status_code == 422 and empty.mimetype == "application/problem+json"


def test_validate_gives_each_issue_its_code_and_params(client: Any) -> None:
    data = SIGNALEN.read_bytes() + b"\ndevelopmentStatus: bogus\n"
    body = client.post("/api/v1/validate", data=data).get_json()
    _conforms(body, _schema("/validate", "post", "200"))
    result = parse(data)
    expected = [*result.errors, *result.warnings]
    answered = [*body["errors"], *body["warnings"]]
    # Each issue as the parser made it: its code, the values its text names, both texts.
    assert [
        (i["key"], i["code"], i["params"], i["message"], i["message_nl"]) for i in answered
    ] == [(i.key, i.code, i.params, i.message, i.message_nl) for i in expected]
    status = next(i for i in answered if i["code"] == "invalid-value")
    assert status["key"] == "developmentStatus"
    assert status["params"] == {
        "name": "developmentStatus",
        "allowed": ["concept", "development", "beta", "stable", "obsolete"],
        "value": "bogus",
    }
    schema = SCHEMAS["Issue"]["properties"]["params"]
    assert schema["anyOf"][0]["type"] == "object" and {"type": "null"} in schema["anyOf"]


def test_put_publiccode_submits_an_update_for_review(app: Any) -> None:
    maintainer = make_account(app, Role.MAINTAINER)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {_token(app, maintainer)}"}
    response = client.put(
        f"/api/v1/components/{COMPONENT}/publiccode", data=SIGNALEN.read_bytes(), headers=headers
    )
    assert response.status_code == 202, response.get_data(as_text=True)
    body = response.get_json()
    _conforms(body, _schema("/components/{slug}/publiccode", "put", "202"))
    assert (
        body["status"] == SubmissionStatus.SUBMITTED and response.headers["Location"] == body["url"]
    )
    with app.extensions["catalogue_db"].session() as session:
        submission = session.get(Submission, body["submission"])
        assert submission.origin == "api" and submission.raw_text == SIGNALEN.read_text(
            encoding="utf-8"
        )
    # Problems are problem+json with the right status.
    assert (
        client.put(
            f"/api/v1/components/{COMPONENT}/publiccode", data=BROKEN, headers=headers
        ).status_code
        == 422
    )
    assert (
        client.put(
            "/api/v1/components/open-zaak/publiccode", data=SIGNALEN.read_bytes(), headers=headers
        ).status_code
        == 403
    )  # not Amsterdam's component
    assert (
        client.put(
            "/api/v1/components/bestaat-niet/publiccode",
            data=SIGNALEN.read_bytes(),
            headers=headers,
        ).status_code
        == 404
    )
    for bad in ({}, {"Authorization": "Bearer cw_nope"}, {"Authorization": "Basic abc"}):
        refused = client.put(
            f"/api/v1/components/{COMPONENT}/publiccode", data=SIGNALEN.read_bytes(), headers=bad
        )
        assert refused.status_code == 401 and refused.mimetype == "application/problem+json"


def test_the_openapi_description_covers_the_routes(app: Any) -> None:
    paths = contribute_paths()
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<slug>", "{slug}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_contribute.")
    }
    assert routes == set(paths)
    put = paths["/components/{slug}/publiccode"]["put"]
    assert put["security"] == [{"personalToken": []}]
    assert contribute_security_schemes()["personalToken"]["scheme"] == "bearer"
    for operation in (paths["/validate"]["post"], put):
        assert {"422", "429"} <= set(operation["responses"])
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": contribute_security_schemes(),
            "responses": {"Problem": {"description": "problem"}},
        },
    }
    json.dumps(document)  # plain data


def test_create_user_makes_the_first_admin(app: Any, runner: Any) -> None:
    result = runner.invoke(
        args=[
            "catalogue",
            "create-user",
            "--role",
            "admin",
            "--email",
            "Beheer@Example.org",
            "--organisation",
            "GM0363",
        ],
        input="een lange goede zin hier\neen lange goede zin hier\n",
    )
    assert result.exit_code == 0, result.output
    assert "Two-factor login is required" in result.output
    with app.extensions["catalogue_db"].session() as session:
        user = session.scalar(select(User).where(User.email == "beheer@example.org"))
        assert user is not None and user.role == "admin" and user.organisation_confirmed
    prompted = runner.invoke(
        args=["catalogue", "create-user"],
        input="tweede@example.org\nconduction\neen lange goede zin hier\neen lange goede zin hier\n",
    )
    assert prompted.exit_code == 0, prompted.output
    weak = runner.invoke(
        args=[
            "catalogue",
            "create-user",
            "--email",
            "x@example.org",
            "--organisation",
            "GM0363",
            "--password",
            "kort",
        ]
    )
    assert weak.exit_code != 0 and "password" in weak.output
    unknown = runner.invoke(
        args=[
            "catalogue",
            "create-user",
            "--email",
            "y@example.org",
            "--organisation",
            "nergens",
            "--password",
            "een lange goede zin hier",
        ]
    )
    assert unknown.exit_code != 0 and "no organisation" in unknown.output


@pytest.mark.slow  # seconds: see SLOW_FILES in tests/conftest.py
def test_bandit_finds_nothing_of_high_severity() -> None:
    completed = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "bandit", "-r", "catalogue", "advisor", "-lll", "-q", "-f", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(completed.stdout)
    assert report["errors"] == [], report["errors"]
    high = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] == "HIGH"
    ]
    assert high == []
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really looked at the code


@pytest.mark.both_backends
def test_each_refusal_of_the_write_api_has_its_code_beside_its_english_text(app: Any) -> None:
    maintainer = make_account(app, Role.MAINTAINER)
    client = app.test_client()
    url = f"/api/v1/components/{COMPONENT}/publiccode"

    def refusal(response: Any) -> dict[str, Any]:
        assert response.mimetype == "application/problem+json"
        return dict(response.get_json())

    # No token, and a token nobody made: 401 with the code of why.
    for headers, code, detail in (
        ({}, "api_token_required", "send a personal API token as 'Authorization: Bearer <token>'"),
        (
            {"Authorization": "Bearer cw_nope"},
            "api_token_invalid",
            "this token is unknown, expired or revoked",
        ),
    ):
        response = client.put(url, data=SIGNALEN.read_bytes(), headers=headers)
        assert response.status_code == 401
        body = refusal(response)
        assert (body["detail"], body["code"], body["params"]) == (detail, code, {})

    headers = {"Authorization": f"Bearer {_token(app, maintainer)}"}
    for response in (
        client.put(url, data=b" \n", headers=headers),
        client.post("/api/v1/validate"),
    ):
        assert response.status_code == 422
        body = refusal(response)
        assert body["errors"] == {"body": ["send the publiccode.yml as the request body"]}
        assert body["codes"] == {"body": [{"code": "publiccode_body_required", "params": {}}]}

    # A file the parser cannot read: its code, and each parser error's place, texts, and the
    # template and params of its text (a client may word it itself).
    (parsed,) = parse(BROKEN).errors
    unreadable = client.put(url, data=BROKEN, headers=headers)
    assert unreadable.status_code == 422
    body = refusal(unreadable)
    assert body["detail"] == "the file cannot be read as a publiccode.yml"
    assert body["code"] == "publiccode_not_readable"
    assert len(body["codes"]["publiccode"]) == len(body["errors"]["publiccode"]) == 1
    coded = body["codes"]["publiccode"][0]
    issue = body["issues"][0]
    assert coded == {
        "code": "publiccode_unreadable",
        "params": {
            "key": issue["key"],
            "line": issue["line"],
            "column": issue["column"],
            "message": body["errors"]["publiccode"][0],
            "message_nl": issue["message_nl"],
            "issue": issue["code"],
            "template": parsed.template,
            "params": issue["params"],
        },
    }
    assert parsed.template == "yaml-syntax.located" and issue["params"] == parsed.params
    assert set(parsed.params) == {"line", "column", "problem"}
    assert issue["code"] == "yaml-syntax" and issue["line"] == 2  # the unclosed list ends there

    # A service's refusal of the action: another organisation's component, an unknown one.
    other = refusal(
        client.put(
            "/api/v1/components/open-zaak/publiccode", data=SIGNALEN.read_bytes(), headers=headers
        )
    )
    assert other["status"] == 403 and other["code"] == "own_organisation_components"
    missing = refusal(
        client.put(
            "/api/v1/components/bestaat-niet/publiccode",
            data=SIGNALEN.read_bytes(),
            headers=headers,
        )
    )
    assert missing["status"] == 404
    assert (missing["code"], missing["params"]) == ("component_unknown", {"slug": "bestaat-niet"})
