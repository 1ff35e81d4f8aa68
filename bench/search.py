"""Benchmark of the search backends: query latency in-process, and the time of a full reindex.

Run ``python bench/search.py`` (10,000 components), ``--n 100000``, or ``--quick`` (1,000
components, 40 queries, prints only unless ``--write``). A target missed at 10,000 gets a
cProfile summary in the report; ``--note`` adds a sentence on the cause. Results go to
stdout and, as Markdown, into ``docs/performance.md`` between ``<!-- search:start -->``
and ``<!-- search:end -->``.

The documents
    N synthetic components as plain search documents, in the shape
    ``catalogue.search.documents.document_from`` gives. The real catalogue is seeded into a
    throw-away SQLite database and its 46 documents are read with ``sync.load_documents``; the
    synthetic ones are assembled from their sentences, features, names, licences and platforms,
    and from the GEMMA model in ``data/gemma/gemma.yaml`` (reference components, standards,
    application services and their Dutch descriptions), the organisations and the municipalities.
    Nothing is lorem ipsum.

The engines
    * Whoosh: ``WhooshBackend`` on a temporary directory.
    * PostgreSQL: ``PostgresBackend`` on a database ``cw_bench_<pid>`` created on the server at
      ``--postgres-url`` (migrated with the project's migrations, dropped at the end). When the
      server does not answer, PostgreSQL is reported as not measured, with the reason.
    * SQLite FTS5, the in-process floor: an FTS5 table over the same text fields (``unicode61``,
      no stemming), ``MATCH`` ordered by ``bm25`` with the project's field boosts, ``LIMIT 20``,
      and a column of facet tokens (weight 0) that the filtered queries match. It returns 20
      row ids and does nothing else; the backends return a whole results page (total,
      drill-sideways counts of ten facets, highlighted snippets).

Timing
    One warm-up pass of the whole query mix per engine, then ``--queries`` timed calls per
    engine: the mix in a fixed shuffled order, round-robin across the engines so they see the
    same machine load. Each call is timed with ``time.perf_counter_ns`` around one
    ``backend.search(SearchQuery(...))`` (or one FTS5 query and ``fetchall``).
    Reindex: Whoosh ``rebuild`` into a new generation directory and the swap of ``current``
    beside a live index; PostgreSQL ``rebuild`` (every row replaced in one transaction) over a
    filled table. The documents are already in memory: reading them from the database
    (``load_documents``) is not part of these figures.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import pstats
import random
import re
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _report import write_block  # noqa: E402
from sqlalchemy import Engine, create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from catalogue.search.documents import compound_fields, digest  # noqa: E402
from catalogue.search.interfaces import SearchQuery  # noqa: E402
from catalogue.search.query import (  # noqa: E402
    FACETS,
    SEARCH_BOOSTS,
    SEARCH_FIELDS,
    UNKNOWN,
    exact_key,
    normalise_text,
)
from catalogue.text import slugify  # noqa: E402

BLOCK = "search"
DEFAULT_POSTGRES_URL = os.environ.get(
    "CATALOGUE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGET_P95_MS = 15.0
TARGET_RATIO = 15.0
TARGET_AT = 10_000
# Bounds: no timed loop runs longer than this, whatever --queries says.
MAX_TIMED_SECONDS = 900.0
MAX_QUERIES = 5_000

Json = dict[str, Any]


# --------------------------------------------------------------------------- the query mix


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix: its kind (for the per-kind table), text and facet filters."""

    kind: str
    q: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self) -> str:
        """The query as the report shows it."""
        if not self.filters:
            return f"`{self.q}`"
        shown = "; ".join(f"{name}={'|'.join(values)}" for name, values in self.filters.items())
        return f"`{self.q}` + {shown}"


