"""The Whoosh index on disk at ``SEARCH_INDEX_DIR``.

Layout::

    SEARCH_INDEX_DIR/
        current -> gen-1733050000000000000-1a2b3c4d   (a relative symlink)
        gen-1733050000000000000-1a2b3c4d/            (a complete Whoosh index)
        writer.lock                                  (see sync.py)

A rebuild writes a complete new ``gen-*`` directory beside the live one, points ``current`` at
it with one ``os.replace`` (atomic on POSIX), and only then removes the old directory. A search
that still has the old segments open keeps reading them (unlinked files stay readable while
open); a search that resolved ``current`` just before the swap and finds its directory gone
retries on the new one. A rebuild of ``PARALLEL_FROM`` documents or more is written as two
segments by a second process while this one reads the documents (_whoosh_writing.py).

The schema and a document's fields are in _whoosh_schema.py; a page of hits with its highlighted
snippets is made in _whoosh_hits.py, the facet counts in _whoosh_facets.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index
from whoosh import query as wq
from whoosh.filedb.structfile import StructFile
from whoosh.index import Index
from whoosh.searching import Searcher

from catalogue.search._pairs import shown_values
from catalogue.search._whoosh_facets import Generation
from catalogue.search._whoosh_hits import HIT_FIELDS, HitsMixin
from catalogue.search._whoosh_hits import SNIPPET_FIELDS as SNIPPET_FIELDS
from catalogue.search._whoosh_hits import SNIPPET_LENGTH as SNIPPET_LENGTH
from catalogue.search._whoosh_hits import SORT_COLUMNS as SORT_COLUMNS
from catalogue.search._whoosh_hits import MarkFormatter as MarkFormatter
from catalogue.search._whoosh_ranking import Ranked, Unsupported
from catalogue.search._whoosh_schema import POSTING_BLOCK as POSTING_BLOCK
from catalogue.search._whoosh_schema import _codec, fields_of, make_schema
from catalogue.search._whoosh_spelling import SpellingWords, Vocabulary
from catalogue.search._whoosh_writing import (
    REBUILD_LIMIT_MB,
    add_documents,
    parallel_enabled,
    write_streamed,
)
from catalogue.search.interfaces import (
    FacetValue,
    Hit,
    IndexReport,
    SearchDocument,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)
from catalogue.search.query import (
    FACETS,
    build_query,
    correctable,
    max_edits,
    sort_facet_values,
    word_queries,
    words,
)

CURRENT = "current"
GENERATION_PREFIX = "gen-"
# How often a search re-resolves ``current`` when a swap removed its directory under it.
OPEN_ATTEMPTS = 3
# Incremental updates are merged into fewer segments once there are this many.
MERGE_AFTER_SEGMENTS = 10

# A rebuild of fewer documents stays in one process: starting the writing process costs a few
# tenths of a second.
PARALLEL_FROM = 2_000


class WhooshBackend(HitsMixin):
    """Search documents in a Whoosh index that is swapped in whole on a rebuild."""

    name = "whoosh"

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        array_ranking: bool = True,
        parallel_from: int | None = PARALLEL_FROM,
    ) -> None:
        self.root = Path(root)
        # False leaves all ranking to Whoosh's collector (for comparison in tests).
        self.array_ranking = array_ranking
        # A rebuild of at least this many documents writes two segments in two processes
        # (_whoosh_writing); None keeps it in this process.
        self.parallel_from = parallel_from
        self._stop_form_cache: dict[str, frozenset[str]] = {}
        self.schema = make_schema()
        # Each plain word's query, made once (query.word_queries).
        self._words = word_queries(self.schema)
        # The open index of the live generation, kept between searches. Searches take the lock,
        # so one searcher is never used by two threads at once.
        self._lock = threading.RLock()
        self._generation: Generation | None = None
        # The words "did you mean" draws from, counted per segment on first use, and the
        # vocabularies of the open generation (by its key).
        self._spelling_words = SpellingWords()
        self._vocabularies: tuple[Any, dict[str, Vocabulary]] | None = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def close(self) -> None:
        """Close the searcher kept open between searches."""
        with self._lock:
            generation, self._generation = self._generation, None
            if generation is not None:
                generation.close()

    # ------------------------------------------------------------ where the live index is

    @property
    def current_link(self) -> Path:
        """The symlink that names the live generation."""
        return self.root / CURRENT

    def current_directory(self) -> Path | None:
        """The live generation's directory, or None when there is none."""
        try:
            target = os.readlink(self.current_link)
        except OSError:
            return None
        return self.root / target

    def _open_index(self, directory: Path | None = None) -> Index:
        if directory is None:
            directory = self.current_directory()
        if directory is None or not directory.is_dir():
            msg = f"no search index at {self.current_link}"
            raise SearchUnavailable(msg)
        try:
            return index.open_dir(str(directory))
        except Exception as error:
            _close_files_left_open(error)
            msg = f"the search index at {directory} cannot be opened: {error}"
            raise SearchUnavailable(msg) from error

    def _open_generation(self, directory: Path | None) -> Generation:
        """The kept searcher when ``directory`` and its files are unchanged, else a new one.

        The key is the generation's name and the name, inode, size and modification time of
        every file in it: a swap, a commit (new files) or a file rewritten in place all change
        it, and then the index is opened afresh, exactly as a search without the cache would.
        """
        if directory is None or not directory.is_dir():
            self.close()
            msg = f"no search index at {self.current_link}"
            raise SearchUnavailable(msg)
        key = (directory.name, _files_of(directory))
        generation = self._generation
        if generation is not None and generation.key == key:
            return generation
        self.close()
        searcher = self._open_index(directory).searcher()
        self._generation = Generation(key, searcher, HIT_FIELDS)
        return self._generation

    @contextlib.contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        with self._open() as generation:
            yield generation.searcher

    @contextlib.contextmanager
    def _open(self) -> Iterator[Generation]:
        with self._lock:
            last_error: Exception | None = None
            for _attempt in range(OPEN_ATTEMPTS):
                before = self.current_directory()
                try:
                    generation = self._open_generation(before)
                except (SearchUnavailable, OSError) as error:
                    # A rebuild may have swapped and removed the directory we had just resolved.
                    last_error = error
                    if self.current_directory() != before:
                        continue
                    break
                try:
                    yield generation
                except BaseException:
                    # Whatever went wrong, the next search starts from a freshly opened index.
                    self.close()
                    raise
                return
            msg = f"the search index cannot be read: {last_error}"
            raise SearchUnavailable(msg) from last_error

    def available(self) -> bool:
        """True when the live index opens, has our schema and can be searched."""
        try:
            with self._searcher() as searcher:
                if set(searcher.schema.names()) != set(self.schema.names()):
                    return False
                searcher.doc_count()
                searcher.search(wq.Every(), limit=1)
        except Exception:  # noqa: BLE001 - any failure to read means "not available"
            return False
        return True

    # ------------------------------------------------------------ searching

    def search(self, query: SearchQuery) -> SearchResults:
        """Run the query: a page of highlighted hits, drill-sideways facet counts, a suggestion."""
        try:
            with self._open() as generation:
                return self._search(generation, query)
        except SearchUnavailable:
            raise
        except Exception as error:
            msg = f"searching the index failed: {error}"
            raise SearchUnavailable(msg) from error

    def _search(self, generation: Generation, query: SearchQuery) -> SearchResults:
        text_query = build_query(query.q, self.schema, match=query.match, words=self._words)
        # The text is ranked over the whole index with arrays where it can be (see
        # _whoosh_ranking); otherwise it matches as a bit set of docnums and Whoosh's own
        # collector ranks the page. Either way the facet filters and the drill-sideways
        # counts are set operations on the matches (see _whoosh_facets).
        ranked: Ranked | None = None
        if self.array_ranking:
            with contextlib.suppress(Unsupported):
                ranked = generation.ranker.rank(text_query)
        if ranked is None:
            matched = generation.matches(text_query)
        else:
            matched = generation.from_array(ranked.matched) & generation.every
        selections = generation.selections(query.filters)
        everything = generation.restrict(matched, selections)
        total = everything.bit_count()
        facets, totals = self._facet_values(generation, matched, selections, query)

        hits: list[Hit] = []
        pages = max(1, -(-total // query.per_page))
        if total:
            pagenum = min(query.page, pages)
            if pagenum < 1:
                msg = "pagenum must be >= 1"
                raise ValueError(msg)
            page = ((pagenum - 1) * query.per_page, pagenum * query.per_page)
            if ranked is None:
                hits = self._collected_hits(
                    generation, text_query, everything, selections, query, page
                )
            else:
                hits = self._ranked_hits(
                    generation, ranked, everything, query, page, text_query, selections
                )
        suggestion = self._suggest(generation, query) if not total and query.q else None
        return SearchResults(
            hits=hits, total=total, facets=facets, suggestion=suggestion, facet_totals=totals
        )

    def _facet_values(
        self,
        generation: Generation,
        matched: int,
        selections: dict[str, int],
        query: SearchQuery,
    ) -> tuple[dict[str, list[FacetValue]], dict[str, int]]:
        """Per facet, its values in query.sort_facet_values' order (with ``facet_limit``: the
        selected ones and that many others) and how many values it has in all."""
        facets: dict[str, list[FacetValue]] = {}
        totals: dict[str, int] = {}
        # Facets without a filter of their own share their candidates: counted once.
        counts: dict[int, dict[str, np.ndarray]] = {}
        limit = query.facet_limit
        for facet in FACETS:
            # Drill sideways: the text and every filter but this facet's own.
            candidates = generation.restrict(matched, selections, exclude=facet.name)
            order = generation.order(facet.name, facet.field)
            selected = set(query.filters.get(facet.name, ()))
            values: list[FacetValue] = []
            with_count = 0
            counted: np.ndarray | None = None
            # No candidates (say the text matches nothing, as the first try of a search that
            # recovery.py then widens): no value has a count, and none needs counting.
            if candidates:
                if candidates not in counts:
                    counts[candidates] = generation.counts(generation.to_array(candidates))
                counted = counts[candidates][facet.field]
                values, with_count = shown_values(
                    counted, order.tie, (order.values, order.labels, order.numbers), selected, limit
                )
            # A selected value with no results keeps its box, so it can be unticked; its name is
            # the one the index gives it (the value itself when no document has it).
            numbers = order.numbers
            missing = (
                sort_facet_values(
                    (value, order.labels[numbers[value]] if value in numbers else value, 0)
                    for value in sorted(selected)
                    if value not in numbers or counted is None or not counted[numbers[value]]
                )
                if selected
                else []
            )
            values += [FacetValue(v, label, count, True) for v, label, count in missing]
            facets[facet.name] = values
            totals[facet.name] = with_count + len(missing)
        return facets, totals

    def _suggest(self, generation: Generation, query: SearchQuery) -> str | None:
        """ "Did you mean": each unknown word replaced by the closest indexed word (the names
        and the texts in the reader's language; see _whoosh_spelling)."""
        typed = words(query.q)
        if not any(correctable(word) for word in typed):
            return None
        vocabulary = self._vocabulary(generation, "en" if query.language == "en" else "nl")
        replaced = False
        corrected: list[str] = []
        for word in typed:
            if correctable(word) and word not in vocabulary:
                suggestion = vocabulary.suggest(word, maxdist=max_edits(word), prefix=1)
                if suggestion is not None:
                    corrected.append(suggestion)
                    replaced = True
                    continue
            corrected.append(word)
        return " ".join(corrected) if replaced else None

    def _vocabulary(self, generation: Generation, language: str) -> Vocabulary:
        kept = self._vocabularies
        if kept is None or kept[0] != generation.key:
            kept = (generation.key, self._spelling_words.vocabularies(generation.searcher))
            self._vocabularies = kept
        return kept[1][language]

    # ------------------------------------------------------------ writing

    def index(self, documents: Iterable[SearchDocument]) -> None:
        """Add or replace documents in the live index."""
        writer = self._open_index().writer(timeout=30)
        try:
            for document in documents:
                writer.update_document(**fields_of(document))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=_should_merge(writer))

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents from the live index."""
        ids = [str(i) for i in ids]
        if not ids:
            return
        writer = self._open_index().writer(timeout=30)
        try:
            for document_id in ids:
                writer.delete_by_term("id", document_id)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=_should_merge(writer))

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Write a new generation beside the live one, swap it in, remove the old one.

        The caller holds the writer lock (sync.py), so no other rebuild or update runs meanwhile.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        generation = self.root / f"{GENERATION_PREFIX}{time.time_ns()}-{secrets.token_hex(4)}"
        generation.mkdir()
        try:
            if not isinstance(documents, Sized):
                documents = list(documents)
            if parallel_enabled(len(documents), self.parallel_from):
                # Written by another process as the documents come (_whoosh_writing).
                index.create_in(str(generation), self.schema)
                middle = (len(documents) + 1) // 2
                count = write_streamed(str(generation), documents, middle, _codec(), fields_of)
            else:
                count = self._write_here(generation, documents)
            self._point_current_at(generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        self._remove_old_generations(keep=generation)
        return count

    def _write_here(self, generation: Path, documents: Iterable[SearchDocument]) -> int:
        """Write the documents into the new generation's index in this process."""
        writer = index.create_in(str(generation), self.schema).writer(
            codec=_codec(), limitmb=REBUILD_LIMIT_MB
        )
        try:
            count = add_documents(writer, documents, fields_of)
            writer.commit(optimize=True)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        return count

    def _point_current_at(self, generation: Path) -> None:
        staged = self.root / f".{CURRENT}-{secrets.token_hex(4)}"
        os.symlink(generation.name, staged)
        try:
            os.replace(staged, self.current_link)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        # Make the new link durable before the old generation disappears.
        directory = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _remove_old_generations(self, *, keep: Path) -> None:
        # The caller holds the writer lock, so every other generation (the one just replaced,
        # or one a crashed rebuild left behind) is garbage. A non-generation index left in
        # the root by an older layout is not ours to remove.
        for path in self.root.iterdir():
            if path.name.startswith(GENERATION_PREFIX) and path != keep:
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(f".{CURRENT}-"):
                path.unlink(missing_ok=True)

    # ------------------------------------------------------------ consistency

    def stored(self) -> dict[str, dict[str, Any]]:
        """Every indexed document's id, slug, version, updated_at and digest, by id."""
        with self._searcher() as searcher:
            return {
                fields["id"]: {
                    key: fields.get(key)
                    for key in ("slug", "name", "version", "updated_at", "digest", "short_nl")
                }
                for fields in searcher.all_stored_fields()
            }

    def check(self, documents: Iterable[SearchDocument]) -> IndexReport:
        """Missing, stale (digest differs) and extra documents."""
        return IndexReport.compare(self.stored(), documents)


def _close_files_left_open(error: BaseException) -> None:
    """Whoosh leaves the table-of-contents file open when reading it fails (a corrupt index):
    close what the failing frames still hold, so a corrupt index leaks no file descriptors."""
    trace = error.__traceback__
    while trace is not None:
        for value in list(trace.tb_frame.f_locals.values()):
            if isinstance(value, StructFile) and not value.is_closed:
                value.close()
        trace = trace.tb_next


def _should_merge(writer: Any) -> bool:
    # Whoosh's default merge policy rewrites every small segment on each commit, which for a
    # catalogue-sized index means the whole index per update. Let small updates pile up as
    # segments and merge them in one go now and then (a rebuild also starts from one segment).
    return len(getattr(writer, "segments", ())) >= MERGE_AFTER_SEGMENTS


def _files_of(directory: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Name, inode, size and modification time of the index files in ``directory``."""
    files = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.endswith("LOCK"):
                continue
            stat = entry.stat()
            files.append((entry.name, stat.st_ino, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(files))
