""" "Did you mean" from the stored texts (catalogue/search/_whoosh_spelling.py) suggests what
Whoosh's own corrector suggested from the former ``spelling`` and ``spelling_en`` fields.

The reference index is the one the backend wrote before: its schema plus the two spelling
fields (RegexTokenizer | LowercaseFilter, frequencies), filled with documents.spelling_text,
written by Whoosh's own writer. Both indexes hold the seeded catalogue's documents, once in
one segment and once in two (a two-process rebuild; Whoosh then compared words by another
distance), and again after documents were deleted and re-added (their words stay counted until
their segment is merged). The words and their frequencies must be the same, and so must the
suggestion for every probe: misspellings made from the catalogue's own words (a letter left
out, doubled, changed, two letters swapped) and words that are no misspelling of anything.

The counting itself (segment_words cuts the texts at whitespace and tokenises each distinct
piece once) must give exactly the counts of tokenising every field of every document on its
own, deleted documents and later segments included, for awkward texts too.
"""

from __future__ import annotations

import random
import shutil
import sys
import types
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import TEXT

from catalogue.search import _whoosh_spelling as spelling
from catalogue.search import documents as docs
from catalogue.search._whoosh_spelling import SpellingWords, Vocabulary, segment_words
from catalogue.search.interfaces import SearchQuery
from catalogue.search.query import correctable, max_edits
from catalogue.search.whoosh_backend import WhooshBackend, _codec, fields_of, make_schema
from tests.searching import seeded_documents

FIELDS = {"nl": "spelling", "en": "spelling_en"}
PROBES = 400


@pytest.fixture(scope="module")
def documents(tmp_path_factory: Any) -> list[dict[str, Any]]:
    """The seeded catalogue's search documents."""
    return seeded_documents(tmp_path_factory.mktemp("spelling"))


def _reference_schema() -> Any:
    schema = make_schema()
    for field in FIELDS.values():
        schema.add(field, TEXT(analyzer=RegexTokenizer() | LowercaseFilter(), phrase=False))
    return schema


def _reference_fields(document: dict[str, Any]) -> dict[str, Any]:
    fields = fields_of(document)
    for language, field in FIELDS.items():
        fields[field] = docs.spelling_text(document, language)
    return fields


def _write_reference(root: Path, parts: list[list[dict[str, Any]]]) -> Path:
    """The former index: one commit (one segment) per part."""
    directory = root / "gen-reference"
    directory.mkdir(parents=True)
    ix = index.create_in(str(directory), _reference_schema())
    for part in parts:
        writer = ix.writer(codec=_codec())
        for document in part:
            writer.add_document(**_reference_fields(document))
        writer.commit(merge=False)
    (root / "current").symlink_to(directory.name)
    return directory


def _replace(directory: Path, documents: list[dict[str, Any]]) -> None:
    """Delete and re-add ``documents`` in the reference index, as ``backend.index`` does."""
    writer = index.open_dir(str(directory)).writer(codec=_codec())
    for document in documents:
        writer.update_document(**_reference_fields(document))
    writer.commit(merge=False)


def _probes(words: list[str], seed: int) -> list[str]:
    """Misspellings of the catalogue's words, and words far from all of them."""
    rng = random.Random(seed)  # noqa: S311 - reproducible probes, not secrets
    long_words = [word for word in words if len(word) >= 4 and word.isalpha()]
    probes = ["xyzzyq", "qqqqqqq", "zzzz", "archieved", "notificaites", "zaakafhandeling"]
    while len(probes) < PROBES:
        word = rng.choice(long_words)
        at = rng.randrange(1, len(word))
        kind = rng.randrange(4)
        if kind == 0:
            probe = word[:at] + word[at + 1 :]
        elif kind == 1:
            probe = word[:at] + word[at] + word[at:]
        elif kind == 2:
            probe = word[:at] + rng.choice("aeiounrst") + word[at + 1 :]
        else:
            at = min(at, len(word) - 2)
            probe = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        probes.append(probe)
    return [probe for probe in probes if correctable(probe)]


