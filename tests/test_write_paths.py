"""The write-path matrix: every model that can be written, through every door that writes it
(admin add and change, admin inlines, the API, the roster workbook, the phone pages), against
every rule of that model's service.

Each cell sends one invalid write through one door and asserts that it is refused and that
nothing changed in the model's tables; each door also takes one valid write. The matrix is
checked against the admin registry: a model (or inline) whose admin lets an office or the
system administrator add or change it must be listed here with its rules, so a new writable
admin without its rules fails ``test_every_writable_admin_is_in_the_matrix``.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments.models import Direction, EvaluationRound, Tally
from assessments.services import record_tally
from households.models import (
    Area,
    Household,
    HouseholdPlan,
    IncomeRecord,
    Member,
    PlanMeasure,
    PoorAreaYear,
    PovertyLine,
    PovertyQuota,
)
from pairing.models import Cadre, HouseholdPairing, QuotaPolicy, Role, Unit, VillagePairing, WorkTeamMember
from planning.models import Commitment, CommitmentProgress, DevelopmentPlan
from publicity.models import CasePhoto, LeadMeeting, LeadUnit, RoundPublication, TypicalCase
from reports.models import SubmissionPolicy
from reports.services.submissions import approve_submission, submit_monthly_report
from shuanglian.roster.engine import RosterRejected, import_workbook
from shuanglian.scoping import scope_for
from tests.roster.workbooks import write_workbook, wrong_check_digit
from tests.web.conftest import area, county, id_number, staff
from visits.models import AnomalyFlag, Deed, Demand, DemandFollowUp, UnitVisit, Visit, VisitPolicy
from visits.services.deeds import record_deed
from visits.services.demands import record_demand
from visits.services.trips import log_visit

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 16)
NEW_ID = id_number("62050219900101015")  # nobody's yet
SPARE_HEAD = id_number("62050219710101031")  # the head of the spare household
CHILD = id_number("62050220050101022")  # a member (not the head) of the county's household


def d(month: int, day: int) -> date:
    return date(2025, month, day)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def w(db, tmp_path):
    """Two counties (tests/web/conftest.py), plus what the rules need: a spare household and a
    second village nobody is paired with, a teacher, a county visit policy allowing trips of 10
    days, a locked May, one record of each kind to change, and the users of every door."""
    area("620000000000", "甘肃省")
    area("620500000000", "天水市")
    mine, other = county("620502", "秦州区", 1), county("620503", "麦积区", 2)
    village2 = area("620502100002", "秦州二村")
    spare = Household.objects.create(number="H620502S", village=mine["village"], head_name="空户主",
                                     head_id_number=SPARE_HEAD, kind="rural", resident_population=2)
    Member.objects.create(household=spare, id_number=spare.head_id_number, name="空户主", relation="户主")
    Member.objects.create(household=mine["household"], id_number=CHILD, name="秦州区子女", relation="子女")
    teacher = Cadre.objects.create(id_number=id_number("62050219820101017"), name="秦州区教师", unit=mine["unit"],
                                   rank="other", category="teacher")
    VisitPolicy.objects.create(area_id="620502000000", subject="cadre", min_visits=4, min_days=15, backdate_days=30,
                               max_trip_days=10)
    approve_submission(submission=submit_monthly_report(unit=mine["unit"], month=d(5, 1), summary="五月", by=None), by=None)
    visit = log_visit(cadre=mine["cadre"], households=[mine["household"]], start=d(6, 2), end=d(6, 2), key=None,
                      own_entry=False)
    flag = AnomalyFlag.objects.create(kind="overlap", visit=visit, day=d(6, 2))
    unit_visit = UnitVisit.objects.create(unit=mine["unit"], village=mine["village"], start=d(6, 3), end=d(6, 3), people=2)
    demand = record_demand(cadre=mine["cadre"], household=mine["household"], category="housing", text="房屋漏雨")
    deed = record_deed(cadre=mine["cadre"], household=mine["household"], on=d(6, 5), category="funds", description="协调资金")
    rnd = EvaluationRound.objects.create(year=2025, area_id="620502000000", opens=d(6, 10), closes=d(6, 30))
    tally = record_tally(rnd=rnd, direction=Direction.HOUSEHOLD_ON_CADRE, target=mine["cadre"], satisfied=1, basic=0,
                         unsatisfied=0)
    users = {
        "office": staff("office", kind=Role.Kind.OFFICE, area_id="620502000000", can_view_id_numbers=True),
        "unit_admin": staff("unit_admin", kind=Role.Kind.UNIT_ADMIN, unit=mine["unit"]),
        "province": staff("province", kind=Role.Kind.OFFICE, area_id="620000000000", can_view_id_numbers=True),
        "root": get_user_model().objects.create_superuser("root"),
        "cadre": mine["cadre"].user,
    }
    return SimpleNamespace(mine=mine, other=other, village2=village2, spare=spare, teacher=teacher, visit=visit,
                           flag=flag, unit_visit=unit_visit, demand=demand, deed=deed, round=rnd, tally=tally,
                           users=users, tmp_path=tmp_path)


# --- the doors ------------------------------------------------------------------------------------------------

def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def _form_values(page) -> dict:
    """What the admin page would post back unchanged: its form's values and its inlines'."""
    data = {}

    def put(name, value):
        if value is None or value is False:
            return
        if value is True:
            data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [_pk(v) for v in value]
        else:
            data[name] = _pk(value)

    form = page.context["adminform"].form
    for name in form.fields:
        put(name, form[name].value())
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for sub in formset.initial_forms:
            for name in sub.fields:
                put(sub.add_prefix(name), sub[name].value())
    return data


def admin_door(url_of: Callable, user: str, fields: Callable, inline: str | None = None) -> Callable:
    """Post ``fields(w, values)`` on the admin page ``url_of(w)`` as ``user``, over what the page
    holds; with ``inline``, as a new row of that inline. A refusal is the form again (200)."""

    def write(w, values) -> bool:
        client = Client()
        client.force_login(w.users[user])
        url = url_of(w)
        page = client.get(url)
        assert page.status_code == 200, f"{url}: {page.status_code}"
        data = _form_values(page)
        posted = {k: _pk(v) if not isinstance(v, list) else [_pk(x) for x in v] for k, v in fields(w, values).items()}
        if inline is None:
            data.update(posted)
        else:
            n = data[f"{inline}-TOTAL_FORMS"]
            data.update({f"{inline}-{n}-{k}": v for k, v in posted.items()})
            data[f"{inline}-TOTAL_FORMS"] = n + 1
        data = {k: v for k, v in data.items() if v is not None}
        response = client.post(url, data)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
        return response.status_code == 302

    return write


def add_url(model) -> Callable:
    return lambda w: reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(model, obj_of: Callable) -> Callable:
    return lambda w: reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj_of(w).pk])


def roster_door(sheet: str, header: list[str], row: Callable) -> Callable:
    """Import a one-sheet workbook as the county office; a refusal is RosterRejected."""

    def write(w, values) -> bool:
        path = write_workbook(w.tmp_path / f"{uuid.uuid4().hex}.xlsx", {sheet: [header, row(w, values)]})
        try:
            import_workbook(str(path), scope=scope_for(w.users["office"]))
        except RosterRejected:
            return False
        return True

    return write


def api_door(path: str, body: Callable) -> Callable:
    """POST as the cadre with a token, as another system would; a refusal is a 4xx."""

    def write(w, values) -> bool:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=w.users['cadre'])[0].key}")
        response = client.post(path, body(w, values), format="json")
        assert response.status_code < 500
        return response.status_code in (200, 201)

    return write


def page_door(url_of: Callable, fields: Callable, user: str = "cadre") -> Callable:
    """A page of the site (the cadre's phone pages by default); a refusal is the form again (200)."""

    def write(w, values) -> bool:
        client = Client()
        client.force_login(w.users[user])
        response = client.post(url_of(w), {k: v for k, v in fields(w, values).items() if v is not None})
        assert response.status_code in (200, 302)
        return response.status_code == 302

    return write


def numbers(households) -> str:
    return "、".join(h.number for h in households)


# --- the matrix -------------------------------------------------------------------------------------------

@dataclass
class Entry:
    """A model's doors, one valid write in a door-neutral vocabulary, and its rules: each an
    override of the valid write, refused at every door (or at the doors named)."""

    tables: list  # models whose rows must not change on a refusal (many-to-many tables included)
    doors: dict[str, Callable]
    valid: dict
    rules: dict[str, dict]
    only: dict[str, set[str]] = field(default_factory=dict)  # rule → the doors it applies to
    why_not: dict[str, str] = field(default_factory=dict)  # rule → why the other doors do not apply


def visit_admin_fields(w, v):
    return {"cadre": v["cadre"](w), "households": v["households"](w), "start": v["start"], "end": v["end"],
            "tasks": ["policy"]}


def visit_phone_fields(w, v):
    return {"households": [h.pk for h in v["households"](w)], "start": v["start"], "end": v["end"], "tasks": ["policy"],
            "key": str(uuid.uuid4())}


OWN_ENTRY = {"API (cadre)", "phone", "phone edit"}

VISIT = Entry(
    tables=[Visit, Visit.households.through],
    doors={
        "admin add (office)": admin_door(add_url(Visit), "office", visit_admin_fields),
        "admin add (unit administrator)": admin_door(add_url(Visit), "unit_admin", visit_admin_fields),
        "admin add (system administrator)": admin_door(add_url(Visit), "root", visit_admin_fields),
        "admin change": admin_door(change_url(Visit, lambda w: w.visit), "office", visit_admin_fields),
        "API (cadre)": api_door("/api/v1/visits/", lambda w, v: {
            "idempotency_key": str(uuid.uuid4()), "households": [h.number for h in v["households"](w)],
            "start": str(v["start"]), "end": str(v["end"]), "tasks": ["policy"]}),
        "roster": roster_door("走访", ["干部身份证号", "户编号", "开始日期", "结束日期"], lambda w, v: [
            v["cadre"](w).id_number, numbers(v["households"](w)), v["start"], v["end"]]),
        "phone": page_door(lambda w: reverse("visits-log"), visit_phone_fields),
        "phone edit": page_door(lambda w: reverse("visits-edit", args=[w.visit.pk]), visit_phone_fields),
    },
    valid={"cadre": lambda w: w.mine["cadre"], "households": lambda w: [w.mine["household"]], "start": d(6, 12),
           "end": d(6, 13)},
    rules={
        "in the future": {"start": d(6, 17), "end": d(6, 17)},
        "ends before it starts": {"start": d(6, 12), "end": d(6, 11)},
        "household not paired with the cadre": {"households": lambda w: [w.spare]},
        "household of another county": {"households": lambda w: [w.other["household"]]},
        "longer than the policy allows": {"start": d(6, 1), "end": d(6, 12)},
        "in a locked month": {"start": d(5, 20), "end": d(5, 20)},
        "back-dated beyond the cadre's window": {"start": d(4, 1), "end": d(4, 1)},
    },
    only={"back-dated beyond the cadre's window": OWN_ENTRY},
    why_not={"back-dated beyond the cadre's window": "an office's entry (admin, roster) carries history"},
)


def unit_visit_admin_fields(w, v):
    return {"unit": v["unit"](w), "village": v["village"](w), "start": v["start"], "end": v["end"], "people": v["people"]}


UNIT_VISIT = Entry(
    tables=[UnitVisit],
    doors={
        "admin add": admin_door(add_url(UnitVisit), "office", unit_visit_admin_fields),
        "admin add (unit administrator)": admin_door(add_url(UnitVisit), "unit_admin", unit_visit_admin_fields),
        "admin change": admin_door(change_url(UnitVisit, lambda w: w.unit_visit), "office", unit_visit_admin_fields),
        "roster": roster_door("单位进村", ["单位代码", "村代码", "开始日期", "结束日期", "人数"], lambda w, v: [
            v["unit"](w).code, v["village"](w).code, v["start"], v["end"], v["people"]]),
    },
    valid={"unit": lambda w: w.mine["unit"], "village": lambda w: w.mine["village"], "start": d(6, 12), "end": d(6, 13),
           "people": 3},
    rules={
        "in the future": {"start": d(6, 17), "end": d(6, 17)},
        "ends before it starts": {"start": d(6, 12), "end": d(6, 11)},
        "longer than the policy allows": {"start": d(3, 1), "end": d(4, 30)},
        "village not paired with the unit": {"village": lambda w: w.village2},
        "village of another county": {"village": lambda w: w.other["village"]},
        "in a locked month": {"start": d(5, 20), "end": d(5, 20)},
        "nobody went": {"people": 0},
    },
)


def member_fields(w, v):
    return {"household": v["household"](w), "id_number": v["id_number"], "name": v["name"], "relation": v["relation"]}


def inline_member_fields(w, v):
    return {"id_number": v["id_number"], "name": v["name"], "relation": v["relation"], "household": v["household"](w)}


def household_change(w):
    return reverse("admin:households_household_change", args=[w.mine["household"].pk])


MEMBER = Entry(
    tables=[Member],
    doors={
        "admin add": admin_door(add_url(Member), "office", member_fields),
        "admin inline (household)": admin_door(household_change, "office", inline_member_fields, inline="members"),
        "roster": roster_door("家庭成员", ["户编号", "身份证号", "姓名", "与户主关系"], lambda w, v: [
            v["household"](w).number, v["id_number"], v["name"], v["relation"]]),
    },
    valid={"household": lambda w: w.mine["household"], "id_number": NEW_ID, "name": "新成员", "relation": "子女"},
    rules={
        "ID number with a wrong check digit": {"id_number": wrong_check_digit(NEW_ID)},
        "ID number too short": {"id_number": "123"},
        "person already in another household": {"id_number": SPARE_HEAD},
    },
)


def household_fields(w, v):
    return {"number": v["number"], "village": v["village"](w), "head_name": v["head_name"],
            "head_id_number": v["head_id_number"], "kind": "rural", "resident_population": v["resident_population"],
            "status": v["status"], "exit_year": v["exit_year"], "other_causes": "[]"}


HOUSEHOLD = Entry(
    tables=[Household, Member],
    doors={
        "admin add": admin_door(add_url(Household), "office", household_fields),
        "admin change": admin_door(change_url(Household, lambda w: w.spare), "office", household_fields),
        "roster": roster_door("农户", ["户编号", "村代码", "户主姓名", "户主身份证号", "户类型", "常住人口", "状态", "脱贫年度"],
                              lambda w, v: [v["number"], v["village"](w).code, v["head_name"], v["head_id_number"],
                                            "农村特困户", v["resident_population"],
                                            str(Household.Status(v["status"]).label), v["exit_year"]]),
    },
    valid={"number": "H620502N", "village": lambda w: w.mine["village"], "head_name": "新户主", "head_id_number": NEW_ID,
           "resident_population": 2, "status": "registered", "exit_year": None},
    rules={
        "head's ID number with a wrong check digit": {"head_id_number": wrong_check_digit(NEW_ID)},
        "exited without an exit year": {"status": "exited", "exit_year": None},
        "still registered with an exit year": {"status": "registered", "exit_year": 2024},
        "village of another county": {"village": lambda w: w.other["village"]},
        "nobody lives there": {"resident_population": 0},
        "head already a member of another household": {"head_id_number": CHILD},
    },
)

# Status changes only through the steps of identification and exit (docs/domain.md §10), at
# every door: a new household may carry one (loading a registry), an existing one's is refused
# by the roster and shown read-only on the admin's change page (a posted status is ignored
# there, tests/identification/test_status_doors.py); the API writes no household.
STATUS_ONLY_ON_CREATE = "the admin's change page shows status and exit year read-only: a posted value is ignored"
HOUSEHOLD.rules["an existing household's status changed"] = {
    "number": "H620502S", "head_id_number": SPARE_HEAD, "head_name": "空户主", "status": "exited", "exit_year": 2024}
for _rule in ("exited without an exit year", "still registered with an exit year", "an existing household's status changed"):
    HOUSEHOLD.only[_rule] = {"admin add", "roster"}
    HOUSEHOLD.why_not[_rule] = STATUS_ONLY_ON_CREATE


def income_fields(w, v):
    return {"household": v["household"](w), "year": v["year"], "resident_population": 3, "total_income": v["total_income"],
            "operating_costs": v["operating_costs"], "taxes_and_fees": 0, "depreciation": 0, "survey_subsidy": 0,
            "gifts_outside": 0}


INCOME = Entry(
    tables=[IncomeRecord],
    doors={
        "admin add": admin_door(add_url(IncomeRecord), "office", income_fields),
        "admin inline (household)": admin_door(household_change, "office", income_fields, inline="incomes"),
        "roster": roster_door("收入", ["户编号", "年度", "总收入", "家庭经营费用支出"], lambda w, v: [
            v["household"](w).number, v["year"], v["total_income"], v["operating_costs"]]),
    },
    valid={"household": lambda w: w.mine["household"], "year": 2024, "total_income": 12000, "operating_costs": 2000},
    rules={
        "negative total income": {"total_income": -1},
        "negative costs": {"operating_costs": -5},
    },
)


def plan_fields(w, v):
    return {"household": v["household"](w), "year": v["year"], "target_income": v["target_income"], "measures": "养羊",
            "exit_deadline": v["exit_deadline"]}


PLAN = Entry(
    tables=[HouseholdPlan],
    doors={
        "admin add": admin_door(add_url(HouseholdPlan), "office", plan_fields),
        "admin inline (household)": admin_door(household_change, "office", plan_fields, inline="plans"),
    },
    valid={"household": lambda w: w.mine["household"], "year": 2025, "target_income": 5000, "exit_deadline": 2026},
    rules={
        "exit planned before the plan's year": {"exit_deadline": 2024},
        "negative target income": {"target_income": -100},
    },
)


def area_fields(w, v):
    return {"code": v["code"], "name": v["name"]}


def area_row(w, v):
    level = Area.level_of(v["code"])
    return [v["code"], v["name"], str(dict(Area._meta.get_field("level").choices)[level])]


AREA = Entry(
    tables=[Area],
    doors={
        "admin add": admin_door(add_url(Area), "office", area_fields),
        "admin add (villages)": admin_door(lambda w: reverse("admin:households_village_add"), "office", area_fields),
        "roster": roster_door("区划", ["区划代码", "名称", "级别"], area_row),
    },
    valid={"code": "620502100003", "name": "秦州三村"},
    rules={
        "a code with an empty level group": {"code": "620502000001"},
        "a code whose parent is missing": {"code": "620502200001"},
        "an area of another county": {"code": "620503100009"},
    },
)


def with_quota(v) -> None:
    """The county's scale quota of poor villages a rule sets (县扶贫规模), before the write."""
    if v.get("quota") is not None:
        from households.models import PovertyQuota

        PovertyQuota.objects.get_or_create(county_id="620502000000", year=2025,
                                           defaults={"poor_villages": v["quota"], "poor_people": 100000})


def poverty_fields(w, v):
    with_quota(v)
    return {"area": v["area"], "year": 2025, "kind": v["kind"]}


def poverty_row(w, v):
    with_quota(v)
    return [v["area"], Area.objects.get(code=v["area"]).name,
            str(dict(Area._meta.get_field("level").choices)[Area.level_of(v["area"])]), "是"]


POOR_AREA = Entry(
    tables=[PoorAreaYear],
    doors={
        "admin add": admin_door(add_url(PoorAreaYear), "office", poverty_fields),
        "roster": roster_door("区划", ["区划代码", "名称", "级别", "是否贫困"], poverty_row),
    },
    valid={"area": "620502000000", "kind": "contiguous"},
    rules={
        "a township designated poor": {"area": "620502100000", "kind": "village"},
        "a designation of another level": {"area": "620502000000", "kind": "village"},
        "a poor village beyond the county's quota": {"area": "620502100002", "kind": "village", "quota": 0},
    },
    only={"a designation of another level": {"admin add"}},
    why_not={"a designation of another level": "the roster's 是否贫困 takes the designation from the level"},
)


def poverty_line_fields(w, v):
    return {"year": 2025, "province_line": v["province_line"], "national_line": 2300,
            "village_income_line": v.get("village_income_line", 3902), "incidence_rate": v.get("incidence_rate", 30),
            "notice_days": 7}


def province_roster_door(sheet: str, header: list[str], row: Callable) -> Callable:
    """Import a one-sheet workbook as the province office (the 标准 sheet is the province's)."""

    def write(w, values) -> bool:
        path = write_workbook(w.tmp_path / f"{uuid.uuid4().hex}.xlsx", {sheet: [header, row(w, values)]})
        try:
            import_workbook(str(path), scope=scope_for(w.users["province"]))
        except RosterRejected:
            return False
        return True

    return write


POVERTY_LINE = Entry(
    tables=[PovertyLine],
    doors={
        "admin add (province office)": admin_door(add_url(PovertyLine), "province", poverty_line_fields),
        "admin add (system administrator)": admin_door(add_url(PovertyLine), "root", poverty_line_fields),
        "roster (province office)": province_roster_door(
            "标准", ["年度", "省定扶贫标准", "国家扶贫标准", "贫困村人均纯收入标准", "贫困发生率标准"], lambda w, v: [
                2025, v["province_line"], 2300, v.get("village_income_line", 3902), v.get("incidence_rate", 30)]),
    },
    valid={"province_line": 3100},
    rules={
        "a line of nothing": {"province_line": 0},
        "a village income line of nothing": {"village_income_line": 0},
        "an incidence rate above 100 %": {"incidence_rate": "100.5"},
    },
)


def poverty_quota_fields(w, v):
    return {"county": v["county"], "year": 2025, "poor_villages": 90, "poor_people": 64000}


POVERTY_QUOTA = Entry(
    tables=[PovertyQuota],
    doors={
        "admin add (province office)": admin_door(add_url(PovertyQuota), "province", poverty_quota_fields),
        "admin add (system administrator)": admin_door(add_url(PovertyQuota), "root", poverty_quota_fields),
    },
    valid={"county": "620502000000"},
    rules={"a quota of a township": {"county": "620502100000"}},
)


def unit_fields(w, v):
    return {"code": v["code"], "name": "秦州区水务局", "level": "county", "kind": "organ", "area": v["area"],
            "leadership_size": v["leadership_size"]}


UNIT = Entry(
    tables=[Unit],
    doors={
        "admin add": admin_door(add_url(Unit), "office", unit_fields),
        "roster": roster_door("单位", ["单位代码", "单位名称", "级别", "类型", "所在区划代码", "班子成员数"], lambda w, v: [
            v["code"], "秦州区水务局", "县", "党政机关", v["area"], v["leadership_size"]]),
    },
    valid={"code": "U620502W", "area": "620502000000", "leadership_size": 5},
    rules={
        "seated in another county": {"area": "620503000000"},
        "a leadership of nobody": {"leadership_size": 0},
    },
)


def cadre_fields(w, v):
    return {"id_number": v["id_number"], "name": "新干部", "unit": v["unit"](w), "rank": "other", "category": "civil",
            "phone": v["phone"]}


CADRE = Entry(
    tables=[Cadre],
    doors={
        "admin add": admin_door(add_url(Cadre), "office", cadre_fields),
        "roster": roster_door("干部", ["身份证号", "姓名", "单位代码", "职级", "人员类别", "手机号"], lambda w, v: [
            v["id_number"], "新干部", v["unit"](w).code, "一般干部", "公务员", v["phone"]]),
    },
    valid={"id_number": NEW_ID, "unit": lambda w: w.mine["unit"], "phone": "13893800009"},
    rules={
        "ID number with a wrong check digit": {"id_number": wrong_check_digit(NEW_ID)},
        "not a mobile number": {"phone": "12345"},
        "a unit of another county": {"unit": lambda w: w.other["unit"]},
    },
)


def village_pairing_fields(w, v):
    return {"unit": v["unit"](w), "village": v["village"], "start": v["start"], "end": v["end"]}


VILLAGE_PAIRING = Entry(
    tables=[VillagePairing],
    doors={
        "admin add": admin_door(add_url(VillagePairing), "office", village_pairing_fields),
        "roster": roster_door("联村", ["单位代码", "村代码", "开始日期", "结束日期"], lambda w, v: [
            v["unit"](w).code, v["village"], v["start"], v["end"]]),
    },
    valid={"unit": lambda w: w.mine["unit"], "village": "620502100002", "start": d(6, 1), "end": None},
    rules={
        "overlapping the unit's pairing with the village": {"village": "620502100001", "start": d(3, 1)},
        "not a village": {"village": "620502100000"},
        "ends before it starts": {"end": d(5, 1)},
        "a village of another county": {"village": "620503100001"},
    },
)


def pairing_fields(w, v):
    return {"cadre": v["cadre"](w), "household": v["household"](w), "start": v["start"], "end": v["end"],
            "end_reason": v["end_reason"]}


def hand_over_fields(w, v):
    return {"successor": v["cadre"](w).pk, "on": v["start"], "reason": "调动"}


HOUSEHOLD_PAIRING = Entry(
    tables=[HouseholdPairing],
    doors={
        "admin add": admin_door(add_url(HouseholdPairing), "office", pairing_fields),
        "admin change": admin_door(change_url(HouseholdPairing, lambda w: w.mine["pairing"]), "office", pairing_fields),
        "roster": roster_door("联户", ["干部身份证号", "户编号", "开始日期", "结束日期"], lambda w, v: [
            v["cadre"](w).id_number, v["household"](w).number, v["start"], v["end"]]),
        "hand-over": page_door(lambda w: reverse("admin:pairing-hand-over", args=[w.mine["pairing"].pk]),
                               hand_over_fields, user="office"),
    },
    valid={"cadre": lambda w: w.mine["colleague"], "household": lambda w: w.spare, "start": d(6, 10), "end": None,
           "end_reason": "结对调整"},
    rules={
        "overlapping another cadre's pairing": {"household": lambda w: w.mine["household"], "start": d(3, 1)},
        "a teacher pairs a household": {"cadre": lambda w: w.teacher},
        "ends without a successor while poor": {"end": d(6, 12)},
        "ends before it starts": {"start": d(6, 10), "end": d(6, 9)},
        "a household of another county": {"household": lambda w: w.other["household"]},
        "handed over before the pairing began": {"start": date(2023, 12, 1)},
    },
    only={"overlapping another cadre's pairing": {"admin add", "roster"},
          "a teacher pairs a household": {"admin add", "roster", "hand-over"},
          "ends without a successor while poor": {"admin add", "admin change", "roster"},
          "ends before it starts": {"admin add", "admin change", "roster"},
          "a household of another county": {"admin add", "roster"},
          "handed over before the pairing began": {"hand-over"}},
    why_not={"overlapping another cadre's pairing": "a change or hand-over keeps the household and start",
             "a teacher pairs a household": "a change keeps the cadre",
             "ends without a successor while poor": "a hand-over always names the successor",
             "ends before it starts": "a hand-over ends the pairing the day before the successor starts",
             "a household of another county": "a change or hand-over keeps the household",
             "handed over before the pairing began": "the other doors start a pairing, they do not hand one over"},
)


def policy_door(model, fields):
    return admin_door(add_url(model), "office", fields)


QUOTA_POLICY = Entry(
    tables=[QuotaPolicy],
    doors={"admin add": policy_door(QuotaPolicy, lambda w, v: {"area": v["area"], "rank": "section", "min_households": 5})},
    valid={"area": "620502000000"},
    rules={"a province-wide rule set by a county office": {"area": None}},
)

VISIT_POLICY = Entry(
    tables=[VisitPolicy],
    doors={"admin add": policy_door(VisitPolicy, lambda w, v: {
        "area": v["area"], "year": 2025, "subject": "unit", "min_visits": 4, "min_days": 15, "backdate_days": 30,
        "max_trip_days": v["max_trip_days"]})},
    valid={"area": "620502000000", "max_trip_days": 20},
    rules={"a province-wide rule set by a county office": {"area": None},
           "no trip short enough": {"max_trip_days": 0},
           "trips longer than a year": {"max_trip_days": 367}},
)

SUBMISSION_POLICY = Entry(
    tables=[SubmissionPolicy],
    doors={"admin add": policy_door(SubmissionPolicy, lambda w, v: {"area": v["area"], "due_day": v["due_day"]})},
    valid={"area": "620502000000", "due_day": 10},
    rules={"a province-wide rule set by a county office": {"area": None},
           "a day not in every month": {"due_day": 29}},
)

FLAG = Entry(
    tables=[AnomalyFlag],
    doors={"admin change": admin_door(change_url(AnomalyFlag, lambda w: w.flag), "office",
                                      lambda w, v: {"status": v["status"], "note": "已核实"})},
    valid={"status": "cleared"},
    rules={"back to open": {"status": "open"}},
)

DEMAND = Entry(
    tables=[Demand, DemandFollowUp],
    doors={
        "phone": page_door(lambda w: reverse("visits-demand-new"), lambda w, v: {
            "household": v["household"](w).pk, "category": "housing", "text": v["text"]}),
        "API (cadre)": api_door("/api/v1/demands/", lambda w, v: {
            "household": v["household"](w).number, "category": "housing", "text": v["text"]}),
        "admin change": admin_door(change_url(Demand, lambda w: w.demand), "office", lambda w, v: {
            "next_status": v["next_status"], "follow_up": v["follow_up"]}),
    },
    valid={"household": lambda w: w.mine["household"], "text": "饮水困难", "next_status": "in_progress",
           "follow_up": "已联系水务局"},
    rules={
        "no text": {"text": "   "},
        "a household not the cadre's": {"household": lambda w: w.spare},
        "a step without a note": {"follow_up": ""},
        "a step the demand cannot take": {"next_status": "open"},
    },
    only={"no text": {"phone", "API (cadre)"}, "a household not the cadre's": {"phone", "API (cadre)"},
          "a step without a note": {"admin change"}, "a step the demand cannot take": {"admin change"}},
    why_not={"no text": "the admin moves demands on; it does not rewrite them",
             "a household not the cadre's": "the admin keeps who collected it and where",
             "a step without a note": "cadres collect demands; offices move them on",
             "a step the demand cannot take": "cadres collect demands; offices move them on"},
)


def deed_fields(w, v):
    return {"household": v["household"](w).pk, "on": v["on"], "category": "funds", "description": v["description"],
            "money": v["money"], "people_helped": 0}


DEED = Entry(
    tables=[Deed],
    doors={
        "phone": page_door(lambda w: reverse("visits-deed-new"), deed_fields),
        "API (cadre)": api_door("/api/v1/deeds/", lambda w, v: {
            "household": v["household"](w).number, "on": str(v["on"]), "category": "funds",
            "description": v["description"], "money": str(v["money"])}),
        "admin change": admin_door(change_url(Deed, lambda w: w.deed), "office", lambda w, v: {
            "on": v["on"], "category": "funds", "description": v["description"], "money": v["money"],
            "people_helped": 0}),
    },
    valid={"household": lambda w: w.mine["household"], "on": d(6, 12), "description": "送化肥", "money": 300},
    rules={
        "in the future": {"on": d(6, 20)},
        "negative money": {"money": -1},
        "no description": {"description": "  "},
        "a household not the cadre's": {"household": lambda w: w.spare},
    },
    only={"a household not the cadre's": {"phone", "API (cadre)"}},
    why_not={"a household not the cadre's": "the admin keeps who did it and for whom"},
)


def round_fields(w, v):
    return {"year": v["year"], "area": v["area"], "opens": v["opens"], "closes": v["closes"], "score_satisfied": 100,
            "score_basic": 60, "score_unsatisfied": 0, "weight_ballots": v["weight_ballots"], "weight_compliance": 20,
            "weight_deeds": 10, "weight_income": 10, "deeds_per_cadre": 2, "income_growth_target": 10,
            "team_excellent": 90, "team_good": 71, "team_fair": 60, "cadre_excellent": 90, "cadre_competent": 70,
            "cadre_basic": 60}


ROUND = Entry(
    tables=[EvaluationRound],
    doors={
        "admin add": admin_door(add_url(EvaluationRound), "office", round_fields),
        "admin change": admin_door(change_url(EvaluationRound, lambda w: w.round), "office", round_fields),
    },
    valid={"year": 2025, "area": "620502100000", "opens": d(6, 10), "closes": d(6, 30), "weight_ballots": 60},
    rules={
        "weights not adding up to 100": {"weight_ballots": 70},
        "closes before it opens": {"closes": d(6, 1)},
        "an area of another county": {"area": "620503000000"},
    },
)


def tally_admin_fields(w, v):
    target = v["target"](w)
    unit_target = isinstance(target, Unit)
    return {"round": w.round.pk, "direction": v["direction"], "unit": target.pk if unit_target else None,
            "cadre": None if unit_target else target.pk, "satisfied": v["satisfied"], "basic": 0, "unsatisfied": 0}


TALLY = Entry(
    tables=[Tally],
    doors={
        "admin add": admin_door(add_url(Tally), "office", tally_admin_fields),
        "admin change": admin_door(change_url(Tally, lambda w: w.tally), "office", tally_admin_fields),
        "roster": roster_door("评议", ["年度", "评议类型", "对象", "满意", "基本满意", "不满意"], lambda w, v: [
            2025, str(Direction(v["direction"]).label),
            v["target"](w).code if isinstance(v["target"](w), Unit) else v["target"](w).id_number, v["satisfied"], 0, 0]),
    },
    valid={"direction": Direction.VILLAGE_ON_UNIT, "target": lambda w: w.mine["unit"], "satisfied": 1},
    rules={
        "a negative count": {"satisfied": -1},
        "more ballots than the cadre has households": {"direction": Direction.HOUSEHOLD_ON_CADRE,
                                                       "target": lambda w: w.mine["cadre"], "satisfied": 2},
        "a second tally for the same target": {"direction": Direction.HOUSEHOLD_ON_CADRE,
                                               "target": lambda w: w.mine["cadre"]},
        "a target of another county": {"target": lambda w: w.other["unit"]},
    },
    only={"a second tally for the same target": {"admin add"},
          "more ballots than the cadre has households": {"admin change", "roster"}},
    why_not={"a second tally for the same target": "a change or a roster row of the same target corrects that tally",
             "more ballots than the cadre has households": "in the add form the cadre's tally exists: refused as a second one"},
)

ROLE = Entry(
    tables=[Role],
    doors={"admin add (system administrator)": admin_door(add_url(Role), "root", lambda w, v: {
        "user": get_user_model().objects.get_or_create(username="newstaff")[0].pk, "kind": v["kind"],
        "area": v["area"], "unit": None})},
    valid={"kind": "office", "area": "620502000000"},
    rules={"a unit administrator without a unit": {"kind": "unit_admin", "area": None}},
)


# --- unit work teams (工作小组, docs/domain.md §11) ----------------------------------------------------------

def team_head(w):
    """A 县处级 cadre of the county's unit: the rank that leads a work team."""
    return Cadre.objects.get_or_create(id_number=id_number("62050219750101013"), defaults={
        "name": "秦州区处长", "unit": w.mine["unit"], "rank": "county", "category": "civil"})[0]


def cadre_of_another_unit(w):
    unit = Unit.objects.get_or_create(code="U620502X", defaults={"name": "秦州区水务局", "level": "county", "kind": "organ",
                                                                 "area_id": "620502000000"})[0]
    return Cadre.objects.get_or_create(id_number=id_number("62050219760101011"), defaults={
        "name": "水务局干部", "unit": unit, "rank": "county", "category": "civil"})[0]


def team_member_fields(w, v):
    return {"unit": w.mine["unit"], "village": v["village"](w), "cadre": v["cadre"](w), "role": v["role"],
            "start": v["start"], "end": v["end"]}


WORK_TEAM = Entry(
    tables=[WorkTeamMember],
    doors={
        "admin add": admin_door(add_url(WorkTeamMember), "office", team_member_fields),
        "admin add (unit administrator)": admin_door(add_url(WorkTeamMember), "unit_admin", team_member_fields),
    },
    valid={"village": lambda w: w.mine["village"], "cadre": team_head, "role": "leader", "start": d(6, 1), "end": None},
    rules={
        "a leader below 县处级": {"cadre": lambda w: w.mine["cadre"]},
        "a cadre of another unit": {"cadre": cadre_of_another_unit},
        "a village the unit is not paired with": {"village": lambda w: w.village2},
        "ends before it starts": {"end": d(5, 1)},
        "a village of another county": {"village": lambda w: w.other["village"]},
    },
)


def team_leader_on_trip(w):
    """The county unit's work team for its village, led by the 县处级 cadre: a trip's valid leader."""
    head = team_head(w)
    WorkTeamMember.objects.get_or_create(unit=w.mine["unit"], village=w.mine["village"], cadre=head,
                                         start=date(2024, 1, 1), defaults={"role": "leader"})
    return head


def not_on_the_team(w):
    team_leader_on_trip(w)  # the team exists, without the colleague
    return w.mine["colleague"]


def unit_visit_leader_fields(w, v):
    return {**unit_visit_admin_fields(w, v), "leader": v["leader"](w)}


# The doors of a unit trip that name its leader, checked against the unit's team for the village.
LED_TRIP_DOORS = {
    "admin add (a leader)": admin_door(add_url(UnitVisit), "office", unit_visit_leader_fields),
    "roster (a leader)": roster_door("单位进村", ["单位代码", "村代码", "开始日期", "结束日期", "带队干部身份证号", "人数"],
                                     lambda w, v: [v["unit"](w).code, v["village"](w).code, v["start"], v["end"],
                                                   v["leader"](w).id_number, v["people"]]),
}
UNIT_VISIT.doors.update(LED_TRIP_DOORS)
UNIT_VISIT.valid["leader"] = team_leader_on_trip
UNIT_VISIT.rules["a leader not on the unit's work team"] = {"leader": not_on_the_team}
UNIT_VISIT.only["a leader not on the unit's work team"] = set(LED_TRIP_DOORS)
UNIT_VISIT.why_not["a leader not on the unit's work team"] = "the other doors name no leader"

# --- resident work teams, stays and leave (docs/domain.md §11) ------------------------------------------------

@pytest.fixture(autouse=True)
def residents(request):
    """What the rules of postings, stays and leave need, in every world: the cadre is first
    secretary of the county's village until 12 June, the teacher was posted to the second village
    in the first quarter, the cadre has two leave rows and one stay to change."""
    if "w" not in request.fixturenames:
        return
    from pairing.models import Leave, Posting
    from visits.models import Stay

    w = request.getfixturevalue("w")
    w.posting = Posting.objects.create(cadre=w.mine["cadre"], village=w.mine["village"], role="first_secretary",
                                       start=d(1, 1), end=d(6, 12))
    w.posting2 = Posting.objects.create(cadre=w.teacher, village=w.village2, role="member", start=d(1, 1), end=d(3, 31))
    w.leave = Leave.objects.create(cadre=w.mine["cadre"], start=d(2, 1), end=d(2, 10), reason="事假")
    w.leave2 = Leave.objects.create(cadre=w.mine["cadre"], start=d(4, 1), end=d(4, 5), reason="病假")
    w.stay = Stay.objects.create(cadre=w.mine["cadre"], posting=w.posting, start=d(6, 2), end=d(6, 3))


def _posting_model():
    from pairing.models import Posting

    return Posting


def _leave_model():
    from pairing.models import Leave

    return Leave


def _stay_model():
    from visits.models import Stay

    return Stay


def posting_fields(w, v):
    return {"cadre": v["cadre"](w), "village": v["village"], "role": v["role"], "start": v["start"], "end": v["end"]}


POSTING = Entry(
    tables=[_posting_model()],
    doors={
        "admin add": admin_door(add_url(_posting_model()), "office", posting_fields),
        "admin add (unit administrator)": admin_door(add_url(_posting_model()), "unit_admin", posting_fields),
        "admin change": admin_door(change_url(_posting_model(), lambda w: w.posting2), "office", posting_fields),
        "roster": roster_door("驻村", ["身份证号", "村代码", "职务", "开始日期", "结束日期"], lambda w, v: [
            v["cadre"](w).id_number, v["village"], str(_posting_model().Role(v["role"]).label), v["start"], v["end"]]),
    },
    valid={"cadre": lambda w: w.mine["colleague"], "village": "620502100001", "role": "member", "start": d(6, 1),
           "end": None},
    rules={
        "ends before it starts": {"end": d(5, 1)},
        "a second first secretary of the village at once": {"role": "first_secretary"},
        "overlapping another posting of the cadre": {"cadre": lambda w: w.mine["cadre"], "village": "620502100002"},
        "not a village": {"village": "620502100000"},
        "a village of another county": {"village": "620503100001"},
    },
    only={"overlapping another posting of the cadre": {"admin add", "admin add (unit administrator)", "roster"}},
    why_not={"overlapping another posting of the cadre": "a change keeps the posting's cadre, whose other postings "
                                                          "are tested by the add doors"},
)


def leave_fields(w, v):
    return {"cadre": v["cadre"](w), "start": v["start"], "end": v["end"], "reason": "产假"}


LEAVE = Entry(
    tables=[_leave_model()],
    doors={
        "admin add": admin_door(add_url(_leave_model()), "office", leave_fields),
        "admin add (unit administrator)": admin_door(add_url(_leave_model()), "unit_admin", leave_fields),
        "admin change": admin_door(change_url(_leave_model(), lambda w: w.leave), "office", leave_fields),
        "roster": roster_door("请假", ["身份证号", "开始日期", "结束日期", "事由"], lambda w, v: [
            v["cadre"](w).id_number, v["start"], v["end"], "产假"]),
    },
    valid={"cadre": lambda w: w.mine["colleague"], "start": d(6, 1), "end": d(8, 31)},
    rules={
        "ends before it starts": {"end": d(5, 1)},
        "overlapping another leave of the cadre": {"cadre": lambda w: w.mine["cadre"], "start": d(4, 3), "end": d(4, 20)},
        "dates out of any plausible range": {"start": date(1970, 1, 1), "end": date(1970, 1, 5)},
        "a cadre of another county": {"cadre": lambda w: w.other["cadre"]},
    },
    only={"a cadre of another county": {"admin add", "admin add (unit administrator)", "roster"}},
    why_not={"a cadre of another county": "a change keeps the leave's cadre"},
)


def stay_admin_fields(w, v):
    return {"cadre": w.mine["cadre"], "start": v["start"], "end": v["end"], "note": "住村"}


STAY = Entry(
    tables=[_stay_model()],
    doors={
        "admin add": admin_door(add_url(_stay_model()), "office", stay_admin_fields),
        "admin change": admin_door(change_url(_stay_model(), lambda w: w.stay), "office", stay_admin_fields),
        "roster": roster_door("驻村考勤", ["身份证号", "开始日期", "结束日期"], lambda w, v: [
            w.mine["cadre"].id_number, v["start"], v["end"]]),
        "API (cadre)": api_door("/api/v1/stays/", lambda w, v: {
            "idempotency_key": str(uuid.uuid4()), "start": str(v["start"]), "end": str(v["end"])}),
        "phone": page_door(lambda w: reverse("visits-stays"), lambda w, v: {
            "start": v["start"], "end": v["end"], "note": "住村", "key": str(uuid.uuid4())}),
    },
    valid={"start": d(6, 10), "end": d(6, 11)},
    rules={
        "in the future": {"start": d(6, 17), "end": d(6, 17)},
        "ends before it starts": {"start": d(6, 12), "end": d(6, 11)},
        "outside every posting": {"start": d(6, 12), "end": d(6, 14)},
        "in a locked month": {"start": d(5, 20), "end": d(5, 20)},
        "back-dated beyond the resident's window": {"start": d(4, 1), "end": d(4, 1)},
    },
    only={"back-dated beyond the resident's window": {"API (cadre)", "phone"}},
    why_not={"back-dated beyond the resident's window": "an office's entry (admin, roster) carries history"},
)


MATRIX: dict[str, Entry] = {
    "visits.Visit": VISIT, "visits.UnitVisit": UNIT_VISIT, "households.Member": MEMBER, "households.Household": HOUSEHOLD,
    "households.IncomeRecord": INCOME, "households.HouseholdPlan": PLAN, "households.Area": AREA,
    "households.Village": AREA, "households.PoorAreaYear": POOR_AREA, "households.PovertyLine": POVERTY_LINE,
    "pairing.Unit": UNIT, "pairing.Cadre": CADRE, "pairing.VillagePairing": VILLAGE_PAIRING,
    "pairing.HouseholdPairing": HOUSEHOLD_PAIRING, "pairing.QuotaPolicy": QUOTA_POLICY, "visits.VisitPolicy": VISIT_POLICY,
    "reports.SubmissionPolicy": SUBMISSION_POLICY, "visits.AnomalyFlag": FLAG, "visits.Demand": DEMAND, "visits.Deed": DEED,
    "assessments.EvaluationRound": ROUND, "assessments.Tally": TALLY, "pairing.Role": ROLE,
    "pairing.WorkTeamMember": WORK_TEAM,
    "pairing.Posting": POSTING, "pairing.Leave": LEAVE, "visits.Stay": STAY,
    "households.PovertyQuota": POVERTY_QUOTA,
}

# --- typical cases, publication and lead units (docs/domain.md §13): written on their pages only ---------

@pytest.fixture(autouse=True)
def publicity_photos(settings, tmp_path):
    settings.PUBLICITY_PHOTOS_ROOT = tmp_path / "publicity"


def _photo(content: bytes | None = None):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (16, 12)).save(out, "JPEG")
        content = out.getvalue()
    return SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")


