"""The poverty registry (建档立卡): the area tree, households, members, income, plans."""
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Left
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from shuanglian.audit import AuditTrail
from shuanglian.helpers import pad_area_code

# Digits of each level in a 12-digit statistical code: 2 province, 2 city, 2 county,
# 3 township, 3 village. The significant prefix of a code ends where its level ends.
LEVEL_PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
# The levels whose households are indexed by (the village code's leading digits, number), so an
# area's households are read in number order straight from the index (``Household.Meta.indexes``).
NUMBERED_LEVELS = ("city", "county", "township")
NUMBERED_LENGTHS = frozenset(LEVEL_PREFIX_LENGTH[level] for level in NUMBERED_LEVELS)


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡")
    VILLAGE = "village", _("村")


class AreaQuerySet(models.QuerySet):
    def subtree(self, area: "Area | str") -> "AreaQuerySet":
        """The area itself and everything below it, by code prefix (one index range scan)."""
        code = area if isinstance(area, str) else area.code
        return self.filter(code__startswith=Area.prefix_of(code))

    def villages(self) -> "AreaQuerySet":
        return self.filter(level=AreaLevel.VILLAGE)


class Area(models.Model):
    """A division of the province, keyed by its 12-digit statistical code.

    The code is the primary key, so a household's village code *is* its foreign key and
    "everything in this county" is a prefix match on the household table with no join.
    """

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级区划")
    )

    objects = AreaQuerySet.as_manager()

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            # Subtree lookups (code LIKE '6201%') on PostgreSQL need a pattern-ops index.
            models.Index(fields=["code"], name="area_code_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{12}$"), name="area_code_12_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @staticmethod
    def level_of(code: str) -> str:
        """The level a code denotes: trailing zero groups mark the higher levels."""
        if code[2:] == "0" * 10:
            return AreaLevel.PROVINCE
        if code[4:] == "0" * 8:
            return AreaLevel.CITY
        if code[6:] == "0" * 6:
            return AreaLevel.COUNTY
        if code[9:] == "000":
            return AreaLevel.TOWNSHIP
        return AreaLevel.VILLAGE

    @staticmethod
    def parent_code_of(code: str) -> str | None:
        level = Area.level_of(code)
        if level == AreaLevel.PROVINCE:
            return None
        order = [AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE]
        keep = LEVEL_PREFIX_LENGTH[order[order.index(level) - 1]]
        return pad_area_code(code[:keep])

    @staticmethod
    def level_below(level: str) -> str:
        """The level of the areas one level down from ``level`` (a village has none)."""
        order = list(AreaLevel)
        return order[order.index(level) + 1]

    @staticmethod
    def lineage(code: str) -> list[str]:
        """The codes of an area and of every area above it, the province first."""
        own = LEVEL_PREFIX_LENGTH[Area.level_of(code)]
        return [pad_area_code(code[:n]) for n in LEVEL_PREFIX_LENGTH.values() if n <= own]

    @staticmethod
    def prefix_of(code: str) -> str:
        return code[: LEVEL_PREFIX_LENGTH[Area.level_of(code)]]

    @property
    def prefix(self) -> str:
        return self.prefix_of(self.code)


