"""Records of precise identification and exit (docs/domain.md §10): each step a procedure takes
for a batch of one village's households, the objections to a notice and their door-to-door check,
and the "两不愁三保障" checklist a cadre records before a household may be proposed for exit.

A household's ``status`` is the outcome of these records, never typed: the services in
``identification/services`` change it when a procedure's last step passes."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models import Area, Household
from shuanglian.audit import AuditTrail
from shuanglian.storage import PrivateStorage

from .rules import CHECKLIST_ITEMS, Procedure, Stage


class DocumentStorage(PrivateStorage):
    """Scanned documents of steps: only the scoped download view hands them out."""

    def root(self) -> str:
        return str(getattr(settings, "IDENTIFICATION_DOCUMENTS_ROOT", settings.BASE_DIR / "var" / "identification"))


document_storage = DocumentStorage()


class Step(models.Model):
    """One step of a procedure, taken on one date for a batch of households of one village."""

    village = models.ForeignKey(Area, models.PROTECT, related_name="procedure_steps", verbose_name=_("村（社区）"))
    procedure = models.CharField(_("程序"), max_length=16, choices=Procedure.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    stage = models.CharField(_("步骤"), max_length=16, choices=Stage.choices)
    date = models.DateField(_("日期"))  # a notice's first day
    end_date = models.DateField(_("公示截止日期"), null=True, blank=True)  # notices only
    # Who signed on the spot: [{"name": "…", "role": "…"}, …]
    signatories = models.JSONField(_("现场签字人员"), default=list, blank=True)
    note = models.TextField(_("说明"), blank=True)
    document = models.FileField(_("扫描件"), upload_to="identification/%Y/", storage=document_storage, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("录入人"))
    taken_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    # The form's key: a double-submitted step is stored once.
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("识别退出程序步骤")
        ordering = ["village", "year", "date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                                   name="step_ends_after_start"),
        ]
        indexes = [models.Index(fields=["year", "procedure", "village"], name="step_by_year")]

    def __str__(self) -> str:
        return f"{self.village.name} {self.year} {self.get_procedure_display()} {self.get_stage_display()}"


class StepEntry(models.Model):
    """A household in a step, with its result there (a vote's ballots where the step is a vote)."""

    step = models.ForeignKey(Step, models.CASCADE, related_name="entries", verbose_name=_("程序步骤"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="procedure_entries", verbose_name=_("贫困户"))
    passed = models.BooleanField(_("通过"))
    votes_for = models.PositiveIntegerField(_("赞成票"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("反对票"), null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(_("弃权票"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("程序步骤农户")
        ordering = ["step", "household"]
        constraints = [models.UniqueConstraint(fields=["step", "household"], name="one_entry_per_step_household")]
        indexes = [models.Index(fields=["household", "step"], name="entry_by_household")]

    def __str__(self) -> str:
        return f"{self.step} {self.household.number}"


class Objection(models.Model):
    """An objection raised while a notice ran, and its door-to-door check (入户核实)."""

    notice = models.ForeignKey(Step, models.PROTECT, related_name="objections", verbose_name=_("公示"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="objections", verbose_name=_("贫困户"))
    received_on = models.DateField(_("受理日期"))
    raised_by = models.CharField(_("异议人"), max_length=50, blank=True)  # blank: anonymous
    content = models.TextField(_("异议内容"))
    checked_on = models.DateField(_("核实日期"), null=True, blank=True)
    checkers = models.JSONField(_("核实人员"), default=list, blank=True)
    finding = models.TextField(_("核实结果"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)  # null until checked

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("异议")
        ordering = ["notice", "received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.household.number} {self.received_on}"


class ExitChecklist(models.Model):
    """The "两不愁三保障" checklist of a household for a year, recorded by its paired cadre."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="exit_checklists", verbose_name=_("贫困户"))
    year = models.PositiveSmallIntegerField(_("年度"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("填报人"))
    recorded_on = models.DateField(_("填报日期"))
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("两不愁三保障核查")
        ordering = ["household", "year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="one_checklist_per_household_year")]

    def __str__(self) -> str:
        return f"{self.household.number} {self.year}"


class ExitCheckItem(models.Model):
    checklist = models.ForeignKey(ExitChecklist, models.CASCADE, related_name="items", verbose_name=_("核查"))
    item = models.CharField(_("项目"), max_length=12, choices=CHECKLIST_ITEMS)
    holds = models.BooleanField(_("达到"))
    note = models.CharField(_("情况说明"), max_length=300, blank=True)
    photo = models.ImageField(_("照片"), upload_to="identification/%Y/%m/", blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("核查项目")
        ordering = ["checklist", "item"]
        constraints = [models.UniqueConstraint(fields=["checklist", "item"], name="one_item_per_checklist")]

    def __str__(self) -> str:
        return f"{self.checklist} {self.get_item_display()}"
