"""How fresh the figures of an area are: a generation per area in the shared cache.

Whatever changes the leaders' figures (a visit, an import, a hand-over, an approval, a step of
identification) touches the villages it concerns, in its service; figures cached for an area
carry the area's generation in their key, so the next read after a write computes them anew
and the old entry simply expires. The rule lives here, once:

- ``touch_villages(codes)`` (or ``touch_areas``: any level) renews the generation of each
  area and of every area above it (township, county, city, province: the prefixes of the
  12-digit code), since their figures count it;
- ``touch_subtree(code)`` renews, besides, every area below ``code`` at once (``None``: every
  area) — a broad write such as a roster import, whose rows need not name a village;
- the renewal waits for the transaction to commit (``transaction.on_commit``): a write that is
  rolled back renews nothing. However many touches one transaction makes, it renews each
  area once, in one round trip to the cache, after the commit.

A generation is a random token, not a counter: what matters is that it differs from every
value a reader has seen. A counter that the cache evicts starts again and may come back to a
value whose figures are still kept; a token never does (a missing generation is replaced by a
new one). Writing tokens all at once also renews the thousands of areas of a province-wide
import in a single round trip.

The generations live in the shared cache. When that is Redis (production), they are read and
written with one Redis client per process and Redis's own MGET, MSET and SET NX: Django's
Redis cache makes a new client object for every call and wraps a write of several keys in
MULTI … EXEC, which together cost more than half of renewing a trip's areas, on every trip
logged. Clearing the cache clears them too (same database, their own key prefix). Any other
cache (in memory: the embedded default and the tests) is used through Django's cache API.
``store()`` is that store, for the other small marks a write reads or sets on its way (the
reports app's refresh claims).

``areas_touched`` is sent after each renewal with the codes renewed and, apart, the subtrees
touched (``EVERY_AREA`` for every area), so a higher layer can act on them (the reports app
recomputes the dashboards of the province, cities and counties in the background, see
``reports.services.refresh``).
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
import weakref
from collections.abc import Iterable
from threading import local

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import Signal, receiver

from .helpers import AREA_CODE_LENGTH, pad_area_code

logger = logging.getLogger(__name__)

# The code prefix of each level: province, city, county, township, village
# (households.models.LEVEL_PREFIX_LENGTH, which lies above this layer).
PREFIX_LENGTHS = (2, 4, 6, 9, AREA_CODE_LENGTH)
EVERY_AREA = "*"  # the subtree of every area

# Sent with codes=set of area codes whose generation was renewed, and subtrees=set of the codes
# whose every area below was renewed as well (EVERY_AREA: every area).
areas_touched = Signal()


def lineage(code: str) -> list[str]:
    """The codes of an area and of every area above it, the province first: the code's
    prefixes up to the area's own level, where only zeros follow."""
    chain = []
    for length in PREFIX_LENGTHS:
        chain.append(pad_area_code(code[:length]))
        if not code[length:].strip("0"):
            break
    return chain


def _own_key(code: str) -> str:
    return f"freshness:own:{code}"


def _subtree_key(code: str) -> str:
    return f"freshness:all:{code}"


def generation(code: str) -> str:
    """A short stamp of the area's figures: it changes whenever the area, anything below it or
    a subtree that holds it is touched. One round trip to the cache, two the first time."""
    keys = [_own_key(code), _subtree_key(EVERY_AREA), *(_subtree_key(c) for c in lineage(code))]
    marks = store()
    found = marks.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            marks.add(key, _token())  # a racing reader may have added it first: theirs holds
        found.update(marks.get_many(missing))
    stamp = "/".join(str(found.get(k, "")) for k in keys)
    return hashlib.blake2b(stamp.encode(), digest_size=8).hexdigest()


def touch_villages(codes: Iterable[str | None]) -> None:
    """The figures of these villages (and so of every area above them) change once the current
    transaction commits."""
    touch_areas(codes)


def touch_areas(codes: Iterable[str | None]) -> None:
    """As ``touch_villages``, for areas of any level."""
    _schedule(areas={c for c in codes if c})


def touch_subtree(code: str | None) -> None:
    """The figures of an area, of every area below it and of every area above it change once the
    current transaction commits; ``None``: of every area."""
    _schedule(subtrees={code or EVERY_AREA})


# --- one renewal per transaction -----------------------------------------------------------------

