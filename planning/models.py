"""Village development plans and units' five-year help plans (两规划), with their commitments
and each commitment's yearly progress (docs/domain.md §12). Household plans live in households."""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models import Area, HouseholdPlan
from pairing.models import Unit
from shuanglian.audit import AuditTrail

MONEY = {"max_digits": 14, "decimal_places": 2}


class DevelopmentPlan(models.Model):
    """A village's development plan (村级发展规划) or a unit's five-year help plan (帮扶规划)."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("村级发展规划")
        UNIT = "unit", _("单位帮扶规划")

    kind = models.CharField(_("规划类别"), max_length=16, choices=Kind.choices)
    village = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="development_plans",
                                verbose_name=_("村"), help_text=_("村级发展规划填写。"))
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="help_plans",
                             verbose_name=_("联村单位"), help_text=_("单位帮扶规划填写。"))
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("截止年度"))
    goals = models.TextField(_("规划目标"))

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("村级规划与单位帮扶规划")
        ordering = ["kind", "village", "unit", "-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="development_plan_years_in_order"),
            models.CheckConstraint(
                condition=(Q(kind="village", village__isnull=False, unit__isnull=True)
                           | Q(kind="unit", unit__isnull=False, village__isnull=True)),
                name="development_plan_of_a_village_or_a_unit"),
        ]

    def __str__(self) -> str:
        owner = self.village.name if self.village_id else self.unit.name
        return f"{owner} {self.start_year}—{self.end_year}"


class Commitment(models.Model):
    """A commitment of a plan (承诺事项), posted publicly (张榜公布) and followed up each year."""

    plan = models.ForeignKey(DevelopmentPlan, models.CASCADE, related_name="commitments", verbose_name=_("规划"))
    text = models.CharField(_("承诺事项"), max_length=300)
    money = models.DecimalField(_("计划资金（元）"), default=0, **MONEY)
    year_due = models.PositiveSmallIntegerField(_("完成年度"))

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("规划承诺事项")
        ordering = ["plan", "year_due", "pk"]
        constraints = [models.CheckConstraint(condition=Q(money__gte=0), name="commitment_money_not_negative")]

    def __str__(self) -> str:
        return self.text


class CommitmentProgress(models.Model):
    """A year's progress on a commitment (年度进展)."""

    commitment = models.ForeignKey(Commitment, models.CASCADE, related_name="progress", verbose_name=_("承诺事项"))
    year = models.PositiveSmallIntegerField(_("年度"))
    text = models.CharField(_("进展情况"), max_length=500)
    done = models.BooleanField(_("已完成"), default=False)

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("承诺事项年度进展")
        ordering = ["commitment", "year"]
        constraints = [models.UniqueConstraint(fields=["commitment", "year"], name="one_progress_per_commitment_year")]

    def __str__(self) -> str:
        return f"{self.commitment} {self.year}"


class PlanSubmission(models.Model):
    """Each submission of a household plan from the phone or the API, by its key: the same key
    again (a resent form, an outbox replaying late) stores nothing, even after newer saves."""

    key = models.UUIDField(_("提交标识"), unique=True)
    plan = models.ForeignKey(HouseholdPlan, models.CASCADE, related_name="submissions", verbose_name=_("户脱贫计划"))
    at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("脱贫计划提交记录")

    def __str__(self) -> str:
        return str(self.key)
