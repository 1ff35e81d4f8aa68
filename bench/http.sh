#!/usr/bin/env bash
# HTTP throughput of the search page and a component page against a trivial page of the same app.
#
#   bash bench/http.sh                      # 10,000 components, DURATION=10s CONNECTIONS=8
#   COMPONENTS=seed bash bench/http.sh      # the seeded real catalogue only (46 components)
#   DURATION=30s CONNECTIONS=16 bash bench/http.sh
#
# A throw-away instance in a temp dir: SQLite seeded with `catalogue seed` (the real catalogue,
# so /componenten/open-zaak exists), grown to COMPONENTS components in all with synthetic ones
# by bench/_http_catalogue.py (COMPONENTS=seed: not grown), the Whoosh index built with
# `catalogue reindex`, gunicorn with 2 sync workers on a free port of 127.0.0.1 serving
# bench/wsgi_bench.py (create_app() plus /health). wrk runs against /health (the ceiling), the
# search page and a component page in the default configuration (page cache on); then gunicorn
# is started again with CATALOGUE_PAGE_CACHE_SIZE=0 and wrk runs against the same two pages and
# /health again. The targets are judged on the default configuration. The results go to stdout
# and between <!-- http:start --> and <!-- http:end --> in docs/performance.md (NO_WRITE=1:
# print only; NOTE="..." adds a sentence on the cause of a missed target).
#
# Only 127.0.0.1 is targeted. Every step is bounded in time; gunicorn is stopped on exit.
# Other env: THREADS (wrk threads, default 2), WARMUP (per URL, default 2s), WORKERS (default 2),
# COMPONENTS (components in all, default 10000, or "seed").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-2s}"
WORKERS="${WORKERS:-2}"
COMPONENTS="${COMPONENTS:-10000}"
PY="$ROOT/.venv/bin/python"
FLASK="$ROOT/.venv/bin/flask"
GUNICORN="$ROOT/.venv/bin/gunicorn"

# Seconds of a wrk duration (10, 10s, 2m); refuses anything else and anything over 5 minutes.
seconds_of() {
  local value="$1" number unit
  if [[ ! "$value" =~ ^([0-9]+)([sm]?)$ ]]; then
    echo "bench/http.sh: '$value' is not a duration like 10s or 2m" >&2
    exit 2
  fi
  number="${BASH_REMATCH[1]}"
  unit="${BASH_REMATCH[2]}"
  [ "$unit" = "m" ] && number=$((number * 60))
  if [ "$number" -lt 1 ] || [ "$number" -gt 300 ]; then
    echo "bench/http.sh: a run lasts 1 s to 5 min, not $value" >&2
    exit 2
  fi
  echo "$number"
}
RUN_SECONDS="$(seconds_of "$DURATION")"
WARMUP_SECONDS="$(seconds_of "$WARMUP")"
for number in "$CONNECTIONS" "$THREADS" "$WORKERS"; do
  if [[ ! "$number" =~ ^[0-9]+$ ]] || [ "$number" -lt 1 ] || [ "$number" -gt 256 ]; then
    echo "bench/http.sh: CONNECTIONS, THREADS and WORKERS are 1 to 256" >&2
    exit 2
  fi
done
[ "$THREADS" -le "$CONNECTIONS" ] || THREADS="$CONNECTIONS"
if [ "$COMPONENTS" != "seed" ] \
  && { [[ ! "$COMPONENTS" =~ ^[0-9]+$ ]] || [ "$COMPONENTS" -lt 1 ] || [ "$COMPONENTS" -gt 100000 ]; }; then
  echo "bench/http.sh: COMPONENTS is a total of 1 to 100000 components, or seed" >&2
  exit 2
fi

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package) ..."
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq wrk >/dev/null
fi

WORK="$(mktemp -d /tmp/cw-bench-http-XXXXXX)"
GUNICORN_PID=""
stop_server() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    # Graceful stop, then no more waiting.
    for _ in $(seq 1 50); do
      kill -0 "$GUNICORN_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  GUNICORN_PID=""
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The instance: everything in $WORK; settings from the environment win over instance/config.py.
export CATALOGUE_ENV=production
CATALOGUE_SECRET_KEY="$("$PY" -c 'import secrets; print("k" + secrets.token_hex(32))')"
export CATALOGUE_SECRET_KEY
export CATALOGUE_DATABASE_URL="sqlite:///$WORK/catalogue.db"
export CATALOGUE_SEARCH_INDEX_DIR="$WORK/search-index"
export CATALOGUE_SEARCH_BACKEND=whoosh
export CATALOGUE_AUTO_SEED=false

