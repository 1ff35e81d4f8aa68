"""Writing a whole Whoosh index fast: analysis memoised per word, and two processes.

A full rebuild spends about half its time analysing text, one token at a time through
Whoosh's chain of generators (tokenizer, lower case, stop words, stemmer), and the other half
sorting and writing the postings. Both are per-token Python work, so two things help:

* **Analysis per distinct word.** The analysers of our text fields are a regular-expression
  tokenizer followed by filters that each turn one token into at most one (lower case, stop
  words, stemming). What such a chain makes of a word does not depend on the words around it,
  so it is computed once per distinct word through Whoosh's own filters and memoised in a
  bounded LRU cache (the catalogue's vocabulary repeats). The postings are then assembled as
  Whoosh's formats assemble them (``Positions`` and ``Frequency`` word_values, with the
  positions StopFilter's ``renumber`` gives). Any other field keeps Whoosh's own ``index``.
  tests/catalogue/search/test_whoosh_writing.py checks that the index is the same, posting for
  posting, as the one Whoosh's own analysis writes.
* **Two segments written side by side.** The documents are cut into two contiguous halves:
  this process writes the first into one segment while a worker process writes the second
  into another, and the index's table of contents then lists them in that order. A document
  keeps the number it would have in one segment, and the scores (idf and mean field length
  are sums over the segments) are the same, so the ranking is the same.

Writing the postings also looks up each posting's field length in a file; those columns are
read once, whole (``_ReadLengthsOnce``), and the postings stay in memory up to
``REBUILD_LIMIT_MB`` instead of being spilled to disk and merged back.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.analysis.tokenizers import default_pattern
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

# Distinct words whose analysis is remembered per analyser (the catalogue's vocabulary at
# 10,000 components is a few tens of thousands of words).
WORD_CACHE = 200_000
# Memory for a rebuild's postings before Whoosh spills them to sorted runs on disk and merges
# them back (its default is 128): half of 10,000 components fits, and at 5,000 documents the
# spill and merge cost about a third of the writing time.
REBUILD_LIMIT_MB = 256
# Filters that turn one token into at most one, whatever the tokens around it.
_PER_WORD_FILTERS = (LowercaseFilter, StopFilter, StemFilter)

# Whoosh's default token pattern, its group made non-capturing (it matches the same text).
_DEFAULT_WORDS = re.compile(default_pattern.pattern.replace("(", "(?:"), default_pattern.flags)

# (term bytes, frequency, weight, encoded value) per distinct term of a field's value.
Items = list[tuple[bytes, int, float, bytes]]


class _WordAnalysis:
    """One analyser's per-word work, memoised, and how it numbers positions."""

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        tokenizer, *filters = analyzer.items
        self.expression = tokenizer.expression
        if self.expression.pattern == default_pattern.pattern:
            # The same pattern without its capturing group, so findall gives whole matches.
            self.expression = _DEFAULT_WORDS
        self.filters = filters
        stops = [item for item in filters if isinstance(item, StopFilter)]
        # StopFilter(renumber=True) numbers the kept tokens from the first one's position on.
        self.renumber = any(item.renumber for item in stops)
        self.term = functools.lru_cache(maxsize=WORD_CACHE)(self._term)

    def _term(self, word: str) -> str | None:
        """What the filters make of one word: its term, or None when it is a stop word."""
        token = Token(positions=False, chars=False, removestops=True, mode="index", boosts=True)
        token.text, token.boost, token.stopped = word, 1.0, False
        stream: Iterator[Token] = iter([token])
        for item in self.filters:
            stream = item(stream)
        for result in stream:
            return None if result.stopped else str(result.text)
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


def _supported(field: Any) -> bool:
    analyzer = getattr(field, "analyzer", None)
    if type(field.format) not in (Positions, Frequency) or field.vector:
        return False
    if not isinstance(analyzer, CompositeAnalyzer) or not analyzer.items:
        return False
    tokenizer, *filters = analyzer.items
    return (
        type(tokenizer) is RegexTokenizer
        and not tokenizer.gaps
        and all(type(item) in _PER_WORD_FILTERS for item in filters)
    )


