"""Components for tests, made through the same service the importer, the seed and a published
submission use (``catalogue.services.components.apply_document``).

A test about generic behaviour (the search outbox, storage, a submission's life) makes its own
component here instead of picking one of the seed's by name, so it does not break when the real
catalogue in data/ changes. A test about the real catalogue (the advice scenarios, the targets,
relevance) reads the seed, and says so.

    component = make_component(session, maintaining_organisation=MUNICIPALITY)
    component = make_component(session, name="Zaakvogel", descriptions={"nl": {...}})

Each call gives a new name, repository URL and slug unless the overrides name them; the
document is validated as any document is, so an override the catalogue would refuse raises the
same ``ValidationError``.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from catalogue.models import Component
from catalogue.services.components import apply_document

_numbers = itertools.count(1)
# Where a made component's facts say they come from (every fact has a source).
SOURCE = "tests/factories.py"


def component_document(**overrides: Any) -> dict[str, Any]:
    """A valid component document with a fresh name and URL; ``overrides`` replace its keys."""
    number = next(_numbers)
    name = str(overrides.get("name") or f"Testcomponent {number}")
    slug = f"testcomponent-{number}"
    document: dict[str, Any] = {
        "name": name,
        "url": f"https://example.org/tests/{slug}",
        "license": "EUPL-1.2",
        "development_status": "stable",
        "descriptions": {
            "nl": {
                "short_description": f"{name}: een component dat alleen in de tests bestaat",
                "long_description": (
                    f"{name} is gemaakt door tests/factories.py, met de service die ook de "
                    "import en het zaaien gebruiken."
                ),
            }
        },
    }
    document.update(overrides)
    return document


def make_component(session: Session, **overrides: Any) -> Component:
    """Create a component through ``apply_document``, flushed, so it has its id and slug."""
    return apply_document(session, component_document(**overrides), source_ref=SOURCE).component
