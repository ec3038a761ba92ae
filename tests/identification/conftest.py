"""A county (秦州区) with its township, two villages and a candidate household, its neighbour,
and the offices of every level (docs/domain.md §10: who takes which step)."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from households.models import Household, Member
from identification.services.steps import take_step
from pairing.models import Posting, Role
from tests.web.conftest import area, county, id_number, staff

TODAY = date(2025, 8, 31)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 8, 31, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def w(db, django_capture_on_commit_callbacks):
    # Committed as far as the figures know: the registry's renewals are done before the test
    # writes, so a test sees only those of its own writes (as tests/web/conftest.py's counties).
    with django_capture_on_commit_callbacks(execute=True):
        area("620000000000", "甘肃省")
        area("620500000000", "天水市")
        mine, other = county("620502", "秦州区", 1), county("620503", "麦积区", 2)
        village2 = area("620502100002", "秦州二村")
        h = mine["household"]
        h.status = Household.Status.CANDIDATE
        h.save()
        second = Household.objects.create(number="H620502B", village=mine["village"], head_name="二户主",
                                          head_id_number=id_number("62050219720101041"), resident_population=4,
                                          status=Household.Status.CANDIDATE)
        Member.objects.create(household=second, id_number=second.head_id_number, name="二户主", relation="户主")
        elsewhere = Household.objects.create(number="H620502C", village=village2, head_name="三户主",
                                             head_id_number=id_number("62050219730101051"), resident_population=2,
                                             status=Household.Status.CANDIDATE)
        Posting.objects.create(cadre=mine["cadre"], village=mine["village"], role="first_secretary", start=date(2025, 1, 1))
        users = SimpleNamespace(
            county=staff("county", kind=Role.Kind.OFFICE, area_id="620502000000"),
            township=staff("township", kind=Role.Kind.OFFICE, area_id="620502100000"),
            city=staff("city", kind=Role.Kind.OFFICE, area_id="620500000000"),
            leader=staff("leader", kind=Role.Kind.LEADER, area_id="620502000000"),
            other_county=staff("other_county", kind=Role.Kind.OFFICE, area_id="620503000000"),
            root=get_user_model().objects.create_superuser("root"),
            resident=mine["cadre"].user,
            colleague=get_user_model().objects.create_user("colleague"),
        )
        return SimpleNamespace(mine=mine, other=other, village=mine["village"], village2=village2, h=h, second=second,
                               elsewhere=elsewhere, users=users)


SIGNED = [{"name": "王书记", "role": "村党支部书记"}, {"name": "李主任", "role": "村委会主任"}]


def step(w, user, stage, on, *, procedure="identification", households=None, passed=True, end=None, year=2025,
         key=None, signatories=SIGNED, results=None):
    households = households if households is not None else [w.h]
    votes = {"votes_for": 30, "votes_against": 2, "votes_abstaining": 1} if stage == "vote" else {}
    results = results or {h.pk: {"passed": passed, **votes} for h in households}
    return take_step(user, village=households[0].village_id if households else w.village.code, procedure=procedure,
                     year=year, stage=stage, date=on, end_date=end, households=households, results=results,
                     signatories=signatories, note="", idempotency_key=key)


def d(month, day):
    return date(2025, month, day)


def identify(w, households=None):
    """The whole identification, every step at its level, the notices their minimum 7 days."""
    u = w.users
    step(w, u.township, "vote", d(6, 1), households=households)
    step(w, u.township, "first_notice", d(6, 2), end=d(6, 8), households=households)
    step(w, u.township, "township_review", d(6, 9), households=households)
    step(w, u.township, "second_notice", d(6, 10), end=d(6, 16), households=households)
    step(w, u.county, "county_review", d(6, 17), households=households)
    step(w, u.county, "announcement", d(6, 18), households=households)
    step(w, u.county, "filing", d(6, 19), households=households)


def ready_to_exit(household, year=2025):
    """What an exit proposal needs (identification/checklists.py): the year's checklist with every
    item met and an income of the year above the provincial line."""
    from tests.factories import ExitChecklistFactory, IncomeRecordFactory

    ExitChecklistFactory.all_hold(household=household, year=year)
    IncomeRecordFactory(household=household, year=year, total_income=household.resident_population * 10000)
