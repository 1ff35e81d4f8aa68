"""Snippets from kept tokens (_whoosh_snippets.py) are Whoosh's own, byte for byte.

Every snippet field of every document of the seeded catalogue, with many sets of words: each
word of the text alone, pairs, the first half, every word, words with stop words' forms, words
the text does not have. Then texts that push the fragmenter's limits, and an analyser whose
tokens overlap, so the merging of touching matches runs too. The tokens made a word at a time
(_whoosh_analysis.py) are Whoosh's chain's, token for token.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from whoosh import analysis, highlight

from catalogue.search._whoosh_analysis import DEFAULT_WORDS, WordAnalysis, per_word
from catalogue.search._whoosh_hits import SNIPPET_FIELDS, kept_highlight, whoosh_highlight
from catalogue.search._whoosh_schema import fields_of, make_schema
from catalogue.search._whoosh_snippets import TokenCache, _merged, analyse
from tests.searching import seeded_documents

FIELDS = sorted({field for fields in SNIPPET_FIELDS.values() for field in fields})


@pytest.fixture(scope="module")
def documents(tmp_path_factory: Any) -> list[dict[str, Any]]:
    return seeded_documents(tmp_path_factory.mktemp("snippets"))


def _word_sets(tokens: tuple[str, ...], rng: random.Random) -> list[frozenset[str]]:
    distinct = sorted(set(tokens))
    sets = [frozenset({word}) for word in distinct]
    sets += [frozenset(rng.sample(distinct, 2)) for _ in range(5) if len(distinct) >= 2]
    sets += [frozenset(distinct[: len(distinct) // 2]), frozenset(distinct)]
    sets += [frozenset({"de", "het", "en", "the", "and"} | set(distinct[:1]))]
    sets += [frozenset({"woordzonderbetekenis"}), frozenset()]
    return sets


def _assert_same(analyzer: Any, text: str, words: frozenset[str]) -> None:
    tokens = analyse(analyzer, text)
    assert tokens is not None
    assert kept_highlight(text, tokens, words) == whoosh_highlight(analyzer, text, words), (
        text[:60],
        sorted(words),
    )


def test_every_snippet_field_of_the_catalogue(documents: list[dict[str, Any]]) -> None:
    schema = make_schema()
    rng = random.Random(3)  # noqa: S311 - a fixed mix, not a secret
    compared = marked = 0
    for document in documents:
        stored = fields_of(document)  # the texts as the index stores them
        for field in FIELDS:
            text = stored.get(field)
            if not text:
                continue
            analyzer = schema[field].analyzer
            tokens = analyse(analyzer, text)
            assert tokens is not None
            for words in _word_sets(tokens[0], rng):
                expected = whoosh_highlight(analyzer, text, words)
                assert kept_highlight(text, tokens, words) == expected, (stored["slug"], field)
                compared += 1
                marked += "<mark>" in expected
    assert compared > 5_000
    assert marked > compared // 2, "most sets mark something"


@pytest.mark.parametrize("field", ["long_nl", "long_en"])
def test_long_texts_and_far_apart_matches(field: str) -> None:
    """Fragments cut at 300 characters, matches far apart, and the 32,768-character limit."""
    analyzer = make_schema()[field].analyzer
    filler = "gegevens worden opgeslagen in een register van de gemeente " * 40
    # Past the limit, the best fragment (three distinct words): Whoosh never reads that far.
    tail = "".join(f" burger {number}" for number in range(4_000))
    text = f"zaak {filler} zaak document {filler} archief zaak{tail} zaak archief burger"
    assert len(text) > 2**15
    for words in (
        frozenset(analyse(analyzer, "burger")[0]),  # type: ignore[index] # ties: later wins
        frozenset(analyse(analyzer, "zaak")[0]),  # type: ignore[index]
        frozenset(analyse(analyzer, "zaak archief burger")[0]),  # type: ignore[index]
        frozenset(analyse(analyzer, "gegevens register")[0]),  # type: ignore[index]
    ):
        _assert_same(analyzer, text, words)


def test_touching_matches_are_merged_as_whoosh_merges_them() -> None:
    """N-grams overlap: runs of matched grams become one mark, others stay apart."""
    analyzer = analysis.NgramWordAnalyzer(2, 4)
    text = "zaakafhandeling en documentbeheer, zaak zaak zaken"
    grams = analyse(analyzer, text)
    assert grams is not None
    rng = random.Random(5)  # noqa: S311 - a fixed mix, not a secret
    distinct = sorted(set(grams[0]))
    for size in (1, 2, 3, 8, len(distinct)):
        for _ in range(10):
            _assert_same(analyzer, text, frozenset(rng.sample(distinct, min(size, len(distinct)))))


def test_merged_runs_are_whooshs_token_for_token() -> None:
    """The merged stream itself (a merged run's text counts among a fragment's distinct
    terms, which weigh in its score)."""
    analyzer = analysis.NgramWordAnalyzer(2, 4)
    text = "zaakafhandeling en documentbeheer, zaak zaak zaken"
    grams = analyse(analyzer, text)
    assert grams is not None
    distinct = sorted(set(grams[0]))
    rng = random.Random(9)  # noqa: S311 - a fixed mix, not a secret
    merged_runs = 0
    for size in (1, 2, 3, 5, 8, 13, len(distinct)):
        for _ in range(10):
            words = frozenset(rng.sample(distinct, min(size, len(distinct))))
            theirs = [
                (t.matched, t.text, t.startchar, t.endchar)
                for t in highlight.Highlighter._merge_matched_tokens(
                    highlight.set_matched_filter(
                        analyzer(text, positions=True, chars=True, removestops=False), words
                    )
                )
            ]
            mine = list(_merged(grams, words))
            assert mine == theirs, sorted(words)
            merged_runs += sum(1 for m, t, *_ in mine if m and t not in words)
    assert merged_runs, "some runs were merged into a text no gram has"


def test_a_boosted_token_is_left_to_whoosh() -> None:
    class Boosted(analysis.Filter):
        def __call__(self, tokens: Any) -> Any:
            for token in tokens:
                token.boost = 2.0
                yield token

    assert analyse(analysis.RegexTokenizer() | Boosted(), "zaak document") is None


def test_the_token_cache_keeps_at_most_its_tokens(tmp_path: Path) -> None:
    analyzer = make_schema()["short_nl"].analyzer
    cache = TokenCache(limit=10)
    first = cache.get(1, "short_nl", analyzer, "een twee drie vier vijf zes")
    assert cache.get(1, "short_nl", analyzer, "niet opnieuw gelezen") is first
    cache.get(2, "short_nl", analyzer, "zeven acht negen tien elf twaalf")
    assert len(cache) == 1, "the oldest is dropped once the tokens pass the limit"
    assert cache.size <= 10


# Texts whose words test the tokenizer and the filters at their edges: stop words in capitals,
# dotted words, digits, accents, a one-letter word, apostrophes, other scripts, no words at all.
ODD_TEXTS = [
    "De Gemeente en HET Archief; de zaak van de burger.",
    "api.v2.zaken e.g. 3.14 versie 1.2.3-rc1 www.example.nl",
    "Café cliënt coöperatie ÉÉN reçu naïve Ærø straße",
    "a b c d de het een the and of to in I x",
    "burger's gemeente’s l'état rock'n'roll",
    "Δοκιμή тест 測試 テスト 123 ٣٤٥",
    "  \n\t  ,;:!? — … ",
    "",
]


def test_tokens_made_a_word_at_a_time_are_whooshs(documents: list[dict[str, Any]]) -> None:
    schema = make_schema()
    compared = 0
    for field in FIELDS:
        analyzer = schema[field].analyzer
        assert per_word(analyzer), field
        words = WordAnalysis(analyzer, removestops=False)
        texts = [fields_of(document).get(field) for document in documents]
        for text in [*filter(None, texts), *ODD_TEXTS]:
            assert words.tokens(text) == analyse(analyzer, text), (field, text[:60])
            compared += 1
    assert compared > 250


def test_an_analyser_that_does_not_work_a_word_at_a_time_keeps_whooshs_chain() -> None:
    """N-grams, and a boosted token, are not per-word: the cache goes through Whoosh's chain."""
    grams = analysis.NgramWordAnalyzer(2, 4)
    assert not per_word(grams)
    cache = TokenCache(limit=1_000)
    text = "zaakafhandeling en documentbeheer"
    assert cache.get(1, "f", grams, text) == analyse(grams, text)

    class Boosted(analysis.Filter):
        def __call__(self, tokens: Any) -> Any:
            for token in tokens:
                token.boost = 2.0
                yield token

    boosted = analysis.RegexTokenizer() | analysis.LowercaseFilter() | Boosted()
    assert not per_word(boosted)
    assert cache.get(2, "f", boosted, "zaak document") is None


def test_the_token_cache_analyses_a_word_at_a_time() -> None:
    """Each distinct word of a per-word analyser is analysed once, however many texts hold it."""
    analyzer = make_schema()["long_nl"].analyzer
    cache = TokenCache(limit=1_000)
    texts = ["Zaken en documenten van de gemeente", "documenten, zaken; de gemeente"]
    for docnum, text in enumerate(texts):
        assert cache.get(docnum, "long_nl", analyzer, text) == analyse(analyzer, text)
    words = cache._word_analysis(analyzer)
    assert words is not None
    # Words as the tokenizer cuts them, before lower case: "Zaken" and "zaken" are two.
    cut = [word for text in texts for word in DEFAULT_WORDS.findall(text)]
    info = words.term.cache_info()
    assert (info.misses, info.hits) == (len(set(cut)), len(cut) - len(set(cut))), info
