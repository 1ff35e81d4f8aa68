"""What every search backend offers, and the plain values that cross the boundary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

Sort = Literal["relevance", "name", "updated"]
# Whether every word must match or one is enough (query.Match).
Match = Literal["all", "any"]
SORTS: tuple[Sort, ...] = ("relevance", "name", "updated")

# A search document: the plain dict documents.document_from() returns.
SearchDocument = Mapping[str, Any]


class SearchUnavailable(RuntimeError):
    """The index is missing or corrupt; the caller falls back to the database."""


@dataclass(frozen=True)
class SearchQuery:
    """One search: text, facet filters (facet name -> selected values), order and page."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = 20
    language: str = "nl"
    match: Match = "all"
    # At most this many of a facet's unselected values, most frequent first (the selected ones
    # always come along); None for all. A backend may return more; ``facet_totals`` says how
    # many there are in all.
    facet_limit: int | None = None


@dataclass(frozen=True)
class Hit:
    """One result. ``snippet_html`` is escaped text; only ``<mark>`` highlight tags are HTML."""

    slug: str
    name: str
    score: float
    snippet_html: str


class FacetValue(NamedTuple):
    """One value of a facet: its key (used in the URL), its display name and its count.

    A named tuple rather than a frozen dataclass: as immutable and as readable, and a search
    page makes some four hundred of them (a frozen dataclass's ``__init__`` sets each field
    through ``object.__setattr__``: 0.86 against 0.36 µs a value)."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total, the facet counts and, when nothing matched, a suggestion.

    ``relaxed``: nothing had every word, so these results have some of the words.
    ``corrected``: nothing matched the text as typed; these are the results for this
    correction of it (recovery.py)."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    # How many values each facet has in all, where ``facets`` lists fewer (facet_limit).
    facet_totals: dict[str, int] = field(default_factory=dict)
    degraded: bool = False
    relaxed: bool = False
    corrected: str | None = None


@dataclass(frozen=True)
class IndexReport:
    """How the index differs from the database, as component slugs."""

    missing: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    @property
    def consistent(self) -> bool:
        """True when the index holds exactly the current documents."""
        return not (self.missing or self.stale or self.extra)

    @classmethod
    def compare(
        cls, stored: Mapping[str, Mapping[str, Any]], documents: Iterable[SearchDocument]
    ) -> IndexReport:
        """Compare what an index holds (id -> its slug and digest) with the documents the
        database gives now: missing, stale (digest differs) and extra documents."""
        missing: list[str] = []
        stale: list[str] = []
        seen: set[str] = set()
        for document in documents:
            document_id = str(document["id"])
            seen.add(document_id)
            indexed = stored.get(document_id)
            if indexed is None:
                missing.append(str(document["slug"]))
            elif indexed.get("digest") != document["digest"]:
                stale.append(str(document["slug"]))
        extra = [str(fields.get("slug")) for key, fields in stored.items() if key not in seen]
        return cls(
            missing=tuple(sorted(missing)), stale=tuple(sorted(stale)), extra=tuple(sorted(extra))
        )


@runtime_checkable
class SearchBackend(Protocol):
    """A place where search documents are indexed and searched.

    Documents are keyed by their ``id`` (the component id as a string), so a renamed slug
    replaces the old document instead of leaving it behind.
    """

    name: str

    def search(self, query: SearchQuery) -> SearchResults:
        """Run ``query``; raises SearchUnavailable when the index cannot be read."""
        ...

    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace these documents."""
        ...

    def delete(self, ids: Iterable[str]) -> None:
        """Remove the documents with these ids; unknown ids are ignored."""
        ...

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with these documents; returns how many were written."""
        ...

    def check(self, documents: Iterable[SearchDocument]) -> IndexReport:
        """Compare the index with the documents the database gives now."""
        ...

    def available(self) -> bool:
        """False when the index is missing or corrupt."""
        ...
