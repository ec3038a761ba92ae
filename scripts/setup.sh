#!/usr/bin/env bash
# Prepare a checkout: virtualenv, pinned requirements, compiled translations.
# Idempotent; used by scripts/demo.sh, scripts/test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
if ! command -v msgfmt >/dev/null 2>&1; then
  echo "msgfmt not found: installing gettext" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq gettext >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq gettext >/dev/null; fi
fi
# Compiling the catalogues needs no secrets: run it with the development settings, whatever the
# deployment's DJANGO_DEBUG and DJANGO_SECRET_KEY. Only a catalogue newer than its compiled file
# is compiled, so runs side by side (.ci/run) never rewrite a file the other is reading.
stale=0
for po in $(find locale -name '*.po'); do
  [ "${po%.po}.mo" -nt "$po" ] || stale=1
done
if [ "$stale" = 1 ]; then
  DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv -v0
fi
