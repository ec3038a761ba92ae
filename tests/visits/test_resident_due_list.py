"""Residents behind pace on the office's due list (驻村, docs/domain.md §11): days in the village
so far against 220 a year pro-rated to the date, less leave; scoped, filtered and exported."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from pairing.models import Posting, Role
from tests import factories as f
from visits.selectors import resident_due_list

pytestmark = pytest.mark.django_db

# 16 June 2025 is day 167: a resident posted since 1 January owes ceil(220 × 167 ÷ 365) = 101 days.
NOW = datetime(2025, 6, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def posts(tree):
    """秦州一村: 张驻村 behind (10 days), 李驻村 on pace (every day since 1 January);
    麦积一村 (another county): 王驻村 behind."""
    qinzhou_unit = f.UnitFactory(code="QZ", area=tree.counties[0])
    maiji_unit = f.UnitFactory(code="MJ", area=tree.counties[1])
    behind = f.PostingFactory(cadre=f.CadreFactory(name="张驻村", unit=qinzhou_unit), village=tree.villages[0],
                              role="first_secretary", start=date(2025, 1, 1))
    f.StayFactory(posting=behind, start=date(2025, 3, 1), end=date(2025, 3, 10))
    on_pace = f.PostingFactory(cadre=f.CadreFactory(name="李驻村", unit=qinzhou_unit), village=tree.villages[0],
                               start=date(2025, 1, 1))
    f.StayFactory(posting=on_pace, start=date(2025, 1, 1), end=TODAY)
    elsewhere = f.PostingFactory(cadre=f.CadreFactory(name="王驻村", unit=maiji_unit), village=tree.villages[2],
                                 start=date(2025, 1, 1))
    return {"behind": behind, "on_pace": on_pace, "elsewhere": elsewhere, "tree": tree}


def office_of(client, area, **role):
    user = f.UserFactory(is_staff=True)
    f.RoleFactory(user=user, kind=Role.Kind.OFFICE, area=area, **role)
    client.force_login(user)
    return client


# --- the list ---------------------------------------------------------------------------------------------

def test_a_resident_behind_pace_is_listed_with_days_done_owed_and_missing(posts):
    rows = resident_due_list(postings=Posting.objects.all(), on=TODAY, area=posts["tree"].counties[0].code)
    assert [(r.posting.cadre.name, r.progress.days, r.progress.required_days, r.days_behind) for r in rows] == [
        ("张驻村", 10, 101, 91)]


def test_a_resident_on_pace_is_not_listed(posts):
    rows = resident_due_list(postings=Posting.objects.all(), on=TODAY)
    assert "李驻村" not in [r.posting.cadre.name for r in rows]


def test_leave_on_posted_days_lowers_what_the_resident_owes(posts):
    f.LeaveFactory(cadre=posts["behind"].cadre, start=date(2025, 1, 1), end=date(2025, 5, 31))  # 151 days
    rows = resident_due_list(postings=Posting.objects.all(), on=TODAY)
    assert [r for r in rows if r.posting == posts["behind"]] == []  # owes ceil(220 × 16 ÷ 365) = 10: done


def test_the_residents_furthest_behind_come_first(posts):
    later = f.PostingFactory(cadre=f.CadreFactory(name="赵驻村"), village=posts["tree"].villages[1], start=date(2025, 6, 1))
    rows = resident_due_list(postings=Posting.objects.all(), on=TODAY)
    assert [r.posting.cadre.name for r in rows] == ["王驻村", "张驻村", "赵驻村"]  # 101, 91, ceil(220 × 16 ÷ 365) = 10
    assert rows[-1].posting == later


def test_only_the_given_postings_are_listed(posts):
    rows = resident_due_list(postings=Posting.objects.exclude(pk=posts["elsewhere"].pk), on=TODAY)
    assert [r.posting.cadre.name for r in rows] == ["张驻村"]


def test_the_list_takes_the_same_queries_however_many_residents_are_behind(posts, django_assert_num_queries):
    for i in range(5):
        f.PostingFactory(village=posts["tree"].villages[1], start=date(2025, 1, 1), cadre=f.CadreFactory(name=f"队员{i}"))
    with django_assert_num_queries(2):  # the compliance statement, then the postings behind
        rows = [(r.posting.cadre.name, r.posting.village.name) for r in
                resident_due_list(postings=Posting.objects.all(), on=TODAY)]
    assert len(rows) == 7


# --- the page ---------------------------------------------------------------------------------------------

def resident_table(page: str) -> str:
    return page.split('id="resident-due-list"')[1].split("</table>")[0]


def test_the_due_page_lists_the_residents_behind_in_the_offices_villages_only(client, posts):
    office_of(client, posts["tree"].counties[0])
    table = resident_table(client.get(reverse("visits-due")).text)
    assert "张驻村" in table and "秦州一村" in table and "91" in table
    assert "李驻村" not in table and "王驻村" not in table


def test_a_resident_sent_by_a_unit_of_another_county_is_listed_where_they_are_posted(client, posts):
    office_of(client, posts["tree"].counties[1])
    table = resident_table(client.get(reverse("visits-due")).text)
    assert "王驻村" in table and "张驻村" not in table


def test_the_due_page_masks_the_residents_id_numbers_for_an_office_without_the_right(client, posts):
    office_of(client, posts["tree"].counties[0])
    table = resident_table(client.get(reverse("visits-due")).text)
    assert posts["behind"].cadre.id_number not in table


def test_the_unit_filter_narrows_the_residents_too(client, posts):
    office_of(client, posts["tree"].counties[0])
    table = resident_table(client.get(reverse("visits-due"), {"unit": "MJ"}).text)
    assert "张驻村" not in table


def test_the_export_has_a_sheet_of_the_residents_behind(client, posts):
    office_of(client, posts["tree"].counties[0], can_view_id_numbers=True)
    response = client.get(reverse("visits-due"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["驻村滞后名单"].iter_rows(values_only=True))
    assert rows == [("身份证号", "姓名", "村", "在村天数", "应在村天数（至今）", "差天数"),
                    (posts["behind"].cadre.id_number, "张驻村", "秦州一村", 10, 101, 91)]
