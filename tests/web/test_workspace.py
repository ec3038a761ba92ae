"""The cadre's phone workspace: progress, logging a visit once, clear messages."""
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import LeaveFactory
from visits.models import Visit

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
TODAY = timezone.localdate()


def form(county, **overrides):
    data = {"households": [county["household"].pk], "start": TODAY - timedelta(days=1), "end": TODAY - timedelta(days=1),
            "tasks": ["policy"], "notes": "谈心", "key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def test_the_workspace_shows_progress_of_the_year(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    page = client.get(reverse("visits-workspace"))
    assert 'id="visits-done">0<' in page.text and "/ 4" in page.text


def test_logging_a_visit_moves_the_progress(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    # A trip of today: yesterday's belongs to last year on 1 January.
    response = client.post(reverse("visits-log"), form(mine, start=TODAY, end=TODAY))
    assert response.status_code == 302
    page = client.get(reverse("visits-workspace"))
    assert 'id="visits-done">1<' in page.text


def test_a_resent_form_stores_one_visit(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    data = form(mine)
    client.post(reverse("visits-log"), data)
    client.post(reverse("visits-log"), data)
    assert Visit.objects.filter(cadre=mine["cadre"]).count() == 1


def test_a_future_date_shows_the_message_and_stores_nothing(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    page = client.post(reverse("visits-log"), form(mine, start=TODAY + timedelta(days=2), end=TODAY + timedelta(days=2)))
    assert page.status_code == 200 and "不能登记今天以后的走访" in page.text
    assert not Visit.objects.exists()


def test_a_date_that_is_not_a_date_shows_the_message(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    page = client.post(reverse("visits-log"), form(mine, start="2025-02-30"))
    assert "请输入有效的日期" in page.text and not Visit.objects.exists()


def test_a_household_of_another_cadre_cannot_be_chosen(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    page = client.post(reverse("visits-log"), form(mine, households=[counties["next"]["household"].pk]))
    assert page.status_code == 200 and not Visit.objects.exists()


def test_a_location_shared_by_the_phone_is_stored_with_the_visit(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-log"), form(mine, latitude="34.5808123456", longitude="105.7248", accuracy="23.6"))
    visit = Visit.objects.get()
    assert (str(visit.latitude), str(visit.longitude), visit.location_accuracy) == ("34.580812", "105.724800", 24)


def test_a_visit_without_a_location_is_stored_all_the_same(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-log"), form(mine))
    assert Visit.objects.get().latitude is None


@pytest.mark.parametrize("where", [{"latitude": "34.58"}, {"latitude": "134.58", "longitude": "105.72"},
                                   {"latitude": "北纬", "longitude": "105.72"}])
def test_a_broken_location_shows_the_message_and_stores_nothing(client, counties, where):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    page = client.post(reverse("visits-log"), form(mine, **where))
    assert page.status_code == 200 and "定位数据无效" in page.text and not Visit.objects.exists()


def test_the_history_lists_the_cadres_own_visits(client, counties):
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-log"), form(mine))
    page = client.get(reverse("visits-history"))
    assert mine["household"].head_name in page.text


def test_an_office_user_has_no_cadre_workspace(client, office):
    client.force_login(office)
    assert client.get(reverse("visits-workspace")).status_code == 403


def test_a_cadre_records_a_demand_and_later_sees_what_the_office_did(client, counties):
    from visits.models import Demand
    from visits.services.demands import advance_demand

    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-demand-new"), {"household": mine["household"].pk, "category": "housing", "text": "屋顶漏雨"})
    advance_demand(demand=Demand.objects.get(), status="resolved", note="已维修", by=None)
    page = client.get(reverse("visits-demands"))
    assert "屋顶漏雨" in page.text and "已维修" in page.text


def test_a_cadre_records_a_deed_and_a_negative_amount_is_refused(client, counties):
    from visits.models import Deed

    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    data = {"household": mine["household"].pk, "on": TODAY.isoformat(), "category": "funds", "description": "协调资金",
            "money": "-5", "people_helped": "3"}
    page = client.post(reverse("visits-deed-new"), data)
    assert "金额不能为负数" in page.text and not Deed.objects.exists()
    client.post(reverse("visits-deed-new"), {**data, "money": "800"})
    assert Deed.objects.get().people_helped == 3


def test_a_visit_form_with_a_photo_stores_the_photo(client, counties, settings, tmp_path):
    import io as _io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    out = _io.BytesIO()
    Image.new("RGB", (800, 600)).save(out, "JPEG")
    mine = counties["mine"]
    client.force_login(mine["cadre"].user)
    client.post(reverse("visits-log"), {**form(mine), "photos": [SimpleUploadedFile("a.jpg", out.getvalue())]})
    assert Visit.objects.get().photos.count() == 1


def test_the_workspace_shows_the_leave_taken_out_of_the_requirement(client, counties):
    cadre = counties["mine"]["cadre"]
    start = TODAY.replace(month=1, day=1)
    LeaveFactory(cadre=cadre, start=start, end=start + timedelta(days=9))
    client.force_login(cadre.user)
    page = client.get(reverse("visits-workspace"))
    assert "已扣除请假 10 天" in page.text


def test_the_workspace_says_nothing_of_leave_when_there_is_none(client, counties):
    client.force_login(counties["mine"]["cadre"].user)
    assert "请假" not in client.get(reverse("visits-workspace")).text