class Village(Area):
    """Villages and communities: the areas households and units' pairings point at."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = _("村（社区）")


class PoorAreaYear(models.Model):
    """A poor county or poor village designation for one year (片区县 / 插花型县 / 贫困村)."""

    class Kind(models.TextChoices):
        POOR_VILLAGE = "village", _("贫困村")
        CONTIGUOUS_COUNTY = "contiguous", _("片区县")
        SCATTERED_COUNTY = "scattered", _("插花型县")

    area = models.ForeignKey(Area, models.CASCADE, related_name="poverty_years", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("贫困村（县）认定")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="one_poverty_flag_per_area_year")]
        indexes = [models.Index(fields=["year", "area"], name="poor_area_by_year")]  # coverage: poor villages of a year

    def __str__(self) -> str:
        return f"{self.year} {self.area.name} {self.get_kind_display()}"


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    LAND = "land", _("缺土地")
    WATER = "water", _("缺水")
    SKILLS = "skills", _("缺技术")
    LABOUR = "labour", _("缺劳力")
    CAPITAL = "capital", _("缺资金")
    TRANSPORT = "transport", _("交通条件落后")
    DRIVE = "drive", _("自身发展动力不足")


def households_under(prefix: str) -> Q:
    """Households whose village lies under an area's prefix (``Area.prefix_of``). A city's, a
    county's or a township's are selected by their village code's leading digits, which their
    level's index holds with the number (``Household.Meta.indexes``): the area's first page in
    number order is then read from the index instead of sorting the whole area."""
    if len(prefix) in NUMBERED_LENGTHS:
        return Q(Exact(Left("village_id", len(prefix)), prefix))
    return Q(village__code__startswith=prefix)


class HouseholdQuerySet(models.QuerySet):
    def in_area(self, area: "Area | str") -> "HouseholdQuerySet":
        code = area if isinstance(area, str) else area.code
        # village__code, not village_id: a ForeignKey takes no startswith lookup; Django trims
        # the join because code is the key the foreign key points at (village_id LIKE '6205%').
        return self.filter(village__code__startswith=Area.prefix_of(code))

    def still_poor(self) -> "HouseholdQuerySet":
        return self.exclude(status=Household.Status.EXITED)


class Household(models.Model):
    class Kind(models.TextChoices):
        RURAL = "rural", _("农村特困户")
        URBAN = "urban", _("城市困难居民")

    class Status(models.TextChoices):
        # Proposed for identification and not yet through it (docs/domain.md §10).
        CANDIDATE = "candidate", _("待识别")
        IDENTIFIED = "identified", _("已识别")
        REGISTERED = "registered", _("在册")
        EXITED = "exited", _("已脱贫")
        RETURNED = "returned", _("返贫")

    number = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(Area, models.PROTECT, related_name="households", verbose_name=_("所在村（社区）"))
    head_name = models.CharField(_("户主姓名"), max_length=50)
    head_id_number = models.CharField(_("户主身份证号"), max_length=18, unique=True)
    kind = models.CharField(_("户类型"), max_length=10, choices=Kind.choices, default=Kind.RURAL)
    resident_population = models.PositiveSmallIntegerField(_("常住人口"))
    main_cause = models.CharField(_("主要致贫原因"), max_length=12, choices=PovertyCause.choices, blank=True)
    other_causes = models.JSONField(_("次要致贫原因"), default=list, blank=True)
    housing_safe = models.BooleanField(_("住房安全"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("贫困户")
        ordering = ["number"]
        indexes = [
            # Area subtree of households: village_id LIKE '620102%' without touching the area table.
            models.Index(fields=["village"], name="household_village_prefix", opclasses=["varchar_pattern_ops"]),
            # An area's first page of households in number order without sorting the area
            # (``households_under``); with the id and the village, a page's count reads the index alone.
            *(models.Index(Left("village_id", LEVEL_PREFIX_LENGTH[level]), "number", include=["id", "village"],
                           name=f"household_{level}_number")
              for level in NUMBERED_LEVELS),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(resident_population__gte=1), name="household_has_residents"),
            models.CheckConstraint(
                condition=~Q(status="exited") | Q(exit_year__isnull=False), name="exited_household_has_exit_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"


class Member(models.Model):
    class Health(models.TextChoices):
        HEALTHY = "healthy", _("健康")
        CHRONIC = "chronic", _("长期慢性病")
        SERIOUS = "serious", _("患有大病")
        DISABLED = "disabled", _("残疾")

    class Labour(models.TextChoices):
        ORDINARY = "ordinary", _("普通劳动力")
        SKILLED = "skilled", _("技能劳动力")
        WEAK = "weak", _("弱劳动力")
        LOST = "lost", _("丧失劳动力")
        NONE = "none", _("无劳动力")

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    HEAD = "户主"

    household = models.ForeignKey(Household, models.CASCADE, related_name="members", verbose_name=_("贫困户"))
    # Unique across the database: a person belongs to one household only (no split households).
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与户主关系"), max_length=20)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    health = models.CharField(_("健康状况"), max_length=10, choices=Health.choices, blank=True)
    labour_ability = models.CharField(_("劳动能力"), max_length=10, choices=Labour.choices, blank=True)
    disability = models.CharField(_("残疾类别"), max_length=20, blank=True)
    schooling = models.CharField(_("在校生情况"), max_length=20, blank=True)
    migrant_worker = models.BooleanField(_("外出务工"), default=False)
    left_behind_child = models.BooleanField(_("留守儿童"), default=False)
    elderly_alone = models.BooleanField(_("孤寡老人"), default=False)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("家庭成员")
        ordering = ["household", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.relation}）"


MONEY = {"max_digits": 12, "decimal_places": 2}


class IncomeRecord(models.Model):
    """A household's income for one year, with net and per-capita income by docs/domain.md §5."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="incomes", verbose_name=_("贫困户"))
    year = models.PositiveSmallIntegerField(_("年度"))
    # Per-capita income divides by the residents of that year, so the year keeps its own count.
    resident_population = models.PositiveSmallIntegerField(_("常住人口"))
    total_income = models.DecimalField(_("总收入"), **MONEY)
    operating_costs = models.DecimalField(_("家庭经营费用支出"), default=Decimal(0), **MONEY)
    taxes_and_fees = models.DecimalField(_("税费支出"), default=Decimal(0), **MONEY)
    depreciation = models.DecimalField(_("生产性固定资产折旧"), default=Decimal(0), **MONEY)
    survey_subsidy = models.DecimalField(_("调查补贴"), default=Decimal(0), **MONEY)
    gifts_outside = models.DecimalField(_("赠送农村外部亲友"), default=Decimal(0), **MONEY)
    net_income = models.DecimalField(_("纯收入"), editable=False, **MONEY)
    per_capita_income = models.DecimalField(_("人均纯收入"), editable=False, **MONEY)

    DEDUCTIONS = ("operating_costs", "taxes_and_fees", "depreciation", "survey_subsidy", "gifts_outside")

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("家庭收入")
        ordering = ["household", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_income_record_per_household_year"),
            models.CheckConstraint(condition=Q(resident_population__gte=1), name="income_has_residents"),
            models.CheckConstraint(
                condition=Q(total_income__gte=0)
                & Q(operating_costs__gte=0)
                & Q(taxes_and_fees__gte=0)
                & Q(depreciation__gte=0)
                & Q(survey_subsidy__gte=0)
                & Q(gifts_outside__gte=0),
                name="income_amounts_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["year", "household"], name="income_by_year")]  # ledgers: a year's incomes

    def __str__(self) -> str:
        return f"{self.household.number} {self.year}"

    def compute(self) -> None:
        """Net income = total − the five deductions; per capita = net ÷ residents, rounded half up
        to the fen (四舍五入, as statistical tables do)."""
        self.net_income = self.total_income - sum(getattr(self, f) for f in self.DEDUCTIONS)
        self.per_capita_income = (self.net_income / self.resident_population).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def save(self, *args, **kwargs):
        self.compute()
        if kwargs.get("update_fields") is not None:
            # update_or_create() saves only the fields it was given: the computed ones go too.
            kwargs["update_fields"] = {*kwargs["update_fields"], "net_income", "per_capita_income"}
        super().save(*args, **kwargs)


class VillageYear(models.Model):
    """A village's basic data for one year (村情): the inputs of the poor-village test
    "一高一低一无" (docs/domain.md §10) and the size of its two committees (村两委), every member of which
    casts a 村评单位 ballot (§7). Recorded per year because all of them change from year to year."""

    village = models.ForeignKey(Area, models.PROTECT, related_name="village_years", verbose_name=_("村（社区）"),
                                limit_choices_to={"level": AreaLevel.VILLAGE})
    year = models.PositiveSmallIntegerField(_("年度"))
    households = models.PositiveIntegerField(_("总户数"))
    population = models.PositiveIntegerField(_("总人口"))
    poor_population = models.PositiveIntegerField(_("贫困人口"))
    per_capita_income = models.DecimalField(_("农民人均纯收入"), **MONEY)
    collective_income = models.DecimalField(_("集体经济收入"), default=Decimal(0), **MONEY)
    # Blank while unknown: the 村评单位 ballots of the village's units are then accepted unchecked.
    committee_size = models.PositiveSmallIntegerField(_("村两委成员数"), null=True, blank=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("村情")
        ordering = ["village", "year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="one_village_year"),
            models.CheckConstraint(
                condition=Q(households__gte=0) & Q(population__gte=0) & Q(poor_population__gte=0)
                & Q(per_capita_income__gte=0) & Q(collective_income__gte=0),
                name="village_year_not_negative",
            ),
            models.CheckConstraint(condition=Q(poor_population__lte=F("population")),
                                   name="village_poor_within_population"),
            models.CheckConstraint(condition=Q(committee_size__isnull=True) | Q(committee_size__gte=1),
                                   name="village_committee_has_members"),
        ]
        indexes = [models.Index(fields=["year", "village"], name="village_year_by_year")]  # poverty test: villages of a year

    def __str__(self) -> str:
        return f"{self.year} {self.village.name}"


class PovertyLine(models.Model):
    """The thresholds of a year (docs/domain.md §10): the household lines, the poor-village test's
    income line and incidence rate, and the shortest public notice. A year without a row takes
    the latest earlier year's (``households.selectors.thresholds_for``)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    province_line = models.DecimalField(_("省定扶贫标准（元）"), **MONEY)
    national_line = models.DecimalField(_("国家扶贫标准（元）"), **MONEY)
    village_income_line = models.DecimalField(_("贫困村人均纯收入标准（元）"), default=Decimal("3902"), **MONEY)
    incidence_rate = models.DecimalField(_("贫困发生率标准（%）"), max_digits=5, decimal_places=2, default=Decimal("30"))
    notice_days = models.PositiveSmallIntegerField(_("公示最少天数"), default=7)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("扶贫标准")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(province_line__gt=0) & Q(national_line__gt=0) & Q(village_income_line__gt=0),
                name="poverty_lines_positive"),
            models.CheckConstraint(condition=Q(incidence_rate__gte=0) & Q(incidence_rate__lte=100),
                                   name="incidence_rate_is_a_percent"),
            models.CheckConstraint(condition=Q(notice_days__gte=1), name="notice_runs_a_day_at_least"),
        ]

    def __str__(self) -> str:
        return f"{self.year}：{self.province_line} 元"


class HouseholdPlan(models.Model):
    """The household income-increase plan (户脱贫计划): target, measures, exit deadline.

    The responsible cadre is the one paired with the household; it is read from the pairing
    rather than stored twice.
    """

    household = models.ForeignKey(Household, models.CASCADE, related_name="plans", verbose_name=_("贫困户"))
    year = models.PositiveSmallIntegerField(_("计划年度"))
    target_income = models.DecimalField(_("目标人均纯收入（元）"), **MONEY)
    measures = models.TextField(_("增收措施"), blank=True, default="",
                                help_text=_("概述或备注；逐项措施见下方的帮扶措施。"))
    exit_deadline = models.PositiveSmallIntegerField(_("计划脱贫年度"))

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("户脱贫计划")
        ordering = ["household", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_plan_per_household_year"),
            models.CheckConstraint(condition=Q(exit_deadline__gte=F("year")), name="plan_exit_not_before_plan"),
            models.CheckConstraint(condition=Q(target_income__gte=0), name="plan_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.year}"


class PovertyQuota(models.Model):
    """A county's scale quota of a year (县扶贫规模): how many poor villages and poor people it may
    identify (docs/domain.md §10). A year without a row takes the latest earlier year's; a county
    without any has no limit (``households.selectors.quota_errors``)."""

    county = models.ForeignKey(Area, models.PROTECT, related_name="poverty_quotas", verbose_name=_("县（区）"),
                               limit_choices_to={"level": AreaLevel.COUNTY})
    year = models.PositiveSmallIntegerField(_("年度"))
    poor_villages = models.PositiveIntegerField(_("贫困村规模"))
    poor_people = models.PositiveIntegerField(_("贫困人口规模"))

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("扶贫规模")
        ordering = ["county", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_quota_per_county_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.county.name}"


class PlanMeasure(models.Model):
    """One measure of a household plan (帮扶措施): its kind, for industry one of the "32111"
    items, what is done, how far it has got and the money planned and spent."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("产业")
        LABOUR = "labour", _("劳务输转")
        EDUCATION = "education", _("教育")
        HEALTH = "health", _("健康")
        HOUSING = "housing", _("住房")
        OTHER = "other", _("其他")

    class Item(models.TextChoices):
        # "32111": 3 mu of cash crops, 2 ewes, 1 biogas pit, 1 sanitary toilet, 1 worker placed
        CROPS = "crops", _("3亩经济作物")
        EWES = "ewes", _("2只基础母羊")
        BIOGAS = "biogas", _("1口沼气池")
        TOILET = "toilet", _("1座卫生厕所")
        WORKER = "worker", _("1名劳动力转移就业")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        UNDERWAY = "underway", _("实施中")
        DONE = "done", _("已完成")

    plan = models.ForeignKey(HouseholdPlan, models.CASCADE, related_name="measure_rows", verbose_name=_("户脱贫计划"))
    kind = models.CharField(_("措施类别"), max_length=16, choices=Kind.choices)
    item = models.CharField(_("“32111”项目"), max_length=16, choices=Item.choices, blank=True, default="")
    description = models.CharField(_("措施内容"), max_length=200, blank=True, default="")
    status = models.CharField(_("进展"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    planned = models.DecimalField(_("计划投入（元）"), default=0, **MONEY)
    spent = models.DecimalField(_("已投入（元）"), default=0, **MONEY)

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("帮扶措施")
        ordering = ["plan", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(planned__gte=0) & Q(spent__gte=0), name="measure_money_not_negative"),
            models.CheckConstraint(condition=Q(item="") | Q(kind="industry"), name="measure_item_only_for_industry"),
        ]

    def __str__(self) -> str:
        return self.get_item_display() or self.description or self.get_kind_display()