def _compare(backend: WhooshBackend, reference: Path, seed: int) -> int:
    """Words, frequencies and suggestions of both; the number of probes that got one."""
    suggested = 0
    with index.open_dir(str(reference)).searcher() as searcher:
        reader = searcher.reader()
        with backend._searcher() as ours:
            vocabularies = SpellingWords().vocabularies(ours)
            assert len(reader.leaf_readers()) == len(ours.reader().leaf_readers())
        for language, field in FIELDS.items():
            vocabulary = vocabularies[language]
            expected = {term: reader.frequency(field, term) for term in reader.field_terms(field)}
            assert dict(vocabulary.words) == expected, language
            corrector = searcher.corrector(field)
            for probe in _probes(sorted(expected), seed):
                assert (probe in vocabulary) == ((field, probe) in reader), probe
                whooshs = corrector.suggest(probe, limit=1, maxdist=max_edits(probe), prefix=1)
                ours_ = vocabulary.suggest(probe, maxdist=max_edits(probe), prefix=1)
                assert ours_ == (whooshs[0] if whooshs else None), (language, probe)
                suggested += ours_ is not None
    return suggested


@pytest.mark.parametrize(("parallel_from", "segments"), [(None, 1), (2, 2)])
def test_suggestions_are_whooshs_own(
    documents: list[dict[str, Any]], tmp_path: Path, parallel_from: int | None, segments: int
) -> None:
    backend = WhooshBackend(tmp_path / "index", parallel_from=parallel_from)
    backend.rebuild(documents)
    middle = (len(documents) + 1) // 2
    parts = [documents] if segments == 1 else [documents[:middle], documents[middle:]]
    reference = _write_reference(tmp_path / "reference", parts)
    try:
        assert _compare(backend, reference, seed=segments) > PROBES // 4

        # Replaced documents: the old versions' words stay counted, in both.
        changed = []
        for document in documents[:5]:
            document = dict(document, name=f"{document['name']} Vervangen", short_nl="")
            changed.append(document)
        backend.index(changed)
        _replace(reference, changed)
        assert _compare(backend, reference, seed=segments + 10) > PROBES // 4
    finally:
        backend.close()


