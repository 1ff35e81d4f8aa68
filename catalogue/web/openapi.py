"""The OpenAPI 3.1 document of ``/api/v1``, written as data so tests can check the API against it."""

from __future__ import annotations

from typing import Any

from catalogue.search.query import FACETS
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


_GEMMA_ELEMENT = {
    "type": "object",
    "required": ["slug", "gemma_id", "name"],
    "properties": {
        "slug": {"type": "string"},
        "gemma_id": {"type": "string"},
        "object_id": NULLABLE_STRING,
        "name": {"type": "string"},
        "category": NULLABLE_STRING,
        "status": NULLABLE_STRING,
    },
}

_STRINGS = {"type": "array", "items": {"type": "string"}}
_HOSTING = {"type": "string", "enum": ["saas", "paas", "iaas", "on-premise"]}

SCHEMAS: dict[str, Any] = {
    "Profile": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "municipality": {"type": ["string", "null"], "description": "CBS code, e.g. GM0344"},
            "business_functions": {**_STRINGS, "description": "GEMMA business-function slugs"},
            "reference_components": {**_STRINGS, "description": "GEMMA reference-component slugs"},
            "landscape_components": {
                "type": ["array", "null"],
                "items": {"type": "string"},
                "description": (
                    "catalogue component slugs in use; leave it out (or null) to use the"
                    " municipality's published usage claims; an empty list means none"
                ),
            },
            "landscape_reference_components": _STRINGS,
            "hosting_order": {"type": "array", "items": _HOSTING},
            "disallowed_hosting": {"type": "array", "items": _HOSTING},
            "open_source_only": {"type": "boolean"},
            "strict": {
                "type": "boolean",
                "description": (
                    "'alleen zekere feiten': exclude candidates whose licence, status or hosting "
                    "is unknown where a rule depends on it (default false: unknown is not 'no'; "
                    "such a chosen candidate is listed in notes.to_verify)"
                ),
            },
            "min_status": {"type": "string", "enum": ["concept", "development", "beta", "stable"]},
            "required_standards": {**_STRINGS, "description": "GEMMA standard slugs"},
            "exclude": _STRINGS,
            "weights": {
                "type": "object",
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 10},
            },
            "replace": {
                "type": "object",
                "required": ["remove", "add"],
                "properties": {"remove": {"type": "string"}, "add": {"type": "string"}},
            },
        },
    },
    "Advice": {
        "type": "object",
        "required": ["profile", "plan", "explanation", "roadmap", "names"],
        "properties": {
            "profile": {"type": "object"},
            "plan": {
                "type": "object",
                "required": ["feasible", "selected", "cost", "unmet", "order", "why", "optimal"],
                "properties": {
                    "feasible": {"type": "boolean"},
                    "selected": _STRINGS,
                    "cost": {"type": "number"},
                    "unmet": _STRINGS,
                    "order": {"type": "array", "items": _STRINGS},
                    "why": {"type": "object", "additionalProperties": _STRINGS},
                    "optimal": {"type": "boolean"},
                },
            },
            "explanation": {"type": "object"},
            "roadmap": {"type": "object"},
            "what_if": {"type": ["object", "null"]},
            "names": {"type": "object", "additionalProperties": {"type": "string"}},
            "notes": {
                "type": "object",
                "properties": {
                    "unknown_status": _STRINGS,
                    "unknown_hosting": _STRINGS,
                    "unknown_licence": _STRINGS,
                    "to_verify": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["component", "facts", "rules", "source"],
                            "properties": {
                                "component": {"type": "string"},
                                "facts": {
                                    "type": "array",
                                    "items": {"enum": ["licence", "status", "hosting"]},
                                },
                                "rules": _STRINGS,
                                "source": {"type": ["string", "null"]},
                            },
                        },
                    },
                },
            },
        },
    },
    "Problem": {
        "type": "object",
        "required": ["title", "status"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
    "Facets": {
        "type": "object",
        "additionalProperties": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["value", "label", "count"],
                "properties": {
                    "value": {"type": "string"},
                    "label": {"type": "string"},
                    "count": {"type": "integer", "minimum": 0},
                    "selected": {"type": "boolean"},
                },
            },
        },
    },
    "ComponentSummary": {
        "type": "object",
        "required": ["slug", "name", "url", "reference_components"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string"},
            "short_description": {"type": "object", "additionalProperties": NULLABLE_STRING},
            "development_status": NULLABLE_STRING,
            "license": NULLABLE_STRING,
            "reference_components": {"type": "array", "items": {"type": "string"}},
            "updated_at": NULLABLE_STRING,
        },
    },
    "Component": {
        "type": "object",
        "required": ["slug", "name", "url", "reference_components", "users", "source"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string"},
            "license": NULLABLE_STRING,
            "development_status": NULLABLE_STRING,
            "release_date": NULLABLE_STRING,
            "descriptions": {"type": "object"},
            "maintenance": {"type": "object"},
            "hosting_models": {"type": "array", "items": {"type": "object"}},
            "reference_components": {"type": "array", "items": {"type": "object"}},
            "standards": {"type": "array", "items": {"type": "object"}},
            "requires": {"type": "array", "items": {"type": "object"}},
            "offers": {"type": "array", "items": {"type": "object"}},
            "users": {"type": "array", "items": {"type": "object"}},
            "required_by": {"type": "array", "items": {"type": "string"}},
            "latest_import": {"type": ["object", "null"]},
            "source": NULLABLE_STRING,
        },
    },
    "GemmaElement": _GEMMA_ELEMENT,
    "StandardSummary": {
        **_GEMMA_ELEMENT,
        "properties": {
            **_GEMMA_ELEMENT["properties"],
            "claimed_by_count": {"type": "integer", "minimum": 0},
        },
    },
    "ReferenceComponent": {
        **_GEMMA_ELEMENT,
        "properties": {
            **_GEMMA_ELEMENT["properties"],
            "description": NULLABLE_STRING,
            "realised_by": {"type": "array", "items": {"type": "object"}},
            "mandatory_standards": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/GemmaElement"},
            },
            "recommended_standards": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/GemmaElement"},
            },
            "depends_on": {"type": "array", "items": {"type": "object"}},
            "depended_on_by": {"type": "array", "items": {"type": "object"}},
            "business_functions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/GemmaElement"},
            },
        },
    },
    "Standard": {
        **_GEMMA_ELEMENT,
        "properties": {
            **_GEMMA_ELEMENT["properties"],
            "description": NULLABLE_STRING,
            "url": NULLABLE_STRING,
            "beheerder": NULLABLE_STRING,
            "versions": {"type": "array", "items": {"type": "object"}},
            "required_by": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/GemmaElement"},
            },
            "recommended_by": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/GemmaElement"},
            },
            "claimed_by": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Organisation": {
        "type": "object",
        "required": ["slug", "name", "kind"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "cbs_code": NULLABLE_STRING,
            "province": NULLABLE_STRING,
            "inhabitants": NULLABLE_INTEGER,
            "inhabitants_year": NULLABLE_INTEGER,
            "website": NULLABLE_STRING,
            "source": NULLABLE_STRING,
        },
    },
    "OrganisationDetail": {
        "type": "object",
        "required": ["slug", "name", "kind", "uses", "maintains"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "uses": {"type": "array", "items": {"type": "object"}},
            "maintains": {"type": "array", "items": {"type": "string"}},
        },
    },
}
