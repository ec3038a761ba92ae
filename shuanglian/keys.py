"""Idempotency keys for the forms that store an entry (a visit, a stay, a demand, a plan…).

A key is a time-ordered UUID (version 7: the milliseconds since 1970 first, then random bits),
so the unique index that holds every key takes new ones at its right edge, as a sequence would,
instead of on a random page of an index that grows by two million trips a year. The phone's
outbox makes its keys the same way (static/js/outbox.js, ``newKey``). A key stays a UUID: any
version is accepted, so a phone still holding an older random key is served as before.

Only for keys whose time may show: an anonymous ballot's id stays random (``assessments.Ballot``),
since one that began with the moment of casting would tell when each ballot came in."""
from __future__ import annotations

import uuid

import uuid6


def new_key() -> uuid.UUID:
    """A fresh idempotency key, later keys sorting after earlier ones."""
    return uuid.UUID(int=uuid6.uuid7().int)
