"""What the PostgreSQL searches derive once per generation of the documents (postgres_backend.py).

The documents are numbered by their position in the state's ascending ids; sets of documents
are numpy boolean arrays over those positions. A ``_State`` holds the facet values and labels
(one ``_FacetIndex`` per facet), the order by name and by last update, the exact-name keys and
the spelling vocabulary; ``_facet_values`` counts the facets drill-sideways with numpy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from catalogue.search._pairs import PairCounts, joined, shown_values
from catalogue.search._postgres_sql import _GENERATION
from catalogue.search.interfaces import FacetValue, SearchQuery
from catalogue.search.query import FACETS, UNKNOWN, sort_facet_values


@dataclasses.dataclass(frozen=True)
class _FacetIndex:
    """One facet's values over the documents of a state."""

    # The values; a value's index in this list is its number below.
    values: list[str]
    numbers: dict[str, int]
    # One (document, value number) pair per value a document has.
    pair_doc: np.ndarray
    pair_value: np.ndarray
    # The documents of each value: value_docs[starts[v]:starts[v + 1]].
    value_docs: np.ndarray
    starts: np.ndarray
    # The label every document with the value gives it (the value itself when none gives one);
    # None when the documents differ, see ``mixed``.
    labels: list[str | None]
    # value number -> [(label, the documents that give it)], by label, where documents differ.
    mixed: dict[int, list[tuple[str, np.ndarray]]]
    # Each value's place in query.sort_facet_values' order among values of equal count
    # ("unknown" last, then by label); only used when no value has ``mixed`` labels.
    tie_order: np.ndarray

    @classmethod
    def build(cls, found: dict[str, list[tuple[int, str | None]]]) -> _FacetIndex:
        """From value -> [(document, its label or None)], documents ascending."""
        values = sorted(found)
        numbers = {value: number for number, value in enumerate(values)}
        pair_doc: list[int] = []
        pair_value: list[int] = []
        starts = [0]
        labels: list[str | None] = []
        mixed: dict[int, list[tuple[str, np.ndarray]]] = {}
        for number, value in enumerate(values):
            given = found[value]
            pair_doc += [document for document, _label in given]
            pair_value += [number] * len(given)
            starts.append(len(pair_doc))
            distinct = {label for _document, label in given}
            if len(distinct) == 1:
                only = distinct.pop()
                labels.append(value if only is None else only)
            else:
                labels.append(None)
                by_label: dict[str, list[int]] = {}
                for document, label in given:
                    if label is not None:
                        by_label.setdefault(label, []).append(document)
                mixed[number] = [
                    (label, np.asarray(documents, dtype=np.int32))
                    for label, documents in sorted(by_label.items())
                ]
        docs_array = np.asarray(pair_doc, dtype=np.int32)
        tie_order = np.zeros(len(values), dtype=np.int64)
        ordered = sorted(
            range(len(values)),
            key=lambda n: (values[n] == UNKNOWN, (labels[n] or "").casefold(), n),
        )
        tie_order[ordered] = np.arange(len(values))
        return cls(
            values=values,
            numbers=numbers,
            pair_doc=docs_array,
            pair_value=np.asarray(pair_value, dtype=np.int32),
            value_docs=docs_array,
            starts=np.asarray(starts, dtype=np.int64),
            labels=labels,
            mixed=mixed,
            tie_order=tie_order,
        )

    def having(self, chosen: Iterable[str], size: int) -> np.ndarray:
        """The documents with any of the ``chosen`` values."""
        selected = np.zeros(size, dtype=bool)
        for value in chosen:
            number = self.numbers.get(value)
            if number is not None:
                selected[self.value_docs[self.starts[number] : self.starts[number + 1]]] = True
        return selected

    def counts(self, candidates: np.ndarray, counted: np.ndarray) -> list[tuple[str, str, int]]:
        """(value, label, count) of every value some of the ``candidates`` have; ``counted``
        are their counts per value number (_State.pairs)."""
        present = np.flatnonzero(counted)
        values, labels = self.values, self.labels
        found = [
            (values[number], labels[number], count)
            for number, count in zip(present.tolist(), counted[present].tolist(), strict=True)
        ]
        for at, number in enumerate(present.tolist() if self.mixed else ()):
            if number in self.mixed:
                value, _label, count = found[at]
                label = next(
                    (name for name, docs_ in self.mixed[number] if candidates[docs_].any()), value
                )
                found[at] = (value, label, count)
        return found

    def facet_values(
        self,
        candidates: np.ndarray,
        counted: np.ndarray,
        selected: set[str],
        limit: int | None = None,
    ) -> tuple[list[FacetValue], int]:
        """The facet's values among ``candidates`` (``counted``: their counts per value
        number) in query.sort_facet_values' order, and the ``selected`` values none of them has
        (count 0, so they can be unticked); with ``limit``, the selected ones and the first
        ``limit`` others. And how many values there are."""
        missing = sorted(
            value
            for value in selected
            if (number := self.numbers.get(value)) is None or not counted[number]
        )
        # A selected value with no results keeps its box.
        zero = sort_facet_values((value, self.label_anywhere(value), 0) for value in missing)
        if self.mixed:
            found = self.counts(candidates, counted) + zero
            every = [
                FacetValue(v, label, n, v in selected) for v, label, n in sort_facet_values(found)
            ]
            return every, len(every)
        shown, with_count = shown_values(
            counted, self.tie_order, (self.values, self.labels, self.numbers), selected, limit
        )
        total = with_count + len(zero)
        return shown + [FacetValue(value, label, 0, True) for value, label, _count in zero], total

    def label_anywhere(self, value: str) -> str:
        """The label of ``value`` in any document (the least if they differ)."""
        number = self.numbers.get(value)
        if number is None:
            return value
        label = self.labels[number]
        if label is None:
            return self.mixed[number][0][0] if self.mixed[number] else value
        return label


