"""bench/http.sh's runs: throw-away instances, gunicorn, wrk over rotating URLs, the report.

    python bench/_http_run.py rotate   # the headline: rotating URLs against the targets
    python bench/_http_run.py growth   # the growth curve: sizes x backends
    python bench/_http_run.py all      # both, sharing the instances they have in common

Run it through ``bash bench/http.sh [MODE]``, which documents the settings (environment
variables). Every instance lives under a temp dir (SQLite file, Whoosh index, URL lists), or in
its own PostgreSQL database ``bench_growth_<size>`` that is dropped at the end. gunicorn and
wrk only ever listen on and target 127.0.0.1; each step is bounded in time; servers are stopped
on exit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from _report import (  # noqa: E402
    GROWTH_BLOCK,
    HTTP_BLOCK,
    growth_markdown,
    parse_wrk,
    rotate_markdown,
    write_block,
)

PY = sys.executable
BIN = Path(PY).parent
ROTATE = BENCH / "rotate.lua"
HOST = "127.0.0.1"
SEED = "seed"


def env_int(name: str, default: int, low: int = 1, high: int = 100_000) -> int:
    """An integer setting from the environment, refused outside ``low``..``high``."""
    raw = os.environ.get(name, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SystemExit(
            f"bench/http.sh: {name} is a whole number from {low} to {high}, not {raw!r}"
        )
    return int(raw)


def seconds_of(name: str, default: str) -> int:
    """Seconds of a wrk duration setting (10, 10s, 2m), 1 s to 5 min."""
    raw = os.environ.get(name, default)
    match = re.fullmatch(r"(\d+)([sm]?)", raw)
    if not match:
        raise SystemExit(f"bench/http.sh: {name}={raw!r} is not a duration like 10s or 2m")
    number = int(match.group(1)) * (60 if match.group(2) == "m" else 1)
    if not 1 <= number <= 300:
        raise SystemExit(f"bench/http.sh: {name} lasts 1 s to 5 min, not {raw}")
    return number


@dataclass
class Settings:
    """What bench/http.sh was asked to do."""

    duration: int = field(default_factory=lambda: seconds_of("DURATION", "10s"))
    warmup: int = field(default_factory=lambda: seconds_of("WARMUP", "2s"))
    latency_duration: int = field(default_factory=lambda: seconds_of("LATENCY_DURATION", "10s"))
    connections: int = field(default_factory=lambda: env_int("CONNECTIONS", 8, high=256))
    threads: int = field(default_factory=lambda: env_int("THREADS", 2, high=256))
    workers: int = field(default_factory=lambda: env_int("WORKERS", 2, high=64))
    components: int = field(default_factory=lambda: env_int("COMPONENTS", 10_000))
    search_urls: int = field(default_factory=lambda: env_int("SEARCH_URLS", 3_000, 2_000))
    search_queries: int = field(default_factory=lambda: env_int("SEARCH_QUERIES", 300, 20))
    sizes: list[int] = field(
        default_factory=lambda: sorted(
            {int(s) for s in os.environ.get("SIZES", "1000 10000 100000").split()}
        )
    )
    backends: list[str] = field(
        default_factory=lambda: os.environ.get("BACKENDS", "whoosh postgres").split()
    )
    pg_url: str = os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    pg_prefix: str = os.environ.get("PG_PREFIX", "bench_growth_")
    keep: str = os.environ.get("BENCH_INSTANCES", "")
    write: bool = os.environ.get("NO_WRITE", "") != "1"

    def check(self) -> None:
        """Refuse settings the run cannot honour."""
        self.threads = min(self.threads, self.connections)
        for size in self.sizes:
            if not 1 <= size <= 100_000:
                raise SystemExit("bench/http.sh: SIZES are totals of 1 to 100000 components")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", self.pg_prefix):
            raise SystemExit("bench/http.sh: PG_PREFIX is lower-case letters, digits and _")
        unknown = set(self.backends) - {"whoosh", "postgres"}
        if unknown or not self.backends:
            raise SystemExit("bench/http.sh: BACKENDS is whoosh, postgres or both")

    def meta(self) -> dict[str, Any]:
        """The settings as the report states them."""
        return {
            "duration": self.duration,
            "warmup": self.warmup,
            "latency_duration": self.latency_duration,
            "connections": self.connections,
            "threads": self.threads,
            "workers": self.workers,
            "search_urls": self.search_urls,
            "search_queries": self.search_queries,
        }


def log(message: str) -> None:
    """Progress on stderr, with the time."""
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run(command: Sequence[str], env: dict[str, str], timeout: float) -> str:
    """Run a command to completion; its stdout, or exit with its stderr."""
    done = subprocess.run(  # noqa: S603 - our own tools with fixed arguments
        list(command),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench/http.sh: {' '.join(command[:4])} ... failed")
    return done.stdout


# --------------------------------------------------------------------------- instances


def fingerprint() -> str:
    """What a kept instance was built from: the scripts that build it and the migrations."""
    digest = hashlib.sha256()
    for path in [BENCH / "_http_catalogue.py", BENCH / "search.py", BENCH / "_urls.py"]:
        digest.update(path.read_bytes())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode())
    for path in sorted((ROOT / "data").rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(ROOT)}:{path.stat().st_size}".encode())
    return digest.hexdigest()[:16]


@dataclass
class Instance:
    """One catalogue: its database, search backend, index folder and URL lists."""

    backend: str  # "whoosh" (SQLite) or "postgres" (PostgreSQL)
    size: int | str  # components in all, or "seed"
    directory: Path
    database_url: str
    secret: str
    components: int = 0
    seeded: int = 0
    reindex: dict[str, Any] | None = None  # the build's own full reindex, timed

    @property
    def label(self) -> str:
        return f"{self.backend}-{self.size}"

    def env(self, **extra: str) -> dict[str, str]:
        """The process environment of this instance (settings from the environment win)."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("CATALOGUE_")}
        env.update(
            CATALOGUE_ENV="production",
            CATALOGUE_SECRET_KEY=self.secret,
            CATALOGUE_DATABASE_URL=self.database_url,
            CATALOGUE_SEARCH_INDEX_DIR=str(self.directory / "search-index"),
            CATALOGUE_SEARCH_BACKEND=self.backend,
            CATALOGUE_AUTO_SEED="false",
        )
        env.update(extra)
        return env

    @property
    def search_file(self) -> Path:
        return self.directory / "urls" / "search.txt"

    @property
    def components_file(self) -> Path:
        return self.directory / "urls" / "components.txt"

    @property
    def warmup_file(self) -> Path:
        return self.directory / "urls" / "warmup.txt"


