"""The counting rules of docs/domain.md §6, as the compliance engine applies them."""
from datetime import date

import pytest

from households.models import Area
from tests import factories as f
from visits.models import UnitVisit, Visit, VisitPolicy
from visits.selectors import visit_compliance, year_compliance

pytestmark = pytest.mark.django_db

D = date.fromisoformat


@pytest.fixture
def cadre():
    return f.HouseholdPairingFactory(start=date(2024, 1, 1)).cadre


def trip(cadre, start: str, end: str) -> Visit:
    return Visit.objects.create(cadre=cadre, start=D(start), end=D(end))


def row(cadre, year=2025, **kwargs):
    return year_compliance(year=year, **kwargs)[(cadre.pk,)]


def test_days_of_a_trip_count_both_ends(cadre):
    trip(cadre, "2025-04-01", "2025-04-04")
    assert (row(cadre).visits, row(cadre).days) == (1, 4)


def test_overlapping_trips_count_as_one_stay(cadre):
    trip(cadre, "2025-04-01", "2025-04-04")
    trip(cadre, "2025-04-03", "2025-04-06")
    assert (row(cadre).visits, row(cadre).days) == (1, 6)


def test_trips_sharing_one_day_are_one_stay(cadre):
    trip(cadre, "2025-04-01", "2025-04-03")
    trip(cadre, "2025-04-03", "2025-04-05")
    assert (row(cadre).visits, row(cadre).days) == (1, 5)


def test_touching_trips_stay_two_visits(cadre):
    trip(cadre, "2025-04-01", "2025-04-03")
    trip(cadre, "2025-04-04", "2025-04-06")
    assert (row(cadre).visits, row(cadre).days) == (2, 6)


def test_a_trip_inside_another_adds_no_days(cadre):
    trip(cadre, "2025-04-01", "2025-04-10")
    trip(cadre, "2025-04-03", "2025-04-04")
    assert (row(cadre).visits, row(cadre).days) == (1, 10)


def test_a_chain_of_overlaps_merges_into_one_stay(cadre):
    trip(cadre, "2025-04-01", "2025-04-03")
    trip(cadre, "2025-04-08", "2025-04-10")
    trip(cadre, "2025-04-03", "2025-04-08")  # bridges the two
    assert (row(cadre).visits, row(cadre).days) == (1, 10)


def test_a_stay_across_new_year_is_a_visit_of_the_year_it_starts_with_days_split(cadre):
    trip(cadre, "2024-12-30", "2025-01-02")
    assert (row(cadre, 2024).visits, row(cadre, 2024).days) == (1, 2)
    assert (row(cadre, 2025).visits, row(cadre, 2025).days) == (0, 2)


def test_a_trip_overlapping_one_from_last_year_is_not_a_new_visit(cadre):
    trip(cadre, "2024-12-28", "2025-01-01")
    trip(cadre, "2025-01-01", "2025-01-03")
    assert (row(cadre).visits, row(cadre).days) == (0, 3)


def test_four_visits_and_fifteen_days_meet_the_default_rule(cadre):
    for month in (3, 5, 7, 9):
        trip(cadre, f"2025-{month:02d}-01", f"2025-{month:02d}-04")
    result = row(cadre)
    assert (result.visits, result.days, result.required_visits, result.required_days) == (4, 16, 4, 15)
    assert result.met


def test_three_visits_do_not_meet_the_rule_whatever_the_days(cadre):
    for month in (3, 5, 7):
        trip(cadre, f"2025-{month:02d}-01", f"2025-{month:02d}-10")
    assert not row(cadre).met


def test_a_cadre_paired_for_part_of_the_year_owes_a_pro_rated_minimum():
    pairing = f.HouseholdPairingFactory(start=date(2025, 7, 1))  # 184 of 365 days
    result = row(pairing.cadre)
    assert result.paired_days == 184
    assert (result.required_visits, result.required_days) == (3, 8)  # ceil(4×184/365), ceil(15×184/365)


def test_paired_days_count_each_day_once_when_pairings_overlap():
    pairing = f.HouseholdPairingFactory(start=date(2025, 1, 1), end=date(2025, 6, 30))
    f.HouseholdPairingFactory(cadre=pairing.cadre, start=date(2025, 3, 1), end=date(2025, 6, 30))
    assert row(pairing.cadre).paired_days == 181


def test_a_cadre_without_a_pairing_in_the_year_has_no_row(cadre):
    assert (cadre.pk,) not in year_compliance(year=2023)


def test_a_trip_of_another_cadre_does_not_count(cadre):
    other = f.HouseholdPairingFactory().cadre
    trip(other, "2025-04-01", "2025-04-04")
    assert row(cadre).visits == 0


def test_the_most_specific_areas_policy_wins(cadre):
    county = Area.objects.get(code=cadre.unit.area_id)
    VisitPolicy.objects.create(area=county, subject="cadre", min_visits=2, min_days=7)
    result = row(cadre)
    assert (result.required_visits, result.required_days) == (2, 7)


