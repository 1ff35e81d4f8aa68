"""Facet counts from (document, value) pairs (_pairs.py): the few-candidates path and the
many-candidates path count what a plain count over every pair gives; and a facet's values in
their order (``ranked``), in Python and with numpy."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from catalogue.search import _pairs
from catalogue.search._pairs import PairCounts


def _plain(pairs: list[tuple[int, int]], candidates: np.ndarray, values: int) -> list[int]:
    counted = Counter(value for document, value in pairs if candidates[document])
    return [counted[value] for value in range(values)]


def _catalogue(rng: random.Random, size: int, values: int) -> list[tuple[int, int]]:
    """Pairs in no particular order: some documents have none, some several, the last one
    has some (the end of the arrays), one value no document has."""
    pairs = []
    for document in range(size):
        if rng.random() < 0.2:
            continue
        pairs += [(document, rng.randrange(values - 1)) for _ in range(rng.randint(1, 4))]
    pairs.append((size - 1, 0))
    rng.shuffle(pairs)
    return pairs


def _counter(pairs: list[tuple[int, int]], size: int, values: int) -> PairCounts:
    return PairCounts(
        np.asarray([d for d, _v in pairs], dtype=np.int32),
        np.asarray([v for _d, v in pairs], dtype=np.int32),
        size,
        values,
    )


@pytest.mark.parametrize("seed", range(4))
def test_both_paths_count_what_every_pair_gives(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a fixed mix, not a secret
    size, values = 400, 12
    pairs = _catalogue(rng, size, values)
    counter = _counter(pairs, size, values)
    # From no candidate through a few (the sparse path: fewer than size / SPARSE) to all.
    for share in (0, 1, 3, size // _pairs.SPARSE - 1, size // _pairs.SPARSE, size // 2, size):
        chosen = rng.sample(range(size), share)
        for candidates_of in (chosen, [*chosen[:-1], size - 1] if chosen else []):
            candidates = np.zeros(size, dtype=bool)
            candidates[candidates_of] = True
            counted = counter.count(candidates)
            assert counted.tolist() == _plain(pairs, candidates, values), (seed, share)


@pytest.mark.parametrize("sparse", [0, 10**9], ids=["always-few", "always-many"])
def test_each_path_alone_counts_what_every_pair_gives(
    sparse: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each path forced for every candidate set (SPARSE 0: always the candidates' own pairs;
    a huge SPARSE: always a pass over all pairs), so neither hides behind the other."""
    monkeypatch.setattr(_pairs, "SPARSE", sparse)
    rng = random.Random(sparse)  # noqa: S311 - a fixed mix, not a secret
    size, values = 200, 6
    pairs = _catalogue(rng, size, values)
    counter = _counter(pairs, size, values)
    for share in (1, 5, 50, size):
        candidates = np.zeros(size, dtype=bool)
        candidates[rng.sample(range(size), share)] = True
        assert counter.count(candidates).tolist() == _plain(pairs, candidates, values), share


@pytest.mark.parametrize("small", [0, 10**6], ids=["numpy", "python"])
def test_a_facets_values_are_ranked_by_count_then_by_their_tie_order(
    small: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """_pairs.ranked (both backends) orders small facets in Python and large ones with numpy:
    both give the values with a count, most first, equal counts in the facet's tie order."""
    monkeypatch.setattr(_pairs, "SMALL_FACET", small)
    rng = random.Random(11)  # noqa: S311 - a fixed mix, not a secret
    for size in (1, 7, 80):
        tie = list(range(size))
        rng.shuffle(tie)
        counted = np.asarray([rng.choice([0, 0, 1, 2, 3]) for _ in range(size)])
        expected = sorted(
            (n for n in range(size) if counted[n]), key=lambda n: (-counted[n], tie[n])
        )
        assert _pairs.ranked(counted, np.asarray(tie)) == expected


def test_facets_joined_count_each_facets_own_values_at_its_offset() -> None:
    """_pairs.joined (both backends): every facet's pairs in one counter, each facet's counts
    found between its start and the next, as that facet counted alone gives them."""
    rng = random.Random(5)  # noqa: S311 - a fixed mix, not a secret
    size = 300
    facets = [(_catalogue(rng, size, values), values) for values in (3, 9, 2, 14)]
    arrays = [
        (
            np.asarray([d for d, _v in pairs], dtype=np.int32),
            np.asarray([v for _d, v in pairs], dtype=np.int32),
            values,
        )
        for pairs, values in facets
    ]
    counter, starts = _pairs.joined(arrays, size)
    assert starts == [0, 3, 12, 14, 28]
    for share in (2, size // 3, size):
        candidates = np.zeros(size, dtype=bool)
        candidates[rng.sample(range(size), share)] = True
        counted = counter.count(candidates)
        assert len(counted) == starts[-1]
        for at, (pairs, values) in enumerate(facets):
            own = counted[starts[at] : starts[at + 1]].tolist()
            assert own == _plain(pairs, candidates, values), (at, share)
    empty, ends = _pairs.joined([], size)
    assert ends == [0]
    assert empty.count(np.ones(size, dtype=bool)).tolist() == []
