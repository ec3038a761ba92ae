"""A county's scale quota (县扶贫规模, docs/domain.md §10): designating or identifying beyond it is
refused at every door (严禁超规模识别)."""
from __future__ import annotations

import pytest
from django.utils import timezone

from households.models import PoorAreaYear, VillageYear
from households.selectors import quota_errors
from households.services import set_poverty_flag
from shuanglian.errors import DomainError
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import EVERYTHING
from tests import factories as f
from tests.roster.workbooks import write_workbook

pytestmark = pytest.mark.django_db


def designate(*codes, year=2025):
    for code in codes:
        f.PoorAreaYearFactory(area=f.village(code), year=year)


def test_a_county_without_a_quota_has_no_limit():
    designate("620502100001", "620502100002")
    assert quota_errors(f.COUNTY, 2025, villages=100, people=100_000) == []


def test_one_village_more_than_the_quota_is_refused_naming_county_quota_and_count():
    f.county()
    f.PovertyQuotaFactory(poor_villages=2)
    designate("620502100001", "620502100002")
    (message,) = quota_errors(f.COUNTY, 2025, villages=1)
    assert "严禁超规模识别" in message and "秦州区" in message and "2个" in message and "3个" in message


def test_up_to_the_quota_is_allowed():
    f.PovertyQuotaFactory(poor_villages=3)
    designate("620502100001", "620502100002")
    assert quota_errors(f.COUNTY, 2025, villages=1) == []


def test_villages_of_other_years_and_counties_do_not_count():
    f.PovertyQuotaFactory(poor_villages=1)
    designate("620502100001", year=2024)
    designate("620503100001")
    assert quota_errors(f.COUNTY, 2025, villages=1) == []


def test_a_year_without_a_quota_takes_the_latest_earlier_years():
    f.PovertyQuotaFactory(year=2024, poor_villages=1)
    designate("620502100001")
    assert quota_errors(f.COUNTY, 2025, villages=1)
    assert quota_errors(f.COUNTY, 2023, villages=5) == []


def test_poor_people_are_the_residents_of_identified_registered_and_returned_households():
    f.PovertyQuotaFactory(poor_people=10)
    f.HouseholdFactory(resident_population=3, status="registered")
    f.HouseholdFactory(resident_population=3, status="identified")
    f.HouseholdFactory(resident_population=2, status="returned")
    f.HouseholdFactory(resident_population=5, status="candidate")
    f.HouseholdFactory(resident_population=5, status="exited", exit_year=2024)
    assert quota_errors(f.COUNTY, 2025, people=2) == []
    (message,) = quota_errors(f.COUNTY, 2025, people=3)
    assert "贫困人口规模为10人" in message and "11人" in message


def test_a_village_code_names_its_county():
    f.PovertyQuotaFactory(poor_villages=0)
    assert quota_errors("620502100001", 2025, villages=1)


def test_the_service_refuses_a_designation_beyond_the_quota():
    f.PovertyQuotaFactory(poor_villages=0)
    with pytest.raises(DomainError, match="严禁超规模识别"):
        set_poverty_flag(area=f.village(), year=2025, poor=True)
    assert not PoorAreaYear.objects.exists()


def test_the_roster_refuses_poor_villages_beyond_the_quota(tmp_path):
    year = timezone.localdate().year
    f.village("620502100002")
    f.PovertyQuotaFactory(year=year, poor_villages=1)
    path = write_workbook(tmp_path / "r.xlsx", {"区划": [
        ["区划代码", "名称", "级别", "是否贫困"],
        [f.VILLAGE, "一村", "村", "是"],
        ["620502100002", "二村", "村", "是"],
    ]})
    with pytest.raises(RosterRejected) as exc_info:
        import_workbook(path, scope=EVERYTHING)
    problems = [str(p) for p in exc_info.value.result.problems]
    assert len(problems) == 2 and problems[0].startswith("区划!2: 严禁超规模识别") and problems[1].startswith("区划!3:")
    assert not PoorAreaYear.objects.exists()


def test_the_roster_takes_poor_villages_within_the_quota(tmp_path):
    year = timezone.localdate().year
    f.village()
    f.PovertyQuotaFactory(year=year, poor_villages=1)
    path = write_workbook(tmp_path / "r.xlsx", {"区划": [["区划代码", "名称", "级别", "是否贫困"],
                                                        [f.VILLAGE, "一村", "村", "是"]]})
    import_workbook(path, scope=EVERYTHING)
    assert PoorAreaYear.objects.filter(area_id=f.VILLAGE, year=year).exists()


# --- 村情 with more poor people than people -----------------------------------------------------------------

def test_village_data_with_more_poor_people_than_people_is_refused_by_the_database_too():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        VillageYear.objects.create(village=f.village(), year=2025, households=1, population=10, poor_population=11,
                                   per_capita_income=1)


def test_the_roster_may_swap_a_poor_village_for_another_at_the_quota(tmp_path):
    year = timezone.localdate().year
    f.village("620502100002")
    f.PovertyQuotaFactory(year=year, poor_villages=1)
    designate(f.VILLAGE, year=year)
    path = write_workbook(tmp_path / "r.xlsx", {"区划": [
        ["区划代码", "名称", "级别", "是否贫困"],
        [f.VILLAGE, "一村", "村", "否"],
        ["620502100002", "二村", "村", "是"],
    ]})
    import_workbook(path, scope=EVERYTHING)
    assert list(PoorAreaYear.objects.values_list("area_id", flat=True)) == ["620502100002"]
