"""Dutch words as people type them: compound splitting and the stop words of a query.

Dutch glues words together (archiefbeheer, zaakafhandelcomponent) and people type the parts
("archief", "zaak") or another compound of the same parts ("zaakafhandeling"). Both backends
index the parts of every compound beside the words (documents.py: ``name_parts`` and
``text_parts``), and a query word that is a compound also matches its parts (query.py).

The splitting is dictionary-based, as in Koehn and Knight, "Empirical Methods for Compound
Splitting" (EACL 2003): a word is cut into known words of at least ``MIN_PART`` letters, with
an optional linking "s" after a part; of the cuts with the fewest parts, the one whose parts
have the highest mean Zipf frequency (the geometric mean of their frequencies) wins, and the
word is only split when that mean is higher than the word's own frequency. The dictionary is
the Dutch word list of ``wordfreq`` (code Apache-2.0, word lists CC BY-SA 4.0; built from
Wikipedia, subtitles, news and web text). A part may also be a verb stem ("afhandel" in
zaakafhandelcomponent, from "afhandelen"). Derivational endings ("-lijk", "-heid") and
function words ("over", "voor") are never parts, and common words (Zipf frequency
``LEXICALISED`` or more, such as "overzicht") are kept whole. A word that ends in a generic
head ("component", "systeem") is split before it even when the rest is not in the list
("servicebus|component"); in a typed query such a head is not required (``query_parts``).

The same function splits documents and queries, so what is indexed and what is asked agree.
"""

from __future__ import annotations

import functools
import math
import re

from whoosh.lang import stopwords_for_language

# The shortest part of a compound ("zaak", "wet"-like three-letter parts are too ambiguous).
MIN_PART = 4
# A part must be at least this common (Zipf scale: 3 is once per million words).
MIN_PART_ZIPF = 3.0
# Words at least this common are lexicalised: "overzicht" is not "over" + "zicht".
LEXICALISED = 4.5
# At most this many parts per word.
MAX_PARTS = 4
# Words longer than this are not split (no real compound; keeps the work bounded).
MAX_WORD = 40
# Endings that make a new word, not a second word: "gemeentelijk" is not "gemeente" + "lijk".
SUFFIXES = frozenset(
    {
        "achtig",
        "achtige",
        "baar",
        "bare",
        "heid",
        "heden",
        "isch",
        "ische",
        "lijk",
        "lijke",
        "lijks",
        "loos",
        "loze",
        "schap",
        "schappen",
        "tjes",
        "ing",
        "ingen",
    }
)

# Heads of a compound that say only "a piece of software": every entry of the catalogue is
# one. In a typed compound they do not narrow the search, so "zaaksysteem" asks for "zaak"
# software, which is what Open Zaak and the zaakafhandelcomponenten are, though none of them
# calls itself a "zaaksysteem".
GENERIC_HEADS = frozenset(
    {
        "applicatie",
        "applicaties",
        "component",
        "componenten",
        "module",
        "modules",
        "oplossing",
        "pakket",
        "platform",
        "software",
        "systeem",
        "systemen",
        "toepassing",
        "voorziening",
    }
)

# Stop words of both languages the catalogue is written in (the lists the analysers use).
_WORD = re.compile(r"[^\W\d_]+")

STOP_WORDS = frozenset(stopwords_for_language("nl")) | frozenset(stopwords_for_language("en"))


@functools.cache
def _frequencies() -> dict[str, float]:
    # Imported here: loading the list takes a moment, and only searching and indexing need it.
    from wordfreq import get_frequency_dict

    return get_frequency_dict("nl", wordlist="best")


def zipf(word: str) -> float:
    """The Zipf frequency of ``word`` in Dutch (0 when unknown)."""
    frequency = _frequencies().get(word, 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


def _part_zipf(part: str) -> float:
    """How common ``part`` is as a part: as a word, or as a verb stem (part + "en")."""
    if len(part) < MIN_PART or part in SUFFIXES or part in STOP_WORDS:
        return 0.0
    found = max(zipf(part), zipf(part + "en"))
    return found if found >= MIN_PART_ZIPF else 0.0


@functools.lru_cache(maxsize=65_536)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a Dutch compound, or ``()`` when ``word`` is not split.

    >>> split_compound("zaakafhandelcomponent")
    ('zaak', 'afhandel', 'component')
    >>> split_compound("archiefbeheer")
    ('archief', 'beheer')
    >>> split_compound("gemeente")
    ()
    """
    word = word.casefold()
    if not word.isalpha() or not 2 * MIN_PART <= len(word) <= MAX_WORD:
        return ()
    whole = zipf(word)
    if whole >= LEXICALISED:
        return ()
    # best[i]: the best cut of word[:i] as (sum of Zipf values, parts).
    best: list[tuple[float, tuple[str, ...]] | None] = [None] * (len(word) + 1)
    best[0] = (0.0, ())
    for end in range(MIN_PART, len(word) + 1):
        candidates: list[tuple[float, tuple[str, ...]]] = []
        for start in range(0, end - MIN_PART + 1):
            before = best[start]
            if before is None or len(before[1]) >= MAX_PARTS:
                continue
            piece = word[start:end]
            score = 0.0
            if end < len(word) and piece.endswith("s"):
                # A linking "s" between two parts: bedrijf(s)|functie.
                score = _part_zipf(piece[:-1])
            if score:
                piece = piece[:-1]
            else:
                score = _part_zipf(piece)
            if score:
                candidates.append((before[0] + score, (*before[1], piece)))
        if candidates:
            # Fewest parts first ("klant|interactie", not "klant|inter|actie"), then the most
            # common parts.
            best[end] = max(candidates, key=lambda item: (-len(item[1]), item[0] / len(item[1])))
    found = best[len(word)]
    if found is None or len(found[1]) < 2:
        return _generic_head_split(word)
    total, parts = found
    return parts if total / len(parts) > whole else ()


def _generic_head_split(word: str) -> tuple[str, ...]:
    """A word that ends in a generic head is split before it even when the rest is not in the
    word list: GEMMA names its reference components so ("servicebus|component",
    "mijngemeente|component"), and people type the rest."""
    for head in sorted(GENERIC_HEADS, key=len, reverse=True):
        rest = word.removesuffix(head)
        if rest != word and len(rest) >= MIN_PART:
            return (*(split_compound(rest) or (rest,)), head)
    return ()


def parts_of(text: str) -> list[str]:
    """The parts of every compound in ``text``, in order (words that are no compound add
    nothing)."""
    parts: list[str] = []
    for word in _WORD.findall(text.casefold()):
        parts.extend(split_compound(word))
    return parts


def query_parts(word: str) -> tuple[str, ...]:
    """The parts of a typed compound that a match needs: its parts without a generic head
    ("zaaksysteem" needs "zaak"; "zaakafhandeling" needs "zaak" and "afhandeling")."""
    parts = split_compound(word)
    if len(parts) > 1 and parts[-1] in GENERIC_HEADS:
        return parts[:-1]
    return parts
