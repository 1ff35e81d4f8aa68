"""A snippet's highlights from a field's tokens analysed once (_whoosh_hits.py).

Whoosh's ``Hit.highlights(field, top=2)`` analyses the stored text again on every search (the
analyser's chain of generators, a few microseconds a token) and then merges the matched tokens,
cuts fragments around them (``ContextFragmenter``), keeps the best two (``top_fragments``) and
marks them (the formatter). Across searches the same documents come back with other words, so
here each text's tokens are analysed once per opened index and kept as plain tuples (their
texts, start and end characters), and the merging and cutting run over those tuples: the same
steps as Whoosh's ``Highlighter._merge_matched_tokens`` and ``ContextFragmenter.fragment_tokens``,
line for line, making Whoosh's own ``Fragment`` objects. Whoosh's ``top_fragments`` and the
formatter then choose and write them as before, ties and all.

The tokens of an analyser that works a word at a time (_whoosh_analysis.py: our text fields'
tokenizer, lower case, stop words and stemmer) are made from each distinct word's analysis,
remembered per opened index; any other analyser's go through Whoosh's chain. A field whose
analyser gives a token a boost other than 1 (the fragment scorer adds the boosts) is left to
Whoosh's path. tests/catalogue/search/test_whoosh_snippets.py compares both paths over every
snippet field of the seeded catalogue, for many sets of words, and the tokens made a word at a
time with Whoosh's chain's.
"""

from __future__ import annotations

import sys
from collections import OrderedDict, deque
from collections.abc import Iterator
from typing import Any

from whoosh import highlight
from whoosh.analysis import Token

from catalogue.search._whoosh_analysis import WordAnalysis, per_word

# A field's tokens: their texts, first characters and ends.
Tokens = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]


def analyse(analyzer: Any, text: str, words: WordAnalysis | None = None) -> Tokens | None:
    """The tokens Whoosh's highlighting makes of ``text``; None when one is boosted.

    ``words``: the analyser's analysis a word at a time (stop words kept), when it has one.
    """
    if words is not None:
        return words.tokens(text)
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for token in analyzer(text, positions=True, chars=True, mode="index", removestops=False):
        if token.boost != 1.0:
            return None
        texts.append(sys.intern(token.text))
        starts.append(token.startchar)
        ends.append(token.endchar)
    return tuple(texts), tuple(starts), tuple(ends)


def _merged(tokens: Tokens, words: frozenset[str]) -> Iterator[tuple[bool, str, int, int]]:
    """``_merge_matched_tokens(set_matched_filter(tokens, words))`` as (matched, text, start,
    end): runs of matched tokens that touch become one."""
    texts, starts, ends = tokens
    merged: list[Any] | None = None  # [text, start, end] of the matched run being merged
    for text, start, end in zip(texts, starts, ends, strict=True):
        if text not in words:
            if merged is not None:
                yield True, merged[0], merged[1], merged[2]
                merged = None
            yield False, text, start, end
            continue
        if merged is None:
            merged = [text, start, end]
        elif start <= merged[2]:
            if end > merged[2]:
                merged[0] += text[merged[2] - end :]
                merged[2] = end
        else:
            yield True, merged[0], merged[1], merged[2]
            merged = None
            # This token was not merged, and is yielded too.
            yield True, text, start, end
    if merged is not None:
        yield True, merged[0], merged[1], merged[2]


def fragments(
    text: str,
    tokens: Tokens,
    words: frozenset[str],
    fragmenter: highlight.ContextFragmenter,
) -> Iterator[highlight.Fragment]:
    """``fragmenter.fragment_tokens`` over the merged tokens (see the module's docstring)."""
    maxchars = fragmenter.maxchars
    surround = fragmenter.surround
    charlimit = fragmenter.charlimit
    first: int | None = None
    firsts: deque[int] = deque()
    countdown = -1
    matches: list[Token] = []
    endchar: int | None = None
    currentlen = 0
    for matched, token_text, startchar, endchar in _merged(tokens, words):
        tlength = endchar - startchar
        if charlimit and endchar > charlimit:
            break
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif matched:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            matches.append(
                Token(text=token_text, startchar=startchar, endchar=endchar, matched=True)
            )
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                yield highlight.mkfrag(text, matches, startchar=first, endchar=endchar)
                matches = []
                firsts = deque()
                first = None
                currentlen = 0
    if matches:
        yield highlight.mkfrag(text, matches, startchar=first, endchar=endchar)


class TokenCache:
    """Fields' tokens by (docnum, field), for one opened index, bounded by the number of
    tokens kept (least recently used dropped first). Callers hold the backend's lock."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._kept: OrderedDict[tuple[int, str], Tokens | None] = OrderedDict()
        # Per analyser (by id, with the analyser itself, so a new one at a reused id is not
        # taken for it): its words' analysis, or None when it does not work a word at a time.
        self._words: dict[int, tuple[Any, WordAnalysis | None]] = {}

    def get(self, docnum: int, field: str, analyzer: Any, text: str) -> Tokens | None:
        """The tokens of ``text``, the stored ``field`` of ``docnum`` (None: boosted)."""
        key = (docnum, field)
        try:
            found = self._kept[key]
        except KeyError:
            found = self._kept[key] = analyse(analyzer, text, self._word_analysis(analyzer))
            self.size += _count(found)
            while self.size > self.limit and len(self._kept) > 1:
                _key, dropped = self._kept.popitem(last=False)
                self.size -= _count(dropped)
        else:
            self._kept.move_to_end(key)
        return found

    def __len__(self) -> int:
        return len(self._kept)

    def _word_analysis(self, analyzer: Any) -> WordAnalysis | None:
        kept = self._words.get(id(analyzer))
        if kept is None or kept[0] is not analyzer:
            words = WordAnalysis(analyzer, removestops=False) if per_word(analyzer) else None
            kept = self._words[id(analyzer)] = (analyzer, words)
        return kept[1]


def _count(tokens: Tokens | None) -> int:
    # A boosted field counts one, so it is dropped in its turn too.
    return 1 if tokens is None else max(1, len(tokens[0]))
