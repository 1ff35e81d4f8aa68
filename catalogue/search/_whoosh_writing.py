"""Writing a whole Whoosh index fast: analysis memoised per word, postings grouped by term,
and the writing in a process of its own while the documents are read.

A full rebuild spends its time analysing text, one token at a time through Whoosh's chain of
generators (tokenizer, lower case, stop words, stemmer), and sorting and writing the postings.
Both are per-token Python work, so:

* **Analysis per distinct word** (_whoosh_analysis.py). The analysers of our text fields are a
  regular-expression tokenizer followed by filters that each turn one token into at most one
  (lower case, stop words, stemming), or the tokenizer alone (the facet fields). What such a
  chain makes of a word does not depend on the words around it, so it is computed once per
  distinct word through Whoosh's own filters and memoised. The postings are then assembled as
  Whoosh's formats assemble them (``Positions`` and ``Frequency`` word_values, with the
  positions StopFilter's ``renumber`` gives). Any other field keeps Whoosh's own ``index``.
* **Postings grouped by term.** Whoosh's writer keeps a tuple per posting and sorts them all
  when the segment is written. Documents come in docnum order, so each term's postings are
  appended to a list of their own as they come (``_TermPostings``), only the terms are
  sorted, and each term's postings go into Whoosh's posting blocks a block at a time
  (``_write_terms``), with the same block statistics and term infos. Past ``REBUILD_LIMIT_MB``
  the postings go to Whoosh's own pool, which spills them to disk.
* **Reading and writing side by side.** A rebuild of many documents (whoosh_backend's
  ``PARALLEL_FROM``) is written by a second process (``write_streamed``): this process turns
  each document into its fields as the documents are read from the database and sends them
  on; the other writes the first half into one segment and the rest into a second, and
  commits the index. A document keeps the number it would have in one segment, and the scores
  (idf and mean field length are sums over the segments) are the same, so the ranking is the
  same.

tests/catalogue/search/test_whoosh_writing.py checks that the index is the same, posting for posting
(stored fields, field lengths and totals too), as the one Whoosh's own writer makes of the
same documents, in one process and in two. Writing the postings also looks up each posting's
field length in a file; those columns are read once, whole (``_ReadLengthsOnce``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3FieldWriter, W3PostingsWriter, _lenfield
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

from catalogue.search._whoosh_analysis import WordAnalysis, per_word

# Encoded position lists remembered per field (they repeat: a word first in a text, ...).
ENCODING_CACHE = 100_000
# Memory for a rebuild's postings before Whoosh spills them to sorted runs on disk and merges
# them back (its default is 128): half of 10,000 components fits, and at 5,000 documents the
# spill and merge cost about a third of the writing time.
REBUILD_LIMIT_MB = 256
# What Whoosh's pool counts for a posting, roughly (its limit is in bytes).
_POSTING_BYTES = 200

# (term bytes, frequency, weight, encoded value) per distinct term of a field's value.
Items = list[tuple[bytes, int, float, bytes]]


def _supported(field: Any) -> bool:
    if type(field.format) not in (Positions, Frequency) or field.vector:
        return False
    return per_word(getattr(field, "analyzer", None))


def _fast_index(field: Any, analysis: WordAnalysis) -> Callable[..., Items]:
    """``field.index`` for a plain string, as Whoosh computes it, from memoised words."""
    original = type(field).index
    field_format = field.format
    boost = field_format.field_boost
    positional = type(field_format) is Positions
    # The encoded positions, by positions: most terms occur once or twice, early in a text.
    encodings: dict[tuple[int, ...], bytes] = {}

    def index_value(value: Any, **kwargs: Any) -> Any:
        if kwargs or not isinstance(value, str):
            return original(field, value, **kwargs)
        items: Items = []
        for term, positions in analysis.positions(value).items():
            count = len(positions)
            # Whoosh adds each token's boost (1.0) to 0.0, then scales by the field boost.
            weight = float(count) * boost
            if positional:
                key = tuple(positions)
                encoded = encodings.get(key)
                if encoded is None:
                    if len(encodings) >= ENCODING_CACHE:
                        encodings.clear()
                    encoded = encodings[key] = field_format.encode(positions)
            else:
                encoded = pack_uint(count)
            items.append((term.encode("utf-8"), count, weight, encoded))
        return items

    return index_value


@contextlib.contextmanager
def memoised_analysis(writer: SegmentWriter) -> Iterator[None]:
    """Let ``writer`` analyse its supported text fields a distinct word at a time.

    The writer's schema is its own copy (read from the index's table of contents); the
    shortcut is an attribute on its field objects, removed again before the schema is written
    back at commit.
    """
    analyses: dict[int, WordAnalysis] = {}
    patched = []
    for name in writer.schema.names():
        field = writer.schema[name]
        if not field.indexed or not _supported(field):
            continue
        analysis = analyses.get(id(field.analyzer))
        if analysis is None:
            analysis = analyses[id(field.analyzer)] = WordAnalysis(field.analyzer)
        field.index = _fast_index(field, analysis)
        patched.append(field)
    try:
        yield
    finally:
        for field in patched:
            del field.index


class _ReadLengthsOnce:
    """A segment's per-document reader whose field lengths are read a whole column at once.

    Writing the postings looks up the document's field length for every posting (one file
    read each, through ``doc_field_length_reader``); this reads each length column in one go
    and answers from a list, with the same values (the decoded length byte, None for 0).
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def doc_field_length_reader(self, fieldname: str, default: int = 0) -> Callable[[int], Any]:
        reader = self._reader
        column = reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None or not hasattr(column, "_dbfile") or column._fixedlen != 1:
            return reader.doc_field_length_reader(fieldname, default)
        stored = column._dbfile.get(column._basepos, column._count) if column._count else b""
        lengths: list[int | None] = [byte_to_length(code) if code else None for code in stored]
        # Documents past the column's end read its default (0), which decodes to None.
        lengths.extend([None] * (column._doccount - len(lengths)))
        return lengths.__getitem__