def query_mix(sample: Sequence[Json]) -> list[BenchQuery]:
    """The fixed mix. Filter values are frequent values of ``sample``, so filters keep hits."""

    def common(facet: str, rank: int = 0) -> str:
        counts: dict[str, int] = {}
        for document in sample:
            for value in document["facets"][facet]:
                if value != UNKNOWN:
                    counts[value] = counts.get(value, 0) + 1
        ordered = sorted(counts, key=lambda value: (-counts[value], value))
        return ordered[min(rank, len(ordered) - 1)]

    return [
        BenchQuery("one word", "zaak"),
        BenchQuery("one word", "archief"),
        BenchQuery("one word", "notificaties"),
        BenchQuery("one word", "betalen"),
        BenchQuery("one word", "api"),
        BenchQuery("two words", "open zaak"),
        BenchQuery("two words", "zaken documenten"),
        BenchQuery("two words", "burger melding"),
        BenchQuery("two words", "case management"),
        BenchQuery("inflection", "zaken"),
        BenchQuery("inflection", "formulieren"),
        BenchQuery("inflection", "vergunningen"),
        BenchQuery("inflection", "gemeentelijke"),
        BenchQuery("inflection", "berichten"),
        BenchQuery("filtered", "zaak", {"layer": (common("layer"),)}),
        BenchQuery("filtered", "formulieren", {"license": ("EUPL-1.2",)}),
        BenchQuery("filtered", "zaken documenten", {"maintainer": (common("maintainer"),)}),
        BenchQuery(
            "filtered",
            "vergunningen",
            {"municipality": (common("municipality"),), "license": ("EUPL-1.2",)},
        ),
        BenchQuery("filtered", "api", {"hosting_model": ("saas", "on-premise")}),
    ]


# --------------------------------------------------------------------------- source material


@dataclass
class Material:
    """What the synthetic documents are made of, all from the project's data/."""

    real: list[Json]
    sentences_nl: list[str]
    sentences_en: list[str]
    features_nl: list[str]
    features_en: list[str]
    name_words: list[str]
    # (slug, name) pairs per kind.
    reference_components: list[tuple[str, str]]
    standards: list[tuple[str, str]]
    maintainers: list[tuple[str, str]]
    municipalities: list[tuple[str, str]]
    licenses: list[str]
    platforms: list[str]


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9'\"“(])")


def sentences(text_value: str) -> list[str]:
    """The sentences of a plain text (rough, good enough to recombine)."""
    return [part.strip() for part in _SENTENCE.split(text_value) if len(part.strip()) > 12]


def load_material(work: Path) -> Material:
    """Seed the real catalogue into a throw-away SQLite file and collect what documents use."""
    from catalogue.db import Database
    from catalogue.migrate import upgrade
    from catalogue.models import GemmaElement, GemmaKind, Organisation, OrganisationKind
    from catalogue.search.sync import load_documents
    from catalogue.services.seeding import seed

    database = Database(f"sqlite:///{work / 'source.db'}")
    try:
        upgrade(database.engine)
        with database.session() as session:
            seed(session, ROOT / "data")
        with database.session() as session:
            real = load_documents(session)
            elements = session.execute(
                select(
                    GemmaElement.kind,
                    GemmaElement.slug,
                    GemmaElement.name,
                    GemmaElement.description,
                )
            ).all()
            organisations = session.execute(
                select(Organisation.kind, Organisation.slug, Organisation.name)
            ).all()
    finally:
        database.dispose()

    sentences_nl: list[str] = []
    sentences_en: list[str] = []
    features_nl: list[str] = []
    features_en: list[str] = []
    for document in real:
        for kind in ("short", "long"):
            sentences_nl += sentences(document[f"{kind}_nl"])
            sentences_en += sentences(document[f"{kind}_en"])
        features_nl += document["features_nl"]
        features_en += document["features_en"]
    # GEMMA's texts are Dutch: descriptions of components, services, functions and standards.
    described = {
        GemmaKind.REFERENCE_COMPONENT,
        GemmaKind.APPLICATION_SERVICE,
        GemmaKind.BUSINESS_FUNCTION,
        GemmaKind.STANDARD,
        GemmaKind.EXTERNAL_FACILITY,
        GemmaKind.BUSINESS_PROCESS,
    }
    for element in elements:
        if element.kind in described and element.description:
            sentences_nl += sentences(normalise_text(element.description, limit=2000))
        if element.kind == GemmaKind.APPLICATION_SERVICE:
            features_nl.append(normalise_text(element.name, limit=300))
    name_words = sorted(
        {
            word
            for document in real
            for word in document["name"].split()
            if len(word) > 2 and word.isalpha()
        }
    )
    licenses = [
        value for document in real for value in document["facets"]["license"] if value != UNKNOWN
    ]
    platforms = [
        value
        for document in real
        for value in document["facets"]["technology_platform"]
        if value != UNKNOWN
    ]
    return Material(
        real=real,
        sentences_nl=sorted(set(sentences_nl)),
        sentences_en=sorted(set(sentences_en)),
        features_nl=sorted({f for f in features_nl if f}),
        features_en=sorted({f for f in features_en if f}),
        name_words=name_words,
        reference_components=sorted(
            (e.slug, e.name) for e in elements if e.kind == GemmaKind.REFERENCE_COMPONENT
        ),
        standards=sorted((e.slug, e.name) for e in elements if e.kind == GemmaKind.STANDARD),
        maintainers=sorted((o.slug, o.name) for o in organisations),
        municipalities=sorted(
            (o.slug, o.name) for o in organisations if o.kind == OrganisationKind.MUNICIPALITY
        ),
        licenses=licenses,
        platforms=platforms,
    )


