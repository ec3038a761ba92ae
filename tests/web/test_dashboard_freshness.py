"""Live figures: a write that changes an area's figures (a visit, an import, a hand-over, an
approval, a step of identification) renews the dashboards of its village's areas when it
commits, and of those only; the province's, cities' and counties' dashboards are then
recomputed in the background at most once a minute."""
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from households.models import Area
from reports.dashboard import dashboard
from shuanglian import freshness

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 10, 9, 0, tzinfo=SHANGHAI)
PROVINCE, MY_COUNTY, NEXT_COUNTY = "620000000000", "620502000000", "620503000000"


@pytest.fixture(autouse=True)
def clock():
    """Stopped before the counties are built, so their year is this one; ``later()`` moves it on."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def figures(code: str) -> dict:
    return dashboard(area=area(code), year=2025)


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def later(clock, minutes=1):
    clock.shift(timedelta(minutes=minutes))


def log_a_visit(county, on=date(2025, 6, 9)):
    from visits.services.trips import log_visit

    return log_visit(cadre=county["cadre"], households=[county["household"]], start=on, end=on, key=None, own_entry=False)


def test_a_visit_logged_through_the_service_moves_the_provinces_figures(counties, django_capture_on_commit_callbacks):
    before = figures(PROVINCE)["summary"]["visits_month"]
    with django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"])
    assert figures(PROVINCE)["summary"]["visits_month"] == before + 1


def test_a_visit_leaves_the_dashboard_of_another_county_cached(counties, clock, django_capture_on_commit_callbacks,
                                                                django_assert_num_queries):
    kept, county = figures(NEXT_COUNTY), area(NEXT_COUNTY)
    later(clock)
    with django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"])
    with django_assert_num_queries(0):
        assert dashboard(area=county, year=2025) == kept


def test_a_visit_renews_its_countys_dashboard(counties, clock, django_capture_on_commit_callbacks):
    kept = figures(MY_COUNTY)
    later(clock)
    with django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"])
    assert figures(MY_COUNTY)["computed_at"] > kept["computed_at"]


def test_a_write_rolled_back_renews_nothing(counties, clock, django_capture_on_commit_callbacks, django_assert_num_queries):
    kept, province = figures(PROVINCE), area(PROVINCE)
    later(clock)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            log_a_visit(counties["mine"])
            raise RuntimeError("the request fails after the visit was written")
    with django_assert_num_queries(0):
        assert dashboard(area=province, year=2025) == kept


def test_a_roster_import_renews_the_importers_area_and_not_the_next_county(counties, office, clock, tmp_path,
                                                                            django_capture_on_commit_callbacks):
    from shuanglian.roster.engine import import_workbook
    from shuanglian.scoping import scope_for
    from tests.roster.workbooks import write_workbook

    mine, other = figures(MY_COUNTY), figures(NEXT_COUNTY)
    later(clock)
    path = write_workbook(tmp_path / "income.xlsx", {"收入": [
        ["户编号", "年度", "总收入", "家庭经营费用支出", "税费支出", "生产性固定资产折旧", "调查补贴", "赠送农村外部亲友"],
        [counties["mine"]["household"].number, 2025, 12000, 1000, 0, 100, None, None]]})
    with django_capture_on_commit_callbacks(execute=True):
        import_workbook(str(path), scope=scope_for(office))
    assert figures(MY_COUNTY)["computed_at"] > mine["computed_at"]
    assert figures(NEXT_COUNTY)["computed_at"] == other["computed_at"]


def test_a_hand_over_renews_the_provinces_dashboard(counties, clock, django_capture_on_commit_callbacks):
    from pairing.services.pairings import hand_over_household

    kept = figures(PROVINCE)
    later(clock)
    mine = counties["mine"]
    with django_capture_on_commit_callbacks(execute=True):
        hand_over_household(pairing=mine["pairing"], successor=mine["colleague"], on=date(2025, 6, 1), reason="调动")
    fresh = figures(PROVINCE)
    assert fresh["computed_at"] > kept["computed_at"]
    assert fresh["summary"]["handovers"] == kept["summary"]["handovers"] + 1


def test_approving_a_monthly_report_renews_its_units_dashboards(counties, clock, django_capture_on_commit_callbacks):
    from reports.services.submissions import approve_submission, submit_monthly_report

    submission = submit_monthly_report(unit=counties["mine"]["unit"], month=date(2025, 5, 1), summary="五月工作", by=None)
    kept = figures(MY_COUNTY)
    later(clock)
    with django_capture_on_commit_callbacks(execute=True):
        approve_submission(submission=submission, by=None)
    assert figures(MY_COUNTY)["computed_at"] > kept["computed_at"]


def test_a_visit_deleted_in_the_admin_leaves_its_countys_figures(client, counties, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    visit = log_a_visit(counties["mine"])
    counted = figures(MY_COUNTY)["summary"]["visits_month"]
    client.force_login(get_user_model().objects.create_superuser("root", password="a-Long-test-passw0rd"))  # only they delete
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:visits_visit_delete", args=[visit.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert figures(MY_COUNTY)["summary"]["visits_month"] == counted - 1


def test_a_units_trip_entered_in_the_admin_moves_its_countys_figures(client, office, counties,
                                                                     django_capture_on_commit_callbacks):
    from django.urls import reverse

    mine = counties["mine"]
    before = figures(MY_COUNTY)["summary"]["unit_visits"]
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:visits_unitvisit_add"), {
            "unit": mine["unit"].pk, "village": mine["village"].code, "start": "2025-06-09", "end": "2025-06-09",
            "people": 2, "notes": ""})
    assert response.status_code == 302
    assert figures(MY_COUNTY)["summary"]["unit_visits"] == before + 1


def test_many_writes_in_one_transaction_renew_the_generations_once(counties, django_capture_on_commit_callbacks):
    marks = freshness.store()
    with mock.patch.object(marks, "set_many", wraps=marks.set_many) as renewals:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            log_a_visit(counties["mine"], on=date(2025, 6, 8))
            log_a_visit(counties["mine"], on=date(2025, 6, 9))
            freshness.touch_villages([counties["next"]["village"].code])
    assert renewals.call_count == 1


@pytest.mark.parametrize("code", ["620000000000", "620500000000", "620502000000", "620502100000", "620502100001"])
def test_the_areas_above_a_code_are_those_of_the_registry(code):
    assert freshness.lineage(code) == Area.lineage(code)


# --- the refresh in the background ---------------------------------------------------------------

@pytest.fixture
def broker(settings):
    """A broker as in production: tasks are queued, not run in the request (none is reached here)."""
    from shuanglian.celery import app

    settings.DASHBOARD_REFRESH_SECONDS = 60
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with mock.patch("reports.services.refresh.dispatch") as dispatch:
        yield dispatch
    app.conf.task_always_eager = eager


def test_a_write_queues_one_refresh_of_its_higher_dashboards_a_minute_later(counties, broker,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"], on=date(2025, 6, 8))
    with django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"], on=date(2025, 6, 9))  # within the minute: the queued refresh covers it
    broker.assert_called_once_with("reports.tasks.refresh_dashboards", [PROVINCE, "620500000000", MY_COUNTY],
                                   countdown=60)


def test_a_write_within_the_minute_claims_no_refresh_already_waiting(counties, broker,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"], on=date(2025, 6, 8))
    marks = freshness.store()
    with mock.patch.object(marks, "add", wraps=marks.add) as claims, django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"], on=date(2025, 6, 9))
    assert claims.call_count == 0  # the one read found the province's, city's and county's refreshes waiting
    broker.assert_called_once()


def test_without_a_broker_nothing_is_queued_and_the_reader_recomputes(counties, django_capture_on_commit_callbacks):
    with mock.patch("reports.services.refresh.dispatch") as dispatch, django_capture_on_commit_callbacks(execute=True):
        log_a_visit(counties["mine"])
    dispatch.assert_not_called()


def test_the_refresh_computes_the_renewed_dashboards_and_keeps_them_until_midnight(counties, clock,
                                                                                  django_assert_num_queries):
    from reports.services.refresh import refresh

    refresh(codes=[PROVINCE], today=date(2025, 6, 10))
    province = area(PROVINCE)
    with django_assert_num_queries(0):
        assert dashboard(area=province, year=2025)["kept_until"] == "2025-06-11T00:00:00+08:00"


def test_the_refresh_leaves_figures_a_reader_has_computed_since(counties, clock, django_assert_num_queries):
    from reports.services.refresh import refresh

    figures(PROVINCE)
    with django_assert_num_queries(1):  # the area itself
        refresh(codes=[PROVINCE], today=date(2025, 6, 10))


def test_leave_of_a_cadre_without_postings_renews_the_county_of_their_households(counties, clock,
                                                                                  django_capture_on_commit_callbacks):
    # Leave lowers a pairing cadre's own requirement too, not only a resident's.
    from pairing.services.residents import record_leave

    cadre = counties["mine"]["pairing"].cadre
    assert not cadre.postings.exists()
    kept, other = figures(MY_COUNTY), figures(NEXT_COUNTY)
    later(clock)
    with django_capture_on_commit_callbacks(execute=True):
        record_leave(cadre=cadre, start=date(2025, 6, 1), end=date(2025, 6, 30), reason="病假")
    assert figures(MY_COUNTY)["computed_at"] > kept["computed_at"]
    assert figures(NEXT_COUNTY)["computed_at"] == other["computed_at"]


def test_a_change_to_every_area_queues_one_refresh_of_every_dashboard(counties, broker,
                                                                       django_capture_on_commit_callbacks):
    from visits.models import VisitPolicy

    with django_capture_on_commit_callbacks(execute=True):
        VisitPolicy.objects.create(subject=VisitPolicy.Subject.CADRE, year=2025, min_visits=6, min_days=20)
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch_subtree(None)  # within the minute: the queued refresh covers it
    broker.assert_called_once_with("reports.tasks.refresh_dashboards", [], [freshness.EVERY_AREA], countdown=60)


def test_a_citys_subtree_touched_queues_the_refresh_of_the_dashboards_within_it(counties, broker,
                                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch_subtree("620500000000")
    broker.assert_called_once_with("reports.tasks.refresh_dashboards", [PROVINCE, "620500000000"], ["620500000000"],
                                   countdown=60)


def test_a_countys_subtree_holds_no_other_refreshed_dashboard(counties, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch_subtree(MY_COUNTY)
    broker.assert_called_once_with("reports.tasks.refresh_dashboards", [PROVINCE, "620500000000", MY_COUNTY],
                                   countdown=60)


@pytest.mark.parametrize(("subtree", "expected"), [
    (freshness.EVERY_AREA, [PROVINCE, "620500000000", MY_COUNTY, NEXT_COUNTY]),
    ("620500000000", ["620500000000", MY_COUNTY, NEXT_COUNTY]),
])
def test_the_refresh_of_a_subtree_computes_the_dashboards_within_it(counties, subtree, expected,
                                                                     django_assert_num_queries):
    from reports.services.refresh import refresh

    assert refresh(codes=[], subtrees=[subtree], today=date(2025, 6, 10)) == len(expected)
    for code in expected:
        county = area(code)
        with django_assert_num_queries(0):
            assert dashboard(area=county, year=2025)["kept_until"] == "2025-06-11T00:00:00+08:00"
    township = area("620502100000")
    with CaptureQueriesContext(connection) as read:  # no township's dashboard is refreshed: its reader computes it
        dashboard(area=township, year=2025)
    assert len(read) > 1
