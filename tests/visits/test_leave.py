"""Leave (请假, docs/domain.md §11): its days on days in force come out of every pro-rated
requirement; the work done on them still counts."""
from datetime import date

import pytest

from tests import factories as f
from visits.selectors import cadre_progress, pace, year_compliance

pytestmark = pytest.mark.django_db


def paired_cadre(start=date(2025, 1, 1), end=None):
    return f.HouseholdPairingFactory(start=start, end=end).cadre


def row(cadre, year=2025):
    return year_compliance(year=year)[(cadre.pk,)]


def test_leave_on_paired_days_lowers_the_requirement_as_the_worked_example_says():
    cadre = paired_cadre()
    f.LeaveFactory(cadre=cadre, start=date(2025, 3, 1), end=date(2025, 4, 30))
    r = row(cadre)
    # ceil(4 × 304 ÷ 365) = 4, ceil(15 × 304 ÷ 365) = 13
    assert (r.paired_days, r.leave_days, r.required_visits, r.required_days) == (365, 61, 4, 13)


def test_a_trip_made_during_leave_still_counts():
    cadre = paired_cadre()
    f.LeaveFactory(cadre=cadre, start=date(2025, 3, 1), end=date(2025, 4, 30))
    f.VisitFactory(cadre=cadre, start=date(2025, 3, 10), end=date(2025, 3, 12))
    r = row(cadre)
    assert (r.visits, r.days) == (1, 3)


def test_leave_partly_outside_the_paired_span_counts_only_its_paired_days():
    cadre = paired_cadre(start=date(2025, 7, 1))
    f.LeaveFactory(cadre=cadre, start=date(2025, 6, 1), end=date(2025, 7, 31))
    r = row(cadre)
    # 184 paired days less 31 of leave: ceil(4 × 153 ÷ 365) = 2, ceil(15 × 153 ÷ 365) = 7
    assert (r.paired_days, r.leave_days, r.required_visits, r.required_days) == (184, 31, 2, 7)


def test_leave_between_two_pairings_takes_nothing_off():
    cadre = paired_cadre(start=date(2025, 1, 1), end=date(2025, 3, 31))
    f.HouseholdPairingFactory(cadre=cadre, start=date(2025, 6, 1))
    f.LeaveFactory(cadre=cadre, start=date(2025, 4, 1), end=date(2025, 5, 31))
    assert row(cadre).leave_days == 0


def test_leave_across_new_year_counts_its_days_in_each_year():
    cadre = paired_cadre(start=date(2024, 1, 1))
    f.LeaveFactory(cadre=cadre, start=date(2024, 12, 20), end=date(2025, 1, 10))
    assert (row(cadre, 2024).leave_days, row(cadre, 2025).leave_days) == (12, 10)


def test_overlapping_leave_counts_each_day_once():
    cadre = paired_cadre()
    f.LeaveFactory(cadre=cadre, start=date(2025, 3, 1), end=date(2025, 3, 10))
    f.LeaveFactory(cadre=cadre, start=date(2025, 3, 5), end=date(2025, 3, 15))
    assert row(cadre).leave_days == 15


@pytest.mark.dates
def test_leave_on_29_february_is_a_day_of_leave():
    cadre = paired_cadre(start=date(2024, 1, 1))
    f.LeaveFactory(cadre=cadre, start=date(2024, 2, 28), end=date(2024, 3, 1))
    r = row(cadre, 2024)
    assert (r.paired_days, r.leave_days) == (366, 3)


def test_pace_takes_out_the_leave_so_far():
    cadre = paired_cadre()
    f.LeaveFactory(cadre=cadre, start=date(2025, 3, 1), end=date(2025, 3, 31))
    f.LeaveFactory(cadre=cadre, start=date(2025, 6, 1), end=date(2025, 6, 30))  # after the day: not yet
    r = pace(on=date(2025, 4, 1))[(cadre.pk,)]
    # 91 paired days so far less 31: ceil(4 × 60 ÷ 365) = 1, ceil(15 × 60 ÷ 365) = 3
    assert (r.leave_days, r.required_visits, r.required_days) == (31, 1, 3)


def test_a_cadre_on_leave_all_year_owes_nothing():
    cadre = paired_cadre()
    f.LeaveFactory(cadre=cadre, start=date(2025, 1, 1), end=date(2025, 12, 31))
    r = row(cadre)
    assert (r.required_visits, r.required_days, r.met) == (0, 0, True)


def test_leave_of_another_cadre_changes_nothing():
    cadre, other = paired_cadre(), paired_cadre()
    f.LeaveFactory(cadre=other)
    assert (row(cadre).leave_days, row(cadre).required_days) == (0, 15)


def test_unit_village_rows_have_no_leave():
    pairing = f.VillagePairingFactory(start=date(2025, 1, 1))
    f.LeaveFactory()
    r = year_compliance(year=2025, subject="unit")[(pairing.unit_id, pairing.village_id)]
    assert (r.leave_days, r.required_days) == (0, 30)


def test_the_cadres_progress_shows_the_leave_days_of_the_year():
    cadre = paired_cadre()
    f.LeaveFactory(cadre=cadre, start=date(2025, 3, 1), end=date(2025, 4, 30))
    assert cadre_progress(cadre_id=cadre.pk, on=date(2025, 3, 10)).leave_days == 61