# --------------------------------------------------------------------------- synthetic documents


def zipf_choice(rng: random.Random, items: Sequence[Any], skew: float = 1.1) -> Any:
    """An item, the first ones far more often (catalogues are lopsided)."""
    weights = _ZIPF_CACHE.get((len(items), skew))
    if weights is None:
        weights = [1.0 / (rank + 1) ** skew for rank in range(len(items))]
        _ZIPF_CACHE[(len(items), skew)] = weights
    return rng.choices(items, weights=weights, k=1)[0]


_ZIPF_CACHE: dict[tuple[int, float], list[float]] = {}


def synthetic_documents(material: Material, n: int, seed: int) -> list[Json]:
    """``n`` documents in the shape of ``document_from``, assembled from real material."""
    rng = random.Random(seed)
    # A fixed, seeded popularity order per pool, so "popular" is not alphabetical.
    pools = {}
    for name in ("reference_components", "standards", "maintainers", "municipalities"):
        pool = list(getattr(material, name))
        rng.shuffle(pool)
        pools[name] = pool
    gemma_names = [name for _slug, name in material.reference_components]
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    documents = []
    for number in range(1, n + 1):
        name = normalise_text(
            f"{rng.choice(material.name_words)} {rng.choice(gemma_names)}"
            + (f" {rng.choice(material.name_words)}" if rng.random() < 0.3 else ""),
            limit=300,
        )
        aliases = (
            [
                normalise_text(
                    f"{rng.choice(material.name_words)} {rng.choice(material.name_words)}",
                    limit=300,
                )
            ]
            if rng.random() < 0.2
            else []
        )
        references = _distinct(rng, pools["reference_components"], rng.choice((0, 1, 1, 2, 3)))
        standards = _distinct(rng, pools["standards"], rng.choice((0, 0, 1, 2, 4)))
        maintainer = zipf_choice(rng, pools["maintainers"]) if rng.random() < 0.85 else None
        users = _distinct(rng, pools["municipalities"], rng.choice((0, 0, 0, 1, 2, 5)))
        english = rng.random() < 0.5
        document: Json = {
            "id": str(number),
            "slug": f"{slugify(name, max_length=80)}-{number}",
            "name": name,
            "aliases": aliases,
            "exact": sorted({exact_key(t) for t in [name, *aliases] if t}),
            "reference_components": [label for _slug, label in references],
            "standards": [label for _slug, label in standards],
            "organisations": [maintainer[1]] if maintainer else [],
            "short_nl": rng.choice(material.sentences_nl),
            "long_nl": " ".join(rng.sample(material.sentences_nl, rng.randint(1, 6)))
            if rng.random() < 0.45
            else "",
            "features_nl": rng.sample(material.features_nl, rng.randint(0, 4)),
            "short_en": rng.choice(material.sentences_en) if english else "",
            "long_en": " ".join(rng.sample(material.sentences_en, rng.randint(1, 5)))
            if english and rng.random() < 0.5
            else "",
            "features_en": rng.sample(material.features_en, rng.randint(0, 4)) if english else [],
        }
        values: dict[str, dict[str, str]] = {facet.name: {} for facet in FACETS}
        values["reference_component"] = dict(references)
        values["standard"] = dict(standards)
        if rng.random() < 0.6:
            values["layer"] = {
                v: v
                for v in [rng.choice(("interaction", "process", "integration", "service", "data"))]
            }
        if rng.random() < 0.6:
            values["hosting_model"] = {
                v: v
                for v in rng.sample(
                    ("saas", "paas", "iaas", "on-premise", "support"), rng.randint(1, 2)
                )
            }
        if rng.random() < 0.75:
            values["license"] = {v: v for v in [rng.choice(material.licenses)]}
        if rng.random() < 0.8:
            values["development_status"] = {
                v: v
                for v in [
                    rng.choice(("concept", "development", "beta", "stable", "stable", "obsolete"))
                ]
            }
        if rng.random() < 0.7:
            values["maintenance_type"] = {
                v: v
                for v in [rng.choice(("internal", "contract", "contract", "community", "none"))]
            }
        if rng.random() < 0.6:
            values["technology_platform"] = {v: v for v in [rng.choice(material.platforms)]}
        if maintainer:
            values["maintainer"] = {maintainer[0]: maintainer[1]}
        values["municipality"] = dict(users)
        document.update(compound_fields(document))
        document["facets"] = {name: sorted(found) or [UNKNOWN] for name, found in values.items()}
        document["labels"] = {name: found for name, found in values.items() if found}
        updated = base + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 700))
        document["updated_at"] = updated.isoformat()
        document["version"] = rng.randint(1, 12)
        document["digest"] = digest(document)
        documents.append(document)
    return documents


