"""An open Whoosh searcher with what the facets need, read once per opened index.

Sets of documents are Python ints used as bit sets (bit ``n`` is docnum ``n``): the text
matches, each facet value's documents and the filters are combined with ``&`` and ``|`` and
counted with ``int.bit_count``. The facets' counts are one ``numpy.bincount`` over every
facet's (docnum, value) pairs (_pairs.py), with the candidates as a bool array. Each facet
field's postings, its pairs and its values' labels are read once per opened index instead of
once per search; so are the field lengths the ranking needs (see _whoosh_ranking).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from catalogue.search._pairs import PairCounts, joined
from catalogue.search._whoosh_ranking import Ranker
from catalogue.search._whoosh_snippets import TokenCache
from catalogue.search.query import FACETS, UNKNOWN, label_of

# How many documents' hit fields (Generation.hit_fields) an opened index keeps decoded: every
# document of a catalogue up to this size. About 2 KB each, their texts included (a whole
# document's stored fields are nearly twice that).
STORED_DOCUMENTS = 16_384
# How many tokens of stored texts an opened index keeps analysed for snippets (about 20 bytes
# each besides the words themselves, which are shared; 10,000 components have about 400,000).
SNIPPET_TOKENS = 1_000_000

# The positions of the set bits of every byte value.
_BITS: tuple[tuple[int, ...], ...] = tuple(
    tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)
)


@dataclass(frozen=True)
class FacetOrder:
    """A facet field's values (by number), their labels, and each value's place among values
    of equal count."""

    values: list[str]
    labels: list[str]
    tie: np.ndarray
    numbers: dict[str, int]


class Generation:
    """One opened index: its searcher, and the facet bit sets and labels read from it."""

    def __init__(self, key: Any, searcher: Searcher, hit_fields: Iterable[str]) -> None:
        self.key = key
        self.searcher = searcher
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self._bytes = (self.size + 7) // 8
        self.every = self.mask(reader.all_doc_ids())
        self._values: dict[str, dict[str, int]] = {}
        self._labels: dict[int, dict[str, Any]] = {}
        self._ranker: Ranker | None = None
        self._value_pairs: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
        self._value_labels: dict[tuple[str, str], str] = {}
        self._orders: dict[tuple[str, str], FacetOrder] = {}
        self._every_pair: tuple[PairCounts, dict[str, tuple[int, int]]] | None = None
        # A hit's stored fields (its slug, name and texts, for the snippet) are unpickled and
        # decompressed once per opened index, not on every page they appear on, and only the
        # ``hit_fields`` are kept; bounded, as the documents people find are a small part of a
        # very large catalogue.
        self._hit_field_names = tuple(hit_fields)
        self.hit_fields = functools.lru_cache(maxsize=STORED_DOCUMENTS)(self._read_hit_fields)
        # The snippet fields' tokens, analysed once (_whoosh_snippets.py).
        self.tokens = TokenCache(SNIPPET_TOKENS)

    def _read_hit_fields(self, docnum: int) -> dict[str, Any]:
        stored: dict[str, Any] = self.searcher.stored_fields(docnum)
        return {name: stored[name] for name in self._hit_field_names if name in stored}

    @property
    def ranker(self) -> Ranker:
        """The array ranker of this index (its field lengths are read on first use)."""
        if self._ranker is None:
            self._ranker = Ranker(self.searcher)
        return self._ranker

    def close(self) -> None:
        """Close the searcher (and with it the index files)."""
        self.searcher.close()

    # ------------------------------------------------------------ bit sets

    def mask(self, docnums: Iterable[int]) -> int:
        """The bit set of ``docnums``."""
        data = bytearray(self._bytes)
        for docnum in docnums:
            data[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(data, "little")

    def from_array(self, flags: np.ndarray) -> int:
        """The bit set of the documents whose flag is true (a bool array by docnum)."""
        return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")

    def to_array(self, mask: int) -> np.ndarray:
        """The bit set ``mask`` as a bool array by docnum."""
        data = np.frombuffer(mask.to_bytes(self._bytes, "little"), dtype=np.uint8)
        return np.unpackbits(data, bitorder="little")[: self.size].astype(bool)

    def docnums(self, mask: int) -> set[int]:
        """The docnums in the bit set ``mask``."""
        found: set[int] = set()
        for index, byte in enumerate(mask.to_bytes(self._bytes, "little")):
            if byte:
                base = index << 3
                found.update(base + bit for bit in _BITS[byte])
        return found

    # ------------------------------------------------------------ queries and facets

    def matches(self, query: wq.Query) -> int:
        """The documents that match ``query``, as Whoosh would find them.

        Terms are read from their postings and combined with set operations (And, Or, Not
        and their kin match exactly the intersection, union and complement of their parts);
        any other kind of query (phrases, prefixes, ...) is left to Whoosh's own matcher.
        """
        kind = type(query)
        if kind is wq.Every and query.fieldname is None:
            return self.every
        if kind is wq.Term:
            return self._term(query.fieldname, query.text)
        if query is wq.NullQuery:
            return 0
        if kind in (wq.And, wq.Or):
            parts = [self.matches(sub) for sub in query.subqueries]
            if not parts:
                return 0
            combined = parts[0]
            for part in parts[1:]:
                combined = combined & part if kind is wq.And else combined | part
            return combined
        if kind is wq.Not:
            return self.every & ~self.matches(query.query)
        if kind is wq.AndNot:
            return self.matches(query.a) & ~self.matches(query.b)
        if kind is wq.AndMaybe:
            return self.matches(query.a)
        if kind is wq.Require:
            return self.matches(query.a) & self.matches(query.b)
        return self.mask(self.searcher.docs_for_query(query))

    def _term(self, field: str, text: Any) -> int:
        """The live documents with ``text`` in ``field``."""
        if field not in self.searcher.schema:
            return 0
        data = bytearray(self._bytes)
        for reader, offset in self.searcher.reader().leaf_readers():
            if (field, text) not in reader:
                continue
            matcher = reader.postings(field, text)
            if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
                # A posting list read a block at a time (no deletions wrapper around it).
                while matcher.is_active():
                    if matcher._ids is None:
                        matcher._read_ids()
                    for docnum in matcher._ids:
                        docnum += offset
                        data[docnum >> 3] |= 1 << (docnum & 7)
                    matcher._next_block()
            else:
                for docnum in matcher.all_ids():
                    docnum += offset
                    data[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(data, "little") & self.every

    def values(self, field: str) -> dict[str, int]:
        """Each value of a facet field and the bit set of its documents (deleted ones left out)."""
        values = self._values.get(field)
        if values is None:
            reader = self.searcher.reader()
            values = {}
            for value in reader.field_terms(field):
                mask = self.mask(reader.postings(field, value).all_ids())
                if mask:
                    values[value] = mask
            self._values[field] = values
        return values

    def selections(self, filters: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
        """Per filtered facet, the documents with any of the selected values (OR in a facet)."""
        selected: dict[str, int] = {}
        for facet in FACETS:
            chosen = filters.get(facet.name)
            if not chosen:
                continue
            values = self.values(facet.field)
            mask = 0
            for value in chosen:
                mask |= values.get(value, 0)
            selected[facet.name] = mask
        return selected

    @staticmethod
    def restrict(matched: int, selections: Mapping[str, int], *, exclude: str | None = None) -> int:
        """``matched`` within every selection but ``exclude``'s (AND across facets)."""
        for name, mask in selections.items():
            if name != exclude:
                matched &= mask
        return matched

    def counts(self, candidates: np.ndarray) -> dict[str, np.ndarray]:
        """Per facet field, the count of each value (by its number, see ``order``) among
        ``candidates`` (a bool array by docnum): every facet at once (_pairs.py)."""
        if self._every_pair is None:
            fields = list(dict.fromkeys(facet.field for facet in FACETS))
            pairs, starts = joined(
                (
                    (docs, numbers, len(values))
                    for docs, numbers, values in map(self._pairs, fields)
                ),
                self.size,
            )
            spans = {field: (starts[at], starts[at + 1]) for at, field in enumerate(fields)}
            self._every_pair = (pairs, spans)
        pairs, spans = self._every_pair
        counted = pairs.count(candidates)
        return {field: counted[start:end] for field, (start, end) in spans.items()}

    def order(self, facet: str, field: str) -> FacetOrder:
        """A facet field's values by number, their labels, and their order among values of
        equal count (query.sort_facet_values': "unknown" last, then by name), read once."""
        order = self._orders.get((facet, field))
        if order is None:
            values = self._pairs(field)[2]
            labels = [self.label(facet, field, value) for value in values]
            ties = sorted(
                range(len(values)), key=lambda n: (values[n] == UNKNOWN, labels[n].casefold(), n)
            )
            tie = np.empty(len(values), dtype=np.int64)
            tie[np.asarray(ties, dtype=np.int64)] = np.arange(len(values), dtype=np.int64)
            numbers = {value: number for number, value in enumerate(values)}
            order = FacetOrder(values, labels, tie, numbers)
            self._orders[(facet, field)] = order
        return order

    def _pairs(self, field: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """A facet field as (docnum, value number) pairs, and the values by number."""
        pairs = self._value_pairs.get(field)
        if pairs is None:
            masks = self.values(field)
            values = list(masks)
            docs = [np.flatnonzero(self.to_array(masks[value])) for value in values]
            numbers = [np.full(len(found), number) for number, found in enumerate(docs)]
            pairs = (
                np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64),
                np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int64),
                values,
            )
            self._value_pairs[field] = pairs
        return pairs

    def label(self, facet: str, field: str, value: str) -> str:
        """The display name of a facet value, from the first document that has it (every
        document gives a value the same name)."""
        key = (field, value)
        label = self._value_labels.get(key)
        if label is None:
            mask = self.values(field).get(value, 0)
            first = (mask & -mask).bit_length() - 1
            label = label_of(self.labels(first) if mask else {}, facet, value)
            self._value_labels[key] = label
        return label

    def labels(self, docnum: int) -> dict[str, Any]:
        """The stored labels of a document, in the shape ``query.label_of`` reads."""
        labels = self._labels.get(docnum)
        if labels is None:
            stored = self.searcher.stored_fields(docnum)
            labels = {"labels": json.loads(stored.get("labels") or "{}")}
            self._labels[docnum] = labels
        return labels