@dataclasses.dataclass
class _State:
    """What the searches derive from all documents, for one generation of the table."""

    generation: int | None
    # The component ids, ascending.
    ids: np.ndarray
    # Each document's place in the order by lower(name) and in the order by last update (both
    # as PostgreSQL sorts, ties by id), so pages are cut in Python as SQL would cut them.
    by_name: np.ndarray
    by_update: np.ndarray
    # The documents whose name or an alias is exactly this key (query.exact_key).
    exact: dict[str, np.ndarray]
    facets: dict[str, _FacetIndex]
    # Every facet's pairs (value numbers shifted by the facet's offset), to count all facets
    # that share their candidates at once.
    pairs: PairCounts = dataclasses.field(init=False)
    offsets: dict[str, int] = dataclasses.field(init=False)
    # The words of every document per reading language, for "did you mean"; read when first
    # needed.
    vocabulary: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.pairs, starts = joined(
            (
                (index.pair_doc, index.pair_value, len(index.values))
                for index in self.facets.values()
            ),
            len(self.ids),
        )
        self.offsets = dict(zip(self.facets, starts[:-1], strict=True))

    @property
    def size(self) -> int:
        """The number of documents."""
        return len(self.ids)

    @classmethod
    def load(cls, connection: Any) -> _State:
        """The state as ``connection``'s snapshot sees it (call it in the transaction that
        then searches, or in a REPEATABLE READ one)."""
        generation = connection.exec_driver_sql(_GENERATION).scalar()
        rows = connection.exec_driver_sql(
            "SELECT component_id, facets, body -> 'labels', exact, "
            "row_number() OVER (ORDER BY lower(name), component_id), "
            "row_number() OVER (ORDER BY updated_at DESC NULLS LAST, component_id) "
            "FROM search.component_document ORDER BY component_id"
        ).all()
        size = len(rows)
        found: dict[str, dict[str, list[tuple[int, str | None]]]] = {f.name: {} for f in FACETS}
        exact: dict[str, list[int]] = {}
        for position, (_id, facets, labels, keys, _name, _update) in enumerate(rows):
            for key in keys or ():
                exact.setdefault(key, []).append(position)
            facets = facets or {}
            labels = labels or {}
            for facet in FACETS:
                given = labels.get(facet.name) or {}
                values = found[facet.name]
                for value in facets.get(facet.name) or ():
                    label = given.get(value)
                    values.setdefault(value, []).append(
                        (position, None if label is None else str(label))
                    )
        return cls(
            generation=generation,
            ids=np.fromiter((row[0] for row in rows), dtype=np.int64, count=size),
            by_name=np.fromiter((row[4] for row in rows), dtype=np.int64, count=size),
            by_update=np.fromiter((row[5] for row in rows), dtype=np.int64, count=size),
            exact={key: np.asarray(where, dtype=np.int64) for key, where in exact.items()},
            facets={name: _FacetIndex.build(values) for name, values in found.items()},
        )

    def positions(self, ids: bytes) -> np.ndarray | None:
        """The positions of the ids in ``ids`` (4-byte big-endian integers, as int4send gives
        them); None when one of them is not a document of this state."""
        found = np.frombuffer(ids, dtype=">i4").astype(np.int64)
        if not len(found):
            return np.zeros(0, dtype=np.int64)
        if not self.size:
            return None
        positions = np.searchsorted(self.ids, found)
        positions[positions >= self.size] = 0
        if not np.array_equal(self.ids[positions], found):
            return None
        return positions

    def selections(self, filters: Mapping[str, tuple[str, ...]]) -> dict[str, np.ndarray]:
        """Per filtered facet, the documents with any of the selected values (OR in a facet)."""
        return {
            facet.name: self.facets[facet.name].having(chosen, self.size)
            for facet in FACETS
            if (chosen := filters.get(facet.name))
        }

    def id_bits(self, selected: np.ndarray) -> bytes:
        """The documents in ``selected`` as a bit string indexed by component id (bit ``i`` of
        byte ``b`` is id ``8 * b + i``), for ``get_bit`` in SQL."""
        top = int(self.ids[-1]) + 1 if self.size else 1
        bits = np.zeros(top, dtype=bool)
        bits[self.ids[selected]] = True
        return np.packbits(bits, bitorder="little").tobytes()


