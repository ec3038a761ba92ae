"""Projects, funds and trainings a unit or an office brings to a village (项目, docs/domain.md §12).

A project is a record of its own, beside the cadres' deeds (``visits.Deed``): the reports show
both and their sum (``reports.figures``), so nothing is counted twice."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.audit import AuditTrail

MONEY = {"max_digits": 12, "decimal_places": 2}


class Project(models.Model):
    class Kind(models.TextChoices):
        # The unit's "四个一" (docs/domain.md §12) …
        IDEA = "idea", _("理清一个发展思路")
        TEAM = "team", _("建强一个村级班子")
        DEMONSTRATION = "demonstration", _("培育一个产业示范点")
        PRACTICAL = "practical", _("办好一批实事")
        # … and the other projects, funds and trainings.
        INDUSTRY = "industry", _("产业项目")
        INFRASTRUCTURE = "infrastructure", _("基础设施")
        TRAINING = "training", _("培训")
        FUNDS = "funds", _("资金")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        IN_PROGRESS = "in_progress", _("实施中")
        DONE = "done", _("已完成")

    unit = models.ForeignKey("pairing.Unit", models.PROTECT, null=True, blank=True, related_name="projects",
                             verbose_name=_("实施单位"))
    office_area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="office_projects",
                                    verbose_name=_("实施双联办（区划）"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="projects", verbose_name=_("村"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    money_planned = models.DecimalField(_("计划资金（元）"), default=0, **MONEY)
    money_spent = models.DecimalField(_("到位资金（元）"), default=0, **MONEY)
    spent_note = models.CharField(_("超计划说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    people_trained = models.PositiveIntegerField(_("培训人数"), default=0)
    people_helped = models.PositiveIntegerField(_("受益人数"), default=0)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("帮扶项目")
        ordering = ["-start", "village"]
        constraints = [
            models.CheckConstraint(condition=Q(money_planned__gte=0) & Q(money_spent__gte=0),
                                   name="project_money_not_negative"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                                   name="project_ends_after_start"),
            models.CheckConstraint(condition=Q(unit__isnull=False, office_area__isnull=True) | Q(unit__isnull=True, office_area__isnull=False),
                                   name="project_brought_by_unit_or_office"),
        ]
        indexes = [models.Index(fields=["village", "start"], name="project_by_village"),  # reports: an area's projects
                   models.Index(fields=["unit", "start"], name="project_by_unit")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def brought_by(self) -> str:
        return self.unit.name if self.unit_id else (self.office_area.name if self.office_area_id else "")
