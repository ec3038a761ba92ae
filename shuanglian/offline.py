"""The phone app's service worker, served at the site's root (/sw.js) so that its scope covers
every page, with its version and the static files it keeps written in front of it
(docs/architecture.md, "The phone offline"). The worker's code is static/js/sw.js."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET

# What the pages need offline besides themselves: the stylesheet, the scripts, the manifest and icons.
OFFLINE_ASSETS = ["css/site.css", "js/site.js", "js/outbox.js", "js/visit_form.js", "manifest.webmanifest",
                  "img/icon-192.png", "img/icon-512.png", "img/favicon.svg"]


def _source(name: str) -> bytes:
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    return (Path(settings.STATIC_ROOT) / name).read_bytes()


def release_version() -> str:
    """The release's version: ``SHUANGLIAN_RELEASE`` (set per release) and a digest of the static
    files the worker keeps (the collected manifest where there is one), so any change of them
    installs a new worker, which replaces the old cache; the outbox (IndexedDB) is not a cache
    and survives."""
    digest = hashlib.sha256(settings.SHUANGLIAN_RELEASE.encode())
    collected = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if collected.exists():
        digest.update(collected.read_bytes())
    else:
        for name in ["js/sw.js", *OFFLINE_ASSETS]:
            digest.update(_source(name))
    return f"{settings.SHUANGLIAN_RELEASE or 'r'}-{digest.hexdigest()[:12]}"


@lru_cache(maxsize=1)
def _release_version_once() -> str:
    return release_version()


@require_GET
def service_worker(request):
    version = release_version() if settings.DEBUG else _release_version_once()
    head = (f"const VERSION = {json.dumps(version)};\n"
            f"const ASSETS = {json.dumps([static(name) for name in OFFLINE_ASSETS])};\n"
            f"const STATIC_PREFIX = {json.dumps(static(''))};\n")
    response = HttpResponse(head.encode() + _source("js/sw.js"), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # the browser asks for a new release on every visit
    return response
