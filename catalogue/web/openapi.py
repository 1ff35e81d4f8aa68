"""The OpenAPI 3.1 document of ``/api/v1``, as data so tests can check the API against it.

The schemas are generated from the typed models the answers are built from (and the advisor's
profile, the one request body with a schema): the component document
(``catalogue/component_document.py``) and ``api_schemas.py``. None is written here by hand.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from catalogue import component_document
from catalogue.search.query import FACETS
from catalogue.web import api_schemas
from catalogue.web.api_contribute import contribute_paths, contribute_security_schemes

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}

PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
]

SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}

PAGING_HEADERS = {
    "Total-Count": {"schema": {"type": "string"}, "description": "Number of items over all pages"},
    "Link": {"schema": {"type": "string"}, "description": "first, prev, next and last pages"},
}

FACET_FILTERS = tuple(facet.name for facet in FACETS)


def _list_of(item: str, *, facets: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        "total": {"type": "integer", "minimum": 0},
    }
    if facets:
        properties["facets"] = {"$ref": "#/components/schemas/Facets"}
        properties["degraded"] = {
            "type": "boolean",
            "description": "true while search answers from the database",
        }
        properties["relaxed"] = {
            "type": "boolean",
            "description": "true when no component had every word: these have some of them",
        }
        properties["corrected"] = {
            "type": ["string", "null"],
            "description": "the spelling correction searched instead when q found nothing",
        }
    return {"type": "object", "required": list(properties), "properties": properties}


def _ok(schema: dict[str, Any], *, paged: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": "OK",
        "content": {"application/json": {"schema": schema}},
    }
    if paged:
        response["headers"] = PAGING_HEADERS
    return response


PROBLEM = {"$ref": "#/components/responses/Problem"}


def _get(
    summary: str, response: dict[str, Any], parameters: list[Any], *, errors: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            # 400: a NUL byte in the query or the path (catalogue/security.py refuses it).
            "responses": {"200": response, "400": PROBLEM, **{code: PROBLEM for code in errors}},
        }
    }


def openapi_document(*, server: str = "/api/v1") -> dict[str, Any]:
    """The document; ``server`` is the API's base path."""
    facet_parameters = [
        {
            "name": name,
            "in": "query",
            "required": False,
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}},
        }
        for name in FACET_FILTERS
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Componentenwijzer API",
            "version": "1.0.0",
            "description": "Read-only access to the catalogue of components that Dutch municipalities "
            "share, and to the GEMMA reference data. Every fact carries its source.",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": server}],
        "paths": {
            "/components": _get(
                "Search and list components, with facets",
                _ok(_list_of("ComponentSummary", facets=True), paged=True),
                [
                    {
                        "name": "q",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 200},
                    },
                    {
                        "name": "sort",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["relevance", "name", "updated"]},
                    },
                    *facet_parameters,
                    *PAGE_PARAMETERS,
                ],
                errors=("422",),
            ),
            "/components/{slug}": _get(
                "One component",
                _ok({"$ref": "#/components/schemas/Component"}),
                [SLUG_PARAMETER],
                errors=("404",),
            ),
            "/reference-components": _get(
                "GEMMA reference components",
                _ok(_list_of("GemmaElement"), paged=True),
                PAGE_PARAMETERS,
                errors=("422",),
            ),
            "/reference-components/{slug}": _get(
                "One reference component",
                _ok({"$ref": "#/components/schemas/ReferenceComponent"}),
                [SLUG_PARAMETER],
                errors=("404",),
            ),
            "/standards": _get(
                "GEMMA standards",
                _ok(_list_of("StandardSummary"), paged=True),
                PAGE_PARAMETERS,
                errors=("422",),
            ),
            "/standards/{slug}": _get(
                "One standard",
                _ok({"$ref": "#/components/schemas/Standard"}),
                [SLUG_PARAMETER],
                errors=("404",),
            ),
            "/organisations": _get(
                "Organisations",
                _ok(_list_of("Organisation"), paged=True),
                [
                    {
                        "name": "kind",
                        "in": "query",
                        "required": False,
                        "schema": {
                            "type": "string",
                            "enum": [
                                "municipality",
                                "supplier",
                                "government",
                                "foundation",
                                "cooperation",
                                "other",
                            ],
                        },
                    },
                    *PAGE_PARAMETERS,
                ],
                errors=("422",),
            ),
            "/advice": {
                "post": {
                    "summary": "Advice for a municipality's profile: plan, explanations, roadmap",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}
                        },
                    },
                    "responses": {
                        "200": _ok({"$ref": "#/components/schemas/Advice"}),
                        "400": PROBLEM,  # not JSON, or nested deeper than 32
                        "404": PROBLEM,
                        "422": PROBLEM,
                    },
                }
            },
            **contribute_paths(),
            "/organisations/{slug}": _get(
                "One organisation",
                _ok({"$ref": "#/components/schemas/OrganisationDetail"}),
                [SLUG_PARAMETER],
                errors=("404",),
            ),
        },
        "components": {
            "securitySchemes": contribute_security_schemes(),
            "responses": {
                "Problem": {
                    "description": "An error, as RFC 9457 problem details",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
            "schemas": SCHEMAS,
        },
    }


REF_TEMPLATE = "#/components/schemas/{model}"

# Each schema of components.schemas, by name, from the model the answer is built from.
ANSWER_MODELS: dict[str, type[BaseModel]] = {
    "Component": component_document.ComponentAnswer,
    "ComponentSummary": component_document.ComponentSummary,
    "GemmaElement": api_schemas.GemmaElement,
    "StandardSummary": api_schemas.StandardSummary,
    "ReferenceComponent": api_schemas.ReferenceComponent,
    "Standard": api_schemas.Standard,
    "Organisation": api_schemas.Organisation,
    "OrganisationDetail": api_schemas.OrganisationDetail,
    "Problem": api_schemas.Problem,
    "Facets": api_schemas.Facets,
    "Verdict": api_schemas.Verdict,
    "Submitted": api_schemas.Submitted,
    "Advice": api_schemas.Advice,
}

# Each request body's schema, by name: what a client may send.
REQUEST_MODELS: dict[str, type[BaseModel]] = {
    "Profile": api_schemas.Profile,
}


def generated_schemas() -> dict[str, Any]:
    """The JSON Schemas of ANSWER_MODELS (as they serialise) and REQUEST_MODELS (as they
    validate), with every model they refer to."""
    wanted = [
        *((name, model, "serialization") for name, model in ANSWER_MODELS.items()),
        *((name, model, "validation") for name, model in REQUEST_MODELS.items()),
    ]
    keyed, top = models_json_schema(
        [(model, mode) for _name, model, mode in wanted],
        ref_template=REF_TEMPLATE,
    )
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    for name, model, mode in wanted:
        reference = keyed[(model, mode)]["$ref"]
        defined = reference.rsplit("/", 1)[-1]
        if defined != name:
            schemas[name] = schemas.pop(defined)
    return schemas


SCHEMAS: dict[str, Any] = generated_schemas()
