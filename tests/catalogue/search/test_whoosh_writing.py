"""A rebuild's fast writing (catalogue/search/_whoosh_writing.py) writes the index Whoosh writes.

The reference index is written the plain way: Whoosh's own analysis of every field, one writer,
one segment. The rebuild is run in one process (analysis memoised per word, field lengths read
once) and in two (two segments written side by side). Every posting (by its document number in
the whole index), every stored field, every field length and the field totals must be the same,
and so must whole result pages. The documents are the seeded catalogue's, plus a few whose
texts start with stop words, hold dotted tokens, capitals, digits and empty fields.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from whoosh import index

from catalogue.search import SearchService
from catalogue.search.interfaces import SearchQuery
from catalogue.search.sync import load_documents
from catalogue.search.whoosh_backend import WhooshBackend, _codec, fields_of
from tests.conftest import DATA_DIR
from tests.searching import searching_meanwhile, seeded_components

QUERIES = ["zaak", "zaken documenten", "de gemeente", "api", "v1.2", "xyzzy", ""]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: Any) -> list[dict[str, Any]]:
    """The seeded catalogue's documents and a few awkward ones."""
    from catalogue.db import Database
    from catalogue.migrate import upgrade
    from catalogue.services.seeding import seed

    path = tmp_path_factory.mktemp("parallel") / "catalogue.db"
    database = Database(f"sqlite:///{path}")
    try:
        upgrade(database.engine)
        with database.session() as session:
            seed(session, DATA_DIR)
            session.commit()
            seeded = load_documents(session)
    finally:
        database.dispose()
    awkward = []
    texts = [
        "De zaak en het archief van de gemeente",
        "The API v1.2 of ZAAK-systemen; 3.141 and under_score, the end.",
        "",
        "een de het",
    ]
    for number, text in enumerate(texts):
        document = copy.deepcopy(seeded[number])
        document["id"] = str(90_000 + number)
        document["slug"] = f"awkward-{number}"
        document["name"] = f"Awkward {number}"
        document["exact"] = [document["name"].casefold()]
        for field in ("short_nl", "long_nl", "short_en", "features_nl"):
            document[field] = text
        awkward.append(document)
    return seeded + awkward


def _contents(directory: Path) -> dict[str, Any]:
    """Postings by global document number, stored fields, field lengths and totals."""
    with index.open_dir(str(directory)).searcher() as searcher:
        reader = searcher.reader()
        postings: dict[tuple[str, bytes], list[tuple[int, float, bytes]]] = {}
        for leaf, offset in reader.leaf_readers():
            for field, text in leaf.all_terms():
                matcher = leaf.postings(field, text)
                while matcher.is_active():
                    found = (matcher.id() + offset, matcher.weight(), matcher.value())
                    postings.setdefault((field, text), []).append(found)
                    matcher.next()
        names = searcher.schema.names()
        scorable = [name for name in names if searcher.schema[name].scorable]
        return {
            "segments": len(reader.leaf_readers()),
            "postings": postings,
            "stored": list(searcher.all_stored_fields()),
            "lengths": {
                name: [searcher.doc_field_length(n, name) for n in range(reader.doc_count_all())]
                for name in scorable
            },
            "totals": {name: searcher.field_length(name) for name in names},
        }


@pytest.fixture(scope="module")
def reference(documents: list[dict[str, Any]], tmp_path_factory: Any) -> Path:
    """The index as Whoosh's own writer makes it (a root with ``current``, as the backend's)."""
    root = tmp_path_factory.mktemp("reference")
    directory = root / "gen-reference"
    directory.mkdir()
    writer = index.create_in(str(directory), WhooshBackend(root).schema).writer(codec=_codec())
    for document in documents:
        writer.add_document(**fields_of(document))
    writer.commit(optimize=True)
    (root / "current").symlink_to(directory.name)
    return root


@pytest.mark.parametrize(("parallel_from", "segments"), [(None, 1), (2, 2)])
def test_a_rebuild_writes_what_whooshs_own_analysis_writes(
    documents: list[dict[str, Any]],
    reference: Path,
    tmp_path: Path,
    parallel_from: int | None,
    segments: int,
) -> None:
    backend = WhooshBackend(tmp_path / "index", parallel_from=parallel_from)
    assert backend.rebuild(documents) == len(documents)
    written = _contents(backend.current_directory())
    expected = _contents(reference / "gen-reference")
    assert written["segments"] == segments
    assert expected["segments"] == 1
    assert len(written["postings"]) == len(expected["postings"]) > 1000
    for key in ("postings", "stored", "lengths", "totals"):
        assert written[key] == expected[key], key
    # "De zaak en het archief": the kept words are numbered from the first one's position on.
    decode = backend.schema["short_nl"].format.decode_positions
    first_awkward = len(documents) - 4
    positions = {
        term: decode(value)
        for (field, term), found in written["postings"].items()
        if field == "short_nl"
        for docnum, _weight, value in found
        if docnum == first_awkward
    }
    assert positions[b"zak"] == [1]
    assert positions[b"archief"] == [2]

    one = WhooshBackend(reference)
    try:
        for q in QUERIES:
            for filters in ({}, {"license": ("EUPL-1.2",)}):
                query = SearchQuery(q=q, filters=filters)
                assert backend.search(query) == one.search(query), (q, filters)
    finally:
        one.close()
        backend.close()


def test_searches_keep_answering_during_a_two_process_rebuild(indexed: SearchService) -> None:
    backend: Any = indexed.backend
    backend.parallel_from = 2
    with searching_meanwhile(indexed) as (failures, totals):
        for _ in range(2):
            assert indexed.rebuild() == seeded_components()
            with backend._searcher() as searcher:
                assert len(searcher.reader().leaf_readers()) == 2
    assert failures == []
    assert len(totals) > 2 and set(totals) == {totals[0]}
