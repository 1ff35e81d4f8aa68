#!/usr/bin/env bash
# Two versions of the app through gunicorn, alternating, on one instance that bench/http.sh built
# (BENCH_INSTANCES=DIR keeps them), page cache off: requests/s of /health and of the rotating
# search and component pages, per run. For a before/after of code changes on a noisy machine:
# the versions take turns, so both see the same noise; compare the medians.
#
#   git worktree add /tmp/base <commit> && ln -s "$PWD/.venv" /tmp/base/.venv
#   bash bench/ab_http.sh /tmp/base . /work/inst/whoosh-10000 [RUNS]
#
# Each run: a fresh gunicorn (2 sync workers), 5 s over the instance's warm-up URLs, then wrk
# (2 threads, 8 connections) 8 s on /health and 10 s on each rotating list (bench/rotate.lua).
# Each figure is requests/s with the workers' CPU per answer beside it (ms, from /proc): the CPU
# moves far less with the machine's other work than requests/s do.
set -euo pipefail
BASE=$(cd "$1" && pwd); MAIN=$(cd "$2" && pwd); INSTANCE=$(cd "$3" && pwd); RUNS=${4:-3}
LUA="$(cd "$(dirname "$0")" && pwd)/rotate.lua"
rate() { awk '/Requests\/sec/ {print $2}'; }
answers() { awk '/requests in/ {print $1}'; }
# The workers' CPU ticks (user and system, /proc/PID/stat) so far: the children of the master.
ticks() { local t=0 f; for p in $(pgrep -P "$1"); do read -r -a f < "/proc/$p/stat"; t=$((t + f[13] + f[14])); done; echo "$t"; }
# One wrk run: "requests/s (workers' CPU ms an answer)".
measure() {
  local master=$1; shift; local before out
  before=$(ticks "$master"); out=$(wrk "$@")
  awk -v r="$(echo "$out" | rate)" -v n="$(echo "$out" | answers)" -v t=$(( $(ticks "$master") - before )) \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%s (CPU %.2f ms)", r, t * 1000 / hz / n }'
}
for run in $(seq "$RUNS"); do
  for tree in "$BASE" "$MAIN"; do
    port=$(( 18000 + RANDOM % 1000 ))
    (cd "$tree" && CATALOGUE_DATABASE_URL="sqlite:///$INSTANCE/catalogue.db" \
      CATALOGUE_SEARCH_INDEX_DIR="$INSTANCE/search-index" CATALOGUE_SEARCH_BACKEND=whoosh \
      CATALOGUE_AUTO_SEED=false CATALOGUE_PAGE_CACHE_SIZE=0 CATALOGUE_ENV=production \
      CATALOGUE_SECRET_KEY="bench-$(printf 'k%.0s' {1..40})" \
      exec .venv/bin/gunicorn -w 2 -b "127.0.0.1:$port" --log-level warning bench.wsgi_bench:app \
      >/dev/null 2>&1) &
    server=$!
    for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.3; done
    wrk -t2 -c8 -d5s -s "$LUA" "http://127.0.0.1:$port" -- "$INSTANCE/urls/warmup.txt" 2 >/dev/null
    health=$(measure "$server" -t2 -c8 -d8s "http://127.0.0.1:$port/health")
    search=$(measure "$server" -t2 -c8 -d10s -s "$LUA" "http://127.0.0.1:$port" -- "$INSTANCE/urls/search.txt" 2)
    component=$(measure "$server" -t2 -c8 -d10s -s "$LUA" "http://127.0.0.1:$port" -- "$INSTANCE/urls/components.txt" 2)
    echo "run $run $tree: /health $health, search $search, component $component requests/s"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done