def _read_lengths_once(writer: SegmentWriter) -> None:
    if not getattr(writer, "_reads_lengths_once", False):
        per_document_reader = writer.per_document_reader
        writer.per_document_reader = lambda: _ReadLengthsOnce(per_document_reader())
        writer._reads_lengths_once = True


class _TermPostings:
    """The posting pool of a segment written from scratch, its postings grouped by term.

    Whoosh's pool keeps one tuple per posting and sorts them all when the segment is written;
    documents arrive in docnum order, so grouping each term's postings as they come (a flat
    list of docnum, weight, value) leaves only the terms to sort. Past ``limit`` postings, or
    when anything but add_documents adds one, every posting goes to Whoosh's own pool, which
    spills sorted runs to disk to bound memory.
    """

    def __init__(self, pool: Any, limit: int) -> None:
        self.pool = pool
        self.terms: dict[tuple[str, bytes], list[Any]] = {}
        self.count = 0
        self.limit = limit
        self.spilled = False
        # The schema's field objects that add_documents may write itself, by name.
        self.plain: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        self.spill()
        self.pool.add(item)

    def spill(self) -> None:
        """From now on every posting is in Whoosh's pool."""
        if self.spilled:
            return
        self.spilled = True
        add = self.pool.add
        for (fieldname, text), postings in self.terms.items():
            for at in range(0, len(postings), 3):
                add((fieldname, text, postings[at], postings[at + 1], postings[at + 2]))
        self.terms = {}

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        if self.spilled:
            yield from self.pool.iter_postings()
            return
        for key in sorted(self.terms):
            postings = self.terms[key]
            for at in range(0, len(postings), 3):
                yield (*key, postings[at], postings[at + 1], postings[at + 2])


def _add_document(writer: SegmentWriter, pool: _TermPostings, fields: dict[str, Any]) -> None:
    """``writer.add_document(**fields)`` for fields without boosts, spelling words or vectors
    (``pool.plain`` has checked them), its postings grouped in ``pool`` (the same postings,
    field lengths, stored values and columns as Whoosh's own method)."""
    writer._check_state()
    perdocwriter = writer.perdocwriter
    schema = pool.plain
    docnum = writer.docnum
    fieldnames = sorted(fields)
    terms = pool.terms
    added = 0
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                scorable = field.scorable
                for text, frequency, weight, encoded in field.index(value):
                    # Whoosh multiplies by the field's boost, 1.0 here (a float from then on).
                    weight *= 1.0
                    if scorable:
                        length += frequency
                    postings = terms.get((fieldname, text))
                    if postings is None:
                        terms[(fieldname, text)] = [docnum, weight, encoded]
                    else:
                        postings += (docnum, weight, encoded)
                    added += 1
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
    except ValueError:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1
    pool.count += added
    if pool.count > pool.limit:
        pool.spill()