count_components() {
  "$PY" - <<'EOF'
import os
import sqlite3

url = os.environ["CATALOGUE_DATABASE_URL"].removeprefix("sqlite:///")
print(sqlite3.connect(url).execute("select count(*) from component").fetchone()[0])
EOF
}

echo "seeding $WORK/catalogue.db ..."
timeout 300 "$FLASK" --app app catalogue seed | tail -n 1
SEEDED="$(count_components)"
if [ "$COMPONENTS" != "seed" ]; then
  echo "adding synthetic components up to $COMPONENTS in all ..."
  timeout 900 "$PY" bench/_http_catalogue.py "$CATALOGUE_DATABASE_URL" --total "$COMPONENTS"
fi
timeout 900 "$FLASK" --app app catalogue reindex
MEASURED="$(count_components)"
echo "the catalogue holds $MEASURED components ($SEEDED from the seed)"

# The page cache size create_app() ends up with under the environment of this script, and
# whether it keeps a cache: "512 True", or "0 False" with CATALOGUE_PAGE_CACHE_SIZE=0.
page_cache_of() {
  timeout 120 "$PY" -c 'import bench.wsgi_bench as w; print(w.page_cache_size(), w.page_cache_on())' \
    2>/dev/null | tail -n 1
}

SEARCH_PATH="/componenten?q=zaak"
COMPONENT_PATH="/componenten/open-zaak"
PORT=""
BASE=""
start_server() {  # start_server LOGNAME; the environment decides the configuration
  PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  BASE="http://127.0.0.1:$PORT"
  "$GUNICORN" -w "$WORKERS" -b "127.0.0.1:$PORT" --chdir "$ROOT" --log-level warning \
    --error-logfile "$WORK/$1.log" 'bench.wsgi_bench:app' &
  GUNICORN_PID=$!
  local ready=""
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null --max-time 2 "$BASE/health" 2>/dev/null; then
      ready=1
      break
    fi
    kill -0 "$GUNICORN_PID" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$ready" ]; then
    echo "bench/http.sh: gunicorn did not answer on $BASE/health within 30 s" >&2
    cat "$WORK/$1.log" >&2 || true
    exit 1
  fi
  # Each page must answer 200 with its content before it is measured.
  curl -fsS --max-time 30 -o "$WORK/search.html" "$BASE$SEARCH_PATH"
  grep -q 'open-zaak' "$WORK/search.html" \
    || { echo "bench/http.sh: the search page does not list open-zaak" >&2; exit 1; }
  curl -fsS --max-time 30 -o "$WORK/component.html" "$BASE$COMPONENT_PATH"
  grep -q 'Open Zaak' "$WORK/component.html" \
    || { echo "bench/http.sh: the component page does not name Open Zaak" >&2; exit 1; }
}

run() {  # run NAME PATH
  local name="$1" path="$2"
  timeout $((WARMUP_SECONDS + 30)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP_SECONDS}s" \
    "$BASE$path" >/dev/null
  echo "wrk $name: $path"
  timeout $((RUN_SECONDS + 30)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${RUN_SECONDS}s" \
    --timeout 10s --latency "$BASE$path" | tee "$WORK/$name.wrk"
}

# The default configuration: the page cache as create_app() sets it up.
unset CATALOGUE_PAGE_CACHE_SIZE
read -r CACHE_SIZE CACHE_ON <<<"$(page_cache_of)"
if [ "$CACHE_ON" != "True" ]; then
  echo "bench/http.sh: the default configuration keeps no page cache (size $CACHE_SIZE)" >&2
  exit 1
fi
echo "gunicorn with the page cache ($CACHE_SIZE pages per worker); $MEASURED components"
LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"
start_server gunicorn-cache
run health-before /health
run search "$SEARCH_PATH"
run component "$COMPONENT_PATH"
stop_server

# The same instance with the page cache switched off: every request renders its page.
export CATALOGUE_PAGE_CACHE_SIZE=0
read -r _ CACHE_OFF <<<"$(page_cache_of)"
if [ "$CACHE_OFF" != "False" ]; then
  echo "bench/http.sh: CATALOGUE_PAGE_CACHE_SIZE=0 did not switch the page cache off" >&2
  exit 1
fi
echo "gunicorn without the page cache; $MEASURED components"
start_server gunicorn-nocache
run search-nocache "$SEARCH_PATH"
run component-nocache "$COMPONENT_PATH"
run health-after /health
stop_server
unset CATALOGUE_PAGE_CACHE_SIZE
LOAD_END="$(cut -d' ' -f1 /proc/loadavg)"

export B_DURATION="$DURATION" B_CONNECTIONS="$CONNECTIONS" B_THREADS="$THREADS" \
  B_WARMUP="$WARMUP" B_WORKERS="$WORKERS" B_LOAD_START="$LOAD_START" B_LOAD_END="$LOAD_END" \
  B_COMPONENTS="$MEASURED" B_SEEDED="$SEEDED" B_CACHE_SIZE="$CACHE_SIZE" B_NOTE="${NOTE:-}" \
  B_SEARCH="$SEARCH_PATH" B_COMPONENT="$COMPONENT_PATH" B_WORK="$WORK" \
  B_WRITE="$([ "${NO_WRITE:-}" = "1" ] && echo 0 || echo 1)"
"$PY" - <<'EOF'
import datetime as dt
import json
import os
import platform
import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, "bench")
from _report import HTTP_BLOCK, http_markdown, parse_wrk, write_block  # noqa: E402

