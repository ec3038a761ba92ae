"""factory_boy factories for the registry and the pairings.

Areas are keyed by their 12-digit code; ``AreaFactory(code=...)`` derives the level and the
parent from the code and creates any missing ancestors, so ``village("620502100001")`` is
enough to get the whole chain province → city → county → township → village.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory
from stdnum.cn import ric

from households.models import Area, Household, IncomeRecord, Member, PoorAreaYear
from pairing.models import Cadre, Category, HouseholdPairing, Rank, Role, Unit, VillagePairing

PROVINCE = "620000000000"  # 甘肃省
CITY = "620500000000"  # 天水市
COUNTY = "620502000000"  # 秦州区
TOWNSHIP = "620502100000"  # 秦州区一个乡镇
VILLAGE = "620502100001"  # 该乡镇第一个村


def id_number(*, region: str = "620502", birth: date = date(1970, 1, 1), order: int = 11) -> str:
    """A valid GB 11643 ID number: region, birth date, 3-digit order (odd last digit: male), check digit."""
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    assert len(body) == 17
    return body + ric.calc_check_digit(body + "0")  # calc_check_digit ignores the last character


def _nth_id_number(n: int, region: str = "620502") -> str:
    # A different real, past birth date for every n keeps the numbers of one region unique.
    return id_number(region=region, birth=date(1950, 1, 1) + timedelta(days=n % 25000), order=n % 1000)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"620502100{n + 1:03d}")
    name = factory.LazyAttribute(lambda o: f"区划{o.code}")
    level = factory.LazyAttribute(lambda o: Area.level_of(o.code))
    parent = factory.LazyAttribute(
        lambda o: AreaFactory(code=Area.parent_code_of(o.code)) if Area.parent_code_of(o.code) else None
    )


def area(code: str, name: str | None = None) -> Area:
    """The area of that code (and its ancestors), created if missing."""
    return AreaFactory(code=code, **({"name": name} if name else {}))


def province(code: str = PROVINCE, name: str = "甘肃省") -> Area:
    return area(code, name)


def city(code: str = CITY, name: str = "天水市") -> Area:
    return area(code, name)


def county(code: str = COUNTY, name: str = "秦州区") -> Area:
    return area(code, name)


def township(code: str = TOWNSHIP, name: str | None = None) -> Area:
    return area(code, name)


def village(code: str = VILLAGE, name: str | None = None) -> Area:
    return area(code, name)


class PoorAreaYearFactory(DjangoModelFactory):
    class Meta:
        model = PoorAreaYear

    area = factory.SubFactory(AreaFactory, code=VILLAGE)
    year = 2024
    kind = PoorAreaYear.Kind.POOR_VILLAGE


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    level = Unit.Level.COUNTY
    kind = Unit.Kind.ORGAN
    area = factory.SubFactory(AreaFactory, code=COUNTY)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = "!"  # an unusable password: hashing a real one costs ~0.3 s per user
    is_active = True


class CadreFactory(DjangoModelFactory):
    class Meta:
        model = Cadre

    id_number = factory.Sequence(lambda n: _nth_id_number(n, "620102"))  # cadres: 兰州市城关区
    name = factory.Sequence(lambda n: f"干部{n}")
    unit = factory.SubFactory(UnitFactory)
    rank = Rank.OTHER
    category = Category.CIVIL_SERVANT
    user = None


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:06d}")
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    head_name = factory.Sequence(lambda n: f"户主{n}")
    head_id_number = factory.Sequence(lambda n: _nth_id_number(n, "620502"))
    resident_population = 3
    status = Household.Status.REGISTERED
    exit_year = None


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    id_number = factory.Sequence(lambda n: _nth_id_number(n, "620503"))
    name = factory.Sequence(lambda n: f"成员{n}")
    relation = "子女"


class IncomeRecordFactory(DjangoModelFactory):
    class Meta:
        model = IncomeRecord

    household = factory.SubFactory(HouseholdFactory)
    year = 2024
    resident_population = factory.LazyAttribute(lambda o: o.household.resident_population)
    total_income = Decimal("12000.00")


class VillagePairingFactory(DjangoModelFactory):
    class Meta:
        model = VillagePairing

    unit = factory.SubFactory(UnitFactory)
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    start = date(2024, 1, 1)
    end = None


class HouseholdPairingFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdPairing

    cadre = factory.SubFactory(CadreFactory)
    household = factory.SubFactory(HouseholdFactory)
    start = date(2024, 1, 1)
    end = None


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.OFFICE
    area = factory.SubFactory(AreaFactory, code=COUNTY)
    unit = None
    can_view_id_numbers = False


# --- plans, visits, demands and deeds (reports) ----------------------------------------------------

class HouseholdPlanFactory(DjangoModelFactory):
    class Meta:
        model = "households.HouseholdPlan"

    household = factory.SubFactory(HouseholdFactory)
    year = 2025
    target_income = Decimal("5000.00")
    measures = "种植花椒3亩、养殖基础母羊2只"
    exit_deadline = 2026


class VisitFactory(DjangoModelFactory):
    """A cadre's trip; pass ``households=[...]`` to name the visited households."""

    class Meta:
        model = "visits.Visit"
        skip_postgeneration_save = True

    cadre = factory.SubFactory(CadreFactory)
    start = date(2025, 3, 3)
    end = factory.LazyAttribute(lambda o: o.start)

    @factory.post_generation
    def households(self, create, extracted, **kwargs):
        if create and extracted:
            self.households.set(extracted)


