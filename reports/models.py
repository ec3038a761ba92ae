"""Periodic reports (月报告、季调度、年总结), on-time monthly reporting (按时报送) and in-app notices."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.storage import PrivateStorage

from .periods import Period


class ReportStorage(PrivateStorage):
    """Report files: only the scoped download view hands them out (``REPORTS_ROOT``)."""

    def root(self) -> str:
        return str(getattr(settings, "REPORTS_ROOT", settings.BASE_DIR / "var" / "reports"))


report_storage = ReportStorage()


def report_file_path(report: Report, filename: str) -> str:
    return f"{report.start:%Y}/{filename}"


class Report(models.Model):
    """One report of one kind for one period and one subject (an area or a unit).

    Kind, period and subject are its key: requesting the same report again re-runs it and
    replaces figures and file in place, so there is never a second copy to disagree with.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月报告")
        QUARTERLY = "quarterly", _("季调度")
        ANNUAL = "annual", _("年总结")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("报表类型"), max_length=10, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=7, help_text=_("如 2025-03、2025-Q1、2025"))
    start = models.DateField(_("期间开始"))
    end = models.DateField(_("期间结束"))
    area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="reports", verbose_name=_("区划"))
    unit = models.ForeignKey("pairing.Unit", models.PROTECT, null=True, blank=True, related_name="reports",
                             verbose_name=_("单位"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    file = models.FileField(_("Excel文件"), storage=report_storage, upload_to=report_file_path, blank=True, max_length=200)
    figures = models.JSONField(_("统计数据"), default=dict, blank=True, editable=False)
    as_of = models.DateField(_("数据截至"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    # The run that owns the report now: a run only stores its result while it still holds it,
    # so a late duplicate (a redelivered message, a requeued stale run) never overwrites a newer one.
    run_token = models.UUIDField(null=True, blank=True, editable=False)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("定期报表")
        ordering = ["-start", "kind", "area_id", "unit_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, unit__isnull=True) | Q(area__isnull=True, unit__isnull=False),
                name="report_has_one_subject",
            ),
            models.UniqueConstraint(fields=["kind", "period", "area"], condition=Q(unit__isnull=True),
                                    name="one_report_per_area_period"),
            models.UniqueConstraint(fields=["kind", "period", "unit"], condition=Q(area__isnull=True),
                                    name="one_report_per_unit_period"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="report_period_in_order"),
        ]
        indexes = [
            models.Index(fields=["status", "started_at"], name="report_by_status"),  # the stale-run sweeper
        ]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def period_obj(self) -> Period:
        return Period.parse(self.kind, self.period)

    @property
    def subject(self):
        return self.area if self.area_id else self.unit

    @property
    def subject_name(self) -> str:
        subject = self.subject
        return subject.name if subject is not None else ""

    @property
    def title(self) -> str:
        return _("%(subject)s%(period)s双联工作%(kind)s") % {
            "subject": self.subject_name, "period": self.period_obj.title, "kind": self.get_kind_display()}

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 1)
        return None

    @property
    def download_name(self) -> str:
        return f"{self.title}.xlsx"


class SubmissionPolicy(models.Model):
    """By which day of the next month a unit's monthly report is due (a row of data, like the
    visit policies): a blank area is the province rule, the most specific area wins."""

    area = models.ForeignKey(Area, models.CASCADE, null=True, blank=True, related_name="submission_policies",
                             verbose_name=_("适用区划"),
                             help_text=_("留空表示全省默认；县区可设自己的截止日，最具体的区划优先。"))
    area_prefix = models.CharField(max_length=12, blank=True, editable=False)
    due_day = models.PositiveSmallIntegerField(_("次月截止日"), help_text=_("月报最迟在次月的第几天报送（1–28）。"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("月报报送时限")
        ordering = ["area_prefix"]
        constraints = [
            models.UniqueConstraint(fields=["area"], name="one_submission_policy_per_area"),
            models.UniqueConstraint(fields=["due_day"], condition=Q(area__isnull=True), name="one_default_submission_policy"),
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="submission_due_day_in_month"),
        ]

    def __str__(self) -> str:
        where = self.area.name if self.area_id else _("全省")
        return _("%(where)s：次月%(day)s日前报送") % {"where": where, "day": self.due_day}

    def save(self, *args, **kwargs):
        self.area_prefix = Area.prefix_of(self.area_id) if self.area_id else ""
        super().save(*args, **kwargs)


class MonthlySubmission(models.Model):
    """A unit's monthly report to its office (按时报送) and what the office did with it.

    Approval locks the month: the unit's visits of that month change only after the office
    reopens it. Every step is kept in ``events``.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已通过（已锁定）")
        REOPENED = "reopened", _("已重新开放")

    unit = models.ForeignKey("pairing.Unit", models.PROTECT, related_name="submissions", verbose_name=_("单位"))
    month = models.DateField(_("报告月份"), help_text=_("该月的第一天"))
    due = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    summary = models.TextField(_("本月工作情况"))
    figures = models.JSONField(_("报送数据"), default=dict, blank=True, editable=False)
    first_submitted_at = models.DateTimeField(_("首次报送时间"))
    submitted_at = models.DateTimeField(_("最近报送时间"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("报送人"))
    late = models.BooleanField(_("逾期报送"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("审核人"))
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("月报报送")
        ordering = ["-month", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="one_submission_per_unit_month")]
        indexes = [models.Index(fields=["month", "status"], name="submission_by_month")]  # the office's month view

    def __str__(self) -> str:
        return _("%(unit)s %(year)s年%(month)s月月报") % {"unit": self.unit.name, "year": self.month.year, "month": self.month.month}

    @property
    def locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def period(self) -> str:
        return f"{self.month:%Y-%m}"


class SubmissionEvent(models.Model):
    """One step of a monthly report: the audit trail of submitting, approving, returning, reopening."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("报送")
        RESUBMITTED = "resubmitted", _("重新报送")
        APPROVED = "approved", _("审核通过")
        RETURNED = "returned", _("退回")
        REOPENED = "reopened", _("重新开放")

    submission = models.ForeignKey(MonthlySubmission, models.CASCADE, related_name="events", verbose_name=_("月报"))
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"))
    comment = models.TextField(_("意见或原因"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("报送记录")
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Notice(models.Model):
    """A message to one user inside the system (and by e-mail when they have an address).
    ``key`` makes a scheduled notice idempotent: the same reminder is never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices", verbose_name=_("接收人"))
    key = models.CharField(_("标识"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("系统提醒")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_user_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread")]  # a user's unread notices

    def __str__(self) -> str:
        return self.title