def _distinct(
    rng: random.Random, pool: Sequence[tuple[str, str]], count: int
) -> list[tuple[str, str]]:
    chosen: dict[str, str] = {}
    for _attempt in range(count * 4):
        if len(chosen) >= count:
            break
        slug, label = zipf_choice(rng, pool, skew=0.9)
        chosen.setdefault(slug, label)
    return sorted(chosen.items())


def text_size(document: Json) -> int:
    """Characters of searchable text in a document."""
    return sum(
        len("\n".join(v) if isinstance(v, list) else str(v or ""))
        for k, v in document.items()
        if k in SEARCH_FIELDS
    )


# --------------------------------------------------------------------------- engines


class Contender:
    """An engine under test: a name, a search callable and its build timings."""

    def __init__(self, name: str, run: Callable[[BenchQuery], int]) -> None:
        self.name = name
        self.run = run
        self.first_build_s: float | None = None
        self.reindex_s: float | None = None
        self.times_ns: dict[int, list[int]] = {}
        self.hits: dict[int, int] = {}
        self.unavailable: str | None = None


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    """(result, seconds) of one call."""
    started = time.perf_counter_ns()
    result = action()
    return result, (time.perf_counter_ns() - started) / 1e9


def whoosh_engine(documents: list[Json], root: Path) -> Contender:
    """The Whoosh backend, built once and then rebuilt beside the live index (the swap)."""
    from catalogue.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(root)

    def run(query: BenchQuery) -> int:
        return backend.search(SearchQuery(q=query.q, filters=query.filters)).total

    engine = Contender("Whoosh", run)
    _count, engine.first_build_s = timed(lambda: backend.rebuild(documents))
    count, engine.reindex_s = timed(lambda: backend.rebuild(documents))
    assert count == len(documents), count
    assert backend.available()
    return engine


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[Engine]:
    """A fresh database ``cw_bench_<pid>`` on the server, migrated, dropped afterwards."""
    from catalogue.migrate import upgrade

    name = f"cw_bench_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server_url).set(database=name)
        engine = create_engine(url)
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def postgres_engine(documents: list[Json], engine: Engine) -> Contender:
    """The PostgreSQL backend: filled once, then rebuilt over the filled table."""
    from catalogue.search.postgres_backend import PostgresBackend

    backend = PostgresBackend(engine)

    def run(query: BenchQuery) -> int:
        return backend.search(SearchQuery(q=query.q, filters=query.filters)).total

    result = Contender("PostgreSQL", run)
    _count, result.first_build_s = timed(lambda: backend.rebuild(documents))
    count, result.reindex_s = timed(lambda: backend.rebuild(documents))
    assert count == len(documents), count
    # What autovacuum does shortly after a rebuild: fresh statistics for the planner.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE search.component_document"))
    return result


