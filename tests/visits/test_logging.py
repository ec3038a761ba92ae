"""Logging a visit: the validation rules of docs/domain.md §6, idempotency, and anomaly flags."""
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shuanglian.errors import DomainError
from tests import factories as f
from visits.models import AnomalyFlag, Visit, VisitPolicy
from visits.services.anomalies import flag_anomalies, review_flag
from visits.services.trips import Location, log_visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

TODAY = timezone.localdate()


@pytest.fixture
def pairing():
    return f.HouseholdPairingFactory(start=TODAY - timedelta(days=400))


def log(pairing, start_days_ago=5, end_days_ago=3, households=None, **kwargs):
    kwargs.setdefault("key", uuid.uuid4())
    return log_visit(cadre=pairing.cadre, households=households or [pairing.household],
                     start=TODAY - timedelta(days=start_days_ago), end=TODAY - timedelta(days=end_days_ago), **kwargs)


def messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_a_valid_visit_is_stored_with_its_households(pairing):
    visit = log(pairing)
    assert list(visit.households.all()) == [pairing.household]


def test_the_same_key_returns_the_first_visit_and_stores_nothing_twice(pairing):
    key = uuid.uuid4()
    first = log(pairing, key=key)
    again = log(pairing, key=key)
    assert again.pk == first.pk and Visit.objects.count() == 1


def test_a_visit_ending_before_it_starts_is_refused(pairing):
    with pytest.raises(DomainError) as exc:
        log(pairing, start_days_ago=3, end_days_ago=5)
    assert "结束日期不能早于开始日期" in messages(exc)


def test_a_future_visit_is_refused(pairing):
    with pytest.raises(DomainError) as exc:
        log(pairing, start_days_ago=1, end_days_ago=-1)
    assert "今天以后" in messages(exc)


def test_a_trip_longer_than_the_policy_allows_is_refused(pairing):
    with pytest.raises(DomainError) as exc:
        log(pairing, start_days_ago=40, end_days_ago=1, own_entry=False)
    assert "最长31天" in messages(exc)


def test_with_no_policy_a_trip_longer_than_a_year_is_refused(pairing):
    VisitPolicy.objects.all().delete()
    with pytest.raises(DomainError) as exc:
        log(pairing, start_days_ago=370, end_days_ago=4, own_entry=False)  # 367 days
    assert "最长366天" in messages(exc) and not Visit.objects.exists()


def test_with_no_policy_a_trip_of_a_whole_leap_year_is_stored(pairing):
    VisitPolicy.objects.all().delete()
    assert log(pairing, start_days_ago=369, end_days_ago=4, own_entry=False).pk  # 366 days


def test_the_database_refuses_a_trip_longer_than_a_year_that_skips_the_service(pairing):
    from datetime import date

    from django.db import IntegrityError, transaction

    Visit.objects.create(cadre=pairing.cadre, start=date(2024, 1, 1), end=date(2024, 12, 31))  # 366 days
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(cadre=pairing.cadre, start=date(2024, 1, 1), end=date(2025, 1, 1))


def test_a_cadres_own_entry_older_than_the_window_is_refused(pairing):
    with pytest.raises(DomainError) as exc:
        log(pairing, start_days_ago=45, end_days_ago=44)
    assert "30天内" in messages(exc)


def test_an_offices_entry_may_carry_history(pairing):
    assert log(pairing, start_days_ago=45, end_days_ago=44, own_entry=False).pk


def test_a_county_policy_sets_its_own_window(pairing):
    VisitPolicy.objects.create(area_id=pairing.cadre.unit.area_id, subject="cadre", min_visits=4, min_days=15, backdate_days=60)
    assert log(pairing, start_days_ago=45, end_days_ago=44).pk


def test_a_household_not_paired_with_the_cadre_is_refused(pairing):
    stranger = f.HouseholdFactory()
    with pytest.raises(DomainError) as exc:
        log(pairing, households=[pairing.household, stranger])
    assert stranger.number in messages(exc) and Visit.objects.count() == 0


def test_a_household_handed_over_before_the_trip_is_refused(pairing):
    pairing.end = TODAY - timedelta(days=10)
    pairing.save()
    with pytest.raises(DomainError):
        log(pairing)


def test_overlapping_records_are_flagged_not_refused(pairing):
    log(pairing, start_days_ago=6, end_days_ago=4)
    log(pairing, start_days_ago=4, end_days_ago=2)
    assert Visit.objects.count() == 2
    assert AnomalyFlag.objects.filter(kind="overlap", status="open").count() == 1