class Instances:
    """Builds instances, each from the next smaller one of its backend, and drops them."""

    def __init__(self, settings: Settings, work: Path) -> None:
        self.settings = settings
        self.root = Path(settings.keep) if settings.keep else work / "instances"
        self.root.mkdir(parents=True, exist_ok=True)
        self.secret = "k" + secrets.token_hex(32)
        self.built: dict[tuple[str, int | str], Instance] = {}
        self.databases: list[str] = []
        self.stamp = fingerprint()

    def _pg(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.settings.pg_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def _database_url(self, backend: str, size: int | str, directory: Path) -> str:
        if backend == "whoosh":
            return f"sqlite:///{directory / 'catalogue.db'}"
        base = self.settings.pg_url.rsplit("/", 1)[0]
        return f"{base}/{self.settings.pg_prefix}{size}"

    def get(self, backend: str, size: int | str) -> Instance:
        """The instance, built when this run or a kept one does not have it yet."""
        key = (backend, size)
        if key in self.built:
            return self.built[key]
        directory = self.root / f"{backend}-{size}"
        instance = Instance(
            backend, size, directory, self._database_url(backend, size, directory), self.secret
        )
        marker = directory / "ready.json"
        if marker.exists():
            kept = json.loads(marker.read_text(encoding="utf-8"))
            if kept.get("stamp") == self.stamp:
                instance.components, instance.seeded = kept["components"], kept["seeded"]
                log(f"{instance.label}: kept instance reused ({instance.components} components)")
                self.built[key] = instance
                return instance
        self._build(instance)
        self.built[key] = instance
        return instance

    def _source(self, backend: str, size: int | str) -> Instance | None:
        """The largest instance of ``backend`` smaller than ``size`` built so far, or the seed."""
        if size == SEED:
            return None
        smaller = [
            i
            for (b, s), i in self.built.items()
            if b == backend and (s == SEED or (isinstance(s, int) and s <= int(size)))
        ]
        smaller.sort(key=lambda i: -1 if i.size == SEED else int(i.size))
        return smaller[-1] if smaller else self.get(backend, SEED)

    def _build(self, instance: Instance) -> None:
        started = time.perf_counter()
        if instance.directory.exists():
            shutil.rmtree(instance.directory)
        (instance.directory / "urls").mkdir(parents=True)
        source = self._source(instance.backend, instance.size)
        env = instance.env()
        name = instance.database_url.rsplit("/", 1)[-1]
        if instance.backend == "postgres":
            self._pg(f'DROP DATABASE IF EXISTS "{name}"')
            if source is None:
                self._pg(f'CREATE DATABASE "{name}"')
            else:
                template = source.database_url.rsplit("/", 1)[-1]
                self._pg(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            self.databases.append(name)
        elif source is not None:
            shutil.copyfile(source.directory / "catalogue.db", instance.directory / "catalogue.db")
        if source is None:
            log(f"{instance.label}: seeding")
            run([str(BIN / "flask"), "--app", "app", "catalogue", "seed"], env, 900)
        instance.seeded = count_components(instance) if source is None else source.seeded
        if instance.size != SEED:
            log(f"{instance.label}: growing to {instance.size} components")
            output = run(
                [
                    PY,
                    str(BENCH / "_http_catalogue.py"),
                    instance.database_url,
                    "--total",
                    str(instance.size),
                    "--material-cache",
                    str(self.root / "material.pickle"),
                ],
                env,
                7200,
            )
            log(f"{instance.label}: {output.strip()}")
        log(f"{instance.label}: building the search index")
        instance.reindex = json.loads(run([PY, str(BENCH / "_inprocess.py"), "reindex"], env, 7200))
        instance.components = count_components(instance)
        # A thousand more search URLs than measured: the warm-up's, never measured.
        run(
            [
                PY,
                str(BENCH / "_urls.py"),
                instance.database_url,
                str(instance.directory / "urls"),
                "--search",
                str(self.settings.search_urls + 1000),
            ],
            env,
            900,
        )
        urls = instance.search_file.read_text(encoding="utf-8").splitlines()
        instance.search_file.write_text("\n".join(urls[:-1000]) + "\n", encoding="utf-8")
        pages = instance.components_file.read_text(encoding="utf-8").splitlines()
        # The warm-up asks for search URLs that are not measured, and for the last component
        # pages of the list backwards, where the rotation comes last.
        warmup = urls[-1000:] + pages[::-1][: max(1, len(pages) // 20)]
        instance.warmup_file.write_text("\n".join(warmup) + "\n", encoding="utf-8")
        seconds = time.perf_counter() - started
        log(f"{instance.label}: {instance.components} components, built in {seconds:.0f} s")
        (instance.directory / "ready.json").write_text(
            json.dumps(
                {"stamp": self.stamp, "components": instance.components, "seeded": instance.seeded}
            ),
            encoding="utf-8",
        )

    def drop(self) -> None:
        """Drop the PostgreSQL databases this run created (unless instances are kept)."""
        if self.settings.keep:
            return
        for name in self.databases:
            with suppress(Exception):
                self._pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count_components(instance: Instance) -> int:
    """How many components the instance's database holds."""
    from sqlalchemy import create_engine, text

    engine = create_engine(instance.database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("select count(*) from component")).scalar_one())
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- gunicorn and wrk


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn with the run's workers serving one WSGI app on a free port of 127.0.0.1."""

    def __init__(self, app: str, env: dict[str, str], workers: int, logfile: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.logfile = logfile
        self.process = subprocess.Popen(  # noqa: S603 - our gunicorn, fixed arguments
            [
                str(BIN / "gunicorn"),
                "-w",
                str(workers),
                "-b",
                f"{HOST}:{self.port}",
                "--chdir",
                str(ROOT),
                "--log-level",
                "warning",
                "--error-logfile",
                str(logfile),
                app,
            ],
            env=env,
            cwd=ROOT,
        )

    def wait(self, path: str) -> None:
        """Until ``path`` answers 200 (180 s at most: a loaded machine starts slowly)."""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with suppress(OSError):
                with urllib.request.urlopen(self.base + path, timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            time.sleep(0.2)
        sys.stderr.write(self.logfile.read_text(encoding="utf-8", errors="replace"))
        raise SystemExit(f"bench/http.sh: gunicorn did not answer on {self.base}{path}")

    def get(self, path: str) -> tuple[int, str]:
        """Status and body of one request."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=60) as answer:  # noqa: S310
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""

    def workers(self) -> list[int]:
        """The pids of gunicorn's workers (children of the master)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with suppress(OSError):
                    stat = (entry / "stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        found.append(int(entry.name))
        return sorted(found)

    def cpu_seconds(self) -> float:
        """The CPU time (user and system) the workers have spent so far, in seconds: the
        difference over a run divided by its requests is what one request costs the app,
        whatever else the machine is doing (wrk's own share, or another process's, is not in
        it, as it is in requests/s)."""
        ticks = 0
        for pid in self.workers():
            with suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                # utime and stime: fields 14 and 15 of proc(5), the 12th and 13th after ")".
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> list[float]:
        """Resident memory of each worker (VmRSS), MB."""
        sizes = []
        for pid in self.workers():
            with suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@contextmanager
def serving(
    app: str, env: dict[str, str], settings: Settings, logfile: Path, ready: str = "/health"
) -> Iterator[Server]:
    server = Server(app, env, settings.workers, logfile)
    try:
        server.wait(ready)
        yield server
    finally:
        server.stop()


class Wrk:
    """wrk with bench/rotate.lua; every print-out kept in the run's folder."""

    def __init__(self, settings: Settings, work: Path) -> None:
        self.settings = settings
        self.work = work
        self.single = work / "single"
        self.single.mkdir(exist_ok=True)

    def url_file(self, path: str) -> Path:
        """A one-line URL file: a single URL goes through the same script as a rotation."""
        name = hashlib.sha256(path.encode()).hexdigest()[:12]
        target = self.single / f"{name}.txt"
        target.write_text(path + "\n", encoding="utf-8")
        return target

    def __call__(
        self,
        name: str,
        server: Server,
        urls: Path | str,
        *,
        warmup: Path | str | None,
        connections: int | None = None,
        threads: int | None = None,
        duration: int | None = None,
    ) -> dict[str, Any]:
        settings = self.settings
        connections = connections or settings.connections
        threads = min(threads or settings.threads, connections)
        duration = duration or settings.duration
        files = [self.url_file(u) if isinstance(u, str) else u for u in (urls, warmup) if u]
        if warmup is not None:
            self._wrk(server, files[1], connections, threads, settings.warmup)
        spent = server.cpu_seconds()
        output = self._wrk(server, files[0], connections, threads, duration)
        spent = server.cpu_seconds() - spent
        (self.work / f"{name}.wrk").write_text(output, encoding="utf-8")
        result = parse_wrk(output)
        # Workers' CPU per answer, ms (the answers wrk counted; a few more may have been served).
        result["cpu_ms"] = spent * 1000 / max(1, result.get("requests", 0))
        result["distinct"] = len(files[0].read_text(encoding="utf-8").splitlines())
        result["path"] = urls if isinstance(urls, str) else files[0].name
        if result["non_2xx"] or result["socket_errors"]:
            log(
                f"{name}: {result['non_2xx']} non-2xx answers, {result['socket_errors']} socket errors"
            )
        p95 = result["rotate"].get("p95", float("nan"))
        log(
            f"{name}: {result['rps']:.0f} requests/s, p95 {p95:.1f} ms, "
            f"workers' CPU {result['cpu_ms']:.2f} ms a request"
        )
        return result

    def _wrk(self, server: Server, urls: Path, connections: int, threads: int, seconds: int) -> str:
        return run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(ROTATE),
                server.base,
                "--",
                str(urls),
                str(threads),
            ],
            dict(os.environ),
            seconds + 60,
        )


def wrk_version() -> str:
    """ "wrk 4.1.0", or "wrk" when it does not say."""
    said = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
    found = re.search(r"\d+\.\d+\.\d+", said.stdout + said.stderr)
    return f"wrk {found.group(0)}" if found else "wrk"


def machine() -> dict[str, Any]:
    """What the run ran on, and when."""
    return {
        "cpus": os.cpu_count(),
        "load": os.getloadavg()[0],
        "python": platform.python_version(),
        "gunicorn": version("gunicorn"),
        "wrk": wrk_version(),
        "date": dt.date.today().isoformat(),
    }


# --------------------------------------------------------------------------- the two modes


def ceiling(settings: Settings, work: Path, wrk: Wrk) -> dict[str, Any]:
    """The trivial Flask app with the same gunicorn settings."""
    log("trivial Flask app (bench/trivial_wsgi.py)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    with serving("bench.trivial_wsgi:app", env, settings, work / "trivial.log", "/") as server:
        return wrk("trivial", server, "/", warmup="/")


def check_pages(server: Server, instance: Instance) -> None:
    """The first URLs of each list answer 200 before anything is measured."""
    for urls in (instance.search_file, instance.components_file):
        for path in urls.read_text(encoding="utf-8").splitlines()[:3]:
            status, body = server.get(path)
            if status != 200 or "<html" not in body:
                raise SystemExit(f"bench/http.sh: {path} answered {status}")


def throughput(
    settings: Settings, work: Path, wrk: Wrk, instance: Instance, *, cached_rows: bool
) -> dict[str, Any]:
    """Rotating search and component pages with the page cache on, /health before and after."""
    log(f"{instance.label}: rotating pages, page cache on")
    runs: dict[str, Any] = {}
    tag = instance.label
    with serving(
        "bench.wsgi_bench:app", instance.env(), settings, work / f"{tag}-cache.log"
    ) as server:
        check_pages(server, instance)
        runs["health-before"] = wrk(f"{tag}-health-before", server, "/health", warmup="/health")
        runs["search"] = wrk(
            f"{tag}-search", server, instance.search_file, warmup=instance.warmup_file
        )
        runs["component"] = wrk(
            f"{tag}-component", server, instance.components_file, warmup=instance.warmup_file
        )
        if cached_rows:
            first = instance.search_file.read_text(encoding="utf-8").splitlines()[0]
            page = instance.components_file.read_text(encoding="utf-8").splitlines()[0]
            runs["search-single"] = wrk(f"{tag}-search-single", server, first, warmup=first)
            runs["component-single"] = wrk(f"{tag}-component-single", server, page, warmup=page)
        runs["health-after"] = wrk(f"{tag}-health-after", server, "/health", warmup=None)
    return runs


def one_client(
    server: Server, urls: Path | str, seconds: float, *, once: bool = False
) -> dict[str, Any]:
    """One client asking for the paths of ``urls`` (a file, or one path) in order, one request
    at a time on one keep-alive connection, for ``seconds`` (with ``once``: at most once each);
    each request timed on its own (``time.perf_counter`` around send and full read). Shaped like
    a wrk result.

    wrk with one connection reported mean latencies whose sum exceeded the run's length (318
    requests of 161 ms mean in 10 s), so the one-client rows are timed here instead.
    """
    paths = (
        [urls]
        if isinstance(urls, str)
        else [line for line in urls.read_text(encoding="utf-8").splitlines() if line]
    )
    host, port = server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    times: list[float] = []
    non_2xx = 0
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < seconds and not (once and len(times) == len(paths)):
            path = paths[len(times) % len(paths)]
            begun = time.perf_counter()
            connection.request("GET", path)
            answer = connection.getresponse()
            answer.read()
            times.append((time.perf_counter() - begun) * 1000)
            non_2xx += not 200 <= answer.status < 400
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    ordered = sorted(times)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    rotate = {f"p{p}": at(p / 100) for p in (50, 90, 95, 99)}
    rotate |= {"mean": sum(times) / len(times), "max": ordered[-1], "requests": len(times)}
    rotate["non2xx"] = non_2xx
    return {
        "rps": len(times) / elapsed,
        "requests": len(times),
        "non_2xx": non_2xx,
        "socket_errors": 0,
        "latency_ms": {},
        "rotate": rotate,
        "distinct": len(set(paths)),
        "path": urls if isinstance(urls, str) else urls.name,
    }


def latency(settings: Settings, work: Path, wrk: Wrk, instance: Instance) -> dict[str, Any]:
    """One client, page cache off: search and component pages and /health; then the backend's
    in-process search over the very search URLs the client asked for."""
    log(f"{instance.label}: single client, page cache off")
    runs: dict[str, Any] = {}
    tag = instance.label
    seconds = settings.latency_duration
    with serving(
        "bench.wsgi_bench:app",
        instance.env(CATALOGUE_PAGE_CACHE_SIZE="0"),
        settings,
        work / f"{tag}-latency.log",
    ) as server:
        # The whole warm-up list once, as bench/_inprocess.py's backend search has it before
        # it is timed: the page and the backend are compared in the same state (each worker
        # having served about half of it), not a page of cold workers against a warm backend.
        one_client(server, instance.warmup_file, 600, once=True)
        for name, urls in (
            ("health", "/health"),
            ("search", instance.search_file),
            ("component", instance.components_file),
        ):
            runs[name] = one_client(server, urls, seconds)
            (work / f"{tag}-latency-{name}.json").write_text(json.dumps(runs[name]), "utf-8")
            log(
                f"{tag}-latency-{name}: {runs[name]['rps']:.0f} requests/s, "
                f"p95 {runs[name]['rotate']['p95']:.1f} ms"
            )
    # One thread from the top of the list: it asked for the first `requests` URLs, in order.
    asked = max(20, int(runs["search"]["rotate"].get("requests", 0)) + 1)
    log(f"{instance.label}: in-process search over the {asked} URLs the client asked for")
    runs["inprocess"] = json.loads(
        run(
            [
                PY,
                str(BENCH / "_inprocess.py"),
                "search",
                str(instance.search_file),
                "--count",
                str(asked),
                "--warmup",
                str(instance.warmup_file),
            ],
            instance.env(),
            1800,
        )
    )
    runs["hooks"] = json.loads(
        run([PY, str(BENCH / "_inprocess.py"), "hooks"], instance.env(), 600)
    )
    return runs


def rotate_mode(settings: Settings, work: Path, instances: Instances) -> dict[str, Any]:
    wrk = Wrk(settings, work)
    started = time.perf_counter()
    seed = instances.get("whoosh", SEED)
    big = instances.get("whoosh", settings.components)
    built = time.perf_counter()
    results: dict[str, Any] = {
        "settings": settings.meta(),
        "machine": machine(),
        "trivial": ceiling(settings, work, wrk),
        "catalogues": {},
    }
    for instance, cached in ((seed, False), (big, True)):
        results["catalogues"][str(instance.size)] = {
            "components": instance.components,
            "seeded": instance.seeded,
            "runs": throughput(settings, work, wrk, instance, cached_rows=cached),
        }
    results["latency"] = {"components": big.components, **latency(settings, work, wrk, big)}
    results["machine"]["load_end"] = os.getloadavg()[0]
    results["wall"] = {"build": built - started, "measure": time.perf_counter() - built}
    return results


def growth_mode(
    settings: Settings,
    work: Path,
    instances: Instances,
    on_point: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Every size of every backend; ``on_point`` gets the results so far after each one."""
    begun = time.perf_counter()
    wrk = Wrk(settings, work)
    results: dict[str, Any] = {"settings": settings.meta(), "machine": machine(), "points": []}
    for backend in settings.backends:
        for size in settings.sizes:
            started = time.perf_counter()
            instance = instances.get(backend, size)
            point: dict[str, Any] = {
                "backend": backend,
                "size": size,
                "components": instance.components,
                "load": os.getloadavg()[0],
            }
            if instance.reindex is None:
                log(f"{instance.label}: timing a full reindex")
                instance.reindex = json.loads(
                    run([PY, str(BENCH / "_inprocess.py"), "reindex"], instance.env(), 7200)
                )
            point["reindex"] = instance.reindex
            log(f"{instance.label}: in-process search")
            point["search"] = json.loads(
                run(
                    [
                        PY,
                        str(BENCH / "_inprocess.py"),
                        "search",
                        str(instance.search_file),
                        "--count",
                        str(settings.search_queries),
                        "--warmup",
                        str(instance.warmup_file),
                    ],
                    instance.env(),
                    3600,
                )
            )
            log(f"{instance.label}: pages, page cache off")
            with serving(
                "bench.wsgi_bench:app",
                instance.env(CATALOGUE_PAGE_CACHE_SIZE="0"),
                settings,
                work / f"{instance.label}-growth.log",
            ) as server:
                check_pages(server, instance)
                point["pages"] = {
                    "search": wrk(
                        f"{instance.label}-growth-search",
                        server,
                        instance.search_file,
                        warmup=instance.warmup_file,
                    ),
                    "component": wrk(
                        f"{instance.label}-growth-component",
                        server,
                        instance.components_file,
                        warmup=instance.warmup_file,
                    ),
                }
                point["rss_mb"] = server.rss_mb()
            point["wall"] = time.perf_counter() - started
            results["points"].append(point)
            log(f"{instance.label}: done in {point['wall']:.0f} s")
            if on_point is not None:
                results["machine"]["load_end"] = os.getloadavg()[0]
                results["wall"] = time.perf_counter() - begun
                on_point(results)
    results["machine"]["load_end"] = os.getloadavg()[0]
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    mode = args[0] if args else "rotate"
    if mode not in {"rotate", "growth", "all"}:
        raise SystemExit("usage: bench/http.sh [rotate|growth|all]")
    settings = Settings()
    settings.check()
    # `timeout` and Ctrl-C: the servers are stopped and the databases dropped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        raise SystemExit("bench/http.sh: wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="cw-bench-http-"))
    instances = Instances(settings, work)
    started = time.perf_counter()
    try:
        if mode in {"rotate", "all"}:
            begun = time.perf_counter()
            results = rotate_mode(settings, work, instances)
            results["wall"]["total"] = time.perf_counter() - begun
            (work / "rotate.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
            report(HTTP_BLOCK, rotate_markdown(results), settings)
        if mode in {"growth", "all"}:

            def written(results: dict[str, Any]) -> None:
                # After each size: an interrupted run still reports what it measured.
                text = json.dumps(results, indent=1)
                (work / "growth.json").write_text(text, encoding="utf-8")
                report(GROWTH_BLOCK, growth_markdown(results), settings)

            growth_mode(settings, work, instances, written)
    finally:
        instances.drop()
        if os.environ.get("KEEP_WORK") == "1":
            log(f"results kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"bench/http.sh {mode}: {time.perf_counter() - started:.0f} s in all")
    return 0


def report(block: str, body: str, settings: Settings) -> None:
    print(body)
    if settings.write:
        write_block(block, body)
        log(f"wrote the {block} block of docs/performance.md")


if __name__ == "__main__":
    sys.exit(main())
