"""Relevance on the real seeded catalogue, through a real Whoosh index on disk."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from catalogue.models import Component
from catalogue.search import SearchService
from catalogue.search.interfaces import SearchQuery


def _first(service: SearchService, q: str) -> str:
    results = service.search(SearchQuery(q=q))
    assert not results.degraded
    assert results.hits, q
    return results.hits[0].slug


def test_zaak_finds_open_zaak_first(indexed: SearchService) -> None:
    assert _first(indexed, "zaak") == "open-zaak"


@pytest.mark.parametrize("q", ["formulieren", "formulier", "Formulieren"])
def test_a_dutch_inflection_finds_its_stem(indexed: SearchService, q: str) -> None:
    results = indexed.search(SearchQuery(q=q))
    assert results.hits[0].slug == "open-formulieren"
    # The stemmed match is highlighted in the text as it is written.
    assert "<mark>Formulieren</mark>" in results.hits[0].snippet_html


def test_inflections_of_one_word_find_the_same_components(indexed: SearchService) -> None:
    # Dutch pairs whose English stems do not differ in the English texts either.
    for one, other in [
        ("melding", "meldingen"),
        ("formulier", "formulieren"),
        ("gemeente", "gemeenten"),
    ]:
        first = {h.slug for h in indexed.search(SearchQuery(q=one, per_page=100)).hits}
        second = {h.slug for h in indexed.search(SearchQuery(q=other, per_page=100)).hits}
        assert first and first == second, (one, other)


def test_every_exact_name_wins(indexed: SearchService, session: Any) -> None:
    for slug, name in session.execute(select(Component.slug, Component.name)):
        assert _first(indexed, name) == slug, name
        assert _first(indexed, name.upper()) == slug, name


def test_an_exact_alias_wins(indexed: SearchService) -> None:
    assert _first(indexed, "ZAC") == "dimpact-zaakafhandelcomponent"
    assert _first(indexed, "GZAC") == "valtimo"


def test_english_text_is_found_with_english_stemming(indexed: SearchService) -> None:
    results = indexed.search(SearchQuery(q="forms", language="en", per_page=50))
    assert "open-formulieren" in [h.slug for h in results.hits]


def test_did_you_mean_when_nothing_is_found(indexed: SearchService) -> None:
    results = indexed.search_as_typed(SearchQuery(q="notificaites"))
    assert results.total == 0
    assert results.suggestion == "notificaties"
    assert indexed.search(SearchQuery(q=results.suggestion)).total > 0
    assert indexed.search(SearchQuery(q="zaak")).suggestion is None
    # The service searches the correction when the text as typed finds nothing.
    corrected = indexed.search(SearchQuery(q="notificaites"))
    assert corrected.corrected == "notificaties" and corrected.total > 0


def test_snippets_escape_the_text_and_only_mark_up_the_highlight(
    search_app: Any, indexed: SearchService
) -> None:
    hostile = 'Zaakgericht <script>alert("x")</script> & <b>vet</b>'
    with search_app.extensions["catalogue_db"].session() as session:
        component = session.scalar(select(Component).where(Component.slug == "signalen"))
        component.description("nl").short_description = hostile
    results = indexed.search(SearchQuery(q="zaakgericht"))
    assert not results.degraded
    hit = next(h for h in results.hits if h.slug == "signalen")
    assert "<script>" not in hit.snippet_html and "<b>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html and "&amp;" in hit.snippet_html
    assert "<mark>Zaakgericht</mark>" in hit.snippet_html


def test_sorting_by_name_and_by_last_update(search_app: Any, indexed: SearchService) -> None:
    by_name_results = indexed.search(SearchQuery(sort="name", per_page=100))
    assert not by_name_results.degraded
    by_name = by_name_results.hits
    assert [h.name.casefold() for h in by_name] == sorted(h.name.casefold() for h in by_name)
    with search_app.extensions["catalogue_db"].session() as session:
        component = session.scalar(select(Component).where(Component.slug == "kiss"))
        component.software_version = "99.0"
    by_update = indexed.search(SearchQuery(sort="updated"))
    assert not by_update.degraded
    assert by_update.hits[0].slug == "kiss"