class _Batch:
    """What one transaction touched. Each touch schedules a flush of the batch on commit; the
    first flush renews everything and the others find nothing left. The thread keeps only a weak
    reference: the scheduled flushes hold the batch, so when a rollback discards them the batch
    goes with them and the next transaction starts its own (a savepoint rolled back within a
    committed transaction may leave its codes in the batch: they are renewed for nothing, which
    costs a recomputation, never a stale figure)."""

    def __init__(self):
        self.areas: set[str] = set()
        self.subtrees: set[str] = set()
        self.done = False

    def flush(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            renewed = _renew(self.areas, self.subtrees)
        except Exception:  # noqa: BLE001 — the write has committed; a cache hiccup must not fail it
            logger.exception("could not renew the figures' generations of %s", sorted(self.areas | self.subtrees))
            return
        if renewed:
            for receiver, error in areas_touched.send_robust(sender=_Batch, codes=renewed,
                                                             subtrees=frozenset(self.subtrees)):
                if isinstance(error, Exception):
                    logger.error("%r failed on the areas touched", receiver, exc_info=error)


_thread = local()


def _schedule(*, areas: set[str] = frozenset(), subtrees: set[str] = frozenset()) -> None:
    if not (areas or subtrees):
        return
    ref = getattr(_thread, "batch", None)
    batch = ref() if ref is not None else None
    if batch is None or batch.done:
        batch = _Batch()
        _thread.batch = weakref.ref(batch)
    batch.areas |= areas
    batch.subtrees |= subtrees
    transaction.on_commit(batch.flush)  # at once outside a transaction


def _renew(areas: set[str], subtrees: set[str]) -> set[str]:
    own = {c for code in areas | (subtrees - {EVERY_AREA}) for c in lineage(code)}
    keys = [_own_key(c) for c in own] + [_subtree_key(c) for c in subtrees]
    if keys:
        store().set_many({key: _token() for key in keys})
    return own | subtrees


def _token() -> str:
    return secrets.token_hex(6)


# --- where the generations live ------------------------------------------------------------------

class CacheMarks:
    """Marks (short strings) in Django's cache: any backend (in memory for the embedded default)."""

    def get_many(self, keys: list[str]) -> dict[str, str]:
        return cache.get_many(keys)

    def add(self, key: str, value: str, *, timeout: int | None = None) -> bool:
        """Set ``key`` unless it is set; whether this call set it. ``timeout``: seconds it lives,
        more than none (None: until evicted)."""
        return cache.add(key, value, timeout=timeout)

    def set_many(self, values: dict[str, str]) -> None:
        cache.set_many(values, timeout=None)


class RedisMarks:
    """Marks in the cache's Redis, through one client kept for the process (its connection pool
    is safe across threads and renews itself in a forked worker)."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = f"{prefix}:" if prefix else ""

    def get_many(self, keys: list[str]) -> dict[str, str]:
        if not keys:
            return {}  # Redis refuses an MGET of nothing
        values = self.client.mget([self.prefix + key for key in keys])
        return {key: value.decode() for key, value in zip(keys, values) if value is not None}

    def add(self, key: str, value: str, *, timeout: int | None = None) -> bool:
        return bool(self.client.set(self.prefix + key, value, nx=True, ex=timeout))

    def set_many(self, values: dict[str, str]) -> None:
        if not values:
            return  # Redis refuses an MSET of nothing
        self.client.mset({self.prefix + key: value for key, value in values.items()})  # one command, atomic


@functools.cache
def store() -> CacheMarks | RedisMarks:
    """The marks' store of the configured cache, made once per process (again when the setting
    changes)."""
    return _store_for(settings.CACHES["default"])


def _store_for(config: dict) -> CacheMarks | RedisMarks:
    location = config.get("LOCATION") or ""
    # Split as Django's Redis cache splits it: a list, or servers joined by "," or ";".
    servers = location if isinstance(location, (list, tuple)) else [s for s in re.split("[;,]", location) if s]
    # Several servers (a primary and its replicas) are left to Django's cache, which routes them.
    if config.get("BACKEND") == "django.core.cache.backends.redis.RedisCache" and len(servers) == 1:
        return RedisMarks(servers[0], config.get("KEY_PREFIX", ""))
    return CacheMarks()


@receiver(setting_changed)
def _forget_store(*, setting, **kwargs) -> None:
    if setting == "CACHES":
        store.cache_clear()