class UnitVisitFactory(DjangoModelFactory):
    class Meta:
        model = "visits.UnitVisit"

    unit = factory.SubFactory(UnitFactory)
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    start = date(2025, 3, 10)
    end = factory.LazyAttribute(lambda o: o.start)
    people = 3


class DemandFactory(DjangoModelFactory):
    class Meta:
        model = "visits.Demand"

    cadre = factory.SubFactory(CadreFactory)
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    category = "housing"
    text = "房屋漏雨"


class DeedFactory(DjangoModelFactory):
    class Meta:
        model = "visits.Deed"

    cadre = factory.SubFactory(CadreFactory)
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    on = date(2025, 3, 15)
    category = "funds"
    description = "协调产业资金"
    money = Decimal("0")
    people_helped = 0


class VillageYearFactory(DjangoModelFactory):
    """A village's basic data (村情) of a year; ``committee_size`` (村两委成员数) is unknown unless given."""

    class Meta:
        model = "households.VillageYear"

    village = factory.SubFactory(AreaFactory)
    year = 2025
    households = 300
    population = 1200
    poor_population = 400
    per_capita_income = Decimal("3500.00")
    collective_income = Decimal(0)
    committee_size = None


def registered_admins():
    """(model, its ModelAdmin) for every model the admin site registers, through the site's public API."""
    from django.apps import apps
    from django.contrib import admin

    return [(model, admin.site.get_model_admin(model)) for model in apps.get_models() if admin.site.is_registered(model)]


# --- resident work teams, their stays and leave (docs/domain.md §11) -------------------------------

class PostingFactory(DjangoModelFactory):
    class Meta:
        model = "pairing.Posting"

    cadre = factory.SubFactory(CadreFactory)
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    role = "member"
    start = date(2025, 1, 1)
    end = None


class StayFactory(DjangoModelFactory):
    class Meta:
        model = "visits.Stay"

    posting = factory.SubFactory(PostingFactory)
    cadre = factory.LazyAttribute(lambda o: o.posting.cadre)
    start = date(2025, 3, 3)
    end = factory.LazyAttribute(lambda o: o.start)


class LeaveFactory(DjangoModelFactory):
    class Meta:
        model = "pairing.Leave"

    cadre = factory.SubFactory(CadreFactory)
    start = date(2025, 3, 1)
    end = date(2025, 4, 30)
    reason = "病假"

# --- unit work teams (工作小组) ------------------------------------------------------------------------

class WorkTeamMemberFactory(DjangoModelFactory):
    """A cadre on their unit's team for a village; pass ``unit`` and ``village`` of a pairing in force."""

    class Meta:
        model = "pairing.WorkTeamMember"

    unit = factory.SubFactory(UnitFactory)
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    cadre = factory.SubFactory(CadreFactory, unit=factory.SelfAttribute("..unit"))
    role = "member"
    start = date(2024, 1, 1)
    end = None

