"""Two-way evaluation (双向评议, docs/domain.md §7): rounds, paper tallies, one-time codes and ballots.

A household's web ballot is secret. The code that opened it records only that it was spent;
the ballot itself has a random key, no time and no link to the code, so nothing stored can
tell which household cast which ballot.
"""
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.audit import AuditTrail


class Direction(models.TextChoices):
    """Who rates whom. The roster sheet 评议 writes the Chinese labels."""

    VILLAGE_ON_UNIT = "village_on_unit", _("村评单位")
    HOUSEHOLD_ON_CADRE = "household_on_cadre", _("户评干部")
    UNIT_ON_CADRE = "unit_on_cadre", _("单位评干部")
    CADRE_ON_LEADERSHIP = "cadre_on_leadership", _("干部评班子")


# The directions whose target is a unit; the others rate a cadre.
UNIT_TARGETS = frozenset({Direction.VILLAGE_ON_UNIT, Direction.CADRE_ON_LEADERSHIP})


class Level(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


SCORE = {"max_digits": 5, "decimal_places": 1}


class Grade(models.TextChoices):
    """Grades of the appraisal (002): work teams 优秀/良好/一般/差, cadres 优秀/称职/基本称职/不称职.
    Stored as codes, shown in the reader's language."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")
    COMPETENT = "competent", _("称职")
    BASICALLY_COMPETENT = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class EvaluationRound(models.Model):
    """One year's evaluation in an area and everything below it, with the rules it is scored by.

    Web ballots are accepted from ``opens`` to ``closes``; paper tallies until the office closes
    the round, which freezes its results and makes it read-only.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="evaluation_rounds", verbose_name=_("评议范围"))
    opens = models.DateField(_("开始日期"))
    closes = models.DateField(_("截止日期"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                  editable=False, verbose_name=_("结束人"))
    # Points per satisfaction level: the ballot score is their average over the ballots.
    score_satisfied = models.DecimalField(_("满意计分"), default=Decimal(100), **SCORE)
    score_basic = models.DecimalField(_("基本满意计分"), default=Decimal(60), **SCORE)
    score_unsatisfied = models.DecimalField(_("不满意计分"), default=Decimal(0), **SCORE)
    # Weights of the composite score, in per cent; they must add up to 100.
    weight_ballots = models.DecimalField(_("评议权重（%）"), default=Decimal(60), **SCORE)
    weight_compliance = models.DecimalField(_("走访达标权重（%）"), default=Decimal(20), **SCORE)
    weight_deeds = models.DecimalField(_("帮办实事权重（%）"), default=Decimal(10), **SCORE)
    weight_income = models.DecimalField(_("增收权重（%）"), default=Decimal(10), **SCORE)
    deeds_per_cadre = models.PositiveSmallIntegerField(_("每名干部年度实事目标（件）"), default=2)
    income_growth_target = models.DecimalField(_("联系户人均纯收入增长目标（%）"), default=Decimal(10), **SCORE)
    # Lower bounds of the grades; a score at a bound earns the higher grade.
    team_excellent = models.DecimalField(_("工作队“优秀”分数线"), default=Decimal(90), **SCORE)
    team_good = models.DecimalField(_("工作队“良好”分数线"), default=Decimal(71), **SCORE)
    team_fair = models.DecimalField(_("工作队“一般”分数线"), default=Decimal(60), **SCORE)
    cadre_excellent = models.DecimalField(_("干部“优秀”分数线"), default=Decimal(90), **SCORE)
    cadre_competent = models.DecimalField(_("干部“称职”分数线"), default=Decimal(70), **SCORE)
    cadre_basic = models.DecimalField(_("干部“基本称职”分数线"), default=Decimal(60), **SCORE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("评议轮次")
        ordering = ["-year", "area_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "area"], name="one_round_per_year_and_area"),
            models.CheckConstraint(condition=Q(closes__gte=F("opens")), name="round_closes_after_it_opens"),
        ]

    def __str__(self) -> str:
        return _("%(year)s年度双向评议（%(area)s）") % {"year": self.year, "area": self.area.name}

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Target(models.Model):
    """What a tally, a code or a ballot rates: a unit or a cadre, according to its direction."""

    round = models.ForeignKey(EvaluationRound, models.PROTECT, verbose_name=_("评议轮次"))
    direction = models.CharField(_("评议类型"), max_length=20, choices=Direction.choices)
    unit = models.ForeignKey("pairing.Unit", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("被评单位"))
    cadre = models.ForeignKey("pairing.Cadre", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("被评干部"))

    class Meta:
        abstract = True

    @property
    def target(self):
        return self.unit if self.direction in UNIT_TARGETS else self.cadre

    @classmethod
    def target_is_consistent(cls, prefix: str) -> models.CheckConstraint:
        unit_directions = sorted(str(d) for d in UNIT_TARGETS)  # a set: sorted, so migrations stay put
        return models.CheckConstraint(
            condition=(Q(direction__in=unit_directions, unit__isnull=False, cadre__isnull=True)
                       | (~Q(direction__in=unit_directions) & Q(unit__isnull=True, cadre__isnull=False))),
            name=f"{prefix}_target_matches_direction",
        )


ONE_TALLY = _("该对象在本轮评议中已有纸质票汇总，请修改原记录。")


class Tally(Target):
    """Paper ballots counted for one target (a row of the roster sheet 评议)."""

    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    basic = models.PositiveIntegerField(_("基本满意"), default=0)
    unsatisfied = models.PositiveIntegerField(_("不满意"), default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   editable=False, verbose_name=_("录入人"))
    updated_at = models.DateTimeField(_("录入时间"), auto_now=True)

    history = AuditTrail()  # the audit trail: who changed what, when, before and after

    class Meta:
        verbose_name = verbose_name_plural = _("纸质票汇总")
        ordering = ["round", "direction", "unit__code", "cadre__id_number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "direction", "unit"], condition=Q(unit__isnull=False),
                                    name="one_tally_per_unit_target", violation_error_message=ONE_TALLY),
            models.UniqueConstraint(fields=["round", "direction", "cadre"], condition=Q(cadre__isnull=False),
                                    name="one_tally_per_cadre_target", violation_error_message=ONE_TALLY),
            Target.target_is_consistent("tally"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.target}"

    @property
    def ballots(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied


class BallotCode(Target):
    """A one-time code printed on a slip for one rater: it casts exactly one ballot."""

    code = models.CharField(_("评议码"), max_length=16, unique=True)
    # Who the slip is for, so the office can hand it out and never issue a second one; it says
    # nothing about the ballot, which does not point back here.
    rater_key = models.CharField(_("评议人标识"), max_length=40, editable=False)
    rater_label = models.CharField(_("评议人"), max_length=100)
    spent = models.BooleanField(_("已使用"), default=False, db_index=True)
    created_at = models.DateTimeField(_("发放时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("评议码")
        ordering = ["round", "direction", "rater_label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "direction", "unit", "cadre", "rater_key"], name="one_code_per_rater"),
            Target.target_is_consistent("code"),
        ]

    def __str__(self) -> str:
        return self.code


class Ballot(Target):
    """A web ballot. Deliberately without a time, an author or a reference to its code."""

    # Random on purpose, never time-ordered (shuanglian/keys.py): the id must not tell when it was cast.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    level = models.CharField(_("评价"), max_length=12, choices=Level.choices)
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("网上评议票")
        ordering = ["round", "direction", "id"]
        constraints = [Target.target_is_consistent("ballot")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.get_level_display()}"


class AppraisalResult(models.Model):
    """A target's result frozen when its round closed (a unit as a work team, or a cadre)."""

    round = models.ForeignKey(EvaluationRound, models.CASCADE, related_name="results", verbose_name=_("评议轮次"))
    unit = models.ForeignKey("pairing.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("单位"))
    cadre = models.ForeignKey("pairing.Cadre", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("干部"))
    ballots = models.PositiveIntegerField(_("票数"))
    satisfied = models.PositiveIntegerField(_("满意"))
    basic = models.PositiveIntegerField(_("基本满意"))
    unsatisfied = models.PositiveIntegerField(_("不满意"))
    satisfaction = models.DecimalField(_("满意度（%）"), null=True, **SCORE)
    ballot_score = models.DecimalField(_("评议得分"), null=True, **SCORE)
    compliance_score = models.DecimalField(_("走访达标得分"), null=True, **SCORE)
    deeds_score = models.DecimalField(_("帮办实事得分"), null=True, **SCORE)
    income_score = models.DecimalField(_("增收得分"), null=True, **SCORE)
    score = models.DecimalField(_("综合得分"), null=True, **SCORE)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("考评结果")
        ordering = ["round", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], condition=Q(unit__isnull=False), name="one_result_per_unit"),
            models.UniqueConstraint(fields=["round", "cadre"], condition=Q(cadre__isnull=False), name="one_result_per_cadre"),
            models.CheckConstraint(condition=Q(unit__isnull=False, cadre__isnull=True) | Q(unit__isnull=True, cadre__isnull=False),
                                   name="result_has_one_target"),
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.cadre} {self.get_grade_display()}"
