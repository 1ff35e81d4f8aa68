#!/usr/bin/env bash
# Refresh the translations after changing user-facing text.
#
#   1. extract every _()/gettext/ngettext/_l/N_ string from app.py, catalogue/ and templates/
#      into catalogue/translations/messages.pot (the rules are in babel.cfg);
#   2. merge that into each language's messages.po (or create it the first time);
#   3. compile each messages.po into the messages.mo the app loads.
#
# Dutch is the source language, so only English has a catalogue. After step 2, translate every
# empty msgstr and every entry marked "#, fuzzy" in the .po, remove the fuzzy mark, and run this
# script again so the .mo is current. Commit the .pot, .po and .mo: the app needs no build step.
# tests/catalogue/test_i18n.py fails while a message is untranslated or fuzzy, or the .mo is stale.
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
DIR=catalogue/translations
POT="$DIR/messages.pot"
LANGUAGES=(en)
PYTHON="$(dirname "$PYBABEL")/python"
[ -x "$PYTHON" ] || PYTHON=python3
VERSION="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"

"$PYBABEL" extract \
  --mapping-file=babel.cfg \
  --keywords="_l lazy_gettext N_" \
  --project=Componentenwijzer \
  --version="$VERSION" \
  --copyright-holder="Componentenwijzer" \
  --no-wrap \
  --output-file="$POT" \
  .

for lang in "${LANGUAGES[@]}"; do
  po="$DIR/$lang/LC_MESSAGES/messages.po"
  if [ -f "$po" ]; then
    # Messages whose source text changed come back marked fuzzy, with the old translation as a hint.
    "$PYBABEL" update --input-file="$POT" --output-dir="$DIR" --locale="$lang" \
      --no-wrap --ignore-obsolete
  else
    "$PYBABEL" init --input-file="$POT" --output-dir="$DIR" --locale="$lang" --no-wrap
  fi
done

# Fuzzy translations are left out of the .mo (pybabel's default): the page then shows the Dutch
# text rather than a translation that may be wrong.
"$PYBABEL" compile --directory="$DIR" --statistics