def _plain_fields(writer: SegmentWriter, pool: _TermPostings, fields: dict[str, Any]) -> bool:
    """True when ``_add_document`` writes these fields as Whoosh would (no boosts, no field
    outside the schema, no spelling words or vectors); the fields checked are kept in
    ``pool.plain``."""
    plain = pool.plain
    for name in fields:
        if name in plain:
            continue
        if name.startswith("_") or name not in writer.schema:
            return False
        field = writer.schema[name]
        if field.vector or field.separate_spelling():
            return False
        plain[name] = field
    return True


def _group_postings(writer: SegmentWriter) -> _TermPostings | None:
    """Give a writer of a new, empty segment the grouped pool and the writing of its postings
    a term at a time; None when the writer is not one (its pool holds postings already)."""
    pool = writer.pool
    if isinstance(pool, _TermPostings):
        return pool
    if not isinstance(pool, PostingPool) or pool.current or pool.runs or writer.docnum:
        return None
    grouped = _TermPostings(pool, REBUILD_LIMIT_MB * 1024 * 1024 // _POSTING_BYTES)
    writer.pool = grouped
    writer._flush_segment = functools.partial(_flush_segment, writer)
    return grouped


def _flush_segment(writer: SegmentWriter) -> None:
    """SegmentWriter._flush_segment, writing a term's postings in blocks at a time."""
    writer.perdocwriter.close()
    lengths = writer.per_document_reader() if writer.codec.length_stats else None
    pool = writer.pool
    fieldwriter = writer.fieldwriter
    if (
        isinstance(pool, _TermPostings)
        and not pool.spilled
        and type(fieldwriter) is W3FieldWriter
        and lengths is not None
    ):
        _write_terms(fieldwriter, writer.schema, lengths, pool.terms)
    else:
        fieldwriter.add_postings(writer.schema, lengths, pool.iter_postings())
    fieldwriter.close()
    if lengths is not None:
        lengths.close()


def _write_terms(
    fieldwriter: W3FieldWriter, schema: Any, lengths: Any, terms: dict[tuple[str, bytes], list[Any]]
) -> None:
    """FieldWriter.add_postings over the grouped postings: the same blocks and term infos as
    W3PostingsWriter.add_posting writes one posting at a time, filled a block at a time."""
    fieldname = None
    length_of: Callable[[int], Any] = lengths.doc_field_length_reader
    for key in sorted(terms):
        if key[0] != fieldname:
            if fieldname is not None:
                fieldwriter.finish_field()
            fieldname = key[0]
            fieldwriter.start_field(fieldname, schema[fieldname])
            length_of = lengths.doc_field_length_reader(fieldname)
        fieldwriter.start_term(key[1])
        writer = fieldwriter._postwriter
        if type(writer) is not W3PostingsWriter or writer._byteids:
            msg = f"unexpected postings writer {writer!r}"
            raise TypeError(msg)
        postings = terms[key]
        docnums, weights, values = postings[0::3], postings[1::3], postings[2::3]
        limit = writer._blocklimit
        for start in range(0, len(docnums), limit):
            if start:
                # add_posting writes out a full block before it adds the next posting.
                writer._write_block()
            end = start + limit
            block_ids, block_weights = docnums[start:end], weights[start:end]
            writer._ids.extend(block_ids)
            writer._weights.extend(block_weights)
            writer._maxweight = max(writer._maxweight, *block_weights)
            writer._values.extend(value for value in values[start:end] if value)
            found = [length for length in map(length_of, block_ids) if length]
            if found:
                low = min(found)
                if writer._minlength is None or low < writer._minlength:
                    writer._minlength = low
                writer._maxlength = max(writer._maxlength, *found)
        fieldwriter.finish_term()
    if fieldname is not None:
        fieldwriter.finish_field()


def add_documents(
    writer: SegmentWriter, documents: Iterable[Any], fields_of: Callable[[Any], dict[str, Any]]
) -> int:
    """Add each document's fields (``fields_of(document)``) to ``writer``; the count."""
    _read_lengths_once(writer)
    pool = _group_postings(writer)
    count = 0
    with memoised_analysis(writer):
        for document in documents:
            fields = fields_of(document)
            if pool is not None and not pool.spilled and _plain_fields(writer, pool, fields):
                _add_document(writer, pool, fields)
            else:
                writer.add_document(**fields)
            count += 1
    return count


# Documents' fields sent to the writing process per message.
STREAM_BATCH = 256


def write_streamed(
    directory: str,
    documents: Iterable[Any],
    middle: int,
    codec: Any,
    fields_of: Callable[[Any], dict[str, Any]],
) -> int:
    """Write ``documents`` into the empty index in ``directory`` in another process, as they
    come: the first ``middle`` into one segment, the rest into a second; returns the count.

    This process only turns each document into its Whoosh fields and sends them; the other
    writes them meanwhile, so reading the documents (from the database, as they are read)
    and writing the index run side by side. The writing process imports Whoosh and this
    module only, not the app, and commits the index itself."""
    with tempfile.TemporaryFile() as errors:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-c", _WORKER, str(Path(__file__).resolve()), directory],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        stdin: Any = worker.stdin
        count = 0
        try:
            try:
                send = functools.partial(pickle.dump, file=stdin, protocol=pickle.HIGHEST_PROTOCOL)
                send(("codec", codec))
                batch: list[dict[str, Any]] = []
                for document in documents:
                    batch.append(fields_of(document))
                    count += 1
                    if count == middle or len(batch) >= STREAM_BATCH:
                        send(("fields", batch))
                        batch = []
                    if count == middle:
                        send(("split", None))
                send(("fields", batch))
                stdin.close()
            except BrokenPipeError:
                pass  # the worker failed: its exit status and error say why
            returncode = worker.wait()
        except BaseException:
            worker.kill()
            worker.wait()
            raise
        if returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-2000:]
            msg = f"the reindex writing process failed: {message}"
            raise RuntimeError(msg)
    return count


