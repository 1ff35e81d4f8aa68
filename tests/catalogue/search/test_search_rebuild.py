"""Rebuild by swap, and the CLI: reindex, check-index, search-sync."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh import query as wq

from catalogue.models import SearchOutbox
from catalogue.search import SearchService, get_service
from catalogue.search.interfaces import SearchQuery
from catalogue.services.components import get_component
from tests.searching import searching_meanwhile, seeded_components


def _generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("gen-"))


def test_reindex_builds_a_new_directory_and_swaps_it_in(
    search_app: Any, runner: Any, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    result = runner.invoke(args=["catalogue", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"{seeded_components()} documents" in result.output
    first = os.readlink(root / "current")
    assert _generations(root) == [first]

    result = runner.invoke(args=["catalogue", "reindex"])
    assert result.exit_code == 0, result.output
    second = os.readlink(root / "current")
    assert second != first
    # The old generation is gone once the new one is live.
    assert _generations(root) == [second]
    assert get_service(search_app).search(SearchQuery(q="zaak")).hits[0].slug == "open-zaak"


def test_searches_keep_working_while_the_index_is_rebuilt(indexed: SearchService) -> None:
    backend: Any = indexed.backend
    # A search that opened the old generation before the swap ...
    in_flight = whoosh_index.open_dir(str(backend.current_directory())).searcher()
    with searching_meanwhile(indexed) as (failures, totals):
        for _ in range(3):
            assert indexed.rebuild() == seeded_components()
    # ... still reads it after the swap removed its directory.
    try:
        assert len(in_flight.search(wq.Every(), limit=None)) == seeded_components()
    finally:
        in_flight.close()
    assert failures == []
    assert len(totals) > 3 and set(totals) == {totals[0]}


def test_check_index_finds_missing_and_stale_documents(
    manual_app_runner: Any, manual_app: Any, manual: SearchService
) -> None:
    result = manual_app_runner.invoke(args=["catalogue", "check-index"])
    assert result.exit_code == 0, result.output
    assert "matches the database" in result.output

    database = manual_app.extensions["catalogue_db"]
    with database.session() as session:
        gone = get_component(session, "kiss")
        manual.backend.delete([str(gone.id)])
        get_component(session, "signalen").description("nl").short_description = "Anders nu"
    result = manual_app_runner.invoke(args=["catalogue", "check-index"])
    assert result.exit_code == 1
    assert "missing  kiss" in result.output
    assert "stale    signalen" in result.output

    # search-sync applies the pending change; the missing one needs a reindex.
    result = manual_app_runner.invoke(args=["catalogue", "search-sync"])
    assert result.exit_code == 0 and "applied 1" in result.output
    result = manual_app_runner.invoke(args=["catalogue", "check-index"])
    assert result.exit_code == 1
    assert "stale    " not in result.output and "missing  kiss" in result.output
    assert manual_app_runner.invoke(args=["catalogue", "reindex"]).exit_code == 0
    assert manual_app_runner.invoke(args=["catalogue", "check-index"]).exit_code == 0
    with database.session() as session:
        assert session.scalar(select(SearchOutbox.id)) is None


def test_check_index_fails_when_there_is_no_index(search_app: Any, runner: Any) -> None:
    result = runner.invoke(args=["catalogue", "check-index"])
    assert result.exit_code == 1
    assert "reindex" in result.output
