"""Signing out everywhere: a cadre who lost a phone (or lent it) ends every session of their
account and deletes its API tokens, from any device. Sessions live in the database
(django.contrib.sessions' db backend, the default), which does not index them by user, so the
unexpired ones are read once and those of the user deleted: a rare action, done in batches."""
from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token


def end_all_sessions(user) -> int:
    """Delete every session of ``user`` and their API tokens; the number of sessions ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model = store.get_model_class()  # the db and cached_db backends
    mine, ended = str(user.pk), 0
    live = model.objects.filter(expire_date__gt=timezone.now()).order_by("pk")
    batch: list[str] = []
    for session in live.iterator(chunk_size=2000):
        if session.get_decoded().get("_auth_user_id") == mine:
            batch.append(session.session_key)
    for key in batch:
        store(session_key=key).delete()  # also clears a cached_db session's cache entry
        ended += 1
    Token.objects.filter(user=user).delete()
    return ended
