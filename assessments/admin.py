from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from households.access import visible_areas
from pairing.access import visible_cadres, visible_units
from shuanglian import scoping
from shuanglian.admin_base import ScopedAdmin
from shuanglian.errors import DomainError

from .access import (
    visible_appraisal_results,
    visible_ballot_codes,
    visible_ballots,
    visible_evaluation_rounds,
    visible_tallies,
)
from .models import UNIT_TARGETS, AppraisalResult, Ballot, BallotCode, Direction, EvaluationRound, Tally
from .services import check_round, check_tally, close_round, issue_codes, record_tally, team_size_notes


def round_checks(form, data):
    rnd = form.instance
    for name, value in data.items():
        setattr(rnd, name, value)
    check_round(rnd)


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ScopedAdmin):
    """A year's evaluation over an area. Closing freezes the results; a closed round is read-only."""

    visible = visible_evaluation_rounds
    scoped_fields = {"area": visible_areas}
    autocomplete_fields = ("area",)
    list_display = ("__str__", "year", "area", "opens", "closes", "state", "links")
    list_filter = ("year",)
    list_select_related = ("area",)
    actions = ["make_codes", "close"]
    fieldsets = (
        (None, {"fields": ("year", "area", "opens", "closes")}),
        (_("计分"), {"fields": ("score_satisfied", "score_basic", "score_unsatisfied")}),
        (_("综合得分权重"), {"fields": ("weight_ballots", "weight_compliance", "weight_deeds", "weight_income",
                                   "deeds_per_cadre", "income_growth_target")}),
        (_("等次分数线"), {"fields": ("team_excellent", "team_good", "team_fair",
                                 "cadre_excellent", "cadre_competent", "cadre_basic")}),
    )

    @admin.display(description=_("状态"))
    def state(self, obj):
        return _("已结束") if obj.is_closed else _("进行中")

    @admin.display(description=_("操作"))
    def links(self, obj):
        return format_html('<a href="{}">{}</a> · <a href="{}?round={}">{}</a>',
                           reverse("evaluation-slips", args=[obj.pk]), _("打印评议票"),
                           reverse("evaluation-results"), obj.pk, _("查看结果"))

    def _own(self, request, obj) -> bool:
        """Rounds over the office's own area or below it; a round from above is only read."""
        return obj is None or visible_areas(self.scope(request)).filter(code=obj.area_id).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj) and not (obj and obj.is_closed)

    def check_write(self, form, data):
        round_checks(form, data)

    def _each_own_round(self, request, queryset, act) -> None:
        """Run an action on each selected round the office may change, reporting each outcome."""
        for rnd in queryset:
            if not self._own(request, rnd) or not scoping.may_change(self.scope(request)):
                self.message_user(request, _("%(round)s不在您的管辖范围内。") % {"round": rnd}, messages.ERROR)
                continue
            try:
                self.message_user(request, act(rnd))
            except DomainError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)

    @admin.action(description=_("生成评议码（四类评议）"), permissions=["change"])
    def make_codes(self, request, queryset):
        def make(rnd):
            made = sum(issue_codes(rnd=rnd, direction=d) for d in Direction.values)
            done = ngettext("%(round)s：新生成 %(count)s 个评议码。", "%(round)s：新生成 %(count)s 个评议码。",
                            made) % {"round": rnd, "count": made}
            return " ".join([done, *team_size_notes(rnd)])

        self._each_own_round(request, queryset, make)

    @admin.action(description=_("结束评议并固定结果"), permissions=["change"])
    def close(self, request, queryset):
        def close(rnd):
            kept = close_round(rnd=rnd, by=request.user)
            return ngettext("%(round)s已结束，固定了 %(count)s 条考评结果。", "%(round)s已结束，固定了 %(count)s 条考评结果。",
                            kept) % {"round": rnd, "count": kept}

        self._each_own_round(request, queryset, close)


class TallyForm(forms.ModelForm):
    class Meta:
        model = Tally
        fields = ("round", "direction", "unit", "cadre", "satisfied", "basic", "unsatisfied")
        help_texts = {"unit": _("村评单位、干部评班子：选择单位"), "cadre": _("户评干部、单位评干部：选择干部")}


def tally_checks(form, data):
    direction = data.get("direction")
    if not direction or data.get("round") is None:
        return
    target = data.get("unit") if direction in UNIT_TARGETS else data.get("cadre")
    if target is None:
        raise DomainError({"unit" if direction in UNIT_TARGETS else "cadre": _("请选择评议对象。")})
    check_tally(direction=direction, target=target, rnd=data["round"], existing=form.instance,
                satisfied=data.get("satisfied") or 0, basic=data.get("basic") or 0, unsatisfied=data.get("unsatisfied") or 0)


@admin.register(Tally)
class TallyAdmin(ScopedAdmin):
    """Paper ballots counted per target; the limits of one ballot per rater are checked here too."""

    visible = visible_tallies
    form = TallyForm
    scoped_fields = {"round": lambda scope: visible_evaluation_rounds(scope).filter(closed_at__isnull=True),
                     "unit": visible_units, "cadre": visible_cadres}
    autocomplete_fields = ("unit", "cadre")
    list_display = ("round", "direction", "unit", "cadre", "satisfied", "basic", "unsatisfied", "entered_by", "updated_at")
    list_filter = ("direction", "round__year")
    list_select_related = ("round__area", "unit", "cadre", "entered_by")
    search_fields = ("unit__name", "unit__code", "cadre__name", "=cadre__id_number")

    def check_write(self, form, data):
        tally_checks(form, data)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.round.is_closed)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        direction = data["direction"]
        record_tally(direction=direction, target=data["unit"] if direction in UNIT_TARGETS else data["cadre"],
                     rnd=data["round"], satisfied=data["satisfied"], basic=data["basic"], unsatisfied=data["unsatisfied"],
                     by=request.user, existing=obj if change else None)


class ReadOnlyAdmin(ScopedAdmin):
    """Written by services only (codes, web ballots, frozen results): no ``check_write``, so read-only."""


@admin.register(BallotCode)
class BallotCodeAdmin(ReadOnlyAdmin):
    """Issued codes: who each slip is for and whether it was used — never how."""

    visible = visible_ballot_codes
    list_display = ("code", "round", "direction", "unit", "cadre", "rater_label", "spent")
    list_filter = ("spent", "direction", "round__year")
    list_select_related = ("round__area", "unit", "cadre")
    search_fields = ("=code", "rater_label", "unit__name", "cadre__name")


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    """Web ballots and their comments, in random order: they carry no time and no rater."""

    visible = visible_ballots
    list_display = ("round", "direction", "unit", "cadre", "level", "comment")
    list_filter = ("level", "direction", "round__year")
    list_select_related = ("round__area", "unit", "cadre")


@admin.register(AppraisalResult)
class AppraisalResultAdmin(ReadOnlyAdmin):
    visible = visible_appraisal_results
    list_display = ("round", "unit", "cadre", "ballots", "satisfaction", "ballot_score", "compliance_score", "deeds_score",
                    "income_score", "score", "grade")
    list_filter = ("grade", "round__year")
    list_select_related = ("round__area", "unit", "cadre")
