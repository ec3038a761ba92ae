from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuanglian import scoping
from shuanglian.errors import DomainError

from . import selectors
from .models import Report
from .periods import Period


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("报表类型"), choices=Report.Kind.choices)
    period = forms.CharField(label=_("期间"), max_length=7, help_text=_("月：2025-03　季：2025-Q1　年：2025"))
    area = forms.ModelChoiceField(label=_("区划"), queryset=None, required=False, empty_label=_("（选择区划）"))
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False, empty_label=_("（或选择单位）"))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.requestable_areas(scope)
        self.fields["unit"].queryset = selectors.requestable_units(scope)
        if scoping.is_unit_admin(scope):
            del self.fields["area"]
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("period"):
            try:
                data["period"] = Period.parse(data["kind"], data["period"]).label
            except DomainError as exc:
                self.add_error("period", exc.message_dict.get("period", exc.messages))
        if bool(data.get("area")) == bool(data.get("unit")):
            raise forms.ValidationError(_("请选择一个区划或一个单位（二选一）。"))
        return data


class LedgerForm(forms.Form):
    area = forms.ModelChoiceField(label=_("区划"), queryset=None, required=False, empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        if scoping.is_unit_admin(scope):
            del self.fields["area"]  # a unit's ledger covers the unit's households
        else:
            self.fields["area"].queryset = selectors.requestable_areas(scope)
            self.fields["area"].required = True


class SubmitForm(forms.Form):
    summary = forms.CharField(label=_("本月工作情况"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                              help_text=_("简述本月进村入户、帮办实事、诉求办理等情况；统计数据由系统按本月记录生成。"))


class ReviewForm(forms.Form):
    # The steps of services.submissions.review_submission (REVIEWS), as the office names them.
    ACTIONS = [("approve", _("审核通过")), ("return", _("退回")), ("reopen", _("重新开放"))]
    action = forms.ChoiceField(choices=ACTIONS)
    comment = forms.CharField(label=_("意见或原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


def month_param(value: str | None, default: date) -> date:
    """A YYYY-MM query value as the month's first day; anything else falls back to ``default``."""
    try:
        return Period.parse("monthly", value or "").start
    except DomainError:
        return default


def last_month() -> date:
    return Period.last_complete("monthly", timezone.localdate()).start
