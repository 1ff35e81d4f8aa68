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

Per run: the wall time and the one-minute load average before it (reading and writing are
not timed apart: the Whoosh backend writes while the documents are read). The result is the
ratio Whoosh / PostgreSQL per round and its median; the machine is shared, so the ratio of
runs next to each other says more than any single time.

Then one more Whoosh reindex while another process of the same instance searches its index,
as a web worker would (the same few queries one after the other, 0.1 s apart): how many
searches were answered, how many failed, whether each query kept one total, and their
latencies. That run is not in the ratio (the searching process takes CPU from it).

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
# What the searching process asks, and the pause between two searches (seconds).
SEARCHES = ("zaak", "archief", "open zaak", "notificaties", "gemeente", "api", "formulieren")
SEARCH_PAUSE = 0.1


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
    """In the instance's own process (``_time`` below): one ``SearchService.rebuild()``."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from catalogue.search import get_service

    app = create_app()
    service = get_service(app)
    with app.app_context():
        started = time.perf_counter()
        cpu = time.process_time()
        count = service.rebuild(wait=600.0)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    if count is None:
        msg = "another writer kept the search index locked"
        raise SystemExit(msg)
    return {"documents": count, "seconds": seconds, "cpu_this_process": cpu}


def search_meanwhile(stop: Path) -> dict[str, Any]:
    """In the instance's own process (``_search`` below), as a web worker would: the same few
    searches one after the other (a pause between), until the file ``stop`` exists; each
    query's totals (the same documents before and after a rebuild: one total each), the
    latencies and the failures."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from catalogue.search import get_service
    from catalogue.search.interfaces import SearchQuery

    app = create_app()
    service = get_service(app)
    queries = [SearchQuery(q=q) for q in SEARCHES]
    totals: dict[str, set[int]] = {}
    latencies: list[float] = []
    failures: list[str] = []
    with app.app_context():
        number = 0
        while not stop.exists():
            query = queries[number % len(queries)]
            number += 1
            started = time.perf_counter()
            try:
                totals.setdefault(query.q, set()).add(service.backend.search(query).total)
            except Exception as error:  # noqa: BLE001 - every failure is reported
                failures.append(f"{type(error).__name__}: {error}")
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(SEARCH_PAUSE)
    ordered = sorted(latencies) or [0.0]
    return {
        "searches": len(latencies),
        "failures": failures,
        "totals": {q: sorted(found) for q, found in totals.items()},
        "p50_ms": ordered[len(ordered) // 2],
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max_ms": ordered[-1],
    }


def rebuild_while_searching(instance: Instance) -> dict[str, Any]:
    """One more reindex of ``instance`` while another process searches its index."""
    with tempfile.TemporaryDirectory(prefix="cw-reindex-search-") as work:
        stop, output = Path(work) / "stop", Path(work) / "searches.json"
        with output.open("w") as handle:
            searcher = subprocess.Popen(  # noqa: S603 - our own script
                [PY, __file__, "_search", str(stop)],
                env=instance.env(),
                cwd=ROOT,
                stdout=handle,
                stderr=subprocess.DEVNULL,
            )
            try:
                time.sleep(5)  # the searcher's app is up and its index open
                load = os.getloadavg()[0]
                timed = json.loads(run([PY, __file__, "_time"], instance.env(), 3600))
                time.sleep(2)  # a few searches on the new generation
            finally:
                stop.touch()
                searcher.wait(120)
        searches = json.loads(output.read_text())
    return {**timed, "load_before": load, "searches": searches}


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
            log(f"round {number + 1} {backend}: {timed['seconds']:.1f} s (load {load:.1f})")
        result["ratio"] = result["whoosh"]["seconds"] / result["postgres"]["seconds"]
        results.append(result)
    return results


def report(results: list[dict[str, Any]], size: int) -> str:
    lines = [
        f"full reindex of {size} components, reading from the database included (seconds)",
        f"{'round':>5} {'whoosh':>8} {'postgres':>9} {'ratio':>6} {'load':>10}",
    ]
    for result in results:
        whoosh, postgres = result["whoosh"], result["postgres"]
        lines.append(
            f"{result['round']:>5} {whoosh['seconds']:>8.1f} {postgres['seconds']:>9.1f} "
            f"{result['ratio']:>6.2f} {whoosh['load_before']:>4.1f}/{postgres['load_before']:<4.1f}"
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
        "document included (the Whoosh backend writes while the documents are read). "
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
        "| Round | Whoosh s | PostgreSQL s | Whoosh / PostgreSQL | load |",
        "|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        whoosh, postgres = result["whoosh"], result["postgres"]
        lines.append(
            f"| {result['round']} | {whoosh['seconds']:.1f} | {postgres['seconds']:.1f} "
            f"| {result['ratio']:.2f} | {whoosh['load_before']:.1f} / "
            f"{postgres['load_before']:.1f} |"
        )
    meanwhile = output.get("searching")
    if meanwhile:
        searches = meanwhile["searches"]
        steady = all(len(found) == 1 for found in searches["totals"].values())
        lines += [
            "",
            f"Searches meanwhile: one more Whoosh reindex ({meanwhile['seconds']:.1f} s, load "
            f"{meanwhile['load_before']:.1f}) while another process of the instance searched its "
            f"index ({len(SEARCHES)} queries in turn, {SEARCH_PAUSE:g} s apart): "
            f"{searches['searches']} searches answered, {len(searches['failures'])} failed, "
            f"{'every query kept one total' if steady else 'a query changed its total'}; "
            f"p50 {searches['p50_ms']:.0f} ms, p95 {searches['p95_ms']:.0f} ms, "
            f"max {searches['max_ms']:.0f} ms.",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["_time"]:
        print(json.dumps(time_rebuild()))
        return 0
    if arguments[:1] == ["_search"]:
        print(json.dumps(search_meanwhile(Path(arguments[1]))))
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
            log("whoosh: one more reindex while another process searches")
            searching = rebuild_while_searching(instances["whoosh"])
        finally:
            if not args.keep:
                _admin(pg_url, f'DROP DATABASE IF EXISTS "{instances["postgres"].database_name}"')
    output = {
        "size": args.size,
        "machine": {**started, "load_end": os.getloadavg()[0]},
        "rounds": results,
        "median_ratio": statistics.median(result["ratio"] for result in results),
        "searching": searching,
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