def test_the_search_suggests_from_the_words_of_the_live_segments(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    backend = WhooshBackend(tmp_path / "index", parallel_from=None)
    backend.rebuild(documents)
    try:
        query = SearchQuery(q="notificaites")
        assert backend.search(query).suggestion == "notificaties"
        # A word only a new document has is offered as soon as the document is indexed.
        new = dict(documents[0], id="900001", slug="nieuw", name="Kwartelkoning")
        assert backend.search(SearchQuery(q="kwartelkonnig")).suggestion is None
        backend.index([new])
        assert backend.search(SearchQuery(q="kwartelkonnig")).suggestion == "kwartelkoning"
        # A rebuild without it starts from its own segments.
        backend.rebuild(documents)
        assert backend.search(SearchQuery(q="kwartelkonnig")).suggestion is None
        assert backend.search(query).suggestion == "notificaties"
    finally:
        backend.close()


def test_an_index_written_with_the_spelling_fields_is_rebuilt(
    documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    root = tmp_path / "index"
    _write_reference(root, [documents[:3]])
    backend = WhooshBackend(root)
    try:
        # Other field names: not this backend's index, so the service rebuilds it.
        assert not backend.available()
        backend.rebuild(documents)
        assert backend.available()
        assert not (root / "gen-reference").exists()
    finally:
        backend.close()
    shutil.rmtree(root)


# Texts where cutting at whitespace, joining and lowercasing could go wrong: Unicode spaces
# and line breaks, a zero-width space (no whitespace), dots and asterisks inside words, case
# that lowercases by context (a final sigma) or to more characters (a dotted capital I).
AWKWARD = (
    "ΟΔΥΣΣΕΥΣ\u00a0İstanbul\u2028Straße\u200bǅemal\tfoo.bar. x..y a*b *c* 3.14,ok;"
    " e.g. _onder_streept\u3000ΣΟΦΟΣ\x1cnaam\x85eind"
)


def _reference_words(reader: Any) -> dict[str, Counter[str]]:
    """Per language, the words of every field of every document of one segment, deleted ones
    included, each tokenised on its own by the former spelling fields' analyser."""
    analyser = RegexTokenizer() | LowercaseFilter()
    counts = {language: Counter[str]() for language in docs.LANGUAGES}
    for docnum in range(reader.doc_count_all()):
        stored = reader.stored_fields(docnum)
        for language, counted in counts.items():
            for field in docs.spelling_fields(language):
                counted.update(token.text for token in analyser(str(stored.get(field) or "")))
    return counts


def test_no_word_holds_or_crosses_whitespace() -> None:
    # segment_words cuts texts wherever str.split does; every such character ends a word.
    spaces = [chr(code) for code in range(sys.maxunicode + 1) if len(f"a{chr(code)}b".split()) == 2]
    assert "\n" in spaces
    assert "\u00a0" in spaces
    for space in spaces:
        assert spelling._WORDS.findall(f"a.b*{space}*c.d") == ["a.b*", "*c.d"], hex(ord(space))


@pytest.mark.parametrize("batch", [7, spelling._BATCH])
def test_the_words_are_counted_per_document_and_field(
    documents: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(spelling, "_BATCH", batch)
    awkward = dict(documents[0], id="900002", slug="lastig", name=AWKWARD, short_nl=AWKWARD.upper())
    awkward["features_en"] = ["ΣΟΦΟΣ.ΣΟΦΟΣ", "Ünïcödé\u2003wörds"]
    backend = WhooshBackend(tmp_path / "index", parallel_from=2)
    backend.rebuild([*documents, awkward])
    try:
        # Replaced and deleted documents in the first segments, their new versions in a third.
        changed = [
            dict(document, name=f"{document['name']} Vervangen", long_en="")
            for document in documents[:9]
        ]
        backend.index([*changed, dict(awkward, name="Nieuw")])
        backend.delete([documents[-1]["id"]])
        with backend._searcher() as searcher:
            leaves = [reader for reader, _offset in searcher.reader().leaf_readers()]
            assert len(leaves) >= 3
            assert any(reader.has_deletions() for reader in leaves)
            totals = {language: Counter[str]() for language in docs.LANGUAGES}
            for reader in leaves:
                expected = _reference_words(reader)
                assert segment_words(reader) == expected
                # The same through the reader's public stored_fields alone.
                public = types.SimpleNamespace(
                    schema=reader.schema,
                    doc_count_all=reader.doc_count_all,
                    stored_fields=reader.stored_fields,
                )
                assert segment_words(public) == expected
                for language, counted in expected.items():
                    totals[language].update(counted)
            vocabularies = SpellingWords().vocabularies(searcher)
        for language, counted in totals.items():
            assert vocabularies[language].words == counted, language
        # The awkward words were counted, in the name (every language) or their own language.
        names = {
            "i\u0307stanbul",
            "straße",
            "\u01c6emal",
            "foo.bar",
            "x",
            "y",
            "a*b",
            "*c*",
            "3.14",
            "ok",
        }
        names |= {"ΟΔΥΣΣΕΥΣ".lower(), "_onder_streept", "naam", "eind"}
        assert names <= set(totals["en"]) & set(totals["nl"])
        sophos = "ΣΟΦΟΣ".lower()
        assert totals["nl"][sophos] > totals["en"][sophos] > 0
        assert {"ΣΟΦΟΣ.ΣΟΦΟΣ".lower(), "ünïcödé", "wörds"} <= set(totals["en"]) - set(totals["nl"])
    finally:
        backend.close()


def test_a_suggestion_is_worked_out_once_per_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same typo again gets the same answer without comparing it with every word; the
    kept answers are forgotten all at once when there are SUGGESTIONS_KEPT of them."""
    words = {"formulieren": 9, "formulier": 4, "formaat": 2, "zaken": 7, "zaak": 5}
    vocabulary = Vocabulary(words, segments=1)
    compared: list[str] = []
    distance = vocabulary._distance

    def counted(word: str, text: str, limit: int) -> int:
        compared.append(word)
        return int(distance(word, text, limit=limit))

    monkeypatch.setattr(vocabulary, "_distance", counted)
    typos = ["formullieren", "zaaken", "formulieren", "xyz"]
    first = [vocabulary.suggest(t, maxdist=max_edits(t), prefix=1) for t in typos]
    scans = Vocabulary(words, segments=1)
    assert first == [scans._scan(t, maxdist=max_edits(t), prefix=1) for t in typos]
    assert first[0] == "formulieren" and first[1] in {"zaken", "zaak"}
    scanned = len(compared)
    assert scanned
    assert [vocabulary.suggest(t, maxdist=max_edits(t), prefix=1) for t in typos] == first
    assert len(compared) == scanned, "the second time, no word was compared"

    monkeypatch.setattr(spelling, "SUGGESTIONS_KEPT", 2)
    fresh = Vocabulary(words, segments=1)
    for typo in typos:
        fresh.suggest(typo, maxdist=max_edits(typo), prefix=1)
    assert len(fresh._suggested) <= 2
