"""Full reindex, Whoosh against PostgreSQL, in one run: issue 13's "no slower" target.

    python bench/reindex.py                     # 10,000 components, 3 rounds
    python bench/reindex.py --size 10000 --rounds 5 --instances /tmp/reindex-bench

Builds one SQLite catalogue (Whoosh search) and one PostgreSQL database ``bench_reindex_<size>``
(PostgreSQL search), each seeded with ``flask catalogue seed`` and grown to ``--size``
components with bench/_http_catalogue.py, as ``bash bench/http.sh growth`` builds them. Then,
round after round, each backend's full reindex is timed in a fresh process:
``SearchService.rebuild()``, the work of ``flask catalogue reindex`` (every component read
from the database into a search document, the new index written and swapped in). The order of
the two alternates from round to round, so neither always runs first on a busy machine.

Per run: the wall time, the part of it spent in ``backend.rebuild`` (writing; the rest is
reading the database), and the one-minute load average before it. The result is the ratio
Whoosh / PostgreSQL per round and its median; the machine is shared, so the ratio of runs
next to each other says more than any single time.

``--instances DIR`` keeps the catalogues there and reuses them on the next run (a catalogue
holding ``--size`` components already is not built again); without it they go in a temporary
directory. The PostgreSQL database is dropped at the end unless ``--keep`` is given. PG_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) names the server. JSON with
every run goes to stdout after the table (``--json`` for only the JSON). The table goes into
``docs/performance.md`` between ``<!-- reindex:start -->`` and ``<!-- reindex:end -->``
(``--no-write`` leaves the file alone).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = sys.executable
FLASK = str(Path(sys.executable).with_name("flask"))
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("whoosh", "postgres")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command: Sequence[str], env: dict[str, str], timeout: float) -> str:
    """Run a command to completion; its stdout, or exit with its output."""
    done = subprocess.run(  # noqa: S603 - our own tools with fixed arguments
        list(command), env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench/reindex.py: {' '.join(command[:4])} ... failed")
    return done.stdout


class Instance:
    """One catalogue: its database, its search backend and its index directory."""

    def __init__(self, backend: str, size: int, directory: Path, pg_url: str) -> None:
        self.backend = backend
        self.size = size
        self.directory = directory / backend
        self.secret = secrets.token_hex(16)
        if backend == "whoosh":
            self.database_url = f"sqlite:///{self.directory / 'catalogue.db'}"
        else:
            self.database_url = f"{pg_url.rsplit('/', 1)[0]}/bench_reindex_{size}"

    @property
    def database_name(self) -> str:
        return self.database_url.rsplit("/", 1)[-1]

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("CATALOGUE_")}
        env.update(
            CATALOGUE_ENV="production",
            CATALOGUE_SECRET_KEY=self.secret,
            CATALOGUE_DATABASE_URL=self.database_url,
            CATALOGUE_SEARCH_INDEX_DIR=str(self.directory / "search-index"),
            CATALOGUE_SEARCH_BACKEND=self.backend,
            CATALOGUE_AUTO_SEED="false",
        )
        return env


def _admin(pg_url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _components(database_url: str) -> int:
    """Components in the catalogue; 0 when it does not exist or is not migrated."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("select count(*) from component")).scalar_one())
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def build(instance: Instance, pg_url: str, material: Path) -> None:
    """Seed and grow the instance's catalogue unless it holds ``size`` components already."""
    instance.directory.mkdir(parents=True, exist_ok=True)
    if _components(instance.database_url) == instance.size:
        log(f"{instance.backend}: reusing the catalogue of {instance.size} components")
        return
    if instance.backend == "postgres":
        _admin(pg_url, f'DROP DATABASE IF EXISTS "{instance.database_name}"')
        _admin(pg_url, f'CREATE DATABASE "{instance.database_name}"')
    else:
        (instance.directory / "catalogue.db").unlink(missing_ok=True)
    env = instance.env()
    log(f"{instance.backend}: seeding")
    run([FLASK, "--app", "app", "catalogue", "seed"], env, 900)
    log(f"{instance.backend}: growing to {instance.size} components")
    output = run(
        [
            PY,
            str(BENCH / "_http_catalogue.py"),
            instance.database_url,
            "--total",
            str(instance.size),
            "--material-cache",
            str(material),
        ],
        env,
        7200,
    )
    log(f"{instance.backend}: {output.strip()}")