def case_fields(w, v):
    return {"category": "industry", "title": v["title"], "text": "培育产业，户均增收。", "key": str(uuid.uuid4()),
            "cadre": v["cadre"](w).pk if v["cadre"] else None, "photos": [v["photo"]()]}


TYPICAL_CASE = Entry(
    tables=[TypicalCase, CasePhoto],
    doors={
        "page (unit administrator)": page_door(lambda w: reverse("publicity-case-new"), case_fields, user="unit_admin"),
        "page (office)": page_door(lambda w: reverse("publicity-case-new"), case_fields, user="office"),
    },
    valid={"title": "苹果产业带富一村", "cadre": lambda w: w.mine["cadre"], "photo": _photo},
    rules={
        "no title": {"title": "  "},
        "a cadre of another county": {"cadre": lambda w: w.other["cadre"]},
        "a file that is not a photo": {"photo": lambda: _photo(b"%PDF-1.4 not a photo")},
    },
)


def _closed_round(w):
    from assessments.services import close_round

    rnd, created = EvaluationRound.objects.get_or_create(year=2024, area_id="620502000000",
                                                        defaults={"opens": date(2024, 12, 1), "closes": date(2024, 12, 20)})
    if created:
        close_round(rnd=rnd)
    return rnd


PUBLICATION = Entry(
    tables=[RoundPublication],
    doors={"page": page_door(lambda w: reverse("publicity-rounds"),
                             lambda w, v: {"round": v["round"](w).pk, "action": "publish"}, user="office")},
    valid={"round": _closed_round},
    rules={"a round not closed": {"round": lambda w: w.round}},
)

