"""When the index is missing or corrupt the page still answers, from the database, and the
index is rebuilt in the background."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from catalogue.search import SearchService, get_service
from catalogue.search.interfaces import SearchQuery

NOTICE = 'id="zoeken-beperkt"'


def _break(root: Path, how: str) -> None:
    current = (root / "current").resolve()
    if how == "deleted":
        shutil.rmtree(root)
    elif how == "generation-gone":
        shutil.rmtree(current)
    else:
        for path in current.iterdir():
            path.write_bytes(b"\x00not a whoosh file\xff" * 10)


def _assert_degraded_then_rebuilt(search_app: Any, client: Any) -> None:
    service = get_service(search_app)
    response = client.get("/componenten?q=zaak")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert NOTICE in html
    assert 'href="/componenten/open-zaak">Open Zaak</a>' in html
    service.wait_for_rebuild()
    assert service.backend.available()
    html = client.get("/componenten?q=zaak").get_data(as_text=True)
    assert NOTICE not in html
    assert "<mark>" in html  # highlighted again: the index answers


def test_a_never_built_index_serves_from_the_database_and_builds_itself(
    search_app: Any, client: Any
) -> None:
    assert not get_service(search_app).backend.available()
    _assert_degraded_then_rebuilt(search_app, client)


@pytest.mark.parametrize("how", ["deleted", "generation-gone", "corrupt"])
def test_a_broken_index_serves_from_the_database_and_is_rebuilt(
    search_app: Any, indexed: SearchService, client: Any, tmp_path: Path, how: str
) -> None:
    # A different URL from the one checked below: pages are cached until the catalogue changes,
    # and a broken index does not change the catalogue.
    assert NOTICE not in client.get("/componenten?q=zaak&page=1").get_data(as_text=True)
    _break(tmp_path / "index", how)
    assert not indexed.backend.available()
    _assert_degraded_then_rebuilt(search_app, client)
    assert indexed.check().consistent


def test_degraded_results_keep_the_filters_and_their_counts(search_app: Any) -> None:
    service = get_service(search_app)
    service.rebuild_when_missing = False
    plain = service.search(SearchQuery(q="zaak"))
    assert plain.degraded
    assert {h.slug for h in plain.hits} >= {"open-zaak"}
    chosen = service.search(SearchQuery(q="zaak", filters={"maintainer": ("maykin-media",)}))
    assert chosen.degraded and chosen.hits
    counts = {v.value: v.count for v in chosen.facets["maintainer"]}
    assert counts["maykin-media"] == chosen.total
    assert all("<mark>" not in h.snippet_html for h in chosen.hits)


def test_a_failing_query_on_a_sound_index_falls_back_without_rebuilding(
    indexed: SearchService, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from catalogue.search.interfaces import SearchUnavailable

    def failing(_query: SearchQuery) -> None:
        msg = "this query broke"
        raise SearchUnavailable(msg)

    live = (tmp_path / "index" / "current").resolve()
    monkeypatch.setattr(indexed.backend, "search", failing)
    assert indexed.search(SearchQuery(q="zaak")).degraded
    indexed.wait_for_rebuild()
    assert (tmp_path / "index" / "current").resolve() == live