# --- exit checklists and announced steps (精准识别与退出) ----------------------------------------------

class ExitChecklistFactory(DjangoModelFactory):
    """A household's "两不愁三保障" checklist; ``ExitChecklistFactory.all_hold(...)`` answers every item."""

    class Meta:
        model = "identification.ExitChecklist"

    household = factory.SubFactory(HouseholdFactory)
    year = 2025
    recorded_on = date(2025, 6, 1)

    @classmethod
    def all_hold(cls, **kwargs):
        from identification.rules import CHECKLIST_ITEMS

        checklist = cls(**kwargs)
        for key, _label in CHECKLIST_ITEMS:
            ExitCheckItemFactory(checklist=checklist, item=key)
        return checklist


class ExitCheckItemFactory(DjangoModelFactory):
    class Meta:
        model = "identification.ExitCheckItem"

    checklist = factory.SubFactory(ExitChecklistFactory)
    item = "food"
    holds = True
    note = ""


class AnnouncedStepFactory(DjangoModelFactory):
    """A step of a procedure (the county's exit announcement by default), for the pages and
    reports that read steps; ``announce(households, …)`` adds a passed entry for each."""

    class Meta:
        model = "identification.Step"

    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    procedure = "exit"
    year = 2025
    stage = "announcement"
    date = date(2025, 6, 10)

    @classmethod
    def announce(cls, households, passed: bool = True, **kwargs):
        step = cls(**kwargs)
        for household in households:
            AnnouncedEntryFactory(step=step, household=household, passed=passed)
        return step


class AnnouncedEntryFactory(DjangoModelFactory):
    class Meta:
        model = "identification.StepEntry"

    step = factory.SubFactory(AnnouncedStepFactory)
    household = factory.SubFactory(HouseholdFactory)
    passed = True

# --- thresholds, village basic data and scale quotas (docs/domain.md §10) ---------------------------------

class PovertyLineFactory(DjangoModelFactory):
    """A year's 标准; the defaults are §10's."""

    class Meta:
        model = "households.PovertyLine"
        django_get_or_create = ("year",)

    year = 2025
    province_line = Decimal("2875")
    national_line = Decimal("2736")
    village_income_line = Decimal("3902")
    incidence_rate = Decimal("30")


class VillageYearFactory(DjangoModelFactory):
    """A village's 村情 of a year; by default one that meets the poor-village test."""

    class Meta:
        model = "households.VillageYear"

    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    year = 2025
    households = 300
    population = 1200
    poor_population = 420
    per_capita_income = Decimal("3100.00")
    collective_income = Decimal("0")


class PovertyQuotaFactory(DjangoModelFactory):
    class Meta:
        model = "households.PovertyQuota"

    county = factory.SubFactory(AreaFactory, code=COUNTY)
    year = 2025
    poor_villages = 90
    poor_people = 64000

# --- projects (papers) ------------------------------------------------------------------------------

class ProjectFactory(DjangoModelFactory):
    """A unit's project in a village it is paired with (pair them first, e.g. VillagePairingFactory)."""

    class Meta:
        model = "papers.Project"

    unit = factory.SubFactory(UnitFactory)
    office_area = None
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    kind = "industry"
    title = factory.Sequence(lambda n: f"项目{n}")
    year = 2025
    money_planned = Decimal("10000.00")
    money_spent = Decimal("8000.00")
    status = "in_progress"
    start = date(2025, 3, 1)

# --- plans: a household plan's measures, village and unit plans (planning) ---------------------------

class PlanMeasureFactory(DjangoModelFactory):
    class Meta:
        model = "households.PlanMeasure"

    plan = factory.SubFactory(HouseholdPlanFactory)
    kind = "industry"
    item = "ewes"
    description = "养殖基础母羊"
    status = "planned"
    planned = Decimal("3000.00")
    spent = Decimal("0.00")


class DevelopmentPlanFactory(DjangoModelFactory):
    class Meta:
        model = "planning.DevelopmentPlan"

    kind = "village"
    village = factory.SubFactory(AreaFactory, code=VILLAGE)
    unit = None
    start_year = 2025
    end_year = 2027
    goals = "发展特色产业，整村脱贫"