LEAD_UNIT = Entry(
    tables=[LeadUnit],
    doors={"page": page_door(lambda w: reverse("publicity-leads") + "?year=2025", lambda w, v: {
        "form": "lead", "county": v["county"], "year": 2025, "unit": v["unit"](w).pk}, user="office")},
    valid={"county": "620502000000", "unit": lambda w: w.mine["unit"]},
    rules={
        "a county of another office": {"county": "620503000000"},
        "a township, not a county": {"county": "620502100000"},
        "a unit outside the office's scope": {"unit": lambda w: w.other["unit"]},
    },
)


def _lead(w):
    return LeadUnit.objects.get_or_create(county_id="620502000000", year=2025, defaults={"unit": w.mine["unit"]})[0]


LEAD_MEETING = Entry(
    tables=[LeadMeeting],
    doors={"page": page_door(lambda w: reverse("publicity-leads") + "?year=2025", lambda w, v: {
        "form": "meeting", "lead": _lead(w).pk, "on": v["on"], "topic": v["topic"], "attendees": v["attendees"]},
        user="office")},
    valid={"on": d(3, 5), "topic": "成员单位会议", "attendees": 9},
    rules={
        "in the future": {"on": d(7, 1)},
        "outside the lead unit's year": {"on": date(2024, 12, 30)},
        "no attendees": {"attendees": 0},
        "no topic": {"topic": " "},
    },
)

