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
tests/catalogue/search/test_whoosh_ranking.py checks scores and order against that collector.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

# Postings an opened index keeps scored (see Ranker): about 16 bytes each, so 32 MB at most.
SCORED_POSTINGS = 2_000_000

# A field length is stored as one byte; this table decodes every byte value at once.
_LENGTH_OF_BYTE = np.array([byte_to_length(byte) for byte in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """The query has a part this module does not rank; Whoosh's collector must."""


# A query term: its field and its text.
Key = tuple[str, str]


@dataclass
class Ranked:
    """Per document number: the score and whether it matches; and per query term outside a
    Not, where it matched as part of the whole query (``terms``, what Whoosh's collector
    reports as matched terms) and where its postings are (``postings``), for highlighting."""

    scores: np.ndarray
    matched: np.ndarray
    terms: dict[Key, np.ndarray] = field(default_factory=dict)
    postings: dict[Key, np.ndarray] = field(default_factory=dict)


@dataclass
class _Node:
    """One node of the query tree: scores, matches, and its terms where the node matches."""

    scores: np.ndarray
    matched: np.ndarray
    terms: dict[Key, np.ndarray] = field(default_factory=dict)

    def within(self, matched: np.ndarray) -> dict[Key, np.ndarray]:
        """The terms, kept only where ``matched`` (an ancestor's matches) holds."""
        return {key: found & matched for key, found in self.terms.items()}


def _merged(*groups: dict[Key, np.ndarray]) -> dict[Key, np.ndarray]:
    merged: dict[Key, np.ndarray] = {}
    for group in groups:
        for key, found in group.items():
            merged[key] = found if key not in merged else merged[key] | found
    return merged


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
        # A term's posting list is read (a pickle per block) and scored once per opened index
        # and kept as arrays (its scores depend on nothing else); bounded by the number of
        # postings kept, as people ask for a few hundred words far more than the rest.
        self._scored: collections.OrderedDict[Key, tuple[np.ndarray, np.ndarray] | None] = (
            collections.OrderedDict()
        )
        self._scored_postings = 0

    # ------------------------------------------------------------ scoring

    def rank(self, query: wq.Query) -> Ranked:
        """The scores of every document for ``query``; raises Unsupported."""
        if self._bm25 is None:
            raise Unsupported(type(self.searcher.weighting).__name__)
        postings: dict[Key, np.ndarray] = {}
        node = self._node(query, postings)
        return Ranked(scores=node.scores, matched=node.matched, terms=node.terms, postings=postings)

    def _empty(self) -> _Node:
        return _Node(np.zeros(self.size, dtype=np.float64), np.zeros(self.size, dtype=bool))

    def _node(self, query: wq.Query, postings: dict[Key, np.ndarray] | None) -> _Node:
        """One node of the query tree. ``postings`` collects where each term occurs; it is
        None under a Not, whose terms never match a result."""
        kind = type(query)
        if query is wq.NullQuery:
            return self._empty()
        if kind is wq.Term:
            node = self._term(query.fieldname, query.text, postings)
        elif kind is wq.Every and query.fieldname in (None, "", "*"):
            # Every document, each with the query's boost as its weight.
            matched = self._live()
            node = _Node(np.where(matched, 1.0, 0.0), matched)
        elif kind is wq.Not:
            # Whoosh's InverseMatcher: every live document the query does not match, weight 1
            # (its own boost is not applied).
            matched = self._live() & ~self._node(query.query, None).matched
            return _Node(np.where(matched, 1.0, 0.0), matched)
        elif kind is wq.And:
            node = self._and(query.subqueries, postings)
        elif kind is wq.Or and not query.scale:
            node = self._or(query.subqueries, postings)
        elif kind is wq.AndNot:
            a = self._node(query.a, postings)
            matched = a.matched & ~self._node(query.b, None).matched
            node = _Node(np.where(matched, a.scores, 0.0), matched, a.within(matched))
        elif kind is wq.AndMaybe:
            a, b = self._node(query.a, postings), self._node(query.b, postings)
            node = _Node(
                a.scores + np.where(a.matched & b.matched, b.scores, 0.0),
                a.matched,
                _merged(a.terms, b.within(a.matched)),
            )
        elif kind is wq.Require:
            # Scores from a only; b's terms match too (Whoosh intersects both).
            a, b = self._node(query.a, postings), self._node(query.b, postings)
            matched = a.matched & b.matched
            node = _Node(
                np.where(matched, a.scores, 0.0),
                matched,
                _merged(a.within(matched), b.within(matched)),
            )
        else:
            raise Unsupported(kind.__name__)
        boost = getattr(query, "boost", 1.0)
        if boost != 1.0:
            node.scores = node.scores * boost
        return node

    def _and(self, parts: list[wq.Query], postings: dict[Key, np.ndarray] | None) -> _Node:
        if not parts:
            return self._empty()
        nodes = [self._node(part, postings) for part in parts]
        scores, matched = nodes[0].scores, nodes[0].matched
        for node in nodes[1:]:
            scores = scores + node.scores
            matched = matched & node.matched
        return _Node(
            np.where(matched, scores, 0.0),
            matched,
            _merged(*(node.within(matched) for node in nodes)),
        )

    def _or(self, parts: list[wq.Query], postings: dict[Key, np.ndarray] | None) -> _Node:
        result = self._empty()
        scores, matched = result.scores, result.matched
        groups: list[dict[Key, np.ndarray]] = []
        for part in parts:
            if type(part) is wq.Term:
                # A term adds its scores where it occurs, in the same order of additions as a
                # whole array of zeros elsewhere would (the same sums, bit for bit).
                found = self._scored_term(part.fieldname, part.text)
                if found is None:
                    continue
                docnums, term_scores = found
                boost = getattr(part, "boost", 1.0)
                scores[docnums] += term_scores * boost if boost != 1.0 else term_scores
                matched[docnums] = True
                if postings is not None:
                    groups.append(self._occurrences(part.fieldname, part.text, docnums, postings))
                continue
            node = self._node(part, postings)
            np.add(scores, node.scores, out=scores)
            np.logical_or(matched, node.matched, out=matched)
            groups.append(node.terms)
        result.terms = _merged(*groups)
        return result

    def _occurrences(
        self, fieldname: str, text: str, docnums: np.ndarray, postings: dict[Key, np.ndarray]
    ) -> dict[Key, np.ndarray]:
        """Where a term occurs, noted in ``postings``; the node's terms."""
        found = np.zeros(self.size, dtype=bool)
        found[docnums] = True
        key = (fieldname, text)
        postings[key] = found if key not in postings else postings[key] | found
        return {key: found}

    def _term(self, fieldname: str, text: str, postings: dict[Key, np.ndarray] | None) -> _Node:
        node = self._empty()
        scored = self._scored_term(fieldname, text)
        if scored is None:
            return node
        docnums, scores = scored
        node.scores[docnums] = scores
        if postings is None:
            node.matched[docnums] = True
        else:
            node.terms = self._occurrences(fieldname, text, docnums, postings)
            node.matched = node.terms[(fieldname, text)]
        return node

    def _scored_term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The document numbers and scores of a term's live postings (None: it has none),
        computed once per opened index while there is room (least recently used goes first)."""
        key = (fieldname, text)
        if key in self._scored:
            self._scored.move_to_end(key)
            return self._scored[key]
        scored = self._score_term(fieldname, text)
        size = _size(scored)
        if size <= SCORED_POSTINGS:
            self._scored[key] = scored
            self._scored_postings += size
            while self._scored_postings > SCORED_POSTINGS:
                _key, dropped = self._scored.popitem(last=False)
                self._scored_postings -= _size(dropped)
        return scored

    def _score_term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        schema = self.searcher.schema
        if fieldname not in schema:
            return None
        field_type = schema[fieldname]
        try:
            btext = field_type.to_bytes(text)
        except ValueError:
            return None
        if (fieldname, btext) not in self.searcher.reader():
            return None
        if not field_type.scorable:
            raise Unsupported(f"unscorable field {fieldname}")
        docnums, weights = self._read_postings(fieldname, btext)
        if not len(docnums):
            return None
        bm25 = self._bm25
        if bm25 is None:
            raise Unsupported(type(self.searcher.weighting).__name__)
        idf = self.searcher.idf(fieldname, btext)
        average = self.searcher.avg_field_length(fieldname) or 1
        b = bm25._field_B.get(fieldname, bm25.B)
        k1 = bm25.K1
        length = self.lengths(fieldname)[docnums]
        # scoring.bm25, operation for operation, so the floats are the ones Whoosh computes.
        scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * length / average)))
        scores.flags.writeable = False
        return docnums, scores

    def _read_postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (of the whole index) and weights of a term's live postings
        (read-only arrays: they are shared between searches)."""
        docnums, weights = self._postings_of(fieldname, btext)
        docnums.flags.writeable = False
        weights.flags.writeable = False
        return docnums, weights

    def _postings_of(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
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


def _size(scored: tuple[np.ndarray, np.ndarray] | None) -> int:
    """What a kept term counts against SCORED_POSTINGS: its postings, and 1 for a term that
    has none (so words nobody has keep no unbounded memory either)."""
    return 1 if scored is None else max(1, len(scored[0]))


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
