#!/usr/bin/env bash
# Install everything, create and seed the embedded SQLite database on first start,
# and serve the site at http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The pinned, hashed versions of every package (scripts/lock.sh writes the lock), then the
# project itself on top of them.
.venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps -e .

mkdir -p instance
if [ ! -s instance/secret_key ]; then
  # A key of our own for this machine, kept so sessions survive a restart.
  .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key
  chmod 600 instance/secret_key
fi
export CATALOGUE_SECRET_KEY="$(cat instance/secret_key)"
export CATALOGUE_ENV="${CATALOGUE_ENV:-development}"
export CATALOGUE_AUTO_SEED=true

exec .venv/bin/flask --app app run --host 127.0.0.1 --port "${PORT:-5000}"
