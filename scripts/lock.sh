#!/usr/bin/env bash
# Regenerate the lock files after changing a dependency in pyproject.toml:
#   requirements.lock       what the site needs        (scripts/dev.sh installs it)
#   requirements-test.lock  that plus the `test` extra (scripts/test.sh installs it)
# Every package is pinned with its hashes, so plain `pip install --require-hashes -r <lock>`
# installs the same files on a fresh machine. pip-tools runs in a throw-away venv of its own.
# tests/test_lock.py fails while a lock no longer satisfies pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="$(mktemp -d)"
trap 'rm -rf "$TOOLS"' EXIT
"${PYTHON:-python3}" -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install --quiet "pip-tools==7.7.0"

COMPILE=("$TOOLS/bin/pip-compile" --quiet --generate-hashes --strip-extras --allow-unsafe
  --no-emit-index-url --no-emit-find-links)
"${COMPILE[@]}" --output-file=requirements.lock pyproject.toml
"${COMPILE[@]}" --extra=test --output-file=requirements-test.lock pyproject.toml
