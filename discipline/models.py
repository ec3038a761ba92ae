"""Discipline (docs/domain.md §13): complaints (举报) under the 八个不准 / 十不准, half-yearly
inspections (半年一督查) with their findings and rectifications (限期整改), and accountability
records (表扬, 通报批评, 约谈, 问责) against a unit or a cadre."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Area
from pairing.models import Cadre, Role, Unit
from shuanglian.audit import AuditTrail
from shuanglian.storage import PrivateStorage


class EvidenceStorage(PrivateStorage):
    """Complaint photos and rectification evidence: never public media, handed out only by the
    scoped file view (``DISCIPLINE_ROOT``)."""

    def root(self) -> str:
        return str(getattr(settings, "DISCIPLINE_ROOT", settings.BASE_DIR / "var" / "discipline"))


evidence_storage = EvidenceStorage()


class Rule(models.TextChoices):
    """The rules a complaint says were broken: the 八个不准 of the campaign (seed 000 §8) and the
    十不准 of the resident teams (seed 002), the overlapping ones said once."""

    UNREASONABLE_DEMANDS = "demands", _("向基层提不合理要求")
    HOSPITALITY = "hospitality", _("接受吃请或报销开支")
    GIFTS = "gifts", _("收受馈赠钱物、土特产")
    ENTERTAINMENT = "entertainment", _("公款娱乐、打牌赌博")
    SUBSTITUTING = "substituting", _("包办代替、强迫命令")
    AGAINST_WILL = "against_will", _("违背群众意愿、侵害群众利益")
    DISTURBING = "disturbing", _("干扰群众正常生产生活")
    ESCORTS = "escorts", _("层层陪同和迎送")
    RASH_PROMISES = "rash", _("随意表态或盲目行事")
    HINDERING = "hindering", _("影响基层正常工作")
    FAVOURITISM = "favouritism", _("优亲厚友")
    DRINKING = "drinking", _("大吃大喝、酗酒")
    ABSENCE = "absence", _("无故请假离岗")
    OTHER = "other", _("其他")


class Target(models.TextChoices):
    CADRE = "cadre", _("干部")
    UNIT = "unit", _("单位")
    VILLAGE = "village", _("村")
    OTHER = "other", _("其他")


class Complaint(models.Model):
    """A complaint from the public page or taken on the phone line. The receipt code is the
    filer's only key to it; name and contact are shown only to the handling office."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        INVESTIGATING = "investigating", _("调查中")
        CLOSED = "closed", _("已办结")

    class Finding(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("属实")
        NOT_SUBSTANTIATED = "unsubstantiated", _("不属实")

    class Channel(models.TextChoices):
        WEB = "web", _("网上举报")
        PHONE = "phone", _("电话举报")

    receipt_code = models.CharField(_("查询码"), max_length=12, unique=True, editable=False)
    channel = models.CharField(_("来源"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    rule = models.CharField(_("问题类别"), max_length=16, choices=Rule.choices)
    target_kind = models.CharField(_("举报对象类型"), max_length=8, choices=Target.choices)
    target_name = models.CharField(_("举报对象"), max_length=100)
    # The area the complaint concerns: its inspection group or office handles it.
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("所涉区划"))
    # Filled where the name is found in the area, so the record reaches the cadre's or unit's page.
    cadre = models.ForeignKey(Cadre, models.PROTECT, null=True, blank=True, related_name="complaints", verbose_name=_("干部"))
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="complaints", verbose_name=_("单位"))
    village = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="complaints", verbose_name=_("村"))
    assigned_to = models.ForeignKey(Role, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("承办"))
    content = models.TextField(_("举报内容"), max_length=2000)
    complainant_name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    complainant_contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    photo = models.ImageField(_("照片"), storage=evidence_storage, upload_to="complaints/%Y/%m/", blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    finding = models.CharField(_("查处结论"), max_length=16, choices=Finding.choices, blank=True)
    finding_text = models.TextField(_("办结意见"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("办结人"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("登记人"))
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("受理时间"), auto_now_add=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("举报")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "status"], name="complaint_by_area")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(finding=""), name="complaint_closed_with_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}：{self.target_name}"


class ComplaintNote(models.Model):
    """An investigation note of the handling office: internal, never shown to the filer."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="notes", verbose_name=_("举报"))
    text = models.TextField(_("调查情况"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("记录人"))
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("调查记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Inspection(models.Model):
    """One half-yearly inspection (半年一督查) of a unit or a village."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("上半年")
        SECOND = 2, _("下半年")

    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=Half.choices)
    on = models.DateField(_("督查日期"))
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("督查单位"))
    village = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("督查村"))
    # The area of the inspected unit or village: the offices over it see and keep the record.
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("所涉区划"))
    checked = models.TextField(_("督查内容"), max_length=2000)
    inspectors = models.CharField(_("督查人员"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("督查")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) | Q(village__isnull=False), name="inspection_has_subject"),
        ]

    def __str__(self) -> str:
        subject = self.unit.name if self.unit_id else self.village.name
        return f"{self.year}年{self.get_half_display()} {subject}"


class Finding(models.Model):
    """A problem an inspection found, and its rectification (限期整改): a deadline, the evidence
    of completion and the office's sign-off."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="findings", verbose_name=_("督查"))
    text = models.TextField(_("发现问题"), max_length=2000)
    deadline = models.DateField(_("整改期限"))
    evidence = models.TextField(_("整改情况"), max_length=2000, blank=True)
    evidence_file = models.FileField(_("整改材料"), storage=evidence_storage, upload_to="rectifications/%Y/%m/", blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("销号人"))

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("督查发现问题")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | ~Q(evidence=""), name="rectification_closed_with_evidence"),
        ]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Accountability(models.Model):
    """A commendation, a circulated criticism, a talk or an accountability decision against a
    unit or a cadre, and what caused it."""

    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("表扬")
        CRITICISM = "criticism", _("通报批评")
        TALK = "talk", _("约谈")
        ACCOUNTABILITY = "accountability", _("问责")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="accountability", verbose_name=_("单位"))
    cadre = models.ForeignKey(Cadre, models.PROTECT, null=True, blank=True, related_name="accountability", verbose_name=_("干部"))
    complaint = models.ForeignKey(Complaint, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("依据举报"))
    finding = models.ForeignKey(Finding, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("依据督查问题"))
    basis = models.CharField(_("依据"), max_length=300, blank=True, help_text=_("如评议结果、文件或链接。"))
    on = models.DateField(_("日期"))
    issued_by = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("作出机关（区划）"))
    text = models.TextField(_("内容"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("登记人"))

    history = AuditTrail()

    class Meta:
        verbose_name = verbose_name_plural = _("表扬与问责")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(unit__isnull=False) & Q(cadre__isnull=True)) | (Q(unit__isnull=True) & Q(cadre__isnull=False)), name="accountability_one_target"),
        ]

    def __str__(self) -> str:
        target = self.cadre.name if self.cadre_id else self.unit.name
        return f"{self.get_kind_display()}：{target}"
