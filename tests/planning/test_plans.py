"""A household's plan of the year: who keeps it, its rules at the service, the phone page and the API."""
import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from households.models import HouseholdPlan, PlanMeasure
from planning.services import MeasureRow, save_plan
from shuanglian.errors import DomainError

# The clock is pinned (autouse fixture): the calendar reruns (marker dates) would add nothing.
NOW = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def ewes(**kw) -> MeasureRow:
    return MeasureRow(**{"kind": "industry", "item": "ewes", "description": "养羊", "planned": Decimal("3000"), **kw})


def test_the_paired_cadre_saves_the_plan_of_the_year_with_its_measures(counties):
    mine = counties["mine"]
    plan, stored = save_plan(by=mine["cadre"].user, household=mine["household"], year=2026,
                             target_income=Decimal("4600"), exit_deadline=2027, measures=[ewes()])
    assert stored and plan.year == 2026
    assert list(plan.measure_rows.values_list("kind", "item", "planned")) == [("industry", "ewes", Decimal("3000.00"))]


def test_a_cadre_not_paired_with_the_household_is_refused(counties):
    with pytest.raises(DomainError, match="联户干部"):
        save_plan(by=counties["next"]["cadre"].user, household=counties["mine"]["household"], year=2026,
                  target_income=Decimal("4600"), exit_deadline=2027, measures=[])
    assert not HouseholdPlan.objects.exists()


def test_an_exit_deadline_before_the_plans_year_is_refused(counties):
    mine = counties["mine"]
    with pytest.raises(DomainError, match="计划脱贫年度不能早于计划年度"):
        save_plan(by=mine["cadre"].user, household=mine["household"], year=2026, target_income=Decimal("4600"),
                  exit_deadline=2025, measures=[])
    assert not HouseholdPlan.objects.exists()


@pytest.mark.parametrize("row", [{"planned": Decimal("-1")}, {"spent": Decimal("-5")}], ids=["planned", "spent"])
def test_negative_money_of_a_measure_is_refused(counties, row):
    mine = counties["mine"]
    with pytest.raises(DomainError, match="不能为负数"):
        save_plan(by=mine["cadre"].user, household=mine["household"], year=2026, target_income=Decimal("4600"),
                  exit_deadline=2027, measures=[ewes(**row)])
    assert not PlanMeasure.objects.exists()


def test_a_32111_item_outside_industry_is_refused(counties):
    mine = counties["mine"]
    with pytest.raises(DomainError, match="32111"):
        save_plan(by=mine["cadre"].user, household=mine["household"], year=2026, target_income=Decimal("4600"),
                  exit_deadline=2027, measures=[ewes(kind="health")])


def test_saving_again_replaces_the_measures_of_the_year(counties):
    mine = counties["mine"]
    kw = {"by": mine["cadre"].user, "household": mine["household"], "year": 2026, "exit_deadline": 2027}
    save_plan(target_income=Decimal("4000"), measures=[ewes(), ewes(item="crops")], **kw)
    save_plan(target_income=Decimal("4500"), measures=[ewes(status="done", spent=Decimal("2800"))], **kw)
    plan = HouseholdPlan.objects.get()
    assert plan.target_income == Decimal("4500.00")
    assert list(plan.measure_rows.values_list("item", "status")) == [("ewes", "done")]


def test_the_same_key_twice_stores_once(counties):
    mine, key = counties["mine"], uuid.uuid4()
    kw = {"by": mine["cadre"].user, "household": mine["household"], "year": 2026, "exit_deadline": 2027, "key": key}
    assert save_plan(target_income=Decimal("4000"), measures=[ewes()], **kw)[1]
    assert not save_plan(target_income=Decimal("4000"), measures=[ewes()], **kw)[1]
    assert PlanMeasure.objects.count() == 1 and HouseholdPlan.history.count() == 1


def test_an_office_of_the_county_may_keep_the_plan_and_the_next_county_may_not(counties, office):
    mine, other = counties["mine"], counties["next"]
    save_plan(by=office, household=mine["household"], year=2026, target_income=Decimal("4000"), exit_deadline=2026,
              measures=[])
    with pytest.raises(DomainError):
        save_plan(by=office, household=other["household"], year=2026, target_income=Decimal("4000"),
                  exit_deadline=2026, measures=[])


def _page_data(key, **extra):
    data = {"target_income": "4600", "exit_deadline": "2027", "summary": "", "key": str(key),
            "measures-TOTAL_FORMS": "1", "measures-INITIAL_FORMS": "0", "measures-MIN_NUM_FORMS": "0",
            "measures-MAX_NUM_FORMS": "20", "measures-0-kind": "industry", "measures-0-item": "crops",
            "measures-0-description": "种花椒", "measures-0-status": "planned", "measures-0-planned": "1200",
            "measures-0-spent": ""}
    return {**data, **extra}


def test_the_phone_page_saves_a_plan_and_a_resent_form_stores_once(counties):
    mine, key = counties["mine"], uuid.uuid4()
    client = Client()
    client.force_login(mine["cadre"].user)
    url = f"/planning/households/{mine['household'].number}/plan/"
    assert client.get(url).status_code == 200
    assert client.post(url, _page_data(key)).status_code == 302
    assert client.post(url, _page_data(key)).status_code == 302
    assert PlanMeasure.objects.get().item == "crops"
    assert HouseholdPlan.history.count() == 1


