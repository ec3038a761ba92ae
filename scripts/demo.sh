#!/usr/bin/env bash
# One command on a fresh machine: set up, load the demo county, and serve it on
# http://127.0.0.1:8000/ (SQLite, Celery tasks in-process). Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
# A laptop demo: debugging on, which also brings the development key (never in production).
export DJANGO_DEBUG=1
bash scripts/setup.sh
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo
PORT=${PORT:-8000}
echo
echo "打开 http://127.0.0.1:${PORT}/ （管理后台 http://127.0.0.1:${PORT}/admin/），用上面的演示账号登录。"
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
