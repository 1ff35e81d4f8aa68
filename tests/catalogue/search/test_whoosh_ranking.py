"""The array ranking (catalogue/search/_whoosh_ranking.py) gives what Whoosh's collector gives.

The index holds the seeded catalogue's documents and three variants of each (their texts
recombined, so scores spread and ties occur), written as one rebuilt segment plus a second
segment from an incremental update, with a few documents deleted: so posting lists are read
both a block at a time and through Whoosh's deletion filter, with segment offsets.

Each query is answered twice on the same index: by the array ranking, and by Whoosh's own
collector (``searcher.search``, or a backend with ``array_ranking=False``). The scores, the
matches, the order and whole result pages (hits, snippets, totals, facets) must agree.
"""

from __future__ import annotations

import contextlib
import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.reading import SegmentReader

from catalogue.search import _whoosh_facets, _whoosh_snippets
from catalogue.search._whoosh_hits import HIT_FIELDS
from catalogue.search._whoosh_ranking import Unsupported
from catalogue.search.interfaces import SearchQuery
from catalogue.search.query import build_query, words
from catalogue.search.whoosh_backend import WhooshBackend
from tests.searching import seeded_documents

# Query texts: words, inflections, two and three words, operators, names, English, nothing.
QUERIES = [
    "",
    "zaak",
    "zaken",
    "open zaak",
    "Open Zaak",
    "zaken documenten",
    "formulieren",
    "notificaties api",
    "archief OR zaak",
    "zaak NOT formulieren",
    "zaak AND NOT archief",
    "case management",
    "open",
    "de",
    "api",
    "gemeente",
    "burger melding",
    "(zaak OR document) AND api",
    "xyzzy",
    "zaak ANDMAYBE api",
]
# Queries the arrays leave to Whoosh: phrases, prefixes, wildcards.
UNSUPPORTED = ['"open zaak"', "zaa*", "za?k", "api zaa*"]
# Scores that differ by less than this are equal (the sums may run in another order).
TOLERANCE = 1e-9


def _variants(documents: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """``count`` variants of every document: new ids and slugs, texts taken from others."""
    rng = random.Random(7)  # noqa: S311 - a fixed mix, not a secret
    made = []
    for round_number in range(1, count + 1):
        for document in documents:
            variant = copy.deepcopy(document)
            donor = rng.choice(documents)
            variant["id"] = str(int(document["id"]) + 1000 * round_number)
            variant["slug"] = f"{document['slug']}-{round_number}"
            variant["name"] = f"{document['name']} {round_number}"
            variant["exact"] = [variant["name"].casefold()]
            for field in ("short_nl", "features_nl", "long_en", "standards"):
                variant[field] = copy.deepcopy(donor[field])
            made.append(variant)
    return made


@pytest.fixture(scope="module")
def documents(tmp_path_factory: Any) -> list[dict[str, Any]]:
    """The seeded catalogue's documents, read from a real SQLite database once per module."""
    return seeded_documents(tmp_path_factory.mktemp("ranking"))


@pytest.fixture(scope="module")
def index_root(documents: list[dict[str, Any]], tmp_path_factory: Any) -> Path:
    """One rebuilt segment, one incremental segment, and deletions in both."""
    root = tmp_path_factory.mktemp("index")
    variants = _variants(documents, 3)
    backend = WhooshBackend(root)
    backend.rebuild(documents + variants[:92])
    backend.index(variants[92:])
    backend.delete([documents[3]["id"], variants[10]["id"], variants[120]["id"]])
    backend.close()
    return root


@pytest.fixture
def backends(index_root: Path) -> Iterator[tuple[WhooshBackend, WhooshBackend]]:
    """The same index, ranked by arrays and by Whoosh's collector."""
    arrays, collector = WhooshBackend(index_root), WhooshBackend(index_root, array_ranking=False)
    yield arrays, collector
    arrays.close()
    collector.close()


def test_the_index_has_two_segments_and_deletions(backends: Any) -> None:
    arrays, _collector = backends
    with arrays._searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) == 2
        assert reader.has_deletions()
        assert reader.doc_count() == reader.doc_count_all() - 3


def _collector_order(searcher: Any, text_query: Any) -> list[tuple[int, float]]:
    return [(hit.docnum, hit.score) for hit in searcher.search(text_query, limit=None)]


