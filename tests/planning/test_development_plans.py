"""Village and unit plans (两规划): who enters them, their years and money, the posting sheet, the demo."""
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from planning.development import check_commitment, record_progress, save_development_plan
from planning.models import DevelopmentPlan
from seeding.plans import seed_development_plans
from shuanglian.errors import DomainError


def village_plan(by, village, **kw):
    return save_development_plan(by=by, kind="village", village=village, start_year=2025, end_year=2027,
                                 goals="整村脱贫", commitments=[{"text": "硬化道路3公里", "money": 900000, "year_due": 2026}],
                                 **kw)


def test_an_office_enters_a_village_plan_of_its_area(counties, office):
    plan = village_plan(office, counties["mine"]["village"])
    assert plan.commitments.get().money == Decimal("900000.00")


def test_an_office_cannot_enter_the_plan_of_another_countys_village(counties, office):
    with pytest.raises(DomainError, match="管辖该村"):
        village_plan(office, counties["next"]["village"])
    assert not DevelopmentPlan.objects.exists()


def test_a_unit_administrator_enters_the_five_year_plan_of_their_own_unit_only(counties, unit_admin):
    save_development_plan(by=unit_admin, kind="unit", unit=counties["mine"]["unit"], start_year=2025, end_year=2029,
                          goals="五年规划")
    with pytest.raises(DomainError, match="本单位管理员"):
        save_development_plan(by=unit_admin, kind="unit", unit=counties["next"]["unit"], start_year=2025,
                              end_year=2029, goals="五年规划")


def test_a_unit_plan_longer_than_five_years_is_refused(counties, unit_admin):
    with pytest.raises(DomainError, match="最长五年"):
        save_development_plan(by=unit_admin, kind="unit", unit=counties["mine"]["unit"], start_year=2025,
                              end_year=2030, goals="六年")


def test_a_plan_ending_before_it_starts_is_refused(counties, office):
    with pytest.raises(DomainError, match="截止年度不能早于起始年度"):
        save_development_plan(by=office, kind="village", village=counties["mine"]["village"], start_year=2026,
                              end_year=2025, goals="倒序")


def test_a_commitment_with_negative_money_or_due_outside_the_plan_is_refused(counties, office):
    plan = village_plan(office, counties["mine"]["village"])
    with pytest.raises(DomainError, match="不能为负数"):
        check_commitment(plan=plan, money=Decimal("-1"), year_due=2026)
    with pytest.raises(DomainError, match="规划年度之内"):
        check_commitment(plan=plan, money=Decimal("1"), year_due=2030)


def test_progress_is_one_row_per_year_and_recording_again_replaces_it(counties, office):
    commitment = village_plan(office, counties["mine"]["village"]).commitments.get()
    record_progress(commitment=commitment, year=2025, text="完成设计", done=False)
    record_progress(commitment=commitment, year=2025, text="已开工", done=False)
    assert list(commitment.progress.values_list("text", flat=True)) == ["已开工"]
    with pytest.raises(DomainError):
        record_progress(commitment=commitment, year=2024, text="早于规划", done=False)


def test_the_posting_sheet_prints_the_commitments_for_the_area_only(counties, office):
    mine = village_plan(office, counties["mine"]["village"])
    record_progress(commitment=mine.commitments.get(), year=2025, text="已开工", done=False)
    other = DevelopmentPlan.objects.create(kind="village", village=counties["next"]["village"], start_year=2025,
                                           end_year=2027, goals="麦积")
    client = Client()
    client.force_login(office)
    page = client.get(f"/planning/development/{mine.pk}/posting/").content.decode()
    assert "硬化道路3公里" in page and "已开工" in page and "@page" in page
    assert client.get(f"/planning/development/{other.pk}/posting/").status_code == 404


def test_the_demo_gives_poor_villages_a_plan_and_runs_again_without_adding(counties):
    assert seed_development_plans(county="620502000000", today=date.today()) == 1
    assert DevelopmentPlan.objects.get().commitments.count() == 3
    assert seed_development_plans(county="620502000000", today=date.today()) == 0