def test_a_policy_of_the_year_wins_over_one_for_every_year(cadre):
    VisitPolicy.objects.create(area=None, year=2025, subject="cadre", min_visits=4, min_days=30)
    assert row(cadre).required_days == 30
    assert row(cadre, 2024).required_days == 15


def test_area_filtering_follows_the_households_villages(cadre):
    elsewhere = f.HouseholdPairingFactory(household=f.HouseholdFactory(village=f.village("620503100001", "麦积一村")))
    rows = year_compliance(year=2025, area="620503000000")
    assert (elsewhere.cadre.pk,) in rows and (cadre.pk,) not in rows


def test_a_quarter_is_a_period_too(cadre):
    trip(cadre, "2025-03-30", "2025-04-02")
    q2 = visit_compliance(start=D("2025-04-01"), end=D("2025-06-30"))[(cadre.pk,)]
    assert (q2.visits, q2.days, q2.paired_days) == (0, 2, 91)


def test_a_units_visits_to_its_village_are_counted_per_village():
    pairing = f.VillagePairingFactory(start=date(2025, 1, 1))
    for month in (2, 4, 6, 8):
        UnitVisit.objects.create(unit=pairing.unit, village=pairing.village, start=date(2025, month, 1), end=date(2025, month, 8))
    result = year_compliance(year=2025, subject="unit")[(pairing.unit_id, pairing.village_id)]
    assert (result.visits, result.days, result.required_visits, result.required_days) == (4, 32, 4, 30)
    assert result.met


def test_the_engine_runs_one_query_whatever_the_number_of_cadres(django_assert_num_queries):
    for _ in range(5):
        pairing = f.HouseholdPairingFactory()
        trip(pairing.cadre, "2025-05-01", "2025-05-03")
    with django_assert_num_queries(1):
        assert len(year_compliance(year=2025)) == 5


def test_pace_measures_the_days_so_far_against_the_whole_year(cadre):
    from visits.selectors import pace

    trip(cadre, "2025-02-01", "2025-02-03")
    at_midyear = pace(on=D("2025-07-02"))[(cadre.pk,)]  # 183 of 365 days: ceil(4×183/365) = 3
    assert (at_midyear.visits, at_midyear.required_visits, at_midyear.met) == (1, 3, False)


def test_a_cadre_on_pace_early_in_the_year_is_not_behind(cadre):
    from visits.selectors import pace

    trip(cadre, "2025-01-10", "2025-01-12")
    assert pace(on=D("2025-02-01"))[(cadre.pk,)].met  # ceil(4×32/365) = 1, ceil(15×32/365) = 2


def test_the_due_list_puts_the_furthest_behind_first_and_leaves_out_those_on_pace():
    from pairing.models import Cadre
    from visits.selectors import due_list

    idle, busy, half = (f.HouseholdPairingFactory().cadre for _ in range(3))
    for month in (1, 2, 3, 4, 5):
        trip(busy, f"2025-{month:02d}-10", f"2025-{month:02d}-13")
    trip(half, "2025-02-01", "2025-02-05")
    rows = due_list(cadres=Cadre.objects.all(), on=D("2025-07-02"))
    assert [r.cadre for r in rows] == [idle, half]
    assert (rows[0].visits_behind, rows[0].days_behind) == (3, 8)


def test_one_cadres_progress_matches_the_province_wide_figures(cadre):
    from visits.selectors import cadre_progress

    other = f.HouseholdPairingFactory().cadre
    trip(cadre, "2025-02-01", "2025-02-03")
    trip(other, "2025-02-01", "2025-02-09")
    mine = cadre_progress(cadre_id=cadre.pk, on=D("2025-07-02"))
    assert mine.year == year_compliance(year=2025)[(cadre.pk,)]
    assert (mine.year.visits, mine.year.days, mine.behind) == (1, 3, True)


def test_a_rows_counts_come_back_as_plain_integers_for_every_subject(cadre):
    """The rows are made from the statement's values as they come (``ComplianceRow._make``), so
    each must already be an int on either database: a Decimal would print as "4.0" in an export
    and a float would not compare exactly."""
    from visits.selectors import year_so_far

    trip(cadre, "2025-04-01", "2025-04-04")
    f.LeaveFactory(cadre=cadre, start=D("2025-06-01"), end=D("2025-06-30"))
    unit_pairing = f.VillagePairingFactory(start=date(2025, 1, 1))
    UnitVisit.objects.create(unit=unit_pairing.unit, village=unit_pairing.village, start=D("2025-05-01"), end=D("2025-05-02"))
    f.StayFactory()
    rows = [*year_compliance(year=2025).values(), *year_compliance(year=2025, subject="unit").values(),
            *year_compliance(year=2025, subject="resident").values(),
            *(r for found in year_so_far(on=D("2025-09-30")) for r in found.values())]
    assert {type(count) for r in rows for count in r[1:]} == {int}
    assert row(cadre).leave_days == 30 and row(cadre).days == 4