@pytest.mark.parametrize("q", QUERIES)
def test_scores_matches_and_order_are_whooshs(backends: Any, q: str) -> None:
    arrays, _collector = backends
    with arrays._open() as generation:
        searcher = generation.searcher
        text_query = build_query(q, arrays.schema)
        ranked = generation.ranker.rank(text_query)
        expected = _collector_order(searcher, text_query)

        live = generation.to_array(generation.every)
        ours = generation.ranker.top(ranked, ranked.matched & live, len(expected) + 5)
        # The same documents match ...
        assert sorted(ours.tolist()) == sorted(docnum for docnum, _score in expected)
        assert generation.from_array(ranked.matched) & generation.every == generation.matches(
            text_query
        )
        # ... with the same scores ...
        for docnum, score in expected:
            assert ranked.scores[docnum] == pytest.approx(score, rel=TOLERANCE, abs=TOLERANCE)
        # ... in the same order (documents whose scores are equal may change places).
        for position, (docnum, score) in enumerate(expected):
            mine = int(ours[position])
            assert mine == docnum or abs(ranked.scores[mine] - score) < TOLERANCE, position


def test_the_queries_compare_something(backends: Any) -> None:
    """The comparison above is not vacuous: most queries match, with many distinct scores."""
    arrays, _collector = backends
    with arrays._open() as generation:
        matching = 0
        for q in QUERIES:
            ranked = generation.ranker.rank(build_query(q, arrays.schema))
            if ranked.matched.sum() >= 5 and len(np.unique(ranked.scores[ranked.matched])) >= 5:
                matching += 1
        assert matching >= len(QUERIES) // 2


@pytest.mark.parametrize("sort", ["name", "updated"])
@pytest.mark.parametrize("q", ["", "zaak", "open zaak"])
def test_sorted_pages_are_whooshs(backends: Any, q: str, sort: str) -> None:
    arrays, collector = backends
    for page in (1, 2, 3):
        query = SearchQuery(q=q, sort=sort, page=page, per_page=20)  # type: ignore[arg-type]
        assert arrays.search(query) == collector.search(query)


@pytest.mark.parametrize("q", UNSUPPORTED)
def test_phrases_prefixes_and_fuzzy_terms_are_left_to_whoosh(backends: Any, q: str) -> None:
    arrays, collector = backends
    with arrays._open() as generation:
        with pytest.raises(Unsupported):
            generation.ranker.rank(build_query(q, arrays.schema))
    results = arrays.search(SearchQuery(q=q))
    assert results.total > 0
    assert results == collector.search(SearchQuery(q=q))


@pytest.mark.parametrize("q", QUERIES)
def test_whole_pages_are_the_collectors(backends: Any, q: str) -> None:
    """Hits, scores, snippets, totals, facets and suggestions, first and second page."""
    arrays, collector = backends
    for language in ("nl", "en"):
        for page in (1, 2):
            query = SearchQuery(q=q, page=page, per_page=10, language=language)
            mine, theirs = arrays.search(query), collector.search(query)
            assert mine.total == theirs.total
            assert mine.facets == theirs.facets
            assert mine.suggestion == theirs.suggestion
            _assert_same_hits(mine.hits, theirs.hits)


def test_kept_word_queries_stay_what_a_fresh_build_gives(backends: Any) -> None:
    """Each backend keeps its plain words' queries (query.word_queries) and builds its text
    queries from them; after both have searched with them, twice, through the arrays and
    through Whoosh's collector and highlighting, each is still the query made afresh."""
    arrays, collector = backends
    for backend in (arrays, collector):
        for _twice in range(2):
            for q in QUERIES:
                for match in ("all", "any"):
                    backend.search(SearchQuery(q=q, match=match, per_page=10))  # type: ignore[arg-type]
        assert backend._words.cache_info().hits > 0
        for q in QUERIES:
            for match in ("all", "any"):
                kept = build_query(q, backend.schema, match=match, words=backend._words)  # type: ignore[arg-type]
                assert kept == build_query(q, backend.schema, match=match), (q, match)  # type: ignore[arg-type]


def _assert_same_hits(mine: list[Any], theirs: list[Any]) -> None:
    assert len(mine) == len(theirs)
    by_slug = {hit.slug: hit for hit in theirs}
    for position, (hit, other) in enumerate(zip(mine, theirs, strict=True)):
        if hit.slug != other.slug:
            # Only documents with equal scores may change places.
            assert abs(hit.score - other.score) < TOLERANCE, position
        expected = by_slug.get(hit.slug, other)
        if expected.slug == hit.slug:
            assert hit.snippet_html == expected.snippet_html
            assert hit.score == pytest.approx(expected.score, rel=TOLERANCE, abs=TOLERANCE)


# Words whose compound parts leave a matcher of Whoosh's parked on a result (see
# _whoosh_hits._ranked_hits): the page's snippets then need Whoosh's own matched terms.
PARKED = [("objecttypen", 1, "nl"), ("objecttypen", 2, "nl"), ("zaaktypen", 2, "en")]


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries for which the backend ran Whoosh's unscored pass (it still runs)."""
    seen: list[str] = []
    collected = WhooshBackend._collected_words

    def counted(self: WhooshBackend, generation: Any, text_query: Any, *args: Any) -> Any:
        seen.append(str(text_query))
        return collected(self, generation, text_query, *args)

    monkeypatch.setattr(WhooshBackend, "_collected_words", counted)
    return seen


