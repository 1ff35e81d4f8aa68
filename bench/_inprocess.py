"""In-process measurements of an instance, for bench/_http_run.py. JSON on stdout.

    python bench/_inprocess.py search URLFILE --count 300 [--warmup FILE]
                                                            # backend.search per URL, timed
    python bench/_inprocess.py reindex                      # one full rebuild, timed
    python bench/_inprocess.py hooks                        # where /health's time goes

The instance comes from the environment as for gunicorn (CATALOGUE_DATABASE_URL,
CATALOGUE_SEARCH_BACKEND, CATALOGUE_SEARCH_INDEX_DIR, ...).

``search``: each search path of URLFILE (the first ``--count``, in order) becomes the
``SearchQuery`` the search page builds for it (catalogue.web.search's own ``_query()`` inside a
request context for that URL), and ``backend.search(query)`` is timed with
``time.perf_counter_ns``; so is the service's search (the backend plus recovery.py's fallback to
any word and to the spelling correction when nothing is found), which is what the page calls.
First an untimed pass over the search URLs of ``--warmup`` (other URLs, as the HTTP run's
warm-up), so each measured query is searched for the first time when it is timed, as the client
asks for each once: the backend keeps what it has read and made (scored postings, the snippets'
tokens), and an untimed pass over the same queries would time it answering them a second time.
Without ``--warmup``: an untimed pass over the same queries.

``reindex``: ``SearchService.rebuild()``, the work of ``flask catalogue reindex``: every
component read from the database into a document and a new index built and swapped in.

``hooks``: ``/health`` of the app and ``/`` of bench/trivial_wsgi.py, each called through its
WSGI entry point in this process (no server, no socket), time per request; then the app's
request hooks (before/after request, teardown) and its session interface timed one by one on
the same requests. This says what the app adds to a request that does no work of its own.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from catalogue.search import get_service  # noqa: E402


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(values: Sequence[float]) -> dict[str, float]:
    """p50, p95, mean and max of millisecond timings."""
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "mean": sum(values) / len(values),
        "max": max(values),
    }


def time_searches(paths: Sequence[str], warmup: Sequence[str] | None = None) -> dict[str, Any]:
    """Timings of the backend's and the service's search for the page's query of each path,
    after an untimed pass over ``warmup`` (else over the same paths)."""
    from catalogue.web import search as page

    app = create_app()
    service = get_service(app)

    def queries_of(paths: Sequence[str]) -> list[Any]:
        queries = []
        for path in paths:
            with app.test_request_context(path):
                queries.append(page._query())  # noqa: SLF001 - the page's own parsing of the URL
        return queries

    queries = queries_of(paths)
    backend_ms: list[float] = []
    service_ms: list[float] = []
    with app.app_context():
        for query in queries if warmup is None else queries_of(warmup):
            service.backend.search(query)
            service.search(query)
        for query in queries:
            started = time.perf_counter_ns()
            service.backend.search(query)
            backend_ms.append((time.perf_counter_ns() - started) / 1e6)
            started = time.perf_counter_ns()
            service.search(query)
            service_ms.append((time.perf_counter_ns() - started) / 1e6)
    return {
        "queries": len(queries),
        "backend": service.backend.name,
        "backend_ms": summary(backend_ms),
        "service_ms": summary(service_ms),
    }


def time_reindex() -> dict[str, Any]:
    """Seconds of one full rebuild of the search index."""
    app = create_app()
    service = get_service(app)
    with app.app_context():
        started = time.perf_counter()
        count = service.rebuild(wait=600.0)
        seconds = time.perf_counter() - started
    if count is None:
        msg = "another writer kept the search index locked"
        raise SystemExit(msg)
    return {"documents": count, "seconds": seconds, "backend": service.backend.name}


def _name(function: Any) -> str:
    function = getattr(function, "func", function)  # functools.partial
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__qualname__", repr(function))
    if owner is not None:
        name = f"{type(owner).__name__}.{getattr(function, '__name__', name)}"
    module = getattr(function, "__module__", "") or ""
    return f"{module}:{name}".replace(".<locals>.", ".")


def _timed(function: Any, spent: dict[str, float]) -> Any:
    name = _name(function)
    spent.setdefault(name, 0.0)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter_ns()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter_ns() - started

    return wrapper


def _per_request_us(app: Any, path: str, count: int) -> tuple[float, int]:
    from werkzeug.test import EnvironBuilder

    headers: list[Any] = []

    def start_response(status: str, response_headers: list[Any], *_: Any) -> None:
        headers[:] = response_headers

    total = 0
    for _round in range(count):
        environ = EnvironBuilder(path=path, base_url="http://127.0.0.1:8000").get_environ()
        started = time.perf_counter_ns()
        body = app.wsgi_app(environ, start_response)
        for _chunk in body:
            pass
        if hasattr(body, "close"):
            body.close()
        total += time.perf_counter_ns() - started
    size = sum(len(k) + len(v) + 4 for k, v in headers)
    return total / count / 1000, size


def time_hooks(count: int = 3000) -> dict[str, Any]:
    """Per-request time of /health and of the trivial app, and of each of the app's hooks."""
    from bench.trivial_wsgi import app as trivial

    app = create_app()
    for target, path in ((app, "/health"), (trivial, "/")):
        _per_request_us(target, path, 300)  # warm-up
    health_us, health_headers = _per_request_us(app, "/health", count)
    trivial_us, trivial_headers = _per_request_us(trivial, "/", count)
    spent: dict[str, float] = {}
    for registry in (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.teardown_appcontext_funcs,
    ):
        for key, functions in registry.items() if isinstance(registry, dict) else []:
            registry[key] = [_timed(function, spent) for function in functions]
    if isinstance(app.teardown_appcontext_funcs, list):
        app.teardown_appcontext_funcs[:] = [
            _timed(function, spent) for function in app.teardown_appcontext_funcs
        ]
    interface = app.session_interface
    interface.open_session = _timed(interface.open_session, spent)  # type: ignore[method-assign]
    interface.save_session = _timed(interface.save_session, spent)  # type: ignore[method-assign]
    hooked_us, _ = _per_request_us(app, "/health", count)
    hooks = sorted(
        ({"name": name, "us": ns / count / 1000} for name, ns in spent.items()),
        key=lambda hook: -hook["us"],
    )
    return {
        "requests": count,
        "health_us": health_us,
        "trivial_us": trivial_us,
        "hooked_us": hooked_us,
        "health_header_bytes": health_headers,
        "trivial_header_bytes": trivial_headers,
        "hooks": hooks,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser("search", help="time backend.search over search URLs")
    search.add_argument("urls", type=Path)
    search.add_argument("--count", type=int, default=300)
    search.add_argument("--warmup", type=Path, help="search URLs to warm up on (else the same)")
    commands.add_parser("reindex", help="time a full rebuild of the search index")
    commands.add_parser("hooks", help="where the time of /health goes, in-process")
    args = parser.parse_args(argv)
    if args.command == "reindex":
        result = time_reindex()
    elif args.command == "hooks":
        result = time_hooks()
    else:
        lines = [line for line in args.urls.read_text(encoding="utf-8").splitlines() if line]
        if not lines:
            parser.error(f"no URLs in {args.urls}")
        warmup = None
        if args.warmup is not None:
            warmup = [
                line
                for line in args.warmup.read_text(encoding="utf-8").splitlines()
                if line.startswith("/componenten?")
            ]
        result = time_searches(lines[: max(1, args.count)], warmup)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
