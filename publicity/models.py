"""Typical cases (典型), the publication of evaluation results and the counties' lead units
(牵头单位) with their meetings (docs/domain.md §13)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.audit import AuditTrail
from shuanglian.storage import PrivateStorage


class CaseCategory(models.TextChoices):
    """The kinds of good practice to sum up and promote, and model people (requirement 6)."""

    EAST_HELPS_WEST = "east_helps_west", _("东部带西部、先富带后富型")
    INDUSTRY = "industry", _("培育产业促增收型")
    INFRASTRUCTURE = "infrastructure", _("加强基础设施和改善村容村貌型")
    RELOCATION = "relocation", _("整村推进易地搬迁型")
    RESOURCES = "resources", _("整合资金资源帮扶型")
    HARMONY = "harmony", _("加强农村和谐稳定型")
    PUBLIC_SERVICES = "public_services", _("文化教育卫生等公共服务建设型")
    HARD_PROBLEMS = "hard_problems", _("破解发展难题型")
    HARDSHIPS = "hardships", _("解决群众突出困难型")
    MODEL_PERSON = "model_person", _("先进人物")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")


class TypicalCase(models.Model):
    """A good practice or a model person, submitted by a unit or an office and reviewed by the
    office of its area (``area``: the village concerned, else the unit's seat)."""

    category = models.CharField(_("类别"), max_length=20, choices=CaseCategory.choices)
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("事迹材料"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("所属区划"), editable=False)
    village = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所涉村"))
    unit = models.ForeignKey("pairing.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("所涉单位"))
    cadre = models.ForeignKey("pairing.Cadre", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("所涉干部"))
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED,
                              editable=False)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                     editable=False, verbose_name=_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                    editable=False, verbose_name=_("审核人"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    # A form sent twice (a double click, a retry on a slow line) stores one case.
    key = models.UUIDField(_("提交标识"), unique=True, null=True, blank=True, editable=False)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("典型")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="case_published")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == CaseStatus.PUBLISHED


class CasePhotoStorage(PrivateStorage):
    """Photos of typical cases, outside MEDIA_ROOT: the scoped page shows them to those who see the
    case, the public page only those of published cases (``PUBLICITY_PHOTOS_ROOT``)."""

    def root(self) -> str:
        return str(getattr(settings, "PUBLICITY_PHOTOS_ROOT", settings.BASE_DIR / "var" / "publicity"))


case_photo_storage = CasePhotoStorage()


class CasePhoto(models.Model):
    case = models.ForeignKey(TypicalCase, models.CASCADE, related_name="photos", verbose_name=_("典型"))
    image = models.ImageField(_("照片"), storage=case_photo_storage, upload_to="cases/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("典型照片")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"


class RoundPublication(models.Model):
    """Whether a closed evaluation round's results are on the public page. Unpublishing keeps the
    row (``published`` false): ``changed_at`` moves on every change, so the public page's ETag does."""

    round = models.OneToOneField("assessments.EvaluationRound", models.PROTECT, related_name="publication",
                                 verbose_name=_("评议轮次"))
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    published = models.BooleanField(_("已公开"), default=True)
    changed_at = models.DateTimeField(_("变更时间"), auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                   editable=False, verbose_name=_("操作人"))

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("评议结果公开")
        ordering = ["-year", "round_id"]
        indexes = [models.Index(fields=["year", "published"], name="publication_year")]

    def __str__(self) -> str:
        return str(self.round)


class LeadUnit(models.Model):
    """A county's lead unit (牵头单位) of a year: it meets the pairing units at least twice a year."""

    county = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("县（市、区）"))
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey("pairing.Unit", models.PROTECT, related_name="+", verbose_name=_("牵头单位"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                   editable=False, verbose_name=_("录入人"))

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("牵头单位")
        ordering = ["-year", "county_id"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_lead_unit_per_county_and_year",
                                               violation_error_message=_("该县本年度已确定牵头单位。"))]

    def __str__(self) -> str:
        return _("%(year)s年度%(county)s牵头单位：%(unit)s") % {
            "year": self.year, "county": self.county.name, "unit": self.unit.name}


MEETINGS_PER_YEAR = 2  # 每年至少召开2次成员单位会议 (docs/domain.md §3)


class LeadMeeting(models.Model):
    lead = models.ForeignKey(LeadUnit, models.CASCADE, related_name="meetings", verbose_name=_("牵头单位"))
    on = models.DateField(_("会议日期"))
    topic = models.CharField(_("会议议题"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("参会人数"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                   editable=False, verbose_name=_("录入人"))

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("牵头单位会议")
        ordering = ["lead", "on"]
        constraints = [models.CheckConstraint(condition=Q(attendees__gte=1), name="meeting_has_attendees")]

    def __str__(self) -> str:
        return f"{self.on} {self.topic}"