@pytest.mark.parametrize(("q", "page", "language"), PARKED)
def test_parked_terms_are_highlighted_as_whoosh_does(
    backends: Any, passes: list[str], q: str, page: int, language: str
) -> None:
    arrays, collector = backends
    query = SearchQuery(q=q, per_page=10, page=page, language=language)
    mine, theirs = arrays.search(query), collector.search(query)
    assert passes, "the query no longer needs Whoosh's matched terms: pick another"
    _assert_same_hits(mine.hits, theirs.hits)


def test_pages_without_a_parked_term_skip_the_pass(backends: Any, passes: list[str]) -> None:
    """The unscored pass runs only when a parked term is on the page: "objecttypen" has one on
    its first Dutch page, not on its third."""
    arrays, collector = backends
    far = SearchQuery(q="objecttypen", per_page=10, page=3, language="nl")
    mine, theirs = arrays.search(far), collector.search(far)
    assert mine.hits
    _assert_same_hits(mine.hits, theirs.hits)
    assert not passes


@pytest.mark.parametrize(
    "filters",
    [
        {"license": ("EUPL-1.2",)},
        {"layer": ("interaction", "services")},
        {"license": ("EUPL-1.2",), "development_status": ("stable",)},
    ],
)
def test_filtered_pages_are_the_collectors(backends: Any, filters: dict[str, Any]) -> None:
    arrays, collector = backends
    for q in ("zaak", "api", ""):
        query = SearchQuery(q=q, filters=filters)
        mine, theirs = arrays.search(query), collector.search(query)
        assert mine.total == theirs.total
        assert mine.facets == theirs.facets
        _assert_same_hits(mine.hits, theirs.hits)


def _word_queries(vocabulary: list[str]) -> st.SearchStrategy[str]:
    """One to three words, joined by a space (AND), OR or NOT."""
    word = st.sampled_from(vocabulary)
    join = st.sampled_from([" ", " OR ", " NOT "])
    return st.builds(
        lambda first, rest: first + "".join(j + w for j, w in rest),
        word,
        st.lists(st.tuples(join, word), max_size=2),
    )


@pytest.fixture(scope="module")
def vocabulary(documents: list[dict[str, Any]]) -> list[str]:
    """The words of the catalogue's names and short Dutch descriptions."""
    return sorted({w for d in documents for w in words(d["short_nl"] + " " + d["name"])})


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_word_queries_rank_as_whoosh_does(
    backends: Any, vocabulary: list[str], data: Any
) -> None:
    """Queries made of the catalogue's own words rank as Whoosh ranks them."""
    q = data.draw(_word_queries(vocabulary))
    arrays, collector = backends
    query = SearchQuery(q=q, per_page=10)
    mine, theirs = arrays.search(query), collector.search(query)
    assert mine.total == theirs.total
    assert mine.facets == theirs.facets
    _assert_same_hits(mine.hits, theirs.hits)


def test_a_not_query_keeps_its_best_documents_on_the_first_page(backends: Any) -> None:
    """Whoosh 2.7.5's collector with a limit leaves a better-scoring document out of the top
    ten of this query (it is there with ``limit=None``); both backends must not."""
    arrays, collector = backends
    query = SearchQuery(q="source NOT aan", per_page=10)
    with arrays._open() as generation:
        text_query = build_query(query.q, arrays.schema)
        every = generation.searcher.search(text_query, limit=None)
        best = [(hit["slug"], hit.score) for hit in every[:10]]
        limited = [hit["slug"] for hit in generation.searcher.search(text_query, limit=10)]
    assert [slug for slug, _score in best] != limited, "the Whoosh behaviour this guards against"
    for backend in (arrays, collector):
        hits = backend.search(query).hits
        assert len(hits) == len(best)
        for hit, (slug, score) in zip(hits, best, strict=True):
            assert hit.score == pytest.approx(score, rel=TOLERANCE, abs=TOLERANCE)
            assert hit.slug == slug or slug in {h.slug for h in hits}


