"""Component search for the pages and the API. Until the search backend is wired in, this answers
from the database (a plain text match) with no facets."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from catalogue.services import components as component_service
from catalogue.web.context import db_session


def search_components(arguments: MultiDict[str, str], *, page: int, per_page: int) -> dict[str, Any]:
    """``{"components", "total", "facets"}`` for the query in ``arguments``."""
    q = (arguments.get("q") or "").strip()[:200]
    items, total = component_service.list_components(db_session(), q=q or None, page=page, per_page=per_page)
    return {"components": items, "total": total, "facets": {}}