def _fast_index(field: Any, analysis: _WordAnalysis) -> Callable[..., Items]:
    """``field.index`` for a plain string, as Whoosh computes it, from memoised words."""
    original = type(field).index
    field_format = field.format
    boost = field_format.field_boost
    positional = type(field_format) is Positions

    def index_value(value: Any, **kwargs: Any) -> Any:
        if kwargs or not isinstance(value, str):
            return original(field, value, **kwargs)
        items: Items = []
        for term, positions in analysis.positions(value).items():
            count = len(positions)
            # Whoosh adds each token's boost (1.0) to 0.0, then scales by the field boost.
            weight = float(count) * boost
            encoded = field_format.encode(positions) if positional else pack_uint(count)
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
    analyses: dict[int, _WordAnalysis] = {}
    patched = []
    for name in writer.schema.names():
        field = writer.schema[name]
        if not field.indexed or not _supported(field):
            continue
        analysis = analyses.get(id(field.analyzer))
        if analysis is None:
            analysis = analyses[id(field.analyzer)] = _WordAnalysis(field.analyzer)
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


def add_documents(
    writer: SegmentWriter, documents: Iterable[Any], fields_of: Callable[[Any], dict[str, Any]]
) -> int:
    """Add each document's fields (``fields_of(document)``) to ``writer``; the count."""
    _read_lengths_once(writer)
    count = 0
    with memoised_analysis(writer):
        for document in documents:
            writer.add_document(**fields_of(document))
            count += 1
    return count


def write_segment(
    directory: str,
    documents: Sequence[Any],
    codec: Any,
    fields_of: Callable[[Any], dict[str, Any]],
) -> Any:
    """Write ``documents`` into a new segment of the index in ``directory`` without
    committing it; returns the segment, for the caller to list in the index."""
    ix = index.open_dir(directory)
    # _lk=False: the process that asked for this segment holds the index's write lock.
    writer = SegmentWriter(ix, _lk=False, codec=codec, limitmb=REBUILD_LIMIT_MB)
    try:
        add_documents(writer, documents, fields_of)
        return writer._finalize_segment()
    finally:
        writer._tempstorage.destroy()


def add_halves(
    writer: SegmentWriter,
    documents: Sequence[Any],
    codec: Any,
    fields_of: Callable[[Any], dict[str, Any]],
) -> None:
    """Add the first half of ``documents`` to ``writer`` and the second half, in a worker
    process, to a segment of its own; commit both, in that order."""
    middle = (len(documents) + 1) // 2
    with tempfile.TemporaryDirectory(prefix="cw-reindex-") as work:
        job, result = Path(work) / "job.pickle", Path(work) / "segment.pickle"
        with job.open("wb") as file:
            pickle.dump(
                (writer.storage.folder, documents[middle:], codec, fields_of),
                file,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        worker = _start_worker(job, result)
        try:
            add_documents(writer, documents[:middle], fields_of)
            mine = writer._finalize_segment()
            _stdout, stderr = worker.communicate()
        except BaseException:
            worker.kill()
            worker.wait()
            raise
        if worker.returncode != 0:
            msg = f"the second reindex process failed: {stderr.decode(errors='replace')[-2000:]}"
            raise RuntimeError(msg)
        with result.open("rb") as file:
            theirs = pickle.load(file)  # noqa: S301 - written just now by our own worker
    writer._commit_toc([mine, theirs])
    writer._finish()


def _start_worker(job: Path, result: Path) -> subprocess.Popen[bytes]:
    # A fresh interpreter rather than a fork (the caller may be a threaded web worker) and
    # rather than multiprocessing's spawn (which re-imports the caller's main script). It
    # imports this package from where this process did.
    package_root = str(Path(__file__).resolve().parents[2])
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [package_root, *filter(None, [environment.get("PYTHONPATH")])]
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", __name__, str(job), str(result)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
    )


def _worker_main(job: Path, result: Path) -> None:
    with job.open("rb") as file:
        directory, documents, codec, fields_of = pickle.load(file)  # noqa: S301 - our job file
    segment = write_segment(directory, documents, codec, fields_of)
    with result.open("wb") as file:
        pickle.dump(segment, file, protocol=pickle.HIGHEST_PROTOCOL)


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


if __name__ == "__main__":
    _worker_main(Path(sys.argv[1]), Path(sys.argv[2]))
