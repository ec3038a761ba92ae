"""Units, cadres and the two kinds of pairing (联村, 联户), quotas and the users' roles."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.audit import AuditTrail


class Unit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县")
        TOWNSHIP = "township", _("乡")

    class Kind(models.TextChoices):
        ORGAN = "organ", _("党政机关")
        INSTITUTION = "institution", _("事业单位")
        PEOPLES_ORGANISATION = "peoples", _("人民团体")
        STATE_ENTERPRISE = "enterprise", _("国有企业")
        ARMY = "army", _("部队武警")
        CENTRAL = "central", _("中央在甘单位")
        SOCIAL = "social", _("社会组织")

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="units", verbose_name=_("所在区划"))
    # Every member of the leadership (班子) casts a 单位评干部 ballot for each cadre (docs/domain.md §7);
    # blank while unknown, and the ballots are then accepted unchecked.
    leadership_size = models.PositiveSmallIntegerField(_("班子成员数"), null=True, blank=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("联村单位")
        ordering = ["code"]
        indexes = [
            # Units of an area subtree (area_id LIKE '6201%').
            models.Index(fields=["area"], name="unit_area_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(leadership_size__isnull=True) | Q(leadership_size__gte=1),
                                   name="unit_leadership_has_members"),
        ]

    def __str__(self) -> str:
        return self.name


class Rank(models.TextChoices):
    PROVINCIAL = "provincial", _("省级")
    PREFECTURE = "prefecture", _("地厅级")
    COUNTY = "county", _("县处级")
    SECTION = "section", _("乡科级")
    OTHER = "other", _("一般干部")


class Category(models.TextChoices):
    CIVIL_SERVANT = "civil", _("公务员")
    INSTITUTION_STAFF = "institution", _("事业人员")
    TEACHER = "teacher", _("教师")
    MEDICAL = "medical", _("医务人员")
    ENTERPRISE = "enterprise", _("企业职工")
    LOGISTICS = "logistics", _("工勤人员")


# Teachers, medical staff and enterprise workers keep to their posts and pair no households (004, 001).
CATEGORIES_WITHOUT_HOUSEHOLDS = frozenset({Category.TEACHER, Category.MEDICAL, Category.ENTERPRISE})


class Cadre(models.Model):
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="cadres", verbose_name=_("所在单位"))
    rank = models.CharField(_("职级"), max_length=12, choices=Rank.choices)
    category = models.CharField(_("人员类别"), max_length=12, choices=Category.choices)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="cadre", verbose_name=_("登录账号")
    )

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("联户干部")
        ordering = ["unit__code", "id_number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.name}）" if self.unit_id and "unit" in self._state.fields_cache else self.name

    @property
    def pairs_households(self) -> bool:
        return self.category not in CATEGORIES_WITHOUT_HOUSEHOLDS


class VillagePairing(models.Model):
    """A unit paired with a (poor) village: 联村."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="village_pairings", verbose_name=_("联村单位"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="unit_pairings", verbose_name=_("联系村"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=100, blank=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("单位联村")
        ordering = ["unit__code", "village_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "village", "start"], name="village_pairing_key"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="village_pairing_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["village", "start"], name="village_pairing_by_village"),  # coverage of a village
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.village.name}"


class HouseholdPairing(models.Model):
    """A cadre paired with a household: 联户. A hand-over ends it and names the successor pairing."""

    cadre = models.ForeignKey(Cadre, models.PROTECT, related_name="pairings", verbose_name=_("联户干部"))
    household = models.ForeignKey(
        "households.Household", models.PROTECT, related_name="pairings", verbose_name=_("联系户")
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=100, blank=True)
    successor = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="predecessor", verbose_name=_("接替结对")
    )

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("干部联户")
        ordering = ["household__number", "start"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "household", "start"], name="household_pairing_key"),
            models.UniqueConstraint(
                fields=["household"], condition=Q(end__isnull=True), name="one_open_pairing_per_household"
            ),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="pairing_ends_after_start"),
        ]
        indexes = [
            # A cadre's pairings in a period; compliance reads them from it alone, in order of start.
            models.Index(fields=["cadre", "start", "end"], name="pairing_by_cadre"),
            models.Index(fields=["household", "start"], name="pairing_by_household"),  # coverage, overlap checks
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} — {self.household.number}"


