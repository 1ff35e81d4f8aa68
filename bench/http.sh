#!/usr/bin/env bash
# HTTP benchmark of the pages visitors ask for: many distinct URLs, against the app's /health.
#
#   bash bench/http.sh            # rotate (the headline): seed catalogue and 10,000 components
#   bash bench/http.sh growth     # the growth curve: 1,000, 10,000 and 100,000 components,
#                                 # SQLite + Whoosh and PostgreSQL + PostgreSQL search
#   bash bench/http.sh all        # both, the 10,000-component SQLite catalogue built once
#
# rotate: throw-away instances (SQLite seeded with `catalogue seed`; a second one grown to
# COMPONENTS components with bench/_http_catalogue.py; the Whoosh index built), gunicorn with
# WORKERS sync workers on a free port of 127.0.0.1 serving bench/wsgi_bench.py in the default
# configuration (page cache on). wrk runs bench/rotate.lua, which rotates over SEARCH_URLS
# distinct search URLs and over every component page (bench/_urls.py writes the lists from the
# catalogue's own vocabulary), with /health before and after in the same gunicorn. Then one
# client (wrk -c1 -t1) with the page cache off: search page, component page and /health, and the
# backend's in-process search over the same queries (bench/_inprocess.py). The ceiling: a bare
# Flask app (bench/trivial_wsgi.py) with the same gunicorn settings. The targets of issue 13 are
# judged in bench/_report.py. Results go to stdout and to the http block of docs/performance.md.
#
# growth: per backend and size, the full reindex time, in-process search p50/p95, uncached page
# throughput (rotating search and component pages, CATALOGUE_PAGE_CACHE_SIZE=0) and the memory
# of each gunicorn worker after the load; PostgreSQL databases bench_growth_<size> on PG_URL's
# server, dropped at the end. Results go to the growth block of docs/performance.md.
#
# Settings (environment): DURATION (per run, default 10s), WARMUP (2s), LATENCY_DURATION (10s,
# the one-client runs), CONNECTIONS (8), THREADS (2), WORKERS (2), COMPONENTS (10000),
# SEARCH_URLS (3000, at least 2000), SEARCH_QUERIES (300, growth's in-process searches),
# SIZES ("1000 10000 100000"), BACKENDS ("whoosh postgres"),
# PG_URL (postgresql+psycopg://postgres@127.0.0.1:5432/postgres), PG_PREFIX (bench_growth_:
# the databases' names before the size), NO_WRITE=1 (print only),
# KEEP_WORK=1 (keep wrk print-outs and JSON results), BENCH_INSTANCES=DIR (keep the built
# catalogues there and reuse them while the scripts, migrations and data/ are unchanged).
# Only 127.0.0.1 is targeted; every step is bounded in time; servers are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
if [ -x "$ROOT/.venv/bin/python" ]; then
  PY="$ROOT/.venv/bin/python"
else
  PY="${PYTHON:-python3}"
fi
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package) ..."
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq wrk >/dev/null
fi
exec "$PY" bench/_http_run.py "${1:-rotate}"
