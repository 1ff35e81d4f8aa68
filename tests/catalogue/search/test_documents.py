"""The mapper from a component to a search document, on the real seeded catalogue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from catalogue.models import Component
from catalogue.search.documents import digest, document_from
from catalogue.search.query import FACETS, UNKNOWN
from catalogue.search.sync import load_documents
from tests.searching import seeded_components


def _document(session: Any, slug: str) -> dict[str, Any]:
    component_id = session.scalar(select(Component.id).where(Component.slug == slug))
    return load_documents(session, [component_id])[0]


def test_open_zaak_document_has_texts_per_language_and_facets_by_key_and_name(
    session: Any,
) -> None:
    document = _document(session, "open-zaak")
    assert document["name"] == "Open Zaak"
    assert document["exact"] == ["open zaak"]
    assert document["short_nl"] and document["short_en"]
    assert document["short_nl"] != document["short_en"]
    assert any("Zaken API" in feature for feature in document["features_nl"])
    facets, labels = document["facets"], document["labels"]
    assert set(facets) == {f.name for f in FACETS}
    # Filtering uses the key, the page shows the name.
    assert "zaakregistratiecomponent" in facets["reference_component"]
    assert labels["reference_component"]["zaakregistratiecomponent"] == "Zaakregistratiecomponent"
    assert facets["maintainer"] == ["maykin-media"]
    assert labels["maintainer"]["maykin-media"] == "Maykin Media"
    assert "gemeente-utrecht" in facets["municipality"]
    assert facets["license"] == ["EUPL-1.2"]
    assert facets["technology_platform"] == [UNKNOWN]
    assert document["version"] >= 1 and document["updated_at"]
    assert document["digest"] == digest(document)


def test_every_seeded_component_maps_and_every_facet_has_a_value(session: Any) -> None:
    documents = load_documents(session)
    assert len(documents) == seeded_components()
    for document in documents:
        assert all(document["facets"][f.name] for f in FACETS), document["slug"]


def test_the_digest_sees_a_change_in_a_child_row(session: Any) -> None:
    component = session.scalar(select(Component).where(Component.slug == "open-zaak"))
    before = document_from(component)
    component.description("nl").short_description = "Iets heel anders"
    after = document_from(component)
    assert before["digest"] != after["digest"]
    session.rollback()


def test_the_municipality_facet_counts_use_not_commissioning(session: Any) -> None:
    """Open Formulieren's seeded claims are all 'ontwikkeld in opdracht van' (STAKEHOLDERS.md):
    no municipality is listed as its user. Open Zaak lists exactly its 'gebruikt' claims."""
    from catalogue.models import Usage, UsageKind

    claims = [
        (u.component.slug, u.organisation.slug, u.kind) for u in session.scalars(select(Usage))
    ]
    assert {kind for slug, _, kind in claims if slug == "open-formulieren"} == {
        UsageKind.COMMISSIONED
    }
    assert _document(session, "open-formulieren")["facets"]["municipality"] == [UNKNOWN]
    users = sorted(
        {org for slug, org, kind in claims if slug == "open-zaak" and kind == "gebruikt"}
    )
    assert _document(session, "open-zaak")["facets"]["municipality"] == users
