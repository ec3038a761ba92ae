"""A small county with known figures for the ledger and report tests, and the settings every
reports test runs with (report files in a temporary folder, Celery in-process).

The county (秦州区 620502), March 2025:

    一乡 620502100000: 甲村 …100001 (poor 2025), 乙村 …100002
    二乡 620502200000: 丙村 …200001 (poor 2025)
    麦积区 620503100001 is next door and must never be counted.

    农业局 (U1, county seat) pairs 甲村 and 乙村; 水利局 (U2) pairs 丙村; 麦积局 (U3) its own village.
    c1 (U1): h1 甲村 3 people, h2 甲村 4 people (exited 2025, announced 25 Mar)  — visits 3–5 Mar, 30 Mar–2 Apr
    c2 (U1): h3 乙村 2 people                                     — no visits
    c3 (U2): h4 丙村 5 people                                     — one day, 10 Feb
    h5 丙村 1 person has no cadre; c4 (U3) pairs h6 in 麦积区 and visits 10–11 Mar.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connections
from django.utils import timezone

from households.models import Household
from shuanglian.celery import app as celery_app
from tests import factories as f
from visits.models import Demand, DemandFollowUp


def pytest_collection_finish(session):
    """Worker tests need a database another process can open: on SQLite, give the test
    database a file instead of the shared in-memory one (before it is created)."""
    if not any(item.get_closest_marker("worker") for item in session.items):
        return
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        test = settings_dict.setdefault("TEST", {})
        if not test.get("NAME") or test["NAME"] == ":memory:":
            test["NAME"] = os.path.join(tempfile.gettempdir(), f"shuanglian_test_{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
    return settings.REPORTS_ROOT


@pytest.fixture(autouse=True)
def celery_in_process():
    """Tasks run in-process here, whatever CELERY_BROKER_URL says (the worker tests opt out)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