def fts5_query(q: str) -> str:
    """The FTS5 expression for the text: every word as a quoted term, all required."""
    terms = re.findall(r"\w+", q)
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def facet_token(facet: str, value: str) -> str:
    """A facet value as one FTS5 token of the ``facets`` column."""
    return f"{facet}_{re.sub(r'[^0-9A-Za-z]+', '_', value)}".lower()


def fts5_engine(documents: list[Json], path: Path) -> Contender:
    """SQLite FTS5 over the same text fields (bm25 with the project's field boosts), plus a
    ``facets`` column of one token per facet value for the filters (weight 0)."""
    connection = sqlite3.connect(path)
    columns = ", ".join(SEARCH_FIELDS)
    connection.execute(
        f"CREATE VIRTUAL TABLE doc USING fts5({columns}, facets, "  # noqa: S608 - constants
        "tokenize = \"unicode61 remove_diacritics 2 tokenchars '_'\")"
    )

    def build() -> None:
        placeholders = ", ".join("?" for _ in SEARCH_FIELDS)
        connection.executemany(
            f"INSERT INTO doc (rowid, {columns}, facets) "  # noqa: S608 - constants
            f"VALUES (?, {placeholders}, ?)",
            (
                [
                    int(d["id"]),
                    *(_joined(d, f) for f in SEARCH_FIELDS),
                    " ".join(
                        facet_token(facet, value)
                        for facet, values in d["facets"].items()
                        for value in values
                    ),
                ]
                for d in documents
            ),
        )
        connection.commit()

    weights = ", ".join([*(str(SEARCH_BOOSTS[f]) for f in SEARCH_FIELDS), "0"])
    text_columns = " ".join(SEARCH_FIELDS)

    def run(query: BenchQuery) -> int:
        expression = f"{{{text_columns}}} : ({fts5_query(query.q)})"
        for facet, values in query.filters.items():
            either = " OR ".join(facet_token(facet, value) for value in values)
            expression += f" AND facets : ({either})"
        rows = connection.execute(
            f"SELECT rowid, bm25(doc, {weights}) AS rank FROM doc "  # noqa: S608 - constants
            "WHERE doc MATCH ? ORDER BY rank LIMIT 20",
            (expression,),
        ).fetchall()
        return len(rows)

    engine = Contender("SQLite FTS5", run)
    _none, engine.first_build_s = timed(build)
    return engine


def _joined(document: Json, name: str) -> str:
    value = document.get(name)
    return "\n".join(value) if isinstance(value, list) else str(value or "")


# --------------------------------------------------------------------------- measuring


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(engines: list[Contender], mix: list[BenchQuery], count: int, seed: int) -> int:
    """Warm up, then time ``count`` queries per engine, round-robin; returns queries timed."""
    for engine in engines:
        for index, query in enumerate(mix):
            engine.hits[index] = engine.run(query)
    order = [index for _round in range(math.ceil(count / len(mix))) for index in range(len(mix))]
    random.Random(seed).shuffle(order)
    order = order[:count]
    gc.collect()
    deadline = time.monotonic() + MAX_TIMED_SECONDS
    done = 0
    for step, index in enumerate(order):
        if time.monotonic() > deadline:
            print(
                f"stopped after {done} queries: the {MAX_TIMED_SECONDS:.0f} s bound",
                file=sys.stderr,
            )
            break
        rotated = engines[step % len(engines) :] + engines[: step % len(engines)]
        for engine in rotated:
            started = time.perf_counter_ns()
            engine.run(mix[index])
            engine.times_ns.setdefault(index, []).append(time.perf_counter_ns() - started)
        done += 1
    return done


