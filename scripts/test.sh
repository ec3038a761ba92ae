#!/usr/bin/env bash
# The whole test suite. Runs on SQLite by default; set DATABASE_URL to run on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/pytest "$@"
