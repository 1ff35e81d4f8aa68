"""Component search for the JSON API: the same search service as the page, with English
parameter names (the facet names) instead of the page's Dutch ones."""

from __future__ import annotations

from typing import Any

from flask import g
from werkzeug.datastructures import MultiDict

from catalogue.errors import ErrorCode, FieldError, ValidationError
from catalogue.search import search_catalogue
from catalogue.search.interfaces import SORTS, SearchQuery
from catalogue.search.query import FACETS, normalise_text, parse_filters
from catalogue.services.components import components_by_slugs
from catalogue.web.context import db_session

PARAMETER_OF = {facet.param: facet.name for facet in FACETS}
# The longest query the API searches for (the OpenAPI document says the same).
MAX_QUERY = 200


def search_for_api(arguments: MultiDict[str, str], *, page: int, per_page: int) -> dict[str, Any]:
    """The API's component search: read the query from ``arguments`` (English parameter names),
    search the catalogue, and answer ``{"components", "total", "facets", "degraded", "relaxed",
    "corrected"}`` (``relaxed`` and ``corrected``: see catalogue/search/recovery.py)."""
    q = normalise_text(arguments.get("q"))
    if len(arguments.get("q") or "") > MAX_QUERY:
        raise ValidationError({"q": [FieldError(ErrorCode.TEXT_TOO_LONG, maximum=MAX_QUERY)]})
    sort = arguments.get("sort") or ("relevance" if q else "name")
    if sort not in SORTS:
        choices = ", ".join(SORTS)
        raise ValidationError({"sort": [FieldError(ErrorCode.CHOICE_UNKNOWN, choices=choices)]})
    if sort == "relevance" and not q:
        sort = "name"
    filters = parse_filters(lambda param: arguments.getlist(PARAMETER_OF[param]))
    results = search_catalogue(
        SearchQuery(
            q=q,
            filters=filters,
            sort=sort,
            page=page,  # type: ignore[arg-type]
            per_page=per_page,
            language=str(g.get("lang", "nl")),
        )
    )
    return {
        "components": components_by_slugs(db_session(), [hit.slug for hit in results.hits]),
        "total": results.total,
        "degraded": results.degraded,
        "relaxed": results.relaxed,
        "corrected": results.corrected,
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in results.facets.items()
        },
    }
