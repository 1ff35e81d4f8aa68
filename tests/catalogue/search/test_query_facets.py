"""Facet counts add up, on the Whoosh index (SQLite) and on the PostgreSQL backend.

The rule (catalogue/search/query.py): a facet's counts are computed with every OTHER facet's
filter applied. So, for every facet, with no filter on that facet:
* the counts of its values sum to at least the total (every document has a value, "onbekend"
  included; a document with two values counts twice), and
* each value's count is exactly the total you get when you select that value.
And selecting values in a facet does not change that facet's own counts.
"""

from __future__ import annotations

import pytest

from catalogue.search import SearchService
from catalogue.search.interfaces import SearchQuery
from catalogue.search.query import FACETS

pytestmark = pytest.mark.both_backends

CASES = [
    ("", {}),
    ("zaak", {}),
    ("", {"license": ("EUPL-1.2",)}),
    ("api", {"maintainer": ("maykin-media", "conduction")}),
]


@pytest.mark.parametrize(("q", "base"), CASES)
def test_facet_counts_add_up(
    backend_service: SearchService, q: str, base: dict[str, tuple[str, ...]]
) -> None:
    def search(filters: dict[str, tuple[str, ...]]) -> object:
        results = backend_service.search(SearchQuery(q=q, filters=filters, per_page=5))
        assert not results.degraded
        return results

    for facet in FACETS:
        others = {name: values for name, values in base.items() if name != facet.name}
        results = search(others)
        values = results.facets[facet.name]
        assert sum(v.count for v in values) >= results.total, facet.name
        assert all(v.count > 0 and not v.selected for v in values), facet.name
        for value in values:
            selected = search({**others, facet.name: (value.value,)})
            assert selected.total == value.count, (facet.name, value.value)
            # Selecting in a facet leaves that facet's own counts as they were (drill sideways).
            own = {v.value: (v.count, v.selected) for v in selected.facets[facet.name]}
            assert own[value.value] == (value.count, True)
            assert {k: c for k, (c, _) in own.items()} == {v.value: v.count for v in values}


def test_values_are_shown_by_name_and_filtered_by_key(backend_service: SearchService) -> None:
    results = backend_service.search(SearchQuery())
    references = {v.value: v.label for v in results.facets["reference_component"]}
    assert references["zaakregistratiecomponent"] == "Zaakregistratiecomponent"
    municipalities = {v.value: v.label for v in results.facets["municipality"]}
    assert municipalities["gemeente-utrecht"] == "Gemeente Utrecht"
    maintainers = {v.value: v.label for v in results.facets["maintainer"]}
    assert maintainers["maykin-media"] == "Maykin Media"


def test_a_chosen_value_without_results_stays_visible(backend_service: SearchService) -> None:
    results = backend_service.search(
        SearchQuery(filters={"license": ("MIT",), "maintainer": ("maykin-media",)})
    )
    assert results.total == 0
    chosen = {v.value: v for v in results.facets["maintainer"] if v.selected}
    assert chosen["maykin-media"].label == "Maykin Media"
    assert chosen["maykin-media"].count == 0


def test_a_text_that_matches_nothing_keeps_only_the_chosen_boxes(
    backend_service: SearchService,
) -> None:
    """With no document left to count, every facet lists its chosen values only, each with
    its name and a count of 0 (the first try of a search that recovery.py then widens)."""
    results = backend_service.search_as_typed(
        SearchQuery(
            q="qqxqzv",
            filters={"maintainer": ("maykin-media", "nobody-at-all"), "license": ("EUPL-1.2",)},
        )
    )
    assert results.total == 0
    listed = {
        facet.name: [(v.value, v.label, v.count, v.selected) for v in results.facets[facet.name]]
        for facet in FACETS
        if results.facets.get(facet.name)
    }
    assert listed == {
        "maintainer": [
            ("maykin-media", "Maykin Media", 0, True),
            ("nobody-at-all", "nobody-at-all", 0, True),
        ],
        "license": [("EUPL-1.2", "EUPL-1.2", 0, True)],
    }
    assert results.facet_totals.get("maintainer", 2) == 2


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"maintainer": ("maykin-media", "conduction")},
        # A chosen value without results, and one far down the list.
        {"municipality": ("gemeente-utrecht", "gemeente-nergensland")},
    ],
)
def test_a_facet_limit_keeps_the_chosen_values_and_the_first_others(
    backend_service: SearchService, filters: dict[str, tuple[str, ...]]
) -> None:
    """With ``facet_limit`` a backend lists every chosen value and at least the first
    ``limit`` others, in the order of the full list, and says how many values there are."""
    full = backend_service.search(SearchQuery(filters=filters, per_page=5))
    for limit in (0, 1, 3):
        short = backend_service.search(SearchQuery(filters=filters, per_page=5, facet_limit=limit))
        assert short.total == full.total
        trimmed = 0
        for facet in FACETS:
            everything = full.facets[facet.name]
            listed = short.facets[facet.name]
            assert short.facet_totals.get(facet.name, len(listed)) == len(everything), facet.name
            # The list is the full list with some unchosen values left out, in the same order.
            kept = iter(everything)
            assert all(value in kept for value in listed), facet.name
            assert [v for v in listed if v.selected] == [v for v in everything if v.selected]
            others = [v for v in everything if not v.selected]
            assert [v for v in listed if not v.selected][:limit] == others[:limit], facet.name
            trimmed += len(everything) - len(listed)
        assert trimmed > 0, "the backend trims what the page does not show"