def at(day: str, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def county(db):
    province, city = f.province(), f.city()
    qinzhou = f.county("620502000000", "秦州区")
    t1, t2 = f.township("620502100000", "一乡"), f.township("620502200000", "二乡")
    v1, v2, v3 = f.village("620502100001", "甲村"), f.village("620502100002", "乙村"), f.village("620502200001", "丙村")
    maiji = f.county("620503000000", "麦积区")
    outside = f.village("620503100001", "麦积一村")
    for village in (v1, v3):
        f.PoorAreaYearFactory(area=village, year=2025)

    u1 = f.UnitFactory(code="U1", name="农业局", area=qinzhou)
    u2 = f.UnitFactory(code="U2", name="水利局", area=qinzhou)
    u3 = f.UnitFactory(code="U3", name="麦积局", area=maiji)
    since = date(2024, 1, 1)
    for unit, village in ((u1, v1), (u1, v2), (u2, v3), (u3, outside)):
        f.VillagePairingFactory(unit=unit, village=village, start=since)
    c1, c2 = f.CadreFactory(name="张一", unit=u1), f.CadreFactory(name="李二", unit=u1)
    c3, c4 = f.CadreFactory(name="王三", unit=u2), f.CadreFactory(name="赵四", unit=u3)

    def household(number, village, people, cause, **extra):
        return f.HouseholdFactory(number=number, village=village, head_name=f"户主{number}", resident_population=people,
                                  main_cause=cause, **extra)

    h1 = household("H1", v1, 3, "illness", other_causes=["skills"])
    h2 = household("H2", v1, 4, "schooling", status=Household.Status.EXITED, exit_year=2025)
    h3 = household("H3", v2, 2, "illness")
    h4 = household("H4", v3, 5, "capital")
    h5 = household("H5", v3, 1, "disability")
    h6 = household("H6", outside, 3, "illness")
    # h2's exit is announced by the county on 25 March (the reports count announced exits).
    f.AnnouncedStepFactory.announce([h2], village=v1, procedure="exit", year=2025, date=date(2025, 3, 25))
    for cadre, h in ((c1, h1), (c1, h2), (c2, h3), (c3, h4), (c4, h6)):
        f.HouseholdPairingFactory(cadre=cadre, household=h, start=since)

    # Net income = total − operating costs; per capita = net ÷ residents.
    for h, last, now in ((h1, "9000", "12000"), (h2, "12000", "16000"), (h3, "5000", "5000"), (h4, "10000", "11000")):
        f.IncomeRecordFactory(household=h, year=2024, total_income=Decimal(last))
        f.IncomeRecordFactory(household=h, year=2025, total_income=Decimal(now))
    f.HouseholdPlanFactory(household=h1, year=2025, target_income=Decimal("4500.00"), measures="种植花椒3亩", exit_deadline=2026)
    f.HouseholdPlanFactory(household=h3, year=2025, target_income=Decimal("3000.00"), measures="=HYPERLINK(\"http://x\")",
                           exit_deadline=2025)

    f.VisitFactory(cadre=c1, start=date(2025, 3, 3), end=date(2025, 3, 5), households=[h1])
    f.VisitFactory(cadre=c1, start=date(2025, 3, 30), end=date(2025, 4, 2), households=[h1, h2])
    f.VisitFactory(cadre=c3, start=date(2025, 2, 10), end=date(2025, 2, 10), households=[h4])
    f.VisitFactory(cadre=c4, start=date(2025, 3, 10), end=date(2025, 3, 11), households=[h6])
    f.UnitVisitFactory(unit=u1, village=v1, start=date(2025, 3, 10), end=date(2025, 3, 12))

    resolved = f.DemandFactory(cadre=c1, household=h1, village=v1, status=Demand.Status.RESOLVED)
    escalated = f.DemandFactory(cadre=c3, household=h4, village=v3, status=Demand.Status.ESCALATED)
    Demand.objects.filter(pk=resolved.pk).update(created_at=at("2025-03-04"), resolved_at=at("2025-03-20"))
    Demand.objects.filter(pk=escalated.pk).update(created_at=at("2025-03-06"))
    step = DemandFollowUp.objects.create(demand=escalated, status=Demand.Status.ESCALATED, note="上报区双联办")
    DemandFollowUp.objects.filter(pk=step.pk).update(at=at("2025-03-08"))
    f.DeedFactory(cadre=c1, household=h1, village=v1, on=date(2025, 3, 15), category="funds", money=Decimal("5000"),
                  people_helped=3)
    f.DeedFactory(cadre=c3, village=v3, on=date(2025, 3, 20), category="training", people_helped=12)
    f.DeedFactory(cadre=c4, village=outside, on=date(2025, 3, 21), category="funds", money=Decimal("999"), people_helped=1)

    return SimpleNamespace(
        province=province, city=city, county=qinzhou, maiji=maiji, townships=[t1, t2], villages=[v1, v2, v3], outside=outside,
        units=[u1, u2, u3], cadres=[c1, c2, c3, c4], households=[h1, h2, h3, h4, h5, h6],
    )


@pytest.fixture
def people(county):
    """Who looks at the county: its office and leader, the two units' administrators, the next
    county's office, and 张一 as a signed-in cadre."""
    def staff(username, **role):
        user = f.UserFactory(username=username, is_staff=True, email=f"{username}@example.gov.cn")
        f.RoleFactory(user=user, **role)
        return user

    u1, u2, _u3 = county.units
    cadre_user = f.UserFactory(username=county.cadres[0].id_number)
    county.cadres[0].user = cadre_user
    county.cadres[0].save(update_fields=["user"])
    return SimpleNamespace(
        office=staff("office", kind="office", area=county.county),
        leader=staff("leader", kind="leader", area=county.county),
        nongye=staff("nongye", kind="unit_admin", area=None, unit=u1),
        shuili=staff("shuili", kind="unit_admin", area=None, unit=u2),
        maiji_office=staff("maiji", kind="office", area=county.maiji),
        cadre=cadre_user,
    )
