"""Who looked at personal data, and who took data away (docs/domain.md §2; personal data rules); roster
workbooks uploaded for import and what became of them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.storage import PrivateStorage


class AccessLog(models.Model):
    """One request that exported data, or showed pages with full ID numbers to a role allowed
    to see them. Written by ``shuanglian.middleware.AccessLogMiddleware``; never edited."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("导出")
        VIEW = "view", _("查看完整身份证号")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("用户"))
    username = models.CharField(_("用户名"), max_length=150)  # kept when the account goes
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    unmasked = models.BooleanField(_("含完整身份证号"), default=False)
    method = models.CharField(_("方法"), max_length=8)
    path = models.CharField(_("地址"), max_length=500)
    status = models.PositiveSmallIntegerField(_("状态码"))
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("数据访问记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {self.path}"


class RosterUploadStorage(PrivateStorage):
    """Uploaded roster workbooks wait for their import here (``ROSTER_UPLOADS_ROOT``)."""

    def root(self) -> str:
        return str(settings.ROSTER_UPLOADS_ROOT)


roster_upload_storage = RosterUploadStorage()


class RosterImport(models.Model):
    """One roster workbook uploaded in the admin and imported by a Celery task with the
    uploader's scope (shuanglian/roster/jobs.py). The file is deleted once the task has run;
    the counts, notices and problems stay."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        REJECTED = "rejected", _("有问题，未导入")
        FAILED = "failed", _("出错，未导入")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人"))
    filename = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("文件"), storage=roster_upload_storage, upload_to="%Y/%m/", blank=True, max_length=200)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    counts = models.JSONField(_("各表条数"), default=dict, blank=True)  # sheet → created, updated, unchanged
    notices = models.JSONField(_("提示"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("问题数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("花名册导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)


class RosterImportProblem(models.Model):
    """One problem of a rejected import, as ``SHEET!ROW: message``; kept in rows so that a
    file with hundreds of thousands of bad rows is shown a page at a time and downloaded whole."""

    job = models.ForeignKey(RosterImport, models.CASCADE, related_name="problems", verbose_name=_("花名册导入"))
    position = models.PositiveIntegerField(_("序号"))
    sheet = models.CharField(_("工作表"), max_length=50)
    row = models.PositiveIntegerField(_("行"), null=True, blank=True)
    message = models.TextField(_("问题"))

    class Meta:
        verbose_name = verbose_name_plural = _("花名册导入问题")
        ordering = ["job", "position"]
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="roster_problem_position_unique")]

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row}: {self.message}" if self.row is not None else f"{self.sheet}: {self.message}"
