"""Facet counts from (document, value) pairs, for both backends (_whoosh_facets.py,
_postgres_state.py).

Every facet's pairs sit in one pair of arrays, value numbers shifted by the facet's offset, so
all facets that share their candidates are counted with one ``numpy.bincount``. The pairs are
kept in document order with each document's first pair (``starts``), so a search that matches
few documents counts only their pairs instead of looking at every pair of the catalogue (at
10,000 components about 124,000 pairs, for a typical search a few hundred documents). Then a
facet's values are ranked by count (:func:`ranked`) and cut to what the page shows
(:func:`limited`), the same way in both backends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from catalogue.search.interfaces import FacetValue

# Count only the candidates' own pairs when fewer than one document in this many is a
# candidate; otherwise pick the candidates' pairs out of all pairs (one pass, no index work).
SPARSE = 8


class PairCounts:
    """(document, value number) pairs in document order, counted per candidate set."""

    def __init__(self, pair_doc: np.ndarray, pair_value: np.ndarray, size: int, values: int):
        order = np.argsort(pair_doc, kind="stable")
        self.doc = pair_doc[order]
        self.value = pair_value[order]
        # The pairs of document d are value[starts[d]:starts[d + 1]].
        self.starts = np.searchsorted(self.doc, np.arange(size + 1))
        self.size = size
        self.values = values

    def count(self, candidates: np.ndarray) -> np.ndarray:
        """How many ``candidates`` (a bool array by document) have each value number."""
        found = np.flatnonzero(candidates)
        if len(found) * SPARSE < self.size:
            starts = self.starts[found]
            lengths = self.starts[found + 1] - starts
            # Position i of the result is pair starts[d] + (i - where d's pairs begin).
            begins = np.cumsum(lengths) - lengths
            positions = np.arange(int(lengths.sum())) + np.repeat(starts - begins, lengths)
            picked = self.value[positions]
        else:
            picked = self.value[candidates[self.doc]]
        return np.bincount(picked, minlength=self.values)


def joined(
    facets: Iterable[tuple[np.ndarray, np.ndarray, int]], size: int
) -> tuple[PairCounts, list[int]]:
    """Several facets' pairs (each facet's documents, value numbers and number of values) in
    one :class:`PairCounts` over ``size`` documents, each facet's value numbers shifted past
    the values of the facets before it; and where each facet's numbers begin, with one entry
    more: where the last ends."""
    docs: list[np.ndarray] = []
    numbers: list[np.ndarray] = []
    starts = [0]
    for facet_docs, facet_numbers, values in facets:
        docs.append(facet_docs)
        numbers.append(facet_numbers + starts[-1])
        starts.append(starts[-1] + values)
    none = [np.zeros(0, dtype=np.int32)]
    pairs = PairCounts(
        np.concatenate(docs or none), np.concatenate(numbers or none), size, starts[-1]
    )
    return pairs, starts


# Facets with at most this many values are ordered with Python's sort (:func:`ranked`): numpy's
# calls cost more than the work on such small arrays.
SMALL_FACET = 64


def ranked(counted: np.ndarray, tie: np.ndarray) -> list[int]:
    """The numbers of the values with a count, most frequent first, equal counts in ``tie``'s
    order (each value's place among values of equal count)."""
    if len(counted) <= SMALL_FACET:
        counts, places = counted.tolist(), tie.tolist()
        return sorted((n for n, c in enumerate(counts) if c), key=lambda n: (-counts[n], places[n]))
    present = np.flatnonzero(counted)
    return present[np.lexsort((tie[present], -counted[present]))].tolist()


def limited(numbers: list[int], limit: int | None, selected: int, chosen: set[int]) -> list[int]:
    """``numbers`` (ranked) cut for a page that shows ``limit`` values besides the ``selected``
    ones: the first ``limit`` unselected values are among the first ``limit + selected``, and a
    chosen value (by number) further down keeps its place after them."""
    if limit is None or len(numbers) <= limit + selected:
        return numbers
    kept = numbers[: limit + selected]
    beyond = chosen - set(kept)
    return kept + [n for n in numbers[len(kept) :] if n in beyond] if beyond else kept


def shown_values(
    counted: np.ndarray,
    tie: np.ndarray,
    names: tuple[Sequence[str], Sequence[str], Mapping[str, int]],
    selected: set[str],
    limit: int | None,
) -> tuple[list[FacetValue], int]:
    """A facet's values with a count (:func:`ranked`), cut for the page (:func:`limited`), as
    the page's values; and how many values have a count. ``names``: the values by number,
    their labels, and each value's number."""
    values, labels, numbers = names
    found = ranked(counted, tie)
    chosen = {numbers[v] for v in selected if v in numbers}
    shown = limited(found, limit, len(selected), chosen)
    return [
        FacetValue(values[n], labels[n], count, values[n] in selected)
        for n, count in zip(shown, counted[shown].tolist(), strict=True)
    ], len(found)
