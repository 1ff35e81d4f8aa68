"""The judged relevance set (tests/catalogue/search/relevance/judgements.yaml): its shape, the measures,
and that neither backend's nDCG@5 or zero-result rate gets worse than docs/performance.md says.

When a change improves the figures, run ``python bench/relevance.py`` to record them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bench.relevance import (
    dcg,
    documented,
    evaluate,
    load_judgements,
    ndcg_at,
    summary,
)
from catalogue.models import Component
from catalogue.search import SearchService

# The name each backend has in docs/performance.md.
DOCUMENTED_NAME = {"whoosh": "Whoosh", "postgres": "PostgreSQL"}


def test_the_set_has_at_least_40_distinct_queries_of_existing_components(session: Any) -> None:
    judged = load_judgements()
    assert len(judged) >= 40
    assert len({item.q.casefold() for item in judged}) == len(judged)
    slugs = set(session.scalars(select(Component.slug)))
    for item in judged:
        assert item.relevant, item.q
        assert set(item.relevant) <= slugs, item.q
        assert set(item.relevant.values()) <= {1, 2}, item.q


def test_ndcg_rewards_relevant_components_early() -> None:
    relevant = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b", "x"], relevant) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], relevant) < 1.0
    assert ndcg_at(["x", "y", "z", "v", "w", "a"], relevant) == 0.0  # beyond the first five
    assert ndcg_at([], relevant) == 0.0
    swapped = (1 / 1 + 3 / 1.584962500721156) / (3 / 1 + 1 / 1.584962500721156)
    assert ndcg_at(["b", "a"], relevant) == pytest.approx(swapped)
    assert dcg([]) == 0.0


@pytest.mark.both_backends
def test_relevance_does_not_get_worse_than_documented(
    backend: str, backend_service: SearchService
) -> None:
    figures = summary(evaluate(backend_service.search_as_typed, load_judgements()))
    recorded = documented()[DOCUMENTED_NAME[backend_service.backend.name]]
    # The document rounds to three decimals.
    assert figures["ndcg5"] >= recorded["ndcg5"] - 0.0005, figures
    assert figures["zero_rate"] <= recorded["zero_rate"] + 0.0005, figures
