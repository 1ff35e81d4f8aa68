#!/usr/bin/env bash
# HTTP throughput of the search page and a component page against a trivial page of the same app.
#
#   bash bench/http.sh                      # DURATION=10s CONNECTIONS=8
#   DURATION=30s CONNECTIONS=16 bash bench/http.sh
#
# A throw-away instance in a temp dir: SQLite seeded with `catalogue seed`, the Whoosh index
# built with `catalogue reindex`, gunicorn with 2 sync workers on a free port of 127.0.0.1
# serving bench/wsgi_bench.py (create_app() plus /health). wrk runs against /health (the
# ceiling), the search page, a component page and /health again. The results go to stdout and
# between <!-- http:start --> and <!-- http:end --> in docs/performance.md (NO_WRITE=1: print
# only; NOTE="..." adds a sentence on the cause of a missed target).
#
# Only 127.0.0.1 is targeted. Every step is bounded in time; gunicorn is stopped on exit.
# Other env: THREADS (wrk threads, default 2), WARMUP (per URL, default 2s), WORKERS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-2s}"
WORKERS="${WORKERS:-2}"
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

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package) ..."
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq wrk >/dev/null
fi

WORK="$(mktemp -d /tmp/cw-bench-http-XXXXXX)"
GUNICORN_PID=""
cleanup() {
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

echo "seeding $WORK/catalogue.db ..."
timeout 300 "$FLASK" --app app catalogue seed | tail -n 1
timeout 300 "$FLASK" --app app catalogue reindex

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
"$GUNICORN" -w "$WORKERS" -b "127.0.0.1:$PORT" --chdir "$ROOT" --log-level warning \
  --error-logfile "$WORK/gunicorn.log" 'bench.wsgi_bench:app' &
GUNICORN_PID=$!

ready=""
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
  cat "$WORK/gunicorn.log" >&2 || true
  exit 1
fi

SEARCH_PATH="/componenten?q=zaak"
COMPONENT_PATH="/componenten/open-zaak"
# Each page must answer 200 with its content before it is measured.
curl -fsS --max-time 10 -o "$WORK/search.html" "$BASE$SEARCH_PATH"
grep -q 'open-zaak' "$WORK/search.html" \
  || { echo "bench/http.sh: the search page does not list open-zaak" >&2; exit 1; }
curl -fsS --max-time 10 -o "$WORK/component.html" "$BASE$COMPONENT_PATH"
grep -q 'Open Zaak' "$WORK/component.html" \
  || { echo "bench/http.sh: the component page does not name Open Zaak" >&2; exit 1; }

LOAD_START="$(cut -d' ' -f1 /proc/loadavg)"
run() {  # run NAME PATH
  local name="$1" path="$2"
  timeout $((WARMUP_SECONDS + 30)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP_SECONDS}s" \
    "$BASE$path" >/dev/null
  echo "wrk $name: $path"
  timeout $((RUN_SECONDS + 30)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "${RUN_SECONDS}s" \
    --timeout 10s --latency "$BASE$path" | tee "$WORK/$name.wrk"
}
run health-before /health
run search "$SEARCH_PATH"
run component "$COMPONENT_PATH"
run health-after /health
LOAD_END="$(cut -d' ' -f1 /proc/loadavg)"

COMPONENTS="$("$PY" - <<'EOF'
import os
import sqlite3

url = os.environ["CATALOGUE_DATABASE_URL"].removeprefix("sqlite:///")
print(sqlite3.connect(url).execute("select count(*) from component").fetchone()[0])
EOF
)"

export B_DURATION="$DURATION" B_CONNECTIONS="$CONNECTIONS" B_THREADS="$THREADS" \
  B_WARMUP="$WARMUP" B_WORKERS="$WORKERS" B_LOAD_START="$LOAD_START" B_LOAD_END="$LOAD_END" \
  B_COMPONENTS="$COMPONENTS" B_NOTE="${NOTE:-}" B_SEARCH="$SEARCH_PATH" \
  B_COMPONENT="$COMPONENT_PATH" B_WORK="$WORK"
"$PY" - <<'EOF'
import datetime as dt
import json
import os
import platform
from importlib.metadata import version
from pathlib import Path

env = os.environ
runs = ["health-before", "search", "component", "health-after"]
meta = {
    "duration": env["B_DURATION"], "connections": env["B_CONNECTIONS"],
    "threads": env["B_THREADS"], "warmup": env["B_WARMUP"], "workers": env["B_WORKERS"],
    "gunicorn": version("gunicorn"), "env": env["CATALOGUE_ENV"],
    "components": env["B_COMPONENTS"], "cpus": os.cpu_count(),
    "load_start": env["B_LOAD_START"], "load_end": env["B_LOAD_END"],
    "python": platform.python_version(), "date": dt.date.today().isoformat(),
    "note": env["B_NOTE"], "runs": runs,
    "labels": {"health-before": "trivial page (before)", "search": "search page",
               "component": "component page", "health-after": "trivial page (after)"},
    "paths": {"health-before": "/health", "search": env["B_SEARCH"],
              "component": env["B_COMPONENT"], "health-after": "/health"},
}
Path(env["B_WORK"], "meta.json").write_text(json.dumps(meta), encoding="utf-8")
EOF

report_args=()
[ "${NO_WRITE:-}" = "1" ] && report_args+=(--no-write)
"$PY" bench/_report.py http "$WORK" "${report_args[@]}"
