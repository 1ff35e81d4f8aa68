"""The write side of ``/api/v1`` for maintainers' CI: validate a publiccode.yml, and submit one
as an update for review with a personal API token.

Authentication is a bearer token only, never a session cookie, so these routes need no CSRF
token (they are exempt). ``contribute_paths()`` and ``contribute_security_schemes()`` describe
them for the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, jsonify, request, url_for

from catalogue.errors import ErrorCode, FieldError, NotAuthorized, ValidationError, parser_issue
from catalogue.extensions import csrf
from catalogue.models import SubmissionOrigin, User
from catalogue.publiccode import MAX_BYTES
from catalogue.services import accounts, submissions
from catalogue.services.permissions import Permission, has
from catalogue.web.api_schemas import Issue, Submitted, Verdict
from catalogue.web.auth import public
from catalogue.web.context import db_session
from catalogue.web.errors import problem

bp = Blueprint("api_contribute", __name__, url_prefix="/api/v1")

View = TypeVar("View", bound=Callable[..., Any])


def _body() -> bytes:
    """The request body, read no further than one byte over the parser's limit."""
    return request.get_data(cache=False)[: MAX_BYTES + 1]


def _unauthorized(detail: FieldError) -> Response:
    response = problem(401, detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="componentenwijzer"'
    return response


def requires_token(permission: Permission, scope: accounts.TokenScope) -> Callable[[View], View]:
    """Decorate an API view: a valid bearer token with ``scope``, whose account holds ``permission``.

    The account is passed to the view as ``token_user``. Every use and refusal is audited.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            kind, _, token = header.partition(" ")
            if kind.lower() != "bearer" or not token.strip():
                return _unauthorized(FieldError(ErrorCode.API_TOKEN_REQUIRED))
            database = db_session()
            try:
                user = accounts.user_for_token(
                    database, token.strip(), scope=scope, remote_addr=request.remote_addr
                )
            except NotAuthorized:
                database.commit()  # the refusal stays in the audit log
                raise
            database.commit()
            if user is None:
                return _unauthorized(FieldError(ErrorCode.API_TOKEN_INVALID))
            if not has(user, permission):
                raise NotAuthorized(
                    FieldError(ErrorCode.TOKEN_MAY_NOT, permission=permission.value)
                )
            return view(*args, token_user=user, **kwargs)

        guarded.required_permission = permission  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def _issue(issue: dict[str, Any]) -> Issue:
    return Issue.model_validate(
        {
            key: issue.get(key)
            for key in ("key", "line", "column", "message", "message_nl", "code", "params")
        }
    )


@bp.post("/validate")
@public("validation writes nothing; rate-limited")
def validate() -> Response:
    """Check a publiccode.yml (the request body) and return its located errors and warnings."""
    data = _body()
    if not data.strip():
        raise ValidationError({"body": [FieldError(ErrorCode.PUBLICCODE_BODY_REQUIRED)]})
    strict = request.args.get("mode") == "strict"
    result = submissions.check_publiccode(data) if not strict else _strict(data)
    issues = submissions.issues_of(result)
    verdict = Verdict(
        valid=result.valid,
        accepted=result.record is not None,
        mode="strict" if strict else "lenient",
        publiccode_version=result.version,
        errors=[_issue(i) for i in issues if i["level"] == "error"],
        warnings=[_issue(i) for i in issues if i["level"] == "warning"],
    )
    return jsonify(verdict.model_dump(mode="json"))


def _unreadable(issue: dict[str, Any]) -> dict[str, Any]:
    """The code of one parser error in a refused file (``publiccode_unreadable``), with the
    issue's place, its text in both languages, the parser's own code (``issue``), and the
    ``template`` and ``params`` of its text (``errors.parser_issue``)."""
    refused = parser_issue(
        ErrorCode.PUBLICCODE_UNREADABLE,
        issue,
        key=issue.get("key"),
        line=issue.get("line"),
        column=issue.get("column"),
    )
    return {"code": refused.code.value, "params": refused.params_as_json()}


def _strict(data: bytes) -> Any:
    from catalogue.publiccode import parse

    return parse(data, strict=True)


@bp.put("/components/<slug>/publiccode")
@requires_token(Permission.SUBMIT, accounts.TokenScope.SUBMIT)
def put_publiccode(slug: str, *, token_user: User) -> Response:
    """Submit the component's publiccode.yml (the body) as an update for review."""
    data = _body()
    if not data.strip():
        raise ValidationError({"body": [FieldError(ErrorCode.PUBLICCODE_BODY_REQUIRED)]})
    result = submissions.check_publiccode(data)
    if result.record is None:
        refused = [i for i in submissions.issues_of(result) if i["level"] == "error"]
        issues = [_issue(i) for i in refused]
        return problem(
            422,
            FieldError(ErrorCode.PUBLICCODE_NOT_READABLE),
            issues=[i.model_dump(mode="json") for i in issues],
            errors={"publiccode": [i.message for i in issues]},
            codes={"publiccode": [_unreadable(i) for i in refused]},
        )
    database = db_session()
    submission = submissions.start_from_publiccode(
        database,
        data,
        actor=token_user,
        source_name=f"API: {slug}",
        origin=SubmissionOrigin.API,
        target_slug=slug,
        submit=True,
        remote_addr=request.remote_addr,
    )
    database.commit()
    location = url_for("contribute.preview", submission_id=submission.id)
    submitted = Submitted(
        submission=submission.id,
        status=submission.status,
        url=location,
        warnings=[_issue(i) for i in submission.file_issues if i["level"] == "warning"],
    )
    response = jsonify(submitted.model_dump(mode="json"))
    response.status_code = 202
    response.headers["Location"] = location
    return response


# ---------------------------------------------------------------- OpenAPI

_PROBLEM = {"$ref": "#/components/responses/Problem"}
_YAML_BODY = {
    "required": True,
    "content": {
        "application/yaml": {
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_BYTES, "pattern": "\\S"}
        },
        "text/plain": {
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_BYTES, "pattern": "\\S"}
        },
    },
}


