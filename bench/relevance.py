"""Relevance of the component search: nDCG@5 and the zero-result rate of a judged query set.

Run ``python bench/relevance.py``: the real catalogue is seeded into a throw-away SQLite file,
its documents are indexed by both backends (Whoosh in a temporary directory; PostgreSQL in a
database ``cw_relevance_<pid>`` on ``--postgres-url``, dropped at the end), and every query of
``tests/catalogue/search/relevance/judgements.yaml`` is searched as the site searches it (the backend's
search with the fallbacks of catalogue/search/recovery.py, page 1, 20 per page, Dutch). The
figures go to stdout and, as Markdown, into ``docs/performance.md`` between
``<!-- relevance:start -->`` and ``<!-- relevance:end -->``; tests/catalogue/search/test_query_relevance_set.py
fails when a backend's figures there get worse.

The measures
    nDCG@5: the discounted cumulative gain of the first five results, gain ``2**grade - 1``
    and discount ``log2(rank + 1)``, divided by that of the ideal order of the judged
    components (Järvelin and Kekäläinen, 2002); a query's nDCG is 0 when nothing relevant is
    in its first five. The set's figure is the mean over its queries.
    Zero-result rate: the share of queries that find nothing at all (after the fallbacks).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalogue.search.interfaces import SearchQuery, SearchResults  # noqa: E402
from catalogue.search.recovery import search_with_recovery  # noqa: E402

BLOCK = "relevance"
JUDGEMENTS = ROOT / "tests" / "catalogue" / "search" / "relevance" / "judgements.yaml"
PERFORMANCE = ROOT / "docs" / "performance.md"
DEFAULT_POSTGRES_URL = os.environ.get(
    "CATALOGUE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CUTOFF = 5
# The figures in docs/performance.md, for the test to read back.
FIGURES = "<!-- relevance-figures: {} -->"


@dataclass(frozen=True)
class Judged:
    """One judged query: its text and the grade of each relevant component (by slug)."""

    q: str
    relevant: Mapping[str, int]


@dataclass(frozen=True)
class Outcome:
    """What one query found: the slugs of its first page and its total."""

    q: str
    slugs: tuple[str, ...]
    total: int
    ndcg: float


def load_judgements(path: Path = JUDGEMENTS) -> list[Judged]:
    """The judged queries of ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Judged(q=str(item["q"]), relevant={str(k): int(v) for k, v in item["relevant"].items()})
        for item in data["queries"]
    ]


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (rank 1 first).

    >>> round(dcg([2, 0, 1]), 4)
    3.5
    """
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at(slugs: Sequence[str], relevant: Mapping[str, int], cutoff: int = CUTOFF) -> float:
    """nDCG of the first ``cutoff`` results against the judged grades.

    >>> ndcg_at(["a", "b"], {"a": 2, "b": 1})
    1.0
    >>> ndcg_at(["x"], {"a": 2})
    0.0
    """
    ideal = dcg(sorted(relevant.values(), reverse=True)[:cutoff])
    if not ideal:
        return 0.0
    return dcg([relevant.get(slug, 0) for slug in slugs[:cutoff]]) / ideal


def evaluate(
    search: Callable[[SearchQuery], SearchResults], judged: Sequence[Judged]
) -> list[Outcome]:
    """Search every judged query as the site does (with recovery.py's fallbacks)."""
    outcomes = []
    for item in judged:
        results = search_with_recovery(search, SearchQuery(q=item.q, per_page=20))
        slugs = tuple(hit.slug for hit in results.hits)
        outcomes.append(Outcome(item.q, slugs, results.total, ndcg_at(slugs, item.relevant)))
    return outcomes


def summary(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """The set's mean nDCG@5 and its zero-result rate."""
    count = len(outcomes)
    return {
        "ndcg5": sum(o.ndcg for o in outcomes) / count,
        "zero_rate": sum(1 for o in outcomes if not o.total) / count,
    }


def documented(path: Path = PERFORMANCE) -> dict[str, dict[str, float]]:
    """The figures the last run wrote into docs/performance.md, per backend."""
    text = path.read_text(encoding="utf-8")
    start = text.index(FIGURES.split("{}")[0]) + len(FIGURES.split("{}")[0])
    end = text.index(" -->", start)
    figures: dict[str, dict[str, float]] = json.loads(text[start:end])
    return figures


# --------------------------------------------------------------------------- the backends


def seeded_documents(work: Path) -> list[dict[str, Any]]:
    """The search documents of the real catalogue, seeded into a throw-away SQLite file."""
    from catalogue.db import Database
    from catalogue.migrate import upgrade
    from catalogue.search.sync import load_documents
    from catalogue.services.seeding import seed

    database = Database(f"sqlite:///{work / 'catalogue.db'}")
    try:
        upgrade(database.engine)
        with database.session() as session:
            seed(session, ROOT / "data")
        with database.session() as session:
            return load_documents(session)
    finally:
        database.dispose()


@contextlib.contextmanager
def postgres_backend(server_url: str, documents: list[dict[str, Any]]) -> Iterator[Any]:
    """The PostgreSQL backend on a fresh database ``cw_relevance_<pid>``, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from catalogue.migrate import upgrade
    from catalogue.search.postgres_backend import PostgresBackend

    name = f"cw_relevance_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(make_url(server_url).set(database=name))
        try:
            upgrade(engine)
            backend = PostgresBackend(engine)
            backend.rebuild(documents)
            yield backend
        finally:
            engine.dispose()
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def markdown(
    judged: Sequence[Judged], runs: Mapping[str, list[Outcome]], context: dict[str, Any]
) -> str:
    """The report block."""
    figures = {name: summary(outcomes) for name, outcomes in runs.items()}
    names = list(runs)
    lines = [
        "## Search relevance: a judged set of real queries",
        "",
        f"Measured by `python bench/relevance.py` on the seeded catalogue ({context['documents']} "
        f"components) with the {len(judged)} judged queries of "
        "`tests/catalogue/search/relevance/judgements.yaml` (GEMMA reference-component names, common "
        "words of municipal work, Dutch compounds and their parts, stop words, typos; each with "
        "the components it should find, graded 2 or 1). Each query is searched as the site "
        "searches it: every word, then any word, then the spelling correction "
        "(catalogue/search/recovery.py). nDCG@5: gain 2^grade - 1, discount log2(rank + 1), "
        "divided by the ideal order's; zero-result rate: the share of queries that find "
        f"nothing. Python {context['python']}, {context['postgres']}. "
        "tests/catalogue/search/test_query_relevance_set.py fails when either figure of either backend gets "
        "worse than below.",
        "",
        "| backend | nDCG@5 | zero-result rate | queries with nDCG@5 < 0.5 |",
        "|---|---:|---:|---:|",
    ]
    for name in names:
        weak = sum(1 for o in runs[name] if o.ndcg < 0.5)
        lines.append(
            f"| {name} | {figures[name]['ndcg5']:.3f} | {figures[name]['zero_rate']:.1%} | {weak} |"
        )
    lines += [
        "",
        "Per query: nDCG@5 and the first five results (✓ judged relevant).",
        "",
        "| query | "
        + " | ".join(f"{n} nDCG@5" for n in names)
        + " | "
        + " | ".join(f"{n} first five" for n in names)
        + " |",
        "|---|" + "---:|" * len(names) + "---|" * len(names),
    ]
    for index, item in enumerate(judged):
        cells = [f"{runs[n][index].ndcg:.2f}" for n in names]
        tops = [
            ", ".join(
                f"{slug}{' ✓' if slug in item.relevant else ''}"
                for slug in runs[n][index].slugs[:CUTOFF]
            )
            or "(nothing)"
            for n in names
        ]
        lines.append(f"| `{item.q}` | " + " | ".join(cells + tops) + " |")
    rounded = {
        name: {key: round(value, 3) for key, value in values.items()}
        for name, values in figures.items()
    }
    lines += ["", FIGURES.format(json.dumps(rounded, sort_keys=True))]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", type=Path, default=PERFORMANCE)
    parser.add_argument("--no-write", action="store_true", help="only print")
    args = parser.parse_args(argv)

    from _report import write_block  # bench/ is on sys.path when run as a script

    from catalogue.search.whoosh_backend import WhooshBackend

    judged = load_judgements()
    work = Path(tempfile.mkdtemp(prefix="cw-bench-relevance-"))
    try:
        documents = seeded_documents(work)
        whoosh = WhooshBackend(work / "whoosh")
        whoosh.rebuild(documents)
        runs = {"Whoosh": evaluate(whoosh.search, judged)}
        whoosh.close()
        with postgres_backend(args.postgres_url, documents) as postgres:
            with postgres.engine.connect() as connection:
                version = connection.exec_driver_sql("SHOW server_version").scalar()
            runs["PostgreSQL"] = evaluate(postgres.search, judged)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    context = {
        "documents": len(documents),
        "python": platform.python_version(),
        "postgres": f"PostgreSQL {str(version).split()[0]}",
    }
    body = markdown(judged, runs, context)
    print(body)
    if not args.no_write:
        write_block(BLOCK, body, args.output)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