def test_touching_records_are_not_flagged(pairing):
    log(pairing, start_days_ago=6, end_days_ago=5)
    log(pairing, start_days_ago=4, end_days_ago=3)
    assert not AnomalyFlag.objects.exists()


def test_the_same_cadre_in_two_villages_on_one_day_is_flagged(pairing):
    elsewhere = f.HouseholdPairingFactory(cadre=pairing.cadre, start=pairing.start,
                                          household=f.HouseholdFactory(village=f.village("620502100002", "二村")))
    log(pairing, start_days_ago=3, end_days_ago=3)
    log(elsewhere, start_days_ago=3, end_days_ago=3)
    assert AnomalyFlag.objects.filter(kind="two_villages").count() == 1


def test_a_location_outside_the_globe_is_refused(pairing):
    with pytest.raises(DomainError) as exc:
        log(pairing, location=Location(latitude=Decimal("91"), longitude=Decimal("105")))
    assert "定位数据无效" in messages(exc) and not Visit.objects.exists()


def _stored_trips(pairing, count):
    trips = []
    for i in range(count):
        visit = Visit.objects.create(cadre=pairing.cadre, start=TODAY - timedelta(days=i + 2), end=TODAY - timedelta(days=i))
        visit.households.set([pairing.household])
        trips.append(visit)
    return trips


def test_flagging_a_batch_takes_a_fixed_number_of_queries(pairing, django_assert_max_num_queries):
    trips = _stored_trips(pairing, 40)
    with django_assert_max_num_queries(6):
        made = flag_anomalies(visits=trips)
    assert made == AnomalyFlag.objects.count() > 40  # each trip shares days with its neighbours


def test_a_trip_of_the_new_year_is_flagged_against_one_begun_the_year_before(pairing):
    from datetime import date

    december = Visit.objects.create(cadre=pairing.cadre, start=date(2024, 12, 30), end=date(2025, 1, 2))
    january = Visit.objects.create(cadre=pairing.cadre, start=date(2025, 1, 1), end=date(2025, 1, 1))
    for trip in (december, january):
        trip.households.set([pairing.household])
    flag_anomalies(visits=[january])  # the trips lie in two year partitions on PostgreSQL
    flag = AnomalyFlag.objects.get(kind=AnomalyFlag.Kind.OVERLAP)
    assert (flag.visit_id, flag.other_id, flag.day) == (december.pk, january.pk, date(2025, 1, 1))


def test_a_trip_is_flagged_against_one_of_a_whole_year_begun_the_year_before(pairing):
    from datetime import date

    year_long = Visit.objects.create(cadre=pairing.cadre, start=date(2024, 1, 1), end=date(2024, 12, 31))
    last_day = Visit.objects.create(cadre=pairing.cadre, start=date(2024, 12, 31), end=date(2025, 1, 2))
    for trip in (year_long, last_day):
        trip.households.set([pairing.household])
    flag_anomalies(visits=[last_day])  # the other trip begins 365 days before: the bound's edge
    flag = AnomalyFlag.objects.get(kind=AnomalyFlag.Kind.OVERLAP)
    assert (flag.visit_id, flag.other_id, flag.day) == (year_long.pk, last_day.pk, date(2024, 12, 31))


def test_flagging_the_same_trips_again_adds_nothing(pairing):
    trips = _stored_trips(pairing, 5)
    first = flag_anomalies(visits=trips)
    assert flag_anomalies(visits=trips) == 0 and AnomalyFlag.objects.count() == first


def test_an_office_clears_a_flag_with_a_note(pairing):
    log(pairing, start_days_ago=6, end_days_ago=4)
    log(pairing, start_days_ago=4, end_days_ago=2)
    flag = review_flag(flag=AnomalyFlag.objects.get(), status="cleared", note="照片为证", by=None)
    assert flag.status == "cleared" and flag.note == "照片为证"


@pytest.mark.django_db(transaction=True)
def test_two_racing_submissions_with_one_key_store_one_visit():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    pairing = f.HouseholdPairingFactory(start=TODAY - timedelta(days=400))
    key = uuid.uuid4()

    def submit(_):
        try:
            return log(pairing, key=key).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(submit, range(8)))
    assert len(ids) == 1 and Visit.objects.count() == 1
