"""An approved monthly report locks its month: visits in it are neither entered nor corrected —
on the phone, through the API or by a roster import — until the office reopens the month."""
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from reports.services.submissions import approve_submission, reopen_month, submit_monthly_report
from shuanglian.errors import DomainError
from tests import factories as f
from visits.models import Visit
from visits.services.trips import log_visit, update_visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def pairing():
    return f.HouseholdPairingFactory(start=TODAY - timedelta(days=400))


def lock(unit):
    submission = submit_monthly_report(unit=unit, month=LAST_MONTH, summary="本月走访正常", by=None)
    return approve_submission(submission=submission, by=None)


def trip(pairing, day: date, **kwargs):
    return log_visit(cadre=pairing.cadre, households=[pairing.household], start=day, end=day, key=uuid.uuid4(),
                     own_entry=False, **kwargs)


def test_a_visit_in_a_locked_month_is_refused(pairing):
    lock(pairing.cadre.unit)
    with pytest.raises(DomainError) as exc:
        trip(pairing, LAST_MONTH + timedelta(days=3))
    assert "已审核通过并锁定" in " ".join(exc.value.messages) and not Visit.objects.exists()


def test_a_trip_naming_its_households_by_id_in_a_locked_month_is_refused_naming_the_month(pairing):
    lock(pairing.cadre.unit)
    day = LAST_MONTH + timedelta(days=3)
    with pytest.raises(DomainError) as exc:
        log_visit(cadre=pairing.cadre, household_ids=[pairing.household.pk], start=day, end=day, key=uuid.uuid4(),
                  own_entry=False)
    assert f"{LAST_MONTH.year}年{LAST_MONTH.month}月的月报已审核通过并锁定" in " ".join(exc.value.messages)
    assert not Visit.objects.exists()


def test_a_trip_running_into_a_locked_month_is_refused(pairing):
    lock(pairing.cadre.unit)
    start = LAST_MONTH - timedelta(days=2)
    with pytest.raises(DomainError):
        log_visit(cadre=pairing.cadre, households=[pairing.household], start=start, end=start + timedelta(days=4),
                  key=uuid.uuid4(), own_entry=False)


def test_a_visit_in_an_open_month_is_stored(pairing):
    lock(pairing.cadre.unit)
    assert trip(pairing, TODAY - timedelta(days=0) if TODAY.day > 1 else TODAY).pk


def test_correcting_a_visit_of_a_locked_month_is_refused(pairing):
    visit = trip(pairing, LAST_MONTH + timedelta(days=3))
    lock(pairing.cadre.unit)
    with pytest.raises(DomainError):
        update_visit(visit=visit, households=[pairing.household], start=visit.start, end=visit.end, own_entry=False,
                     notes="改")
    visit.refresh_from_db()
    assert visit.notes == ""


def test_a_reopened_month_takes_visits_again(pairing):
    submission = lock(pairing.cadre.unit)
    reopen_month(submission=submission, by=None, reason="补录漏报的走访")
    assert trip(pairing, LAST_MONTH + timedelta(days=3)).pk


def test_another_units_lock_does_not_apply(pairing):
    lock(f.UnitFactory())
    assert trip(pairing, LAST_MONTH + timedelta(days=3)).pk
