"""Reading and writing components. Services take a Session, flush, and never commit.

The package, by responsibility:

- ``reading``: one component by slug or URL, lists, result cards, counts;
- ``writing``: ``apply_document`` and ``write_requirements``;
- ``document``: ``document_of``, a component as a document (the inverse of ``apply_document``).

Callers use the names below (``components.get_component``). The modules import each other's
underscore names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

from catalogue.services.components.document import document_of
from catalogue.services.components.reading import (
    CardCache,
    ResultCard,
    components_by_name,
    components_by_slugs,
    counts,
    find_by_url,
    get_component,
    latest_import,
    list_components,
    main_reference_component,
    result_cards,
)
from catalogue.services.components.writing import (
    CHILD_COLLECTIONS,
    Applied,
    apply_document,
    write_requirements,
)

__all__ = [
    "CHILD_COLLECTIONS",
    "Applied",
    "CardCache",
    "ResultCard",
    "apply_document",
    "components_by_name",
    "components_by_slugs",
    "counts",
    "document_of",
    "find_by_url",
    "get_component",
    "latest_import",
    "list_components",
    "main_reference_component",
    "result_cards",
    "write_requirements",
]
