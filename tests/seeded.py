"""The demo county seeded once for a whole test module, for modules whose tests only read it or
change it a little: seeding takes about ten seconds, which each test paid on its own before.

The seed runs in a transaction of the module's own, rolled back when the module ends; each test
runs inside it as usual (pytest-django's savepoint, rolled back after the test), so a test that
changes the demo, or runs ``seed_demo`` again, leaves it as seeded for the next. Every test of
such a module must be a plain ``django_db`` test (no ``transaction=True``): a flush would empty
the seed under the others."""
from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import datetime

import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


@contextmanager
def demo_seeded_for_module(django_db_blocker, moment: datetime, **settings):
    """Seed the demo as at ``moment`` (the clock stays stopped there until the block ends), with
    ``settings`` overridden meanwhile; yields what ``seed_demo`` printed."""
    with django_db_blocker.unblock(), time_machine.travel(moment, tick=False), override_settings(**settings):
        with transaction.atomic():
            printed = io.StringIO()
            call_command("seed_demo", stdout=printed)
            try:
                yield printed.getvalue()
            finally:
                transaction.set_rollback(True)