MATRIX.update({"publicity.TypicalCase": TYPICAL_CASE, "publicity.RoundPublication": PUBLICATION,
               "publicity.LeadUnit": LEAD_UNIT, "publicity.LeadMeeting": LEAD_MEETING})


# --- household plans kept on the phone and through the API, and the measures of a plan (planning) ---

def plan_page(w):
    return reverse("planning-household-plan", args=[w.mine["household"].number])


def plan_page_fields(w, v, measures=()):
    data = {"target_income": v.get("target_income", 5000), "exit_deadline": v.get("exit_deadline", 2026), "summary": "",
            "key": str(uuid.uuid4()), "measures-TOTAL_FORMS": len(measures), "measures-INITIAL_FORMS": 0}
    for n, row in enumerate(measures):
        data.update({f"measures-{n}-{k}": val for k, val in row.items()})
    return data


def plan_api_body(w, v, measures=()):
    return {"idempotency_key": str(uuid.uuid4()), "household": v.get("household", lambda w: w.mine["household"])(w).number,
            "year": v.get("year", 2025), "target_income": v.get("target_income", 5000),
            "exit_deadline": v.get("exit_deadline", 2026), "measures": list(measures)}


PLAN.doors.update({
    "phone": page_door(plan_page, plan_page_fields),
    "API (cadre)": api_door("/api/v1/household-plans/", plan_api_body),
})
PLAN.rules["a household the cadre is not paired with"] = {"household": lambda w: w.spare}
PLAN.only["a household the cadre is not paired with"] = {"API (cadre)"}
PLAN.why_not["a household the cadre is not paired with"] = (
    "offices keep the plans of their area (admin); the phone page of such a household is not found")


