"""Settings for the benchmarks: the app's settings as production runs them (DEBUG off), plus
the baseline view of bench/urls.py. Used by the bench/ scripts and their gunicorn, nowhere else."""
import os

# Off even when the shell exports DJANGO_DEBUG=1 for manage.py: the figures are production's.
os.environ["DJANGO_DEBUG"] = "0"
# The benchmark server listens on loopback only and its sessions are thrown away afterwards.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-never-used-in-a-deployment")

from shuanglian.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Plain HTTP on loopback: no TLS proxy in front, so no redirect to https and no secure-only cookies.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Pages render {% static %} without a collectstatic manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
