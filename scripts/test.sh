#!/usr/bin/env bash
# Install everything (Python packages and Debian chromium for the browser tests) and run the
# whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/iso-codes/json ]; then
  # Browser tests drive Debian's chromium; no test tool downloads a browser of its own.
  # iso-codes is what scripts/publiccode_vocab.py checks the country vocabulary against.
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium iso-codes >/dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The pinned, hashed versions of every package (scripts/lock.sh writes the lock), then the
# project itself on top of them.
.venv/bin/python -m pip install --quiet --require-hashes -r requirements-test.lock
.venv/bin/python -m pip install --quiet --no-deps -e ".[test]"

# PostgreSQL is started by the machine; start it if it is installed but down.
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi

# One pytest worker per core (pytest-xdist): the browser, server and hostile-input tests wait on
# I/O as much as they compute. PYTEST_WORKERS=0 runs in this process, e.g. for a debugger.
# worksteal: a worker that runs out of tests takes some from the other, so one long test file
# at the end of the collection does not leave a core idle.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist worksteal "$@"