def _plan_of_mine(w):
    return HouseholdPlan.objects.get_or_create(household=w.mine["household"], year=2025,
                                               defaults={"target_income": 5000, "exit_deadline": 2026})[0]


def measure_row(v):
    return {"kind": v["kind"], "item": v["item"], "description": "养羊", "status": "planned", "planned": v["planned"],
            "spent": v["spent"]}


PLAN_MEASURE = Entry(
    tables=[PlanMeasure],
    doors={
        "admin inline (plan)": admin_door(lambda w: reverse("admin:households_householdplan_change",
                                                            args=[_plan_of_mine(w).pk]),
                                          "office", lambda w, v: measure_row(v), inline="measure_rows"),
        "phone": page_door(plan_page, lambda w, v: plan_page_fields(w, {}, [measure_row(v)])),
        "API (cadre)": api_door("/api/v1/household-plans/", lambda w, v: plan_api_body(w, {}, [measure_row(v)])),
    },
    valid={"kind": "industry", "item": "ewes", "planned": 3000, "spent": 0},
    rules={
        "negative money planned": {"planned": -1},
        "negative money spent": {"spent": -10},
        "a 32111 item outside industry": {"kind": "health"},
    },
)
MATRIX["households.PlanMeasure"] = PLAN_MEASURE