def test_the_phone_page_shows_the_rule_and_stores_nothing(counties):
    mine = counties["mine"]
    client = Client()
    client.force_login(mine["cadre"].user)
    url = f"/planning/households/{mine['household'].number}/plan/"
    response = client.post(url, _page_data(uuid.uuid4(), **{"measures-0-planned": "-3"}))
    assert response.status_code == 200 and "计划投入不能为负数" in response.content.decode()
    assert not HouseholdPlan.objects.exists()


def test_the_phone_page_of_another_cadres_household_is_not_found_or_forbidden(counties):
    client = Client()
    client.force_login(counties["next"]["cadre"].user)
    assert client.get(f"/planning/households/{counties['mine']['household'].number}/plan/").status_code in (403, 404)


def test_the_household_card_links_to_the_plan(counties):
    mine = counties["mine"]
    client = Client()
    client.force_login(mine["cadre"].user)
    assert f"/planning/households/{mine['household'].number}/plan/" in client.get(
        f"/households/{mine['household'].number}/").content.decode()


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_the_api_creates_then_returns_the_same_plan_for_the_same_key(counties):
    mine = counties["mine"]
    body = {"idempotency_key": str(uuid.uuid4()), "household": mine["household"].number, "target_income": "4600",
            "exit_deadline": 2027, "measures": [{"kind": "labour", "description": "外出务工", "planned": "0"}]}
    client = _api(mine["cadre"].user)
    assert client.post("/api/v1/household-plans/", body, format="json").status_code == 201
    again = client.post("/api/v1/household-plans/", body, format="json")
    assert again.status_code == 200 and again.json()["measures"][0]["kind"] == "labour"
    assert client.get("/api/v1/household-plans/").json()["count"] == 1


def test_the_api_refuses_an_exit_deadline_before_the_year(counties):
    mine = counties["mine"]
    body = {"idempotency_key": str(uuid.uuid4()), "household": mine["household"].number, "target_income": "4600",
            "exit_deadline": 2020}
    response = _api(mine["cadre"].user).post("/api/v1/household-plans/", body, format="json")
    assert response.status_code == 400 and "计划脱贫年度" in response.content.decode()


def test_the_api_lists_only_plans_in_scope(counties):
    for c in counties.values():
        HouseholdPlan.objects.create(household=c["household"], year=2026, target_income=4000, exit_deadline=2026)
    rows = _api(counties["mine"]["cadre"].user).get("/api/v1/household-plans/").json()["results"]
    assert [r["household"] for r in rows] == [counties["mine"]["household"].number]


def test_an_old_submission_replayed_after_a_newer_save_changes_nothing(counties):
    mine, old = counties["mine"], uuid.uuid4()
    kw = {"by": mine["cadre"].user, "household": mine["household"], "year": 2026, "exit_deadline": 2027}
    save_plan(target_income=Decimal("4000"), measures=[ewes()], key=old, **kw)
    save_plan(target_income=Decimal("4800"), measures=[ewes(status="done")], key=uuid.uuid4(), **kw)
    assert not save_plan(target_income=Decimal("4000"), measures=[ewes()], key=old, **kw)[1]
    plan = HouseholdPlan.objects.get()
    assert plan.target_income == Decimal("4800.00") and plan.measure_rows.get().status == "done"


def _phone_form(mine, key, **measure) -> dict:
    """The phone page's fields as its outbox sends them (multipart): the plan, the formset."""
    return {"idempotency_key": key, "household": mine["household"].number, "year": "2026", "target_income": "4600",
            "exit_deadline": "2027", "summary": "", "measures-TOTAL_FORMS": "1", "measures-INITIAL_FORMS": "0",
            "measures-MIN_NUM_FORMS": "0", "measures-MAX_NUM_FORMS": "20",
            **{f"measures-0-{name}": value for name, value in {"kind": "industry", "item": "ewes", "description": "养羊",
                                                           "status": "planned", "planned": "3000", "spent": "0",
                                                           **measure}.items()}}


def test_the_api_takes_the_phone_pages_formset_as_the_outbox_sends_it(counties):
    mine = counties["mine"]
    response = _api(mine["cadre"].user).post("/api/v1/household-plans/", _phone_form(mine, str(uuid.uuid4())),
                                             format="multipart")
    assert response.status_code == 201, response.json()
    assert list(PlanMeasure.objects.values_list("kind", "item", "planned")) == [("industry", "ewes", Decimal("3000"))]


def test_a_bad_measure_from_the_phone_form_is_a_400_naming_it_and_stores_nothing(counties):
    mine = counties["mine"]
    response = _api(mine["cadre"].user).post("/api/v1/household-plans/",
                                             _phone_form(mine, str(uuid.uuid4()), planned="-5"), format="multipart")
    assert response.status_code == 400 and "measures" in response.json()
    assert not HouseholdPlan.objects.exists()


def test_a_cadre_may_not_write_the_plan_of_an_earlier_year_through_the_api(counties):
    mine = counties["mine"]
    body = {"idempotency_key": str(uuid.uuid4()), "household": mine["household"].number, "year": 2023,
            "target_income": "4600", "exit_deadline": 2027}
    response = _api(mine["cadre"].user).post("/api/v1/household-plans/", body, format="json")
    assert response.status_code == 400 and "year" in response.json()
    assert not HouseholdPlan.objects.exists()