@pytest.mark.parametrize("bound", [300, 10**9])
def test_scored_postings_stay_within_their_bound(
    backends: Any, monkeypatch: pytest.MonkeyPatch, bound: int
) -> None:
    """Terms are scored once per opened index and kept while there is room. With room for
    everything, asking the same queries again scores no term twice; with room for 300
    postings, terms are dropped (least recently used first) and scored again when asked for,
    and the kept postings stay within the bound. Either way every query ranks as Whoosh's
    collector does."""
    import catalogue.search._whoosh_ranking as ranking

    monkeypatch.setattr(ranking, "SCORED_POSTINGS", bound)
    scored: list[tuple[str, str]] = []
    score_term = ranking.Ranker._score_term

    def counted(self: Any, fieldname: str, text: str) -> Any:
        scored.append((fieldname, text))
        return score_term(self, fieldname, text)

    monkeypatch.setattr(ranking.Ranker, "_score_term", counted)
    arrays, collector = backends
    arrays.close()  # a fresh ranker
    for _round in range(2):
        for q in ("zaak", "api", "open zaak", "formulieren", "xyzzy"):
            query = SearchQuery(q=q, per_page=10)
            mine, theirs = arrays.search(query), collector.search(query)
            assert mine.total == theirs.total
            _assert_same_hits(mine.hits, theirs.hits)
    with arrays._open() as generation:
        ranker = generation.ranker
        kept = sum(ranking._size(found) for found in ranker._scored.values())
        assert kept == ranker._scored_postings <= bound
    again = len(scored) - len(set(scored))
    if bound == 300:
        assert again > 0
    else:
        assert again == 0


def test_kept_tokens_give_the_snippets_whoosh_makes(
    backends: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snippet field's tokens are analysed once per opened index and kept (bounded): the
    second run of the same searches analyses no text and gives the collector's snippets again,
    as does a run with room for only a few tokens."""
    arrays, collector = backends
    queries = [
        SearchQuery(q=q, page=page, language=language)
        for q in ("zaak", "api zaak", "zaakafhandeling", "gegevens")
        for page in (1, 2)
        for language in ("nl", "en")
    ]
    theirs = [collector.search(query).hits for query in queries]
    analysed: list[str] = []
    analyse = _whoosh_snippets.analyse

    def counted(analyzer: Any, text: str, *words: Any) -> Any:
        analysed.append(text)
        return analyse(analyzer, text, *words)

    monkeypatch.setattr(_whoosh_snippets, "analyse", counted)
    first = _searched_twice(arrays, queries, theirs, analysed)
    assert first > 0, "the first run analysed"
    assert len(analysed) == first, "the second run analysed nothing"
    monkeypatch.setattr(_whoosh_facets, "SNIPPET_TOKENS", 20)
    with _searched_afresh(arrays, queries, theirs) as generation:
        assert generation.tokens.size <= 20 or len(generation.tokens) == 1


def _searched_twice(
    arrays: Any, queries: list[SearchQuery], theirs: list[Any], calls: list[Any]
) -> int:
    """Runs ``queries`` twice, each page of hits the collector's; how many ``calls`` the first
    run noted."""
    first = 0
    for run in range(2):
        for query, expected in zip(queries, theirs, strict=True):
            _assert_same_hits(arrays.search(query).hits, expected)
        if run == 0:
            first = len(calls)
    return first


@contextlib.contextmanager
def _searched_afresh(arrays: Any, queries: list[SearchQuery], theirs: list[Any]) -> Iterator[Any]:
    """Runs ``queries`` on a new backend of the same index (its module settings as patched),
    each page of hits the collector's; gives its opened index."""
    fresh = WhooshBackend(arrays.root)
    try:
        for query, expected in zip(queries, theirs, strict=True):
            _assert_same_hits(fresh.search(query).hits, expected)
        with fresh._open() as generation:
            yield generation
    finally:
        fresh.close()


def test_a_hits_fields_are_read_once_and_only_those_a_page_shows(
    backends: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hit's stored fields are unpickled once per opened index and only its slug, name and
    snippet texts are kept: the second run of the same searches reads no document, and a run
    with room for two documents gives the collector's hits too."""
    arrays, collector = backends
    queries = [
        SearchQuery(q=q, page=page, language=language, sort=sort)
        for q in ("zaak", "api", "gemeente")
        for page in (1, 2)
        for language in ("nl", "en")
        for sort in ("relevance", "name")
    ]
    theirs = [collector.search(query).hits for query in queries]
    reads: list[int] = []
    stored_fields = SegmentReader.stored_fields

    def counted(reader: Any, docnum: int) -> Any:
        reads.append(docnum)
        return stored_fields(reader, docnum)

    monkeypatch.setattr(SegmentReader, "stored_fields", counted)
    first = _searched_twice(arrays, queries, theirs, reads)
    assert first > 0, "the first run read documents"
    assert len(reads) == first, "the second run read none"
    with arrays._open() as generation:
        kept = generation.hit_fields(reads[0])
    assert set(kept) <= set(HIT_FIELDS) and {"slug", "name"} <= set(kept)
    monkeypatch.setattr(_whoosh_facets, "STORED_DOCUMENTS", 2)
    with _searched_afresh(arrays, queries, theirs) as generation:
        assert generation.hit_fields.cache_info().currsize <= 2