def contribute_security_schemes() -> dict[str, Any]:
    """``components.securitySchemes`` entries for the personal API tokens."""
    return {
        "personalToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (made on /account) with the scope submissions:write.",
        }
    }


def contribute_paths() -> dict[str, Any]:
    """The OpenAPI paths of this module, relative to ``/api/v1``; the answers' schemas are
    generated from ``api_schemas.Verdict`` and ``api_schemas.Submitted``."""
    return {
        "/validate": {
            "post": {
                "summary": "Validate a publiccode.yml: located errors and warnings",
                "description": "No authentication; rate-limited. `mode=strict` checks against the "
                "standard like the official parser; the default is the catalogue's lenient reading.",
                "parameters": [
                    {
                        "name": "mode",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["lenient", "strict"]},
                    }
                ],
                "requestBody": _YAML_BODY,
                "responses": {
                    "200": {
                        "description": "The verdict and the located issues",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Verdict"}}
                        },
                    },
                    "400": _PROBLEM,
                    "413": _PROBLEM,
                    "422": _PROBLEM,
                    "429": _PROBLEM,
                },
            }
        },
        "/components/{slug}/publiccode": {
            "put": {
                "summary": "Submit a component's publiccode.yml as an update for review",
                "description": "Needs a personal API token with the scope `submissions:write` of an "
                "account that may edit the component. The published component stays as it is until a "
                "reviewer approves the update.",
                "security": [{"personalToken": []}],
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": _YAML_BODY,
                "responses": {
                    "202": {
                        "description": "Submitted for review",
                        "headers": {
                            "Location": {
                                "schema": {"type": "string"},
                                "description": "The submission's page",
                            }
                        },
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Submitted"}
                            }
                        },
                    },
                    "400": _PROBLEM,
                    "401": _PROBLEM,
                    "403": _PROBLEM,
                    "404": _PROBLEM,
                    "409": _PROBLEM,
                    "413": _PROBLEM,
                    "422": _PROBLEM,
                    "429": _PROBLEM,
                },
            }
        },
    }


def init_app(app: Flask) -> None:
    """Register the blueprint; it authenticates by token only, so it is exempt from CSRF."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