def all_ms(engine: Contender, indices: Sequence[int] | None = None) -> list[float]:
    """Every timed call of ``engine`` (of these mix indices), in ms."""
    chosen = (
        engine.times_ns if indices is None else {i: engine.times_ns.get(i, []) for i in indices}
    )
    return [ns / 1e6 for times in chosen.values() for ns in times]


def profile(engine: Contender, mix: list[BenchQuery], rounds: int = 1) -> pstats.Stats:
    """cProfile of ``rounds`` passes of the mix."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _round in range(rounds):
        for query in mix:
            engine.run(query)
    profiler.disable()
    return pstats.Stats(profiler, stream=io.StringIO())


def _where(key: tuple[str, int, str]) -> str:
    filename, _line, function = key
    if filename == "~":
        return function.strip("<>{}")
    parts = Path(filename).parts
    short = "/".join(parts[-2:]) if "catalogue" in parts or "whoosh" in parts else parts[-1]
    return f"{short} {function}"


def profile_summary(stats: pstats.Stats, top: int = 5) -> str:
    """Where the time went: the functions with the most own time, and the share of the
    project's search functions (cumulative)."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in table.values()) or 1.0
    own = sorted(table.items(), key=lambda item: -item[1][2])[:top]
    ours = sorted(
        (
            (key, entry)
            for key, entry in table.items()
            if "catalogue/search" in key[0] and not key[2].startswith("<")
        ),
        key=lambda item: -item[1][3],
    )[:top]
    own_text = "; ".join(f"{_where(k)} {e[2] / total:.0%}" for k, e in own)
    ours_text = "; ".join(f"{_where(k)} {e[3] / total:.0%}" for k, e in ours)
    return f"most own time: {own_text}. Cumulative, project code: {ours_text}."


# --------------------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 1) -> str:
    """A figure, or a dash."""
    return "–" if value is None else f"{value:,.{digits}f}"


