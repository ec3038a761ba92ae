"""Visits (进村入户): cadres' trips to their households, units' trips to their villages, and the
policies they are measured against."""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.audit import AuditTrail

# The longest any trip may be, whatever its policy (docs/domain.md §6): the database refuses a
# longer cadre's visit, so a trip sharing a day with another begins at most this many days
# before it, which bounds the year partitions the overlap check reads (visits/services/anomalies.py).
LONGEST_TRIP_DAYS = 366


class Task(models.TextChoices):
    """The six tasks (六大任务) of a visit."""

    POLICY = "policy", _("政策宣传")
    OPINION = "opinion", _("反映民意")
    DEVELOPMENT = "development", _("促进发展")
    GRIEVANCES = "grievances", _("疏导情绪")
    GRASSROOTS = "grassroots", _("强基固本")
    MODELS = "models", _("推广典型")


class Visit(models.Model):
    """One trip of a cadre to the village, covering one or more of their paired households."""

    # Looked up through visit_by_cadre (cadre, start, end): an index of the cadre alone would only
    # cost every trip stored one more entry.
    cadre = models.ForeignKey("pairing.Cadre", models.PROTECT, related_name="visits", verbose_name=_("联户干部"),
                              db_index=False)
    # The link table has no database foreign keys (visits are partitioned), Django keeps it.
    households = models.ManyToManyField("households.Household", related_name="visits", verbose_name=_("走访农户"),
                                        db_constraint=False)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    stayed = models.BooleanField(_("吃住在村"), default=False)
    tasks = models.JSONField(_("落实任务"), default=list, blank=True)
    help_given = models.TextField(_("帮办实事"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # Optional evidence from the phone (docs/domain.md §6: never a gate); WGS 84 degrees and metres.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    # Carried by the form: a resent form or a double tap stores nothing twice. On PostgreSQL the
    # table is partitioned by year (migration 0011): there the key's uniqueness is kept by the
    # table visits_visit_key, filled by a trigger, since a partitioned table's unique
    # constraints must include ``start``.
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        # On PostgreSQL partitioned by year of ``start`` (docs/architecture.md, migration 0011): the
        # database's key is (id, start), ids stay unique through their sequence, and the tables
        # that point at a visit do so without a database foreign key (db_constraint=False), the
        # cascades being Django's.
        verbose_name = verbose_name_plural = _("干部走访")
        ordering = ["-start", "cadre"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="visit_ends_after_start"),
            # ``end`` on or before start + 365 days (on SQLite a date compared with a date-time
            # string: the same day still passes, the next does not).
            models.CheckConstraint(condition=Q(end__lte=F("start") + timedelta(days=LONGEST_TRIP_DAYS - 1)),
                                   name="visit_at_most_a_year"),
        ]
        # Compliance reads a cadre's trips in the order of its window, (start, end): all three
        # columns in the index, the year's trips come from it alone, already in that order, with
        # no visit to the table and no sort (BENCHMARKS.md).
        indexes = [models.Index(fields=["cadre", "start", "end"], name="visit_by_cadre")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


class UnitVisit(models.Model):
    """A unit's work team in its paired village (单位进村)."""

    unit = models.ForeignKey("pairing.Unit", models.PROTECT, related_name="visits", verbose_name=_("联村单位"),
                             db_index=False)  # looked up by unit_visit_key (unit, village, start, end)
    village = models.ForeignKey(Area, models.PROTECT, related_name="unit_visits", verbose_name=_("联系村"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    leader = models.ForeignKey("pairing.Cadre", models.PROTECT, null=True, blank=True, related_name="led_visits",
                               verbose_name=_("带队干部"))
    people = models.PositiveSmallIntegerField(_("人数"), default=1)
    notes = models.TextField(_("备注"), blank=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("单位进村")
        ordering = ["-start", "unit"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="unit_visit_ends_after_start"),
            # Also compliance's index: a pairing's trips in the order of its window (start, end).
            models.UniqueConstraint(fields=["unit", "village", "start", "end"], name="unit_visit_key"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


class Stay(models.Model):
    """A resident's stay in the village of their posting (驻村考勤, docs/domain.md §11), counted
    like trips against the days a year a resident must live there."""

    cadre = models.ForeignKey("pairing.Cadre", models.PROTECT, related_name="stays", verbose_name=_("驻村干部"),
                              db_index=False)  # looked up by stay_by_cadre (cadre, start)
    posting = models.ForeignKey("pairing.Posting", models.PROTECT, related_name="stays", verbose_name=_("驻村"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Carried by the phone's form: a resent form stores nothing twice.
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("驻村考勤")
        ordering = ["-start", "cadre"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="stay_ends_after_start"),
            models.UniqueConstraint(fields=["cadre", "start", "end"], name="stay_key"),
        ]
        indexes = [models.Index(fields=["cadre", "start"], name="stay_by_cadre")]  # compliance: a resident's stays

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


class VisitPolicy(models.Model):
    """How often who must go where: a row of data per area and year (docs/domain.md §6).

    A blank area is the province rule and a blank year holds every year. For a cadre the area
    is that of the cadre's unit, for a unit–village pairing the village's; the most specific
    area wins, then a policy of the year over one for every year.
    """

    class Subject(models.TextChoices):
        CADRE = "cadre", _("联户干部")
        UNIT = "unit", _("联村单位")
        RESIDENT = "resident", _("驻村工作队员")

    area = models.ForeignKey(Area, models.CASCADE, null=True, blank=True, related_name="visit_policies",
                             verbose_name=_("适用区划"))
    # The area's code prefix ('' for the province rule): the policy is found in SQL by prefix.
    area_prefix = models.CharField(max_length=12, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    subject = models.CharField(_("对象"), max_length=10, choices=Subject.choices)
    min_visits = models.PositiveSmallIntegerField(_("最少走访次数"))
    min_days = models.PositiveSmallIntegerField(_("最少累计天数"))
    per_household_min = models.PositiveSmallIntegerField(_("每户最少走访次数"), null=True, blank=True)
    backdate_days = models.PositiveSmallIntegerField(_("可补录天数"), default=30)
    max_trip_days = models.PositiveSmallIntegerField(_("单次最长天数"), default=31)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("走访标准")
        ordering = ["subject", "area_prefix", "year"]
        constraints = [models.UniqueConstraint(fields=["area", "year", "subject"], name="one_visit_policy_per_scope")]

    def __str__(self) -> str:
        return _("%(where)s %(year)s %(subject)s：%(visits)s次/%(days)s天") % {
            "where": self.area.name if self.area_id else _("全省"), "year": self.year or _("各年"),
            "subject": self.get_subject_display(), "visits": self.min_visits, "days": self.min_days}

    def save(self, *args, **kwargs):
        self.area_prefix = Area.prefix_of(self.area_id) if self.area_id else ""
        super().save(*args, **kwargs)


class AnomalyFlag(models.Model):
    """Something for the office to look at (防止弄虚作假); a flag never blocks the record."""

    class Kind(models.TextChoices):
        OVERLAP = "overlap", _("走访记录时间重叠")
        TWO_VILLAGES = "two_villages", _("同一天在两个村")

    class Status(models.TextChoices):
        OPEN = "open", _("待核查")
        CLEARED = "cleared", _("已核实无误")
        CONFIRMED = "confirmed", _("确认有误")

    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    visit = models.ForeignKey(Visit, models.CASCADE, related_name="flags", verbose_name=_("走访记录"),
                              db_constraint=False)  # visits are partitioned: Django cascades
    other = models.ForeignKey(Visit, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("相关记录"),
                              db_constraint=False)
    day = models.DateField(_("日期"))
    status = models.CharField(_("核查状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    note = models.TextField(_("核查说明"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("核查人"))
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("异常提示")
        ordering = ["status", "-day"]
        constraints = [models.UniqueConstraint(fields=["kind", "visit", "other", "day"], name="one_flag_per_finding")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day:%Y-%m-%d}"


MONEY = {"max_digits": 12, "decimal_places": 2}


class Demand(models.Model):
    """A need or complaint collected during a visit (民情民意) and what became of it."""

    class Category(models.TextChoices):
        INDUSTRY = "industry", _("产业发展")
        INFRASTRUCTURE = "infrastructure", _("基础设施")
        EDUCATION = "education", _("教育")
        HEALTH = "health", _("医疗")
        HOUSING = "housing", _("住房")
        WELFARE = "welfare", _("社会保障")
        DISPUTE = "dispute", _("矛盾纠纷")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待办理")
        IN_PROGRESS = "in_progress", _("办理中")
        RESOLVED = "resolved", _("已办结")
        ESCALATED = "escalated", _("已上报双联办")

    cadre = models.ForeignKey("pairing.Cadre", models.PROTECT, related_name="demands", verbose_name=_("收集干部"))
    household = models.ForeignKey("households.Household", models.PROTECT, null=True, blank=True, related_name="demands",
                                  verbose_name=_("农户"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="demands", verbose_name=_("村"))
    visit = models.ForeignKey(Visit, models.SET_NULL, null=True, blank=True, related_name="demands", verbose_name=_("走访"),
                              db_constraint=False)  # visits are partitioned: Django sets it null
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    text = models.TextField(_("诉求内容"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(_("收集时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Carried by the phone's form and its outbox: a resent form stores nothing twice.
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("民情诉求")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["village", "status"], name="demand_by_village")]  # reports: demands of an area

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.text[:20]}"


class DemandFollowUp(models.Model):
    """One step in a demand's handling: who did what, and the status it left."""

    demand = models.ForeignKey(Demand, models.CASCADE, related_name="follow_ups", verbose_name=_("诉求"))
    status = models.CharField(_("办理后状态"), max_length=12, choices=Demand.Status.choices)
    note = models.TextField(_("办理情况"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("办理人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("诉求办理记录")
        ordering = ["demand", "at"]


class Deed(models.Model):
    """A practical thing done (实事): money, projects, training, jobs."""

    class Category(models.TextChoices):
        FUNDS = "funds", _("协调资金")
        PROJECT = "project", _("争取项目")
        TRAINING = "training", _("技能培训")
        JOBS = "jobs", _("转移就业")
        GOODS = "goods", _("送物资")
        OTHER = "other", _("其他")

    cadre = models.ForeignKey("pairing.Cadre", models.PROTECT, related_name="deeds", verbose_name=_("干部"))
    household = models.ForeignKey("households.Household", models.PROTECT, null=True, blank=True, related_name="deeds",
                                  verbose_name=_("农户"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="deeds", verbose_name=_("村"))
    on = models.DateField(_("日期"))
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    description = models.TextField(_("内容"))
    money = models.DecimalField(_("金额（元）"), default=0, **MONEY)
    people_helped = models.PositiveIntegerField(_("受益人数"), default=0)
    # Carried by the phone's form and its outbox: a resent form stores nothing twice.
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("帮办实事")
        ordering = ["-on"]
        constraints = [models.CheckConstraint(condition=Q(money__gte=0), name="deed_money_not_negative")]
        indexes = [models.Index(fields=["village", "on"], name="deed_by_village")]  # reports: deeds of an area

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.on:%Y-%m-%d}"


class VisitPhoto(models.Model):
    """Evidence of a visit (影像资料): optional, never a gate; stored resized as JPEG."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="photos", verbose_name=_("走访"),
                              db_constraint=False)  # visits are partitioned: Django cascades
    image = models.ImageField(_("照片"), upload_to="visits/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("走访照片")
        ordering = ["visit", "uploaded_at"]