env = os.environ
work = Path(env["B_WORK"])
runs = ["health-before", "search", "component", "search-nocache", "component-nocache",
        "health-after"]
meta = {
    "duration": env["B_DURATION"], "connections": env["B_CONNECTIONS"],
    "threads": env["B_THREADS"], "warmup": env["B_WARMUP"], "workers": env["B_WORKERS"],
    "gunicorn": version("gunicorn"), "env": env["CATALOGUE_ENV"],
    "components": env["B_COMPONENTS"], "cpus": os.cpu_count(),
    "load_start": env["B_LOAD_START"], "load_end": env["B_LOAD_END"],
    "python": platform.python_version(), "date": dt.date.today().isoformat(),
    "note": env["B_NOTE"], "runs": runs,
    "labels": {"health-before": "trivial page (before)", "search": "search page",
               "component": "component page",
               "search-nocache": "search page, page cache off",
               "component-nocache": "component page, page cache off",
               "health-after": "trivial page (after)"},
    "paths": {"health-before": "/health", "search": env["B_SEARCH"],
              "component": env["B_COMPONENT"], "search-nocache": env["B_SEARCH"],
              "component-nocache": env["B_COMPONENT"], "health-after": "/health"},
}
(work / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
body = http_markdown(work)

# What was measured: the seeded catalogue, grown with synthetic components or not.
total, seeded = int(env["B_COMPONENTS"]), int(env["B_SEEDED"])
said = f"the seeded catalogue ({meta['components']} components)"
if said not in body:
    sys.exit("bench/http.sh: bench/_report.py no longer names the catalogue as expected")
if total > seeded:
    body = body.replace(
        said,
        f"{total:,} components: the seeded catalogue ({seeded} real components) and "
        f"{total - seeded:,} synthetic ones added by `bench/_http_catalogue.py` (rows through "
        "the project's models, texts and links from data/),",
    )

# The page cache, and the figures without it.
ceilings = [parse_wrk((work / f"{n}.wrk").read_text(encoding="utf-8"))["rps"]
            for n in runs if n.startswith("health")]
ceiling = sum(ceilings) / len(ceilings)
without = {n: parse_wrk((work / f"{n}.wrk").read_text(encoding="utf-8"))["rps"]
           for n in ("search-nocache", "component-nocache")}
cache = (
    f"The targets are judged on the default configuration, with the page cache "
    f"(`PAGE_CACHE_SIZE` {env['B_CACHE_SIZE']}, catalogue/web/page_cache.py): wrk repeats one "
    "URL, so after the first request per worker the anonymous page comes from memory after one "
    "query for the catalogue's generation. The rows \"page cache off\" come from a second "
    "gunicorn start on the same database and index with `CATALOGUE_PAGE_CACHE_SIZE=0`, so "
    f"every request renders its page: the search page then serves "
    f"{without['search-nocache']:,.0f} requests/s ({without['search-nocache'] / ceiling:.0%} "
    f"of the ceiling), the component page {without['component-nocache']:,.0f} requests/s "
    f"({without['component-nocache'] / ceiling:.0%})."
)
paragraphs = body.split("\n\n")
if not paragraphs[1].startswith("Measured by"):
    sys.exit("bench/http.sh: bench/_report.py's block no longer starts as expected")
paragraphs.insert(2, cache)
body = "\n\n".join(paragraphs)
print(body)
if env["B_WRITE"] == "1":
    write_block(HTTP_BLOCK, body)
    print(f"wrote the {HTTP_BLOCK} block of docs/performance.md")
EOF
