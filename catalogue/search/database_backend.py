"""The degraded fallback: a plain LIKE search in the database while the index is unavailable.

No stemming, no ranking and no highlighting; results are ordered by name (or last update) and
marked ``degraded=True`` so the page can say so. Facet filters and counts still follow the same
rule as the index (query.count_facets over the matching documents), so a shared URL gives the
same selection either way.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import Component, ComponentDescription
from catalogue.search import sync
from catalogue.search.documents import snippet_source
from catalogue.search.interfaces import (
    FacetValue,
    Hit,
    IndexReport,
    SearchDocument,
    SearchQuery,
    SearchResults,
)
from catalogue.search.query import FACETS, count_facets, matches_filters, normalise_text

SNIPPET_LENGTH = 240


def _like_pattern(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class DatabaseBackend:
    """LIKE over names, aliases and descriptions; every write is a no-op."""

    name = "database"

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def available(self) -> bool:
        """The database is the truth; when it is gone nothing else works either."""
        return True

    def search(self, query: SearchQuery) -> SearchResults:
        """Every component whose name, alias or description contains each word of the text."""
        with self.session_factory() as session:
            ids = self._matching_ids(
                session, normalise_text(query.q), any_word=query.match == "any"
            )
            documents = sync.load_documents(session, ids)
        matching = [d for d in documents if matches_filters(d, query.filters)]
        if query.sort == "updated":
            matching.sort(key=lambda d: d.get("updated_at") or "", reverse=True)
        else:
            matching.sort(key=lambda d: str(d["name"]).casefold())
        start = (max(query.page, 1) - 1) * query.per_page
        hits = [
            Hit(
                slug=d["slug"],
                name=d["name"],
                score=0.0,
                snippet_html=html.escape(_shorten(snippet_source(d, query.language)), quote=False),
            )
            for d in matching[start : start + query.per_page]
        ]
        counted = count_facets(documents, query.filters)
        facets = {
            facet.name: _with_selected(counted[facet.name], query.filters.get(facet.name, ()))
            for facet in FACETS
        }
        return SearchResults(hits=hits, total=len(matching), facets=facets, degraded=True)

    @staticmethod
    def _matching_ids(session: Session, text: str, *, any_word: bool = False) -> list[int] | None:
        if not text:
            return None
        query = select(Component.id)
        each_word = []
        for word in text.split():
            pattern = _like_pattern(word)
            described = select(ComponentDescription.component_id).where(
                or_(
                    func.lower(ComponentDescription.short_description).like(pattern, escape="\\"),
                    func.lower(ComponentDescription.long_description).like(pattern, escape="\\"),
                )
            )
            each_word.append(
                or_(
                    func.lower(Component.name).like(pattern, escape="\\"),
                    func.lower(cast(Component.aliases, String)).like(pattern, escape="\\"),
                    Component.id.in_(described),
                )
            )
        # Every word, or (the fallback of recovery.py) any of them.
        query = query.where(or_(*each_word)) if any_word else query.where(*each_word)
        return list(session.scalars(query))

    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Nothing to write: the database is searched directly."""

    def delete(self, ids: Iterable[str]) -> None:
        """Nothing to delete."""

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Nothing to build."""
        return 0

    def check(self, documents: Iterable[SearchDocument]) -> IndexReport:
        """Always consistent: there is no copy to drift."""
        return IndexReport()


def _with_selected(values: list[tuple[str, str, int]], selected: Iterable[str]) -> list[FacetValue]:
    chosen = set(selected)
    found = [
        FacetValue(value=v, label=label, count=count, selected=v in chosen)
        for v, label, count in values
    ]
    known = {value.value for value in found}
    found += [FacetValue(value=v, label=v, count=0, selected=True) for v in sorted(chosen - known)]
    return found


def _shorten(text: str) -> str:
    if len(text) <= SNIPPET_LENGTH:
        return text
    return text[:SNIPPET_LENGTH].rsplit(" ", 1)[0] + " …"