# --- village and unit plans, their commitments and yearly progress (planning) ---

def _village_plan_of_mine(w):
    return DevelopmentPlan.objects.get_or_create(kind="village", village=w.mine["village"], start_year=2025, end_year=2027,
                                                 defaults={"goals": "整村脱贫"})[0]


def _commitment_of_mine(w):
    return _village_plan_of_mine(w).commitments.get_or_create(text="硬化道路", year_due=2026)[0]


def development_plan_fields(w, v):
    return {"kind": v["kind"], "village": v["village"](w), "unit": v["unit"](w), "start_year": v["start_year"],
            "end_year": v["end_year"], "goals": "发展产业"}


DEVELOPMENT_PLAN = Entry(
    tables=[DevelopmentPlan],
    doors={"admin add": admin_door(add_url(DevelopmentPlan), "office", development_plan_fields)},
    valid={"kind": "village", "village": lambda w: w.mine["village"], "unit": lambda w: None, "start_year": 2025,
           "end_year": 2027},
    rules={
        "ends before it starts": {"end_year": 2024},
        "a village of another county": {"village": lambda w: w.other["village"]},
        "a unit plan longer than five years": {"kind": "unit", "village": lambda w: None,
                                               "unit": lambda w: w.mine["unit"], "end_year": 2030},
    },
)
COMMITMENT = Entry(
    tables=[Commitment],
    doors={"admin inline (plan)": admin_door(lambda w: reverse("admin:planning_developmentplan_change",
                                                               args=[_village_plan_of_mine(w).pk]),
                                             "office", lambda w, v: dict(v), inline="commitments")},
    valid={"text": "新建文化广场", "money": 150000, "year_due": 2026},
    rules={"negative money": {"money": -1}, "due after the plan ends": {"year_due": 2030}},
)
PROGRESS = Entry(
    tables=[CommitmentProgress],
    doors={"admin inline (commitment)": admin_door(lambda w: reverse("admin:planning_commitment_change",
                                                                     args=[_commitment_of_mine(w).pk]),
                                                   "office", lambda w, v: dict(v), inline="progress")},
    valid={"year": 2025, "text": "已开工"},
    rules={"a year before the plan": {"year": 2024}},
)
MATRIX.update({"planning.DevelopmentPlan": DEVELOPMENT_PLAN, "planning.Commitment": COMMITMENT,
               "planning.CommitmentProgress": PROGRESS})

