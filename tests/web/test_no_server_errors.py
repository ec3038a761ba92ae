"""Input that used to reach a server error: each is the user's, a 4xx with a message."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Direction, EvaluationRound
from assessments.services import issue_codes
from pairing.models import Role
from reports.models import SubmissionEvent

from .conftest import staff

pytestmark = pytest.mark.django_db
NUMBERS = ["２０２５", "٢٠٢٥", "²", "9" * 5000, str(2**63)]


@pytest.fixture
def root(counties, django_user_model):
    return django_user_model.objects.create_superuser("root", password="x")


def test_a_submission_with_an_event_without_a_user_shows(client, office, counties, settings):
    settings.DEBUG = False
    from reports.services.submissions import submit_monthly_report

    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    submission = submit_monthly_report(unit=counties["mine"]["unit"], month=month, summary="月报", by=None)
    assert SubmissionEvent.objects.filter(submission=submission, by=None).exists()
    client.force_login(office)
    page = client.get(reverse("reports-submission", args=[submission.pk]))
    assert page.status_code == 200 and "—" in page.text


def test_a_code_of_only_a_dash_is_a_message(client, counties):
    page = client.post(reverse("ballot-enter"), {"code": "-"})
    assert page.status_code == 200 and "请输入评议票上的评议码" in page.text


@pytest.mark.parametrize("value", NUMBERS)
@pytest.mark.parametrize("name, url", [("year", "dashboard"), ("round", "evaluation-results")])
def test_a_number_a_page_cannot_read_is_a_400_naming_it(client, root, settings, name, url, value):
    settings.DEBUG = False
    client.force_login(root)
    page = client.get(reverse(url), {name: value})
    assert page.status_code == 400 and f"参数 {name}" in page.text


@pytest.mark.parametrize("value", NUMBERS)
def test_a_notice_id_that_is_not_a_number_is_a_400(client, office, value):
    client.force_login(office)
    assert client.post(reverse("reports-notices-read"), {"notice": value}).status_code == 400


@pytest.mark.parametrize("unit", ["abc", "9" * 5000, str(2**63)])
def test_a_unit_that_is_not_an_id_is_a_400_on_the_submit_page(client, root, unit):
    client.force_login(root)
    response = client.get(reverse("reports-submit", args=["2025-05"]), {"unit": unit})
    assert response.status_code == 400


@pytest.mark.parametrize("year", ["2147483648", str(2**63), "0"])
def test_an_admin_date_filter_outside_the_calendar_is_a_400(client, root, year):
    client.force_login(root)
    assert client.get(reverse("admin:visits_visit_changelist"), {"start__year": year}).status_code == 400


def test_a_nul_in_a_query_is_a_400(client, root):
    client.force_login(root)
    assert client.get(reverse("home"), {"q": "a\x00b"}).status_code == 400


def test_people_helped_past_the_column_is_a_form_error(client, counties):
    from django.db import connection

    cadre = counties["mine"]["cadre"]
    client.force_login(cadre.user)
    too_many = connection.ops.integer_field_range("PositiveIntegerField")[1] + 1
    page = client.post(reverse("visits-deed-new"), {"household": counties["mine"]["household"].pk, "on": timezone.localdate(),
                                                  "category": "funds", "description": "修路", "people_helped": too_many})
    assert page.status_code == 200 and "受益人数不能超过" in page.text


def test_deeply_nested_json_is_a_400(client, office):
    client.force_login(office)
    response = client.post("/api/v1/visits/", "[" * 100_000, content_type="application/json")
    assert response.status_code == 400


def test_json_nested_past_the_limit_is_a_400(client, office):
    client.force_login(office)
    response = client.post("/api/v1/visits/", "[" * 40 + "]" * 40, content_type="application/json")
    assert response.status_code == 400 and "嵌套" in response.json()["detail"]


def test_sqlite_takes_the_write_lock_when_a_transaction_begins():
    """Twenty ballots at once queue on the busy timeout instead of failing "database is locked"."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and database["OPTIONS"]["timeout"] >= 5


# --- the slips ------------------------------------------------------------------------------------------------

@pytest.fixture
def open_round(counties):
    today = timezone.localdate()
    rnd = EvaluationRound.objects.create(year=today.year, area_id="620502000000", opens=today - timedelta(days=1),
                                         closes=today + timedelta(days=5))
    issue_codes(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE)
    return rnd


@pytest.mark.parametrize("kind", [Role.Kind.UNIT_ADMIN, Role.Kind.LEADER, Role.Kind.INSPECTOR])
def test_only_offices_print_ballot_slips(client, counties, open_round, kind):
    where = {"unit": counties["mine"]["unit"]} if kind == Role.Kind.UNIT_ADMIN else {"area_id": "620502000000"}
    client.force_login(staff(f"u-{kind}", kind=kind, **where))
    assert client.get(reverse("evaluation-slips", args=[open_round.pk])).status_code == 403


def test_printing_slips_is_in_the_access_log(client, office, open_round):
    from shuanglian.models import AccessLog

    client.force_login(office)
    assert client.get(reverse("evaluation-slips", args=[open_round.pk])).status_code == 200
    entry = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert entry.username == office.username and "评议票" in entry.filename
