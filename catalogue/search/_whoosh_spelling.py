""" "Did you mean" for the Whoosh index: its words counted from the stored texts.

A suggestion needs the words a reader might type, unstemmed, and how often each occurs in the
whole index: the names, and the texts in the reader's language (documents.spelling_fields).
They used to be indexed twice more, as the fields ``spelling`` and ``spelling_en``, which held
about half of all the postings a rebuild wrote and was never searched. Every one of those
texts is a stored field of the document already, so the words are counted from there instead,
once per segment, the first time a suggestion is asked for, and kept: a segment's documents
never change (a deleted document stays counted, as its words stayed in the spelling field's
term list until its segment was merged away).

The suggestion is the one Whoosh's own corrector gave from those fields
(``searcher.corrector(field).suggest(word, limit=1, maxdist=..., prefix=...)``): of the words
within ``maxdist`` edits that share the first ``prefix`` characters, the most frequent, and of
equally frequent ones the last in sort order. Whoosh counted edits as Levenshtein distance in
an index of one segment (its automaton) and as Damerau-Levenshtein distance (a swap of two
neighbouring characters is one edit) over several segments (its reader's word-by-word scan);
so does this. tests/catalogue/search/test_whoosh_spelling.py compares the two, word for word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from whoosh.analysis.tokenizers import default_pattern
from whoosh.support.levenshtein import damerau_levenshtein, levenshtein

from catalogue.search.documents import LANGUAGES, SPELLING_NAME_FIELDS, spelling_fields

# The tokens of the former spelling fields' analyser (RegexTokenizer() | LowercaseFilter()):
# Whoosh's default pattern, its group made non-capturing so findall gives whole matches.
_WORDS = re.compile(default_pattern.pattern.replace("(", "(?:"), default_pattern.flags)
# The texts of one language only, after the names every language shares.
_LANGUAGE_FIELDS = {
    language: tuple(
        field for field in spelling_fields(language) if field not in SPELLING_NAME_FIELDS
    )
    for language in LANGUAGES
}


# Suggestions a vocabulary keeps (one per distinct word typed; all forgotten at once when full).
SUGGESTIONS_KEPT = 10_000

# Documents whose texts are split at once: a segment of 100,000 documents needs the memory of
# one batch's pieces and of the distinct pieces, not of all its text at once.
_BATCH = 1000


def segment_words(reader: Any) -> dict[str, Counter[str]]:
    """Per language, each word of one segment's documents (deleted ones included) and how
    often it occurs: what a spelling field of that segment held as terms and frequencies.

    Counted as the former analyser did, per text: ``_WORDS.findall(text)``, each word
    lowercased. A word never holds or crosses whitespace, and the pattern looks at nothing
    around a word (tests/catalogue/search/test_whoosh_spelling.py checks every whitespace
    character), so findall over texts joined by newlines and cut at whitespace finds the same
    words. The cutting and the counting of the pieces run in C, and each distinct piece is
    tokenised once, its words counted as often as the piece occurs: the 400,000 words of a
    segment of 5,000 documents are some 8,000 distinct pieces."""
    schema = reader.schema
    # The names every language shares, then each language's own texts; only the fields the
    # schema has, as the reader's own stored_fields gives them.
    groups = [
        [field for field in fields if field in schema]
        for fields in (SPELLING_NAME_FIELDS, *(_LANGUAGE_FIELDS[lang] for lang in LANGUAGES))
    ]
    texts: list[list[str]] = [[] for _ in groups]
    pieces: list[Counter[str]] = [Counter() for _ in groups]
    for docnum, stored in enumerate(_stored_documents(reader), 1):
        for fields, found in zip(groups, texts, strict=True):
            for field in fields:
                value = stored.get(field)
                if value:
                    found.append(str(value))
        if docnum % _BATCH == 0:
            _add_pieces(texts, pieces)
    _add_pieces(texts, pieces)
    names, *languages = (_words(counted) for counted in pieces)
    return {language: names + words for language, words in zip(LANGUAGES, languages, strict=True)}


def _stored_documents(reader: Any) -> Iterator[Mapping[str, Any]]:
    """The stored fields of every document of a segment, deleted ones included, in order.

    Read from the segment's per-document reader when it has one: the reader's own
    stored_fields copies each document's fields to drop those the schema lacks, which adds a
    third to the time of reading them; segment_words looks only at fields the schema has."""
    perdoc = getattr(reader, "_perdoc", None)
    stored_fields = getattr(perdoc, "stored_fields", None) or reader.stored_fields
    for docnum in range(reader.doc_count_all()):
        yield stored_fields(docnum)


def _add_pieces(texts: list[list[str]], pieces: list[Counter[str]]) -> None:
    """Count the whitespace-separated pieces of each group's texts, and empty the texts."""
    for found, counted in zip(texts, pieces, strict=True):
        counted.update("\n".join(found).split())
        found.clear()


