"""Whoosh's analysis a distinct word at a time, for the analysers where that gives the same tokens.

The analysers of our text fields are a regular-expression tokenizer followed by filters that each
turn one token into at most one (lower case, stop words, stemming), or the tokenizer alone (the
facet fields). What such a chain makes of a word does not depend on the words around it, so it
is computed once per distinct word through Whoosh's own filters and memoised in a bounded LRU
cache (the catalogue's vocabulary repeats). Whoosh's chain of generators costs a few
microseconds a token; a remembered word costs a dictionary lookup.

Two users: a full rebuild's postings (_whoosh_writing.py, stop words removed) and a snippet's
highlighted tokens (_whoosh_snippets.py, stop words kept, as Whoosh's highlighting keeps them).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.analysis.tokenizers import default_pattern

# Distinct words whose analysis is remembered per analyser (the catalogue's vocabulary at
# 10,000 components is a few tens of thousands of words).
WORD_CACHE = 200_000
# Filters that turn one token into at most one, whatever the tokens around it.
PER_WORD_FILTERS = (LowercaseFilter, StopFilter, StemFilter)

# Whoosh's default token pattern, its group made non-capturing (it matches the same text).
DEFAULT_WORDS = re.compile(default_pattern.pattern.replace("(", "(?:"), default_pattern.flags)


def per_word(analyzer: Any) -> bool:
    """Whether ``analyzer`` is a tokenizer that matches its expression (no gaps), alone or
    followed only by per-word filters (:data:`PER_WORD_FILTERS`)."""
    if type(analyzer) is RegexTokenizer:
        return not analyzer.gaps
    if type(analyzer) is not CompositeAnalyzer or not analyzer.items:
        return False
    tokenizer, *filters = analyzer.items
    return (
        type(tokenizer) is RegexTokenizer
        and not tokenizer.gaps
        and all(type(item) in PER_WORD_FILTERS for item in filters)
    )


class WordAnalysis:
    """One per-word analyser's work (:func:`per_word`), memoised.

    ``removestops``: as Whoosh's own argument. True (indexing): a stop word has no term. False
    (highlighting): a stop word keeps the text the filters before the stop filter gave it.
    """

    def __init__(
        self, analyzer: CompositeAnalyzer | RegexTokenizer, *, removestops: bool = True
    ) -> None:
        # A tokenizer alone (the facet fields' one value per line) is an analyser too.
        tokenizer, *filters = getattr(analyzer, "items", [analyzer])
        self.expression = tokenizer.expression
        if self.expression.pattern == default_pattern.pattern:
            # The same pattern without its capturing group, so findall gives whole matches.
            self.expression = DEFAULT_WORDS
        self.filters = filters
        self.removestops = removestops
        stops = [item for item in filters if isinstance(item, StopFilter)]
        # StopFilter(renumber=True) numbers the kept tokens from the first one's position on.
        self.renumber = any(item.renumber for item in stops)
        self.term = functools.lru_cache(maxsize=WORD_CACHE)(self._term)

    def _term(self, word: str) -> str | None:
        """What the filters make of one word: its term, or None when it is a stop word and stop
        words are removed."""
        token = Token(
            positions=False, chars=False, removestops=self.removestops, mode="index", boosts=True
        )
        token.text, token.boost, token.stopped = word, 1.0, False
        stream: Iterator[Token] = iter([token])
        for item in self.filters:
            stream = item(stream)
        for result in stream:
            if result.stopped and self.removestops:
                return None
            return sys.intern(str(result.text))
        return None

    def positions(self, text: str) -> dict[str, list[int]]:
        """Each term's positions in ``text``, terms in the order they first occur."""
        found: dict[str, list[int]] = {}
        kept = -1
        for number, analysed in enumerate(map(self.term, self.words(text))):
            if analysed is None:
                continue
            kept = number if kept < 0 or not self.renumber else kept + 1
            if analysed in found:
                found[analysed].append(kept)
            else:
                found[analysed] = [kept]
        return found

    def words(self, text: str) -> list[str]:
        """The tokenizer's tokens (whole matches of its expression)."""
        if self.expression.groups == 0:
            return self.expression.findall(text)
        return [match.group(0) for match in self.expression.finditer(text)]

    def tokens(self, text: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]] | None:
        """The tokens of ``text`` as Whoosh's analyser gives them with ``chars=True``: their
        texts, first characters and ends. None when a word gives no token (a stop word, when
        stop words are removed)."""
        term = self.term
        texts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for match in self.expression.finditer(text):
            analysed = term(match.group())
            if analysed is None:
                return None
            start, end = match.span()
            texts.append(analysed)
            starts.append(start)
            ends.append(end)
        return tuple(texts), tuple(starts), tuple(ends)
