"""No dead ends: what a search does when the text as typed finds nothing.

1. When a word is unknown and the backend offers a spelling correction drawn from the
   catalogue's own words ("formullieren" -> "formulieren"), the correction is searched, and its
   results are shown with what was searched instead (``corrected``). Spelling comes first: a
   typo is no reason to drop a word.
2. When not every word can be found, the words are searched with OR (and each compound by any
   of its parts); the results say so (``relaxed``), so the page can tell the reader. The same
   is tried for the correction.
3. Otherwise the empty result stands, with its suggestion.

The same steps run on every backend (Whoosh, PostgreSQL and the degraded database search), so
a query finds the same kind of answer whichever one is configured.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from catalogue.search.interfaces import SearchQuery, SearchResults
from catalogue.search.query import plan_text

Search = Callable[[SearchQuery], SearchResults]


def search_with_recovery(search: Search, query: SearchQuery) -> SearchResults:
    """``search(query)``, falling back to the spelling correction, then to any word."""
    results = search(query)
    if results.total or not query.q or query.match == "any":
        return results
    texts = [query.q] + ([results.suggestion] if results.suggestion else [])
    attempts = [(text, "all") for text in texts[1:]] + [(text, "any") for text in texts]
    for text, match in attempts:
        if match == "any" and not plan_text(text).relaxable:
            continue
        found = search(dataclasses.replace(query, q=text, match=match))
        if found.total:
            return dataclasses.replace(
                found,
                suggestion=None,
                relaxed=match == "any",
                corrected=text if text != query.q else None,
            )
    return results