def _words(pieces: Counter[str]) -> Counter[str]:
    """The lowercased words of the pieces, each counted as often as its piece occurs."""
    words: Counter[str] = Counter()
    findall = _WORDS.findall
    for piece, count in pieces.items():
        for word in findall(piece):
            words[word.lower()] += count
    return words


class Vocabulary:
    """The words of one opened index per language, with their frequencies, as a corrector
    reads them; built from per-segment counts the backend keeps between generations."""

    def __init__(self, words: Mapping[str, int], *, segments: int) -> None:
        self.words = words
        # Whoosh's single-segment reader finds words with a Levenshtein automaton; its
        # multi-segment reader compares each word by Damerau-Levenshtein distance.
        self._distance = levenshtein if segments == 1 else damerau_levenshtein
        self._by_prefix: dict[str, list[str]] = {}
        # Each suggestion worked out, by (text, maxdist, prefix): it depends on nothing else,
        # and a scan compares the text with every word of the same first letter (about a
        # tenth of the page's work on the seed catalogue, where many searches find nothing).
        self._suggested: dict[tuple[str, int, int], str | None] = {}

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def suggest(self, text: str, *, maxdist: int, prefix: int) -> str | None:
        """The correction of ``text``: the most frequent word within ``maxdist`` edits that
        starts with ``text``'s first ``prefix`` characters (ties: the last in sort order)."""
        key = (text, maxdist, prefix)
        try:
            return self._suggested[key]
        except KeyError:
            pass
        if len(self._suggested) >= SUGGESTIONS_KEPT:
            self._suggested.clear()
        found = self._suggested[key] = self._scan(text, maxdist=maxdist, prefix=prefix)
        return found

    def _scan(self, text: str, *, maxdist: int, prefix: int) -> str | None:
        start = text[:prefix]
        candidates = self._by_prefix.get(start)
        if candidates is None:
            candidates = sorted(word for word in self.words if word.startswith(start))
            self._by_prefix[start] = candidates
        best: tuple[float, str] | None = None
        for word in candidates:
            if word == text or abs(len(word) - len(text)) > maxdist:
                continue  # both distances are at least the difference in length
            if self._distance(word, text, limit=maxdist) > maxdist:
                continue
            frequency = self.words[word] or 1
            # ReaderCorrector's score: higher is better, every candidate has the same maxdist.
            item = (0 - (maxdist + (1.0 / frequency * 0.5)), word)
            if best is None or item > best:
                best = item
        return None if best is None else best[1]


class SpellingWords:
    """Per-segment word counts, kept while their segments are live."""

    def __init__(self) -> None:
        self._segments: dict[str, dict[str, Counter[str]]] = {}

    def vocabularies(self, searcher: Any) -> dict[str, Vocabulary]:
        """The vocabulary per language of the index ``searcher`` reads."""
        leaves = [reader for reader, _offset in searcher.reader().leaf_readers()]
        per_segment = []
        kept: dict[str, dict[str, Counter[str]]] = {}
        for reader in leaves:
            key = _segment_key(reader)
            counts = self._segments.get(key) if key is not None else None
            if counts is None:
                counts = segment_words(reader)
            if key is not None:
                kept[key] = counts
            per_segment.append(counts)
        # Counts of segments no longer read (merged, or of a replaced generation) are dropped.
        self._segments = kept
        vocabularies = {}
        for language in LANGUAGES:
            total: Counter[str] = Counter()
            for counts in per_segment:
                total.update(counts[language])
            vocabularies[language] = Vocabulary(total, segments=len(leaves))
        return vocabularies


def _segment_key(reader: Any) -> str | None:
    """The identity of a leaf reader's segment (its files never change), None if unknown."""
    segment = getattr(reader, "segment", lambda: None)()
    if segment is None:
        return None
    return f"{segment.segment_id()}:{reader.doc_count_all()}"