def _received(stream: Any) -> Iterator[dict[str, Any]]:
    """The fields sent by write_streamed, up to its split or its end."""
    while True:
        try:
            kind, fields = pickle.load(stream)  # noqa: S301 - sent by our own process
        except EOFError:
            return
        if kind == "split":
            return
        yield from fields


def _write_index(directory: str, stream: Any) -> None:
    """The writing process: two segments from the fields received, then the commit."""
    ix = index.open_dir(directory)
    _kind, codec = pickle.load(stream)  # noqa: S301 - sent by our own process
    writer = SegmentWriter(ix, codec=codec, limitmb=REBUILD_LIMIT_MB)
    try:
        add_documents(writer, _received(stream), _same)
        segments = _finished([], writer)
        # The second segment's writer shares the first one's lock and temporary directory.
        second = SegmentWriter(ix, _lk=False, codec=codec, limitmb=REBUILD_LIMIT_MB)
        add_documents(second, _received(stream), _same)
        segments = _finished(segments, second)
    except BaseException:
        writer.cancel()
        raise
    writer._commit_toc(segments)
    writer._finish()


def _finished(segments: list[Any], writer: SegmentWriter) -> list[Any]:
    """``segments`` and the writer's own segment, if it wrote any documents."""
    if not writer.docnum:
        writer._close_segment()
        return segments
    return [*segments, writer._finalize_segment()]


def _same(fields: dict[str, Any]) -> dict[str, Any]:
    return fields


# The writing process loads this file as a module of its own name, outside the ``catalogue``
# package: importing the package would import the app's dependencies (Flask, SQLAlchemy, the
# models), about a second of work.
_WORKER = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('cw_whoosh_writer', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(module)\n"
    "module._write_index(sys.argv[2], sys.stdin.buffer)\n"
)


def parallel_enabled(count: int, threshold: int | None) -> bool:
    """Whether a rebuild of ``count`` documents uses two processes (more than one core, and at
    least ``threshold`` documents; None never)."""
    # Without a Python interpreter to start (an embedded one), the worker cannot run.
    return (
        threshold is not None
        and count >= max(threshold, 2)
        and (os.cpu_count() or 1) > 1
        and bool(sys.executable)
    )
