"""The forms' idempotency keys are time-ordered (shuanglian/keys.py): the unique index that
holds every key takes a new one at its right edge instead of on a random page."""
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from shuanglian.keys import new_key
from visits.forms import VisitForm

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_key_made_later_sorts_after_one_made_earlier():
    with time_machine.travel(NOON, tick=False):
        earlier = new_key()
    with time_machine.travel(NOON + timedelta(seconds=1), tick=False):
        later = new_key()
    assert earlier.version == later.version == 7
    assert later > earlier


def test_a_key_begins_with_the_milliseconds_it_was_made_at():
    # Far ahead of any moment another test travels to: a key never sorts before one made earlier
    # in the same process, so a clock set back would give the millisecond after that one instead.
    made = datetime(2999, 1, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(made, tick=False):
        key = new_key()
    assert key.int >> 80 == int(made.timestamp() * 1000)


def test_two_keys_made_in_the_same_millisecond_still_differ_and_keep_their_order():
    with time_machine.travel(NOON, tick=False):
        first, second = new_key(), new_key()
    assert second > first


def test_the_visit_form_offers_a_time_ordered_key():
    assert uuid.UUID(str(VisitForm(households=None)["key"].value())).version == 7
