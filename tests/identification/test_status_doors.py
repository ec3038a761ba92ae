"""Status changes only through the steps (docs/domain.md §10), checked at every door: the
admin shows it read-only, the API does not write households, the roster refuses a change of an
existing household's status and names its row, and accepts a new household with a status."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from households.models import Household
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import scope_for
from tests.roster.workbooks import write_workbook
from tests.web.conftest import id_number

pytestmark = pytest.mark.django_db
HEADER = ["户编号", "村代码", "户主姓名", "户主身份证号", "户类型", "常住人口", "状态", "脱贫年度"]


def _row(h, status, exit_year=None):
    return [h.number, h.village_id, h.head_name, h.head_id_number, "农村特困户", h.resident_population, status, exit_year]


def test_the_household_admin_shows_status_read_only(w):
    client = Client()
    client.force_login(w.users.county)
    url = reverse("admin:households_household_change", args=[w.h.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"status": "exited", "exit_year": 2024, "other_causes": "[]", "members-TOTAL_FORMS": 0,
                 "members-INITIAL_FORMS": 0, "incomes-TOTAL_FORMS": 0, "incomes-INITIAL_FORMS": 0,
                 "plans-TOTAL_FORMS": 0, "plans-INITIAL_FORMS": 0})
    client.post(url, data)
    w.h.refresh_from_db()
    assert (w.h.status, w.h.exit_year) == ("candidate", None)


def test_the_api_cannot_change_a_status(w):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=w.users.county)[0].key}")
    path = f"/api/v1/households/{w.h.number}/"
    assert client.patch(path, {"status": "exited", "exit_year": 2024}, format="json").status_code == 405
    w.h.refresh_from_db()
    assert w.h.status == "candidate"


def test_the_roster_refuses_to_change_an_existing_households_status_naming_the_row(w, tmp_path):
    path = write_workbook(tmp_path / "s.xlsx", {"农户": [HEADER, _row(w.h, "已脱贫", 2024)]})
    with pytest.raises(RosterRejected) as caught:
        import_workbook(str(path), scope=scope_for(w.users.county))
    problems = [str(p) for p in caught.value.result.problems]
    assert problems == ["农户!2: 农户H620502的状态为“待识别”，状态和脱贫年度只能通过识别、退出程序变更。"]
    w.h.refresh_from_db()
    assert w.h.status == "candidate"


def test_the_roster_keeps_a_status_left_blank_or_unchanged(w, tmp_path):
    path = write_workbook(tmp_path / "s.xlsx", {"农户": [HEADER, _row(w.h, None), _row(w.second, "待识别")]})
    import_workbook(str(path), scope=scope_for(w.users.county))
    assert set(Household.objects.filter(pk__in=[w.h.pk, w.second.pk]).values_list("status", flat=True)) == {"candidate"}


def test_the_roster_creates_a_household_with_its_status(w, tmp_path):
    new = Household(number="H620502N", village=w.village, head_name="新户主",
                    head_id_number=id_number("62050219900101015"), resident_population=2)
    path = write_workbook(tmp_path / "s.xlsx", {"农户": [HEADER, _row(new, "已脱贫", 2023)]})
    import_workbook(str(path), scope=scope_for(w.users.county))
    assert Household.objects.filter(number="H620502N").values_list("status", "exit_year").get() == ("exited", 2023)