def markdown(engines: list[Contender], mix: list[BenchQuery], context: Json) -> str:
    """The search block's body."""
    floor = next(e for e in engines if e.name == "SQLite FTS5")
    floor_p95 = percentile(all_ms(floor), 0.95) if floor.times_ns else None
    n = context["n"]
    lines = [
        "## Search: query latency in-process, and full reindex",
        "",
        f"Measured by `python bench/search.py{context['argv']}` on {n:,} synthetic components "
        f"(seed {context['seed']}; assembled from the real catalogue's descriptions and features "
        "and GEMMA's names and descriptions; mean "
        f"{context['mean_text']:,.0f} characters of searchable text per component, the real "
        f"catalogue's {context['real_mean_text']:,.0f}). Each engine answered one warm-up pass "
        f"of the {len(mix)}-query mix below, then {context['timed']} timed queries "
        "(the mix in a fixed shuffled order, round-robin across the engines), each timed with "
        "`time.perf_counter_ns` around one `backend.search(SearchQuery(...))`. "
        f"Machine: {context['cpus']} CPUs, load average {context['load_start']:.2f} at the start "
        f"and {context['load_end']:.2f} at the end; Python {context['python']}, "
        f"SQLite {sqlite3.sqlite_version}, {context['postgres_version']}; run took "
        f"{context['seconds']:.0f} s. Reindex: the documents are already in memory (reading "
        "them from the database is not included); Whoosh writes a new generation directory and "
        "swaps `current` beside a live index; PostgreSQL replaces every row in one transaction "
        "(then `VACUUM ANALYZE`, as autovacuum would, before the queries are timed). "
        "SQLite FTS5 is the floor: `MATCH`, `bm25` with the same field boosts, `LIMIT 20`, the "
        "filters as terms of a column of facet tokens (no stemming, no total, no facet counts, "
        "no snippets), where the backends return a "
        "whole results page (total, drill-sideways counts of ten facets, 20 highlighted "
        "snippets).",
        "",
    ]
    verdicts = []
    if n == TARGET_AT:
        for engine in engines:
            if engine is floor:
                continue
            if engine.unavailable:
                verdicts.append(f"{engine.name}: not measured ({engine.unavailable})")
                continue
            p95 = percentile(all_ms(engine), 0.95)
            ratio = p95 / floor_p95 if floor_p95 else None
            ok_abs = p95 <= TARGET_P95_MS
            ok_ratio = ratio is not None and ratio <= TARGET_RATIO
            verdicts.append(
                f"{engine.name}: p95 {p95:.1f} ms "
                f"{'meets' if ok_abs else '**misses**'} the {TARGET_P95_MS:.0f} ms target, "
                f"{fmt(ratio, 0)}x FTS5 {'meets' if ok_ratio else '**misses**'} the "
                f"{TARGET_RATIO:.0f}x target"
            )
        lines += [
            f"Targets at {TARGET_AT:,} (p95 at most {TARGET_P95_MS:.0f} ms in-process and "
            f"within {TARGET_RATIO:.0f}x of SQLite FTS5's p95): " + "; ".join(verdicts) + ".",
            "",
        ]
    else:
        lines += [f"The targets are stated for {TARGET_AT:,} components; this run has {n:,}.", ""]
    if context.get("note"):
        lines += [f"Cause: {context['note']}", ""]
    lines += [
        "| engine | p50 ms | p95 ms | max ms | p95 / FTS5 p95 | first build s | full reindex s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for engine in engines:
        if engine.unavailable:
            lines.append(f"| {engine.name} | not measured: {engine.unavailable} | | | | | |")
            continue
        times = all_ms(engine)
        p95 = percentile(times, 0.95)
        ratio = (
            "1x (floor)" if engine is floor else (f"{p95 / floor_p95:,.0f}x" if floor_p95 else "–")
        )
        reindex = fmt(engine.reindex_s, 2) if engine.reindex_s is not None else "–"
        lines.append(
            f"| {engine.name} | {percentile(times, 0.5):.2f} | {p95:.2f} | {max(times):.2f} | "
            f"{ratio} | {fmt(engine.first_build_s, 2)} | {reindex} |"
        )
    measured = [e for e in engines if not e.unavailable]
    kinds = list(dict.fromkeys(query.kind for query in mix))
    reference = next((e for e in measured if e is not floor), floor)
    lines += [
        "",
        f"Per kind of query, p50 / p95 ms (hits: the mean total {reference.name} reported):",
        "",
        "| kind | queries | " + " | ".join(e.name for e in measured) + " | hits |",
        "|---|---|" + "---:|" * len(measured) + "---:|",
    ]
    for kind in kinds:
        indices = [i for i, query in enumerate(mix) if query.kind == kind]
        cells = []
        for engine in measured:
            times = all_ms(engine, indices)
            cells.append(
                f"{percentile(times, 0.5):.1f} / {percentile(times, 0.95):.1f}" if times else "–"
            )
        hits = statistics.mean(reference.hits.get(i, 0) for i in indices)
        queries = ", ".join(mix[i].label() for i in indices)
        lines.append(f"| {kind} | {queries} | " + " | ".join(cells) + f" | {hits:,.0f} |")
    if context.get("profiles"):
        lines += [
            "",
            "Where the time goes (cProfile of one pass of the mix; shares of the "
            "profiled time, which the profiler inflates):",
            "",
        ]
        for name, summary in context["profiles"].items():
            lines.append(f"- {name}: {summary}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def shown_arguments(argv: Sequence[str]) -> str:
    """The command-line arguments as the report shows them (without --note's text)."""
    shown: list[str] = []
    skip = False
    for argument in argv:
        if skip:
            skip = False
            continue
        if argument == "--note":
            skip = True
            continue
        if not argument.startswith("--note="):
            shown.append(argument)
    return "".join(f" {argument}" for argument in shown)


def postgres_version(engine: Engine) -> str:
    """The server's short version string."""
    with engine.connect() as connection:
        version = str(connection.scalar(text("SHOW server_version")) or "?")
    return f"PostgreSQL {version.split()[0]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=None, help="components (default 10000)")
    parser.add_argument(
        "--queries", type=int, default=None, help="timed queries per engine (default 200)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1,000 components, 40 queries; prints only unless --write",
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="a PostgreSQL server URL; the bench creates its own database there",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--no-write", action="store_true", help="only print")
    parser.add_argument("--write", action="store_true", help="write even with --quick")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile every engine (otherwise only those that miss a target)",
    )
    parser.add_argument("--note", default="", help="a sentence on the cause of a missed target")
    args = parser.parse_args(argv)
    # SIGTERM ends the run through the finally blocks: temp dir and bench database go too.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    n = args.n or (1_000 if args.quick else 10_000)
    count = min(args.queries or (40 if args.quick else 200), MAX_QUERIES)
    write = (args.write or not args.quick) and not args.no_write
    load_start = os.getloadavg()[0]
    started = time.perf_counter()

    work = Path(tempfile.mkdtemp(prefix="cw-bench-search-"))
    try:
        print(f"seeding the real catalogue into {work} ...", flush=True)
        material = load_material(work)
        documents = synthetic_documents(material, n, args.seed)
        mix = query_mix(documents)
        print(f"{len(documents):,} documents; building the Whoosh index ...", flush=True)
        engines = [whoosh_engine(documents, work / "whoosh")]
        print(
            f"  first build {engines[0].first_build_s:.1f} s, reindex {engines[0].reindex_s:.1f} s",
            flush=True,
        )
        with contextlib.ExitStack() as stack:
            version = "PostgreSQL not measured"
            postgres = Contender("PostgreSQL", lambda _q: 0)
            if args.no_postgres:
                postgres.unavailable = "skipped with --no-postgres"
            else:
                try:
                    pg = stack.enter_context(postgres_database(args.postgres_url))
                    version = postgres_version(pg)
                    print("filling PostgreSQL ...", flush=True)
                    postgres = postgres_engine(documents, pg)
                    print(
                        f"  first build {postgres.first_build_s:.1f} s, "
                        f"reindex {postgres.reindex_s:.1f} s",
                        flush=True,
                    )
                except Exception as error:  # noqa: BLE001 - any failure: not measured, why
                    reason = str(error).strip().splitlines()[0][:200]
                    postgres.unavailable = f"PostgreSQL did not answer: {reason}"
                    print(postgres.unavailable, file=sys.stderr)
            engines.append(postgres)
            print("building SQLite FTS5 ...", flush=True)
            engines.append(fts5_engine(documents, work / "fts5.db"))
            measured = [e for e in engines if not e.unavailable]
            print(f"timing {count} queries per engine ...", flush=True)
            timed_count = measure(measured, mix, count, args.seed)
            for index, query in enumerate(mix):
                print(
                    f"  hits {query.label()}: "
                    + ", ".join(f"{engine.name} {engine.hits[index]}" for engine in measured)
                )

            floor_p95 = percentile(all_ms(engines[-1]), 0.95)
            profiles: dict[str, str] = {}
            for engine in measured[:-1]:
                p95 = percentile(all_ms(engine), 0.95)
                missed = p95 > TARGET_P95_MS or p95 / floor_p95 > TARGET_RATIO
                if args.profile or (missed and n == TARGET_AT):
                    stats = profile(engine, mix)
                    profiles[engine.name] = profile_summary(stats)
                    print(f"--- cProfile, {engine.name}: {profiles[engine.name]}")
                    stats.stream = sys.stdout  # type: ignore[attr-defined]
                    stats.sort_stats("cumulative").print_stats(25)
        context = {
            "n": n,
            "seed": args.seed,
            "argv": shown_arguments(argv if argv is not None else sys.argv[1:]),
            "timed": timed_count,
            "mean_text": statistics.mean(text_size(d) for d in documents),
            "real_mean_text": statistics.mean(text_size(d) for d in material.real),
            "cpus": os.cpu_count(),
            "load_start": load_start,
            "load_end": os.getloadavg()[0],
            "python": platform.python_version(),
            "postgres_version": version,
            "seconds": time.perf_counter() - started,
            "note": args.note,
            "profiles": profiles,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    body = markdown(engines, mix, context)
    print(body)
    print(
        json.dumps(
            {
                e.name: {
                    "p50_ms": percentile(all_ms(e), 0.5),
                    "p95_ms": percentile(all_ms(e), 0.95),
                }
                for e in engines
                if not e.unavailable
            }
        )
    )
    if write:
        write_block(BLOCK, body, args.output)
        print(f"wrote the {BLOCK} block of {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