# Registered admins of the libraries we use: no campaign rule applies, only the system
# administrator reaches them, and they change no campaign record.
OUTSIDE_THE_CAMPAIGN = {
    "auth.User": "accounts: Django's own password and username validation",
    "auth.Group": "unused permission groups (access follows the role)",
    "authtoken.TokenProxy": "API tokens of existing accounts",
    "django_celery_beat.PeriodicTask": "the report schedules (README: editable in the admin)",
    "django_celery_beat.IntervalSchedule": "schedule timing",
    "django_celery_beat.CrontabSchedule": "schedule timing",
    "django_celery_beat.SolarSchedule": "schedule timing",
    "django_celery_beat.ClockedSchedule": "schedule timing",
    "axes.AccessAttempt": "sign-in lockouts (django-axes)",
    "axes.AccessLog": "sign-in log (django-axes)",
    "axes.AccessFailureLog": "sign-in failures (django-axes)",
}


# --- identification and exit (docs/domain.md §10): the village's procedures page is the one door
# that takes a step (the admin and the API only read them). The spare household is a candidate
# for the matrix; a valid write is the township office's assembly vote for it.

def _step_page(w, values) -> bool:
    from identification.models import Step  # noqa: F401 (the tables below)

    Household.objects.filter(pk=w.spare.pk).update(status=Household.Status.CANDIDATE)
    users = {"township": lambda: get_user_model().objects.filter(username="township").first()
             or staff("township", kind=Role.Kind.OFFICE, area_id="620502100000")}
    user = users[values["user"]]() if values["user"] in users else w.users[values["user"]]
    client = Client()
    client.force_login(user)
    batch = values["households"](w)
    data = {"form": "step", "procedure": "identification", "stage": values["stage"], "year": 2025,
            "date": values["date"], "end_date": values["end_date"] or "", "signatories": values["signatories"],
            "note": "", "key": str(uuid.uuid4()), "households": [h.pk for h in batch]}
    for h in batch:
        data.update({f"passed_{h.pk}": "1", f"votes_for_{h.pk}": values["votes_for"], f"votes_against_{h.pk}": "0",
                     f"votes_abstaining_{h.pk}": "0"})
    response = client.post(reverse("identification-village", args=[w.mine["village"].code]), data)
    assert response.status_code in (200, 302, 403)  # 403: a role the page offers no form
    return response.status_code == 302


def _step_tables():
    from identification.models import Step, StepEntry

    return [Step, StepEntry]


STEP = Entry(
    tables=_step_tables(),
    doors={"village procedures page": _step_page},
    valid={"user": "township", "stage": "vote", "date": "2025-06-10", "end_date": None,
           "households": lambda w: [w.spare], "signatories": "王书记 村党支部书记", "votes_for": "30"},
    rules={
        "out of order: a notice before the vote": {"stage": "first_notice", "end_date": "2025-06-16"},
        "by the wrong level: the county office takes a village step": {"user": "office"},
        "by a unit administrator": {"user": "unit_admin"},
        "a batch from two villages": {"households": lambda w: [w.spare, w.other["household"]]},
        "a vote without its ballots": {"votes_for": ""},
        "a vote without signatories": {"signatories": ""},
        "dated in the future": {"date": "2025-06-17"},
        "a vote with a notice's end date": {"end_date": "2025-06-20"},
    },
)
MATRIX["identification.Step"] = STEP

def _cells():
    seen = set()
    for label, entry in MATRIX.items():
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        for rule, overrides in entry.rules.items():
            for door in entry.doors:
                if door in entry.only.get(rule, entry.doors):
                    yield pytest.param(label, rule, door, id=f"{label}|{rule}|{door}")


def _valid_cells():
    seen = set()
    for label, entry in MATRIX.items():
        if id(entry) not in seen:
            seen.add(id(entry))
            yield from (pytest.param(label, door, id=f"{label}|{door}") for door in entry.doors)


def snapshot(entry: Entry) -> list:
    return [list(model.objects.order_by("pk").values()) for model in entry.tables]


@pytest.mark.parametrize("label, rule, door", list(_cells()))
def test_an_invalid_write_is_refused_at_every_door_and_stores_nothing(w, label, rule, door):
    entry = MATRIX[label]
    before = snapshot(entry)
    accepted = entry.doors[door](w, {**entry.valid, **entry.rules[rule]})
    assert not accepted, f"{door} accepted {label} with {rule}"
    assert snapshot(entry) == before, f"{door} stored part of {label} with {rule}"


@pytest.mark.parametrize("label, door", list(_valid_cells()))
def test_a_valid_write_is_stored_at_every_door(w, label, door):
    entry = MATRIX[label]
    before = snapshot(entry)
    assert entry.doors[door](w, dict(entry.valid)), f"{door} refused a valid {label}"
    assert snapshot(entry) != before


def test_a_household_added_in_the_admin_has_its_head_as_member(w):
    assert HOUSEHOLD.doors["admin add"](w, dict(HOUSEHOLD.valid))
    head = Member.objects.get(id_number=NEW_ID)
    assert (head.household.number, head.name, head.relation) == ("H620502N", "新户主", Member.HEAD)
    assert (head.birth_date, head.sex) == (date(1990, 1, 1), "M")


def test_a_household_added_in_the_admin_with_its_head_in_the_members_inline_has_one_head(w):
    def with_head_inline(w, v):
        return {**household_fields(w, v), "members-TOTAL_FORMS": 1, "members-INITIAL_FORMS": 0,
                "members-0-id_number": v["head_id_number"], "members-0-name": v["head_name"], "members-0-relation": "户主"}

    assert admin_door(add_url(Household), "office", with_head_inline)(w, dict(HOUSEHOLD.valid))
    assert list(Member.objects.filter(id_number=NEW_ID).values_list("household__number", "relation")) == [
        ("H620502N", "户主")]


def test_every_rule_not_checked_at_some_door_says_why():
    for label, entry in MATRIX.items():
        for rule in entry.only:
            assert rule in entry.rules and entry.why_not.get(rule), f"{label}: {rule}"


# --- the matrix holds every writable admin --------------------------------------------------------------

def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _writers(w):
    return {"office": w.users["office"], "unit administrator": w.users["unit_admin"], "system administrator": w.users["root"]}


def test_every_writable_admin_is_in_the_matrix(w):
    missing = []
    for model in apps.get_models(include_auto_created=False):
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        label = model._meta.label
        for role, user in _writers(w).items():
            request = _request(user)
            writes = model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
            if writes and label in OUTSIDE_THE_CAMPAIGN:
                if not user.is_superuser:
                    missing.append(f"{label}: writable by {role} but outside the campaign")
                continue
            if writes and not (label in MATRIX and MATRIX[label].rules and any(d.startswith("admin") for d in MATRIX[label].doors)):
                missing.append(f"{label} (writable by {role})")
            for inline in model_admin.get_inline_instances(request):
                inline_label = inline.model._meta.label
                if inline.has_add_permission(request, None) or inline.has_change_permission(request, None):
                    entry = MATRIX.get(inline_label)
                    if not (entry and entry.rules and any("inline" in d for d in entry.doors)):
                        missing.append(f"{inline_label} inline of {label} (writable by {role})")
    assert not missing, f"writable in the admin without rules in the write-path matrix: {sorted(set(missing))}"


def test_the_system_administrator_gets_the_same_validated_forms(w):
    unchecked = []
    for model in apps.get_models():
        if not admin.site.is_registered(model) or model._meta.label in OUTSIDE_THE_CAMPAIGN:
            continue
        model_admin = admin.site.get_model_admin(model)
        for role, user in _writers(w).items():
            request = _request(user)
            if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
                form = model_admin.get_form(request, None)
                if not getattr(form, "runs_domain_checks", False):
                    unchecked.append(f"{model._meta.label} for {role}")
    assert not unchecked, f"admin forms that skip the service's checks: {unchecked}"


# --- discipline: complaints, inspections, rectifications, accountability (docs/domain.md §13) ---------------
# Their admin only reads; every write goes through a page and its service.

def _discipline_models():
    from discipline import models

    return models


@pytest.fixture(autouse=True)
def discipline_records(request):
    """A complaint of the county to close, and an inspection of its unit with an open finding."""
    if "w" not in request.fixturenames:
        return
    m = _discipline_models()
    w = request.getfixturevalue("w")
    w.complaint = m.Complaint.objects.create(receipt_code="RCOMPLAINT01", rule="hospitality", target_kind="cadre",
                                             target_name="秦州区干部", area_id="620502000000", content="吃请")
    w.inspection = m.Inspection.objects.create(year=2025, half=1, on=d(5, 20), unit=w.mine["unit"], area_id="620502000000",
                                               checked="台账", inspectors="王五")
    w.finding = m.Finding.objects.create(inspection=w.inspection, text="走访记录不全", deadline=d(6, 10))