class QuotaPolicy(models.Model):
    """How many households a cadre of a rank must pair; a policy of an area overrides the province's."""

    area = models.ForeignKey(
        Area, models.CASCADE, null=True, blank=True, related_name="quota_policies", verbose_name=_("适用区划"),
        help_text=_("留空表示全省默认标准；县区可设自己的标准，最具体的区划优先。"),
    )
    rank = models.CharField(_("职级"), max_length=12, choices=Rank.choices)
    min_households = models.PositiveSmallIntegerField(_("最少联系户数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The area's code prefix ('' for the province default), kept so that the policy for a
    # cadre is found in SQL: the longest prefix of the unit's area code wins.
    area_prefix = models.CharField(max_length=12, blank=True, editable=False)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("联户数量标准")
        ordering = ["area_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["area", "rank"], name="one_quota_per_area_rank"),
            models.UniqueConstraint(fields=["rank"], condition=Q(area__isnull=True), name="one_default_quota_per_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.area.name if self.area_id else '全省'} {self.get_rank_display()} ≥ {self.min_households}"

    def save(self, *args, **kwargs):
        self.area_prefix = Area.prefix_of(self.area_id) if self.area_id else ""
        super().save(*args, **kwargs)


class Role(models.Model):
    """What a staff user may see and change. A cadre's role comes from their Cadre record."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("双联办")
        UNIT_ADMIN = "unit_admin", _("单位管理员")
        LEADER = "leader", _("领导")
        INSPECTOR = "inspector", _("督查组")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="shuanglian_role", verbose_name=_("用户"))
    kind = models.CharField(_("角色"), max_length=12, choices=Kind.choices)
    area = models.ForeignKey(
        Area, models.PROTECT, null=True, blank=True, verbose_name=_("管辖区划"),
        help_text=_("双联办、领导和督查组：其区划及以下。"),
    )
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, verbose_name=_("单位"), help_text=_("单位管理员：其单位。"))
    can_view_id_numbers = models.BooleanField(_("可查看完整身份证号"), default=False)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unit_admin", unit__isnull=False) | (~Q(kind="unit_admin") & Q(area__isnull=False))),
                name="role_has_its_scope",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit if self.kind == self.Kind.UNIT_ADMIN else self.area
        return f"{self.user.username}：{where} {self.get_kind_display()}"


class Posting(models.Model):
    """A cadre posted by their unit to live in a poor village (驻村, docs/domain.md §11): the
    village's resident work team on any date is the postings in force then."""

    class Role(models.TextChoices):
        FIRST_SECRETARY = "first_secretary", _("第一书记")
        LEADER = "leader", _("队长")
        MEMBER = "member", _("队员")

    cadre = models.ForeignKey(Cadre, models.PROTECT, related_name="postings", verbose_name=_("驻村干部"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="postings", verbose_name=_("驻村"))
    role = models.CharField(_("职务"), max_length=16, choices=Role.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("驻村")
        ordering = ["village_id", "start", "cadre"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "village", "start"], name="posting_key"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="posting_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["cadre", "start"], name="posting_by_cadre"),  # compliance: a resident's postings
            models.Index(fields=["village", "start"], name="posting_by_village"),  # a village's team
        ]

    def __str__(self) -> str:
        return f"{self.cadre} — {self.village.name}（{self.get_role_display()}）"


class Leave(models.Model):
    """A cadre's approved leave (请假, docs/domain.md §11): its days are taken out of every
    requirement pro-rated by days; the work done on them still counts."""

    cadre = models.ForeignKey(Cadre, models.PROTECT, related_name="leaves", verbose_name=_("干部"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200, blank=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("请假")
        ordering = ["cadre", "start"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "start"], name="leave_key"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="leave_ends_after_start"),
        ]
        indexes = [models.Index(fields=["cadre", "start"], name="leave_by_cadre")]  # compliance: a cadre's leave

    def __str__(self) -> str:
        return f"{self.cadre} {self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


class WorkTeamMember(models.Model):
    """A cadre on a unit's work team for one of its villages (工作小组, docs/domain.md §11): 2–3
    cadres led by one of 县处级 rank or above, rotating, so the village is never left uncovered."""

    class Role(models.TextChoices):
        LEADER = "leader", _("组长")
        MEMBER = "member", _("组员")

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="team_members", verbose_name=_("联村单位"))
    village = models.ForeignKey(Area, models.PROTECT, related_name="team_members", verbose_name=_("联系村"))
    cadre = models.ForeignKey(Cadre, models.PROTECT, related_name="team_memberships", verbose_name=_("干部"))
    role = models.CharField(_("分工"), max_length=8, choices=Role.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("工作小组成员")
        ordering = ["unit", "village_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "village", "cadre", "start"], name="work_team_member_key"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="work_team_member_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.get_role_display()}）"
