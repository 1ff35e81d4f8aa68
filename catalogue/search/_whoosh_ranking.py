"""Ranking a query over a whole opened Whoosh index at once, with numpy arrays.

Whoosh ranks by walking a tree of matchers one document at a time, in Python; at 10,000
components that walk is most of a search. For the queries people type (words joined by AND,
OR and NOT over the boosted fields, see query.build_query) the same BM25F scores can be
computed per posting list with array arithmetic:

* a term's postings are read a block at a time (document numbers and term frequencies) and
  scored with Whoosh's own ``bm25`` formula, its field-length column and its global statistics
  (idf, average field length), exactly as ``scoring.BM25FScorer`` does per document;
* scores combine as Whoosh's matchers combine them: ``And`` adds its parts where all of them
  match, ``Or`` adds the parts that match, a ``Not`` scores 1 on every live document its
  query does not match, ``AndNot`` keeps the left side where the right side does not match,
  ``AndMaybe`` adds the optional side where both match, and a boost multiplies;
* the order is Whoosh's: highest score first, then the lowest document number; a sort by a
  column orders by the column's value and then the document number, both reversed together.

Any other kind of query (phrases, prefixes, wildcards, fuzzy terms, another weighting model)
raises ``Unsupported`` and the caller leaves the ranking to Whoosh's collector.
tests/search/test_whoosh_ranking.py checks scores and order against that collector.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

# A field length is stored as one byte; this table decodes every byte value at once.
_LENGTH_OF_BYTE = np.array([byte_to_length(byte) for byte in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """The query has a part this module does not rank; Whoosh's collector must."""


@dataclass
class Ranked:
    """Per document number: the score, whether it matches, and per field whether a
    (non-negated) query term occurs in it (to pick the field a snippet comes from)."""

    scores: np.ndarray
    matched: np.ndarray
    fields: dict[str, np.ndarray] = field(default_factory=dict)