def time_rebuild() -> dict[str, Any]:
    """In the instance's own process (``_time`` below): one ``SearchService.rebuild()``,
    and the part of it spent in ``backend.rebuild``."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from catalogue.search import get_service

    app = create_app()
    service = get_service(app)
    backend: Any = service.backend
    original = backend.rebuild
    writing: list[float] = []

    def timed(documents: Any) -> int:
        started = time.perf_counter()
        try:
            return int(original(documents))
        finally:
            writing.append(time.perf_counter() - started)

    backend.rebuild = timed
    with app.app_context():
        started = time.perf_counter()
        cpu = time.process_time()
        count = service.rebuild(wait=600.0)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    if count is None:
        msg = "another writer kept the search index locked"
        raise SystemExit(msg)
    return {
        "documents": count,
        "seconds": seconds,
        "writing": sum(writing),
        "reading": seconds - sum(writing),
        "cpu_this_process": cpu,
    }


def measure(instances: dict[str, Instance], rounds: int) -> list[dict[str, Any]]:
    """``rounds`` rounds of one reindex per backend, the order alternating."""
    results = []
    for number in range(rounds):
        order = BACKENDS if number % 2 == 0 else BACKENDS[::-1]
        result: dict[str, Any] = {"round": number + 1, "order": list(order)}
        for backend in order:
            instance = instances[backend]
            load = os.getloadavg()[0]
            timed = json.loads(run([PY, __file__, "_time"], instance.env(), 3600))
            timed["load_before"] = load
            result[backend] = timed
            log(
                f"round {number + 1} {backend}: {timed['seconds']:.1f} s "
                f"(writing {timed['writing']:.1f} s, load {load:.1f})"
            )
        result["ratio"] = result["whoosh"]["seconds"] / result["postgres"]["seconds"]
        results.append(result)
    return results


def report(results: list[dict[str, Any]], size: int) -> str:
    lines = [
        f"full reindex of {size} components, reading from the database included (seconds)",
        f"{'round':>5} {'whoosh':>8} {'(write)':>8} {'postgres':>9} {'(write)':>8} "
        f"{'ratio':>6} {'load':>10}",
    ]
    for result in results:
        whoosh, postgres = result["whoosh"], result["postgres"]
        lines.append(
            f"{result['round']:>5} {whoosh['seconds']:>8.1f} {whoosh['writing']:>8.1f} "
            f"{postgres['seconds']:>9.1f} {postgres['writing']:>8.1f} {result['ratio']:>6.2f} "
            f"{whoosh['load_before']:>4.1f}/{postgres['load_before']:<4.1f}"
        )
    median = statistics.median(result["ratio"] for result in results)
    lines.append(f"median ratio whoosh/postgres: {median:.2f}")
    return "\n".join(lines)


def markdown(output: dict[str, Any]) -> str:
    """The ``reindex`` block of docs/performance.md."""
    results = output["rounds"]
    machine = output["machine"]
    median = output["median_ratio"]
    met = "met" if median <= 1 else "**not met**"
    lines = [
        "## Full reindex: Whoosh against PostgreSQL in one run",
        "",
        f"Measured by `python bench/reindex.py --rounds {len(results)}`: one SQLite catalogue "
        "(Whoosh search) and one PostgreSQL database (PostgreSQL search), each seeded and grown "
        f"to {output['size']:,} components as `bash bench/http.sh growth` grows them. Each round "
        "times both backends' full reindex, each in a fresh process: `SearchService.rebuild()` as "
        "`catalogue reindex` runs it, reading every component from the database into a search "
        "document included (write: the part spent in `backend.rebuild`; the rest is reading). "
        "The order alternates from round to round. 2 CPUs shared with other work: load average "
        f"{machine['load']:.1f} at the start and {machine['load_end']:.1f} at the end "
        "(the load column: before the Whoosh run / before the PostgreSQL run); "
        f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d')}. "
        "The load was above the number of CPUs: compare the two backends within a round, "
        "not the seconds with other sections.",
        "",
        f"Target (issue 13): a full Whoosh reindex of {output['size']:,} components no slower "
        f"than PostgreSQL's in the same run: median ratio {median:.2f}, {met}.",
        "",
        "| Round | Whoosh s | Whoosh write s | PostgreSQL s | PostgreSQL write s | Whoosh / PostgreSQL "
        "| load |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        whoosh, postgres = result["whoosh"], result["postgres"]
        lines.append(
            f"| {result['round']} | {whoosh['seconds']:.1f} | {whoosh['writing']:.1f} "
            f"| {postgres['seconds']:.1f} | {postgres['writing']:.1f} | {result['ratio']:.2f} "
            f"| {whoosh['load_before']:.1f} / {postgres['load_before']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["_time"]:
        print(json.dumps(time_rebuild()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="components (default 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--instances", type=Path, default=None, help="keep catalogues here")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--no-write", action="store_true", help="leave docs/performance.md")
    args = parser.parse_args(arguments)
    if not 1 <= args.size <= 100_000 or not 1 <= args.rounds <= 20:
        parser.error("--size is 1 to 100000, --rounds 1 to 20")
    pg_url = os.environ.get("PG_URL", DEFAULT_PG_URL)
    with tempfile.TemporaryDirectory(prefix="cw-reindex-bench-") as temporary:
        directory = args.instances or Path(temporary)
        directory.mkdir(parents=True, exist_ok=True)
        instances = {name: Instance(name, args.size, directory, pg_url) for name in BACKENDS}
        try:
            for instance in instances.values():
                build(instance, pg_url, directory / "material.pickle")
            started = {"load": os.getloadavg()[0], "cpus": os.cpu_count()}
            results = measure(instances, args.rounds)
        finally:
            if not args.keep:
                _admin(pg_url, f'DROP DATABASE IF EXISTS "{instances["postgres"].database_name}"')
    output = {
        "size": args.size,
        "machine": {**started, "load_end": os.getloadavg()[0]},
        "rounds": results,
        "median_ratio": statistics.median(result["ratio"] for result in results),
    }
    if not args.json:
        print(report(results, args.size))
    print(json.dumps(output))
    if not args.no_write:
        sys.path.insert(0, str(BENCH))
        from _report import write_block

        write_block("reindex", markdown(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