def _restrict(
    documents: np.ndarray, selections: Mapping[str, np.ndarray], *, exclude: str | None = None
) -> np.ndarray:
    """``documents`` within every selection but ``exclude``'s (AND across facets)."""
    for name, selected in selections.items():
        if name != exclude:
            documents = documents & selected
    return documents


def _facet_values(
    state: _State, matched: np.ndarray, selections: Mapping[str, np.ndarray], query: SearchQuery
) -> tuple[dict[str, list[FacetValue]], dict[str, int]]:
    """The drill-sideways counts of every facet over the text matches ``matched`` (with
    ``query.facet_limit``: the selected values and that many others), and how many values
    each facet has in all."""
    facets: dict[str, list[FacetValue]] = {}
    totals: dict[str, int] = {}
    passing = _restrict(matched, selections)
    # Every facet without a filter counts the same candidates: count them all at once.
    shared = state.pairs.count(passing)
    for facet in FACETS:
        index = state.facets[facet.name]
        selected = set(query.filters.get(facet.name, ()))
        if facet.name in selections:
            candidates = _restrict(matched, selections, exclude=facet.name)
            every = state.pairs.count(candidates)
        else:
            candidates, every = passing, shared
        offset = state.offsets[facet.name]
        counted = every[offset : offset + len(index.values)]
        facets[facet.name], totals[facet.name] = index.facet_values(
            candidates, counted, selected, query.facet_limit
        )
    return facets, totals
