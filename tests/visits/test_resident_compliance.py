"""Residents (驻村, docs/domain.md §11): one row per posting in force, its days from the stays of
驻村考勤 counted like trips, held to 220 days a year pro-rated by posted days less leave."""
import csv
import io
from datetime import date

import pytest
from django.core.management import call_command

from tests import factories as f
from visits.models import VisitPolicy
from visits.selectors import year_compliance

pytestmark = pytest.mark.django_db


def row(posting, year=2025):
    return year_compliance(year=year, subject="resident")[(posting.pk,)]


def run(*args) -> list[list[str]]:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_a_resident_posted_all_year_owes_220_days():
    r = row(f.PostingFactory(start=date(2025, 1, 1)))
    assert (r.paired_days, r.required_visits, r.required_days) == (365, 0, 220)


def test_overlapping_stays_count_each_day_once():
    posting = f.PostingFactory()
    f.StayFactory(posting=posting, start=date(2025, 4, 1), end=date(2025, 4, 10))
    f.StayFactory(posting=posting, start=date(2025, 4, 5), end=date(2025, 4, 12))
    r = row(posting)
    assert (r.visits, r.days) == (1, 12)


def test_a_stay_across_new_year_counts_its_days_in_each_year():
    posting = f.PostingFactory(start=date(2024, 6, 1))
    f.StayFactory(posting=posting, start=date(2024, 12, 30), end=date(2025, 1, 2))
    assert (row(posting, 2024).days, row(posting, 2025).days) == (2, 2)
    assert (row(posting, 2024).visits, row(posting, 2025).visits) == (1, 0)


def test_a_posting_from_april_is_pro_rated_by_its_posted_days():
    r = row(f.PostingFactory(start=date(2025, 4, 1), end=date(2025, 12, 31)))
    assert (r.paired_days, r.required_days) == (275, 166)  # ceil(220 × 275 ÷ 365)


def test_leave_comes_out_of_the_posted_days_as_the_worked_example_says():
    posting = f.PostingFactory(start=date(2025, 4, 1), end=date(2025, 12, 31))
    f.LeaveFactory(cadre=posting.cadre, start=date(2025, 3, 22), end=date(2025, 4, 20))  # 20 days on posted days
    r = row(posting)
    assert (r.leave_days, r.required_days) == (20, 154)  # ceil(220 × 255 ÷ 365)


@pytest.mark.dates
def test_a_leap_year_divides_by_366():
    r = row(f.PostingFactory(start=date(2024, 2, 29), end=date(2024, 12, 31)), 2024)
    assert (r.paired_days, r.required_days) == (307, 185)  # ceil(220 × 307 ÷ 366)


def test_two_postings_of_one_cadre_are_two_rows_each_with_its_own_stays():
    cadre = f.CadreFactory()
    first = f.PostingFactory(cadre=cadre, start=date(2025, 1, 1), end=date(2025, 6, 30))
    second = f.PostingFactory(cadre=cadre, village=f.village("620502100002"), start=date(2025, 7, 1))
    f.StayFactory(posting=first, start=date(2025, 3, 1), end=date(2025, 3, 5))
    f.StayFactory(posting=second, start=date(2025, 8, 1), end=date(2025, 8, 2))
    assert (row(first).days, row(second).days) == (5, 2)


def test_a_policy_of_the_village_county_applies_to_its_residents():
    VisitPolicy.objects.create(area=f.county(), subject="resident", min_visits=2, min_days=200)
    r = row(f.PostingFactory(start=date(2025, 1, 1)))
    assert (r.required_visits, r.required_days) == (2, 200)


def test_a_posting_ended_before_the_year_has_no_row():
    posting = f.PostingFactory(start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert (posting.pk,) not in year_compliance(year=2025, subject="resident")


def test_the_command_writes_one_row_per_posting_as_the_contract_says():
    posting = f.PostingFactory(start=date(2025, 1, 1))
    f.StayFactory(posting=posting, start=date(2025, 1, 1), end=date(2025, 8, 8))  # 220 days
    rows = run("--year", "2025", "--subject", "resident")
    assert rows == [["身份证号", "姓名", "村代码", "在村天数", "应在村天数", "是否达标"],
                    [posting.cadre.id_number, posting.cadre.name, posting.village_id, "220", "220", "是"]]


def test_the_command_keeps_the_postings_in_villages_of_the_area():
    inside = f.PostingFactory()
    f.PostingFactory(village=f.village("620503100001", "麦积一村"))
    rows = run("--year", "2025", "--subject", "resident", "--area", "620502000000")
    assert [r[2] for r in rows[1:]] == [inside.village_id]


def test_the_cadre_rows_of_the_command_are_net_of_leave():
    pairing = f.HouseholdPairingFactory(start=date(2025, 1, 1))
    f.LeaveFactory(cadre=pairing.cadre, start=date(2025, 3, 1), end=date(2025, 4, 30))
    rows = run("--year", "2025")
    assert rows[1][5:7] == ["4", "13"]