class Ranker:
    """Scores queries over one opened index; field lengths and sort orders are read once."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.size = searcher.reader().doc_count_all()
        weighting = searcher.weighting
        # Only the default weighting model is reproduced here.
        self._bm25 = weighting if type(weighting) is scoring.BM25F else None
        self._lengths: dict[str, np.ndarray] = {}
        self._ranks: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------ scoring

    def rank(self, query: wq.Query) -> Ranked:
        """The scores of every document for ``query``; raises Unsupported."""
        if self._bm25 is None:
            raise Unsupported(type(self.searcher.weighting).__name__)
        fields: dict[str, np.ndarray] = {}
        scores, matched = self._node(query, fields)
        return Ranked(scores=scores, matched=matched, fields=fields)

    def _zeros(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.size, dtype=np.float64), np.zeros(self.size, dtype=bool)

    def _node(
        self, query: wq.Query, fields: dict[str, np.ndarray] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, matched) of one node of the query tree. ``fields`` collects where terms
        occur; it is None under a Not, whose terms never occur in a result."""
        kind = type(query)
        boost = getattr(query, "boost", 1.0)
        if query is wq.NullQuery:
            return self._zeros()
        if kind is wq.Term:
            scores, matched = self._term(query.fieldname, query.text, fields)
        elif kind is wq.Every and query.fieldname in (None, "", "*"):
            # Every document, each with the query's boost as its weight.
            matched = self._live()
            scores = np.where(matched, 1.0, 0.0)
        elif kind is wq.Not:
            # Whoosh's InverseMatcher: every live document the query does not match, weight 1
            # (its own boost is not applied).
            _ignored, negated = self._node(query.query, None)
            matched = self._live() & ~negated
            return np.where(matched, 1.0, 0.0), matched
        elif kind is wq.And:
            scores, matched = self._and(query.subqueries, fields)
        elif kind is wq.Or and not query.scale:
            scores, matched = self._or(query.subqueries, fields)
        elif kind is wq.AndNot:
            scores, matched = self._node(query.a, fields)
            _ignored, negated = self._node(query.b, None)
            matched = matched & ~negated
            scores = np.where(matched, scores, 0.0)
        elif kind is wq.AndMaybe:
            scores, matched = self._node(query.a, fields)
            extra, optional = self._node(query.b, fields)
            scores = scores + np.where(matched & optional, extra, 0.0)
        elif kind is wq.Require:
            scores, matched = self._node(query.a, fields)
            _ignored, required = self._node(query.b, None)
            matched = matched & required
            scores = np.where(matched, scores, 0.0)
        else:
            raise Unsupported(kind.__name__)
        if boost != 1.0:
            scores = scores * boost
        return scores, matched

    def _and(
        self, parts: list[wq.Query], fields: dict[str, np.ndarray] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        if not parts:
            return self._zeros()
        scores, matched = self._node(parts[0], fields)
        for part in parts[1:]:
            more, also = self._node(part, fields)
            scores = scores + more
            matched = matched & also
        return np.where(matched, scores, 0.0), matched

    def _or(
        self, parts: list[wq.Query], fields: dict[str, np.ndarray] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        scores, matched = self._zeros()
        for part in parts:
            more, also = self._node(part, fields)
            scores = scores + more
            matched = matched | also
        return scores, matched

    def _term(
        self, fieldname: str, text: str, fields: dict[str, np.ndarray] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        scores, matched = self._zeros()
        schema = self.searcher.schema
        if fieldname not in schema:
            return scores, matched
        field_type = schema[fieldname]
        try:
            btext = field_type.to_bytes(text)
        except ValueError:
            return scores, matched
        if (fieldname, btext) not in self.searcher.reader():
            return scores, matched
        if not field_type.scorable:
            raise Unsupported(f"unscorable field {fieldname}")
        docnums, weights = self._postings(fieldname, btext)
        if not len(docnums):
            return scores, matched
        bm25 = self._bm25
        if bm25 is None:
            raise Unsupported(type(self.searcher.weighting).__name__)
        idf = self.searcher.idf(fieldname, btext)
        average = self.searcher.avg_field_length(fieldname) or 1
        b = bm25._field_B.get(fieldname, bm25.B)
        k1 = bm25.K1
        length = self.lengths(fieldname)[docnums]
        # scoring.bm25, operation for operation, so the floats are the ones Whoosh computes.
        scores[docnums] = idf * (
            (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * length / average))
        )
        matched[docnums] = True
        if fields is not None:
            seen = fields.get(fieldname)
            fields[fieldname] = matched.copy() if seen is None else seen | matched
        return scores, matched

    def _postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (of the whole index) and weights of a term's live postings."""
        docnums: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for reader, offset in self.searcher.reader().leaf_readers():
            if (fieldname, btext) not in reader:
                continue
            for ids, block_weights in _blocks(reader.postings(fieldname, btext)):
                docnums.append(np.asarray(ids, dtype=np.int64) + offset)
                weights.append(np.asarray(block_weights, dtype=np.float64))
        if not docnums:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(docnums), np.concatenate(weights)

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's length of ``fieldname``, as Whoosh stores it (one byte, decoded)."""
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = np.zeros(self.size, dtype=np.float64)
            for reader, offset in self.searcher.reader().leaf_readers():
                lengths[offset : offset + reader.doc_count_all()] = _segment_lengths(
                    reader, fieldname
                )
            self._lengths[fieldname] = lengths
        return lengths

    def _live(self) -> np.ndarray:
        live = np.zeros(self.size, dtype=bool)
        live[np.fromiter(self.searcher.reader().all_doc_ids(), dtype=np.int64)] = True
        return live

    # ------------------------------------------------------------ ordering

    def top(self, ranked: Ranked, candidates: np.ndarray, limit: int) -> np.ndarray:
        """The first ``limit`` candidate document numbers by score (Whoosh's order)."""
        docnums = np.flatnonzero(candidates)
        scores = ranked.scores[docnums]
        if 0 < limit < len(docnums):
            # Only documents scoring at least the limit-th best score can be on the page
            # (ties at that score included, so the order among them stays by docnum).
            threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            kept = scores >= threshold
            docnums, scores = docnums[kept], scores[kept]
        order = np.lexsort((docnums, -scores))
        return docnums[order[:limit]]

    def sorted_by(
        self, column: str, candidates: np.ndarray, limit: int, *, reverse: bool
    ) -> np.ndarray:
        """The first ``limit`` candidates ordered by a sortable column, then document number."""
        docnums = np.flatnonzero(candidates)
        ranks = self._column_ranks(column)[docnums]
        order = np.argsort(-ranks if reverse else ranks, kind="stable")
        return docnums[order[:limit]]

    def _column_ranks(self, column: str) -> np.ndarray:
        """Each document's position when sorted by (column value, document number)."""
        ranks = self._ranks.get(column)
        if ranks is None:
            values = self.searcher.reader().column_reader(column)
            order = sorted(range(self.size), key=lambda docnum: (values[docnum], docnum))
            ranks = np.empty(self.size, dtype=np.int64)
            ranks[np.array(order, dtype=np.int64)] = np.arange(self.size, dtype=np.int64)
            self._ranks[column] = ranks
        return ranks


def _blocks(matcher: Any) -> Iterator[tuple[Any, Any]]:
    """(document numbers, weights) of a posting list, a block at a time where it can.

    whoosh3's block postings (with no deletion filter around them) are decoded from each
    block's data tuple with numpy; whoosh3.W3LeafMatcher._read_ids and _read_weights do the
    same one number at a time.
    """
    if hasattr(matcher, "_read_data") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids, weights = matcher._data[0], matcher._data[1]
            count = matcher._blocklength
            ids = np.asarray(ids, dtype=np.int64)
            if not matcher._byteids:
                ids = np.cumsum(ids)  # the ids are stored as gaps (delta-encoded)
            if weights is None:
                weights = np.ones(count, dtype=np.float64)
            elif isinstance(weights, float):
                weights = np.full(count, weights, dtype=np.float64)
            yield ids, weights
            matcher._next_block()
        return
    ids: list[int] = []
    found: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(matcher.weight())
        matcher.next()
    yield ids, found


def _segment_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """One segment's stored field lengths, decoded."""
    count = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return np.array(
            [reader.doc_field_length(docnum, fieldname, 0) or 0 for docnum in range(count)],
            dtype=np.float64,
        )
    codes = np.fromiter((column[docnum] for docnum in range(count)), dtype=np.uint8, count=count)
    return _LENGTH_OF_BYTE[codes]
