"""The read-only JSON API under ``/api/v1``: the same services as the pages, as JSON.

Errors are ``application/problem+json`` (see catalogue.web.errors); CORS allows any origin to
read (and ask for advice, which writes nothing), never to write.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for

from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.services import gemma as gemma_service
from catalogue.services import organisations as organisation_service
from catalogue.services.component_read import read_component
from catalogue.web import serializers
from catalogue.web.auth import public
from catalogue.web.context import db_session
from catalogue.web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 100


def _int_argument(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    refused = FieldError(ErrorCode.WHOLE_NUMBER_RANGE, minimum=low, maximum=high)
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [refused]}) from None
    if not low <= value <= high:
        raise ValidationError({name: [refused]})
    return value


def _paging() -> tuple[int, int]:
    return (
        _int_argument("page", 1, 1, 100_000),
        _int_argument("per_page", 20, 1, MAX_PER_PAGE),
    )


def _base_url() -> str:
    """This path on the configured public address; never the request's own Host header."""
    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    if not base:
        return url_for(request.endpoint or "api.components", **(request.view_args or {}))
    return base + request.path


def paged_response(
    items: list[Any], total: int, page: int, per_page: int, **extra: Any
) -> Response:
    """``{"items", "total", ...}`` with ``Link`` (first/prev/next/last) and ``Total-Count``."""
    response = jsonify({"items": items, "total": total, **extra})
    last = max(1, math.ceil(total / per_page))
    links = []
    arguments = {k: request.args.getlist(k) for k in request.args}
    for relation, number in (("first", 1), ("prev", page - 1), ("next", page + 1), ("last", last)):
        if 1 <= number <= last and not (relation in ("prev", "next") and number == page):
            query = urlencode({**arguments, "page": number, "per_page": per_page}, doseq=True)
            links.append(f'<{_base_url()}?{query}>; rel="{relation}"')
    if links:
        response.headers["Link"] = ", ".join(links)
    response.headers["Total-Count"] = str(total)
    return response


@bp.get("/components")
def components() -> Response:
    """Search and list components, with facets."""
    from catalogue.web.search_bridge import search_for_api

    page, per_page = _paging()
    result = search_for_api(request.args, page=page, per_page=per_page)
    return paged_response(
        [serializers.component_summary(hit) for hit in result["components"]],
        result["total"],
        page,
        per_page,
        facets=result["facets"],
        degraded=result["degraded"],
        relaxed=result["relaxed"],
        corrected=result["corrected"],
    )


@bp.get("/components/<slug>")
def component(slug: str) -> Response:
    """One component with every field, its links and where each fact came from."""
    read = read_component(db_session(), slug)
    return jsonify(serializers.component_detail(read.component, read.latest_import))


@bp.get("/reference-components")
def reference_components() -> Response:
    """All GEMMA reference components."""
    elements = gemma_service.list_reference_components(db_session())
    page, per_page = _paging()
    chunk = elements[(page - 1) * per_page : page * per_page]
    return paged_response(
        [serializers.gemma_summary(e) for e in chunk], len(elements), page, per_page
    )


@bp.get("/reference-components/<slug>")
def reference_component(slug: str) -> Response:
    """A reference component with realisations, standards and dependencies."""
    view = gemma_service.reference_component_view(db_session(), slug)
    return jsonify(serializers.reference_component_detail(view))


@bp.get("/standards")
def standards() -> Response:
    """All GEMMA standards, with the number of catalogue components that claim each."""
    session = db_session()
    elements = gemma_service.list_standards(session)
    claims = gemma_service.claims_per_standard(session)
    page, per_page = _paging()
    chunk = elements[(page - 1) * per_page : page * per_page]
    items = [
        {**serializers.gemma_summary(e), "claimed_by_count": claims.get(e.id, 0)} for e in chunk
    ]
    return paged_response(items, len(elements), page, per_page)


@bp.get("/standards/<slug>")
def standard(slug: str) -> Response:
    """A standard with its versions, who needs it and which components claim it."""
    return jsonify(serializers.standard_detail(gemma_service.standard_view(db_session(), slug)))


@bp.get("/organisations")
def organisations() -> Response:
    """Municipalities, suppliers and other organisations; ``kind`` filters."""
    kind = request.args.get("kind")
    if kind is not None and kind not in serializers.ORGANISATION_KINDS:
        choices = ", ".join(serializers.ORGANISATION_KINDS)
        raise ValidationError({"kind": [FieldError(ErrorCode.CHOICE_UNKNOWN, choices=choices)]})
    page, per_page = _paging()
    items, total = organisation_service.list_organisations(
        db_session(), kind=kind, page=page, per_page=per_page
    )
    return paged_response(
        [serializers.organisation_summary(o) for o in items], total, page, per_page
    )


@bp.get("/organisations/<slug>")
def organisation(slug: str) -> Response:
    """One organisation with the components it uses (claims, with sources) and maintains."""
    return jsonify(
        serializers.organisation_detail(organisation_service.get_organisation(db_session(), slug))
    )


@bp.post("/advice")
@public("computes an advice; writes nothing")
def advice() -> Response:
    """Advice for a profile given as JSON: the plan, explanations, roadmap and an optional what-if."""
    from catalogue.services import advice as advice_service

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError({"body": [FieldError(ErrorCode.PROFILE_BODY_REQUIRED)]})
    body = dict(body)
    replace = body.pop("replace", None)
    replacement = None
    if replace is not None:
        if not (
            isinstance(replace, dict)
            and isinstance(replace.get("remove"), str)
            and isinstance(replace.get("add"), str)
        ):
            raise ValidationError({"replace": [FieldError(ErrorCode.REPLACEMENT_SHAPE)]})
        replacement = (replace["remove"], replace["add"])
    profile = advice_service.profile_from_mapping(body)
    result = advice_service.advise(db_session(), profile, replace=replacement)
    return jsonify(
        serializers.advice({"profile": profile.to_json(), **advice_service.advice_to_json(result)})
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(
        openapi_document(server=url_for("api.components", _external=False).rsplit("/", 1)[0])
    )


@bp.after_request
def _cors(response: Response) -> Response:
    # Anyone may read; nothing here changes data, and credentials are never shared.
    response.headers["Access-Control-Allow-Origin"] = "*"
    # Asking for advice is a POST that changes nothing; every other cross-origin call only reads.
    methods = "POST, OPTIONS" if request.path == "/api/v1/advice" else "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Methods"] = methods
    response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
    response.headers["Access-Control-Expose-Headers"] = "Link, Total-Count"
    response.headers["Access-Control-Max-Age"] = "3600"
    return response


def init_app(app: Flask) -> None:
    """Register the API. It reads no cookies to authorise, so CSRF tokens do not apply to it."""
    from catalogue.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