def anonymous_door(url_of: Callable, fields: Callable) -> Callable:
    """The public complaint page, without signing in (its rate limit off: the cells are many)."""
    from django.test import override_settings

    def write(w, values) -> bool:
        with override_settings(COMPLAINT_FILING_LIMIT=0):
            response = Client().post(url_of(w), {k: v for k, v in fields(w, values).items() if v is not None})
        assert response.status_code in (200, 302)
        return response.status_code == 302

    return write


# --- projects (docs/domain.md §12) -----------------------------------------------------------------------------

def _project_model():
    from papers.models import Project

    return Project


@pytest.fixture(autouse=True)
def projects(request):
    """A project of the county's unit in its village, to change."""
    if "w" not in request.fixturenames:
        return
    w = request.getfixturevalue("w")
    w.project = _project_model().objects.create(unit=w.mine["unit"], village=w.mine["village"], kind="industry",
                                                title="花椒基地", year=2025, money_planned=1000, start=d(3, 1))


def project_fields(w, v):
    return {"unit": v["unit"](w), "village": v["village"], "kind": "training", "title": v["title"], "year": 2025,
            "money_planned": v["money_planned"], "money_spent": v["money_spent"], "spent_note": v["spent_note"],
            "status": "in_progress", "people_trained": 30, "people_helped": 0, "start": d(4, 1)}


def project_api_door(user: str) -> Callable:
    def write(w, values) -> bool:
        client = APIClient()
        client.force_authenticate(w.users[user])
        body = {**project_fields(w, values), "unit": values["unit"](w).code, "start": str(d(4, 1))}
        response = client.post("/api/v1/projects/", {k: str(v) for k, v in body.items()}, format="json")
        assert response.status_code < 500
        return response.status_code == 201

    return write


def complaint_fields(w, v):
    return {"area": v["area"], "rule": v["rule"], "target_kind": "cadre", "target_name": "秦州区干部", "content": v["content"],
            "photo": v["photo"](), "key": str(uuid.uuid4())}


def _not_a_photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.exe", b"MZ" * 64)


COMPLAINT = Entry(
    tables=[_discipline_models().Complaint],
    doors={
        "public page": anonymous_door(lambda w: reverse("complaint-new"), complaint_fields),
        "phone entry (office)": page_door(lambda w: reverse("discipline-complaint-new"), complaint_fields, user="office"),
    },
    valid={"area": "620502000000", "rule": "hospitality", "content": "走访时吃请", "photo": lambda: None},
    rules={
        "no content": {"content": "   "},
        "no category": {"rule": ""},
        "a file that is not a photo": {"photo": _not_a_photo},
        "a county the office does not govern": {"area": "620503000000"},
    },
    only={"a county the office does not govern": {"phone entry (office)"}},
    why_not={"a county the office does not govern": "the public may complain about any county"},
)

COMPLAINT_CLOSING = Entry(
    tables=[_discipline_models().Complaint, _discipline_models().ComplaintNote],
    doors={"office page": page_door(lambda w: reverse("discipline-complaint", args=[w.complaint.pk]), lambda w, v: {
        "action": "close", "finding": v["finding"], "finding_text": v["finding_text"]}, user="office")},
    valid={"finding": "substantiated", "finding_text": "反映属实，已责令退还。"},
    rules={"no finding": {"finding": ""}, "no text for the filer": {"finding_text": "  "}},
)


def inspection_fields(w, v):
    return {"year": 2025, "half": 1, "on": v["on"], "unit": v["unit"](w).pk, "checked": v["checked"], "inspectors": "王五"}


INSPECTION = Entry(
    tables=[_discipline_models().Inspection],
    doors={"office page": page_door(lambda w: reverse("discipline-inspection-new"), inspection_fields, user="office")},
    valid={"on": d(6, 12), "unit": lambda w: w.mine["unit"], "checked": "台账"},
    rules={"a date outside the half": {"on": d(8, 1)}, "a unit of another county": {"unit": lambda w: w.other["unit"]},
           "nothing checked": {"checked": " "}},
)

FINDING = Entry(
    tables=[_discipline_models().Finding],
    doors={"office page": page_door(lambda w: reverse("discipline-inspection", args=[w.inspection.pk]), lambda w, v: {
        "action": "finding", "text": v["text"], "deadline": v["deadline"]}, user="office")},
    valid={"text": "月报未按时报送", "deadline": d(7, 12)},
    rules={"a deadline before the inspection": {"deadline": d(5, 1)}, "no text": {"text": " "}},
)


def _not_evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.doc", b"\xd0\xcf\x11\xe0" * 16)


RECTIFICATION = Entry(
    tables=[_discipline_models().Finding],
    doors={"office page": page_door(lambda w: reverse("discipline-inspection", args=[w.inspection.pk]), lambda w, v: {
        "action": "rectify", "finding": w.finding.pk, "evidence": v["evidence"], "evidence_file": v["file"]()},
        user="office")},
    valid={"evidence": "已补齐走访记录", "file": lambda: None},
    rules={"no evidence": {"evidence": ""}, "a file neither a photo nor a PDF": {"file": _not_evidence}},
)


def accountability_fields(w, v):
    return {"kind": "criticism", "unit": v["unit"](w).pk, "basis": v["basis"], "on": v["on"]}


ACCOUNTABILITY = Entry(
    tables=[_discipline_models().Accountability],
    doors={"office page": page_door(lambda w: reverse("discipline-accountability-new"), accountability_fields,
                                    user="office")},
    valid={"unit": lambda w: w.mine["unit"], "basis": "督查通报", "on": d(6, 15)},
    rules={"no basis": {"basis": ""}, "a date in the future": {"on": d(6, 20)},
           "a unit of another county": {"unit": lambda w: w.other["unit"]}},
)

MATRIX.update({
    "discipline.Complaint": COMPLAINT, "discipline.Complaint (closing)": COMPLAINT_CLOSING,
    "discipline.Inspection": INSPECTION, "discipline.Finding": FINDING, "discipline.Finding (sign-off)": RECTIFICATION,
    "discipline.Accountability": ACCOUNTABILITY,
})


# The cells above were drawn before these entries joined the matrix: theirs are drawn here.
def _discipline_only(cells):
    return [cell for cell in cells if cell.values[0].startswith("discipline.")]


@pytest.mark.parametrize("label, rule, door", _discipline_only(_cells()))
def test_an_invalid_discipline_write_is_refused_at_every_door_and_stores_nothing(w, label, rule, door):
    test_an_invalid_write_is_refused_at_every_door_and_stores_nothing(w, label, rule, door)


@pytest.mark.parametrize("label, door", _discipline_only(_valid_cells()))
def test_a_valid_discipline_write_is_stored_at_every_door(w, label, door):
    test_a_valid_write_is_stored_at_every_door(w, label, door)


def project_upload_door(w, values) -> bool:
    from openpyxl import Workbook

    from papers.imports import COLUMNS

    v = project_fields(w, values)
    book = Workbook()
    book.active.append(COLUMNS)
    book.active.append([v["unit"].code, "", v["village"], "培训", v["title"], 2025, str(v["money_planned"]),
                        str(v["money_spent"]), v["spent_note"], "实施中", 30, 0, "2025-04-01", ""])
    path = w.tmp_path / f"{uuid.uuid4().hex}.xlsx"
    book.save(path)
    client = Client()
    client.force_login(w.users["unit_admin"])
    with open(path, "rb") as upload:
        response = client.post(reverse("papers-project-upload"), {"file": upload})
    assert response.status_code in (200, 302)
    return response.status_code == 302


PROJECT = Entry(
    tables=[_project_model()],
    doors={
        "admin add": admin_door(add_url(_project_model()), "office", project_fields),
        "admin add (unit administrator)": admin_door(add_url(_project_model()), "unit_admin", project_fields),
        "admin change": admin_door(change_url(_project_model(), lambda w: w.project), "office", project_fields),
        "API (unit administrator)": project_api_door("unit_admin"),
        "upload page": project_upload_door,
    },
    valid={"unit": lambda w: w.mine["unit"], "village": "620502100001", "title": "种植技术培训", "money_planned": 1000,
           "money_spent": 800, "spent_note": ""},
    rules={
        "negative money": {"money_planned": -1},
        "spent above planned without a note": {"money_spent": 1500},
        "a village the unit is not paired with": {"village": "620502100002"},
        "no title": {"title": "  "},
    },
)
MATRIX["papers.Project"] = PROJECT

# The cells above are listed when their tests are defined; those of the entries added since are listed here.
LATE_ENTRIES = {"papers.Project"}


@pytest.mark.parametrize("label, rule, door", [p for p in _cells() if p.values[0] in LATE_ENTRIES])
def test_an_invalid_write_of_a_later_entry_is_refused_at_every_door(w, label, rule, door):
    test_an_invalid_write_is_refused_at_every_door_and_stores_nothing(w, label, rule, door)


@pytest.mark.parametrize("label, door", [p for p in _valid_cells() if p.values[0] in LATE_ENTRIES])
def test_a_valid_write_of_a_later_entry_is_stored_at_every_door(w, label, door):
    test_a_valid_write_is_stored_at_every_door(w, label, door)
