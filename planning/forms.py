"""The phone form of a household's plan: the plan's figures and its measures as a formset."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import PlanMeasure
from shuanglian.keys import new_key

from .services import MeasureRow


class PlanForm(forms.Form):
    """The hidden key makes a resent form store nothing twice."""

    target_income = forms.DecimalField(label=_("目标人均纯收入（元）"), max_digits=12, decimal_places=2,
                                       widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    exit_deadline = forms.IntegerField(label=_("计划脱贫年度"), min_value=2000, max_value=2100,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    summary = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", new_key())
        super().__init__(*args, **kwargs)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施类别"), choices=[("", "---------"), *PlanMeasure.Kind.choices])
    item = forms.ChoiceField(label=_("“32111”项目"), required=False, choices=[("", "---------"), *PlanMeasure.Item.choices])
    description = forms.CharField(label=_("措施内容"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("进展"), choices=PlanMeasure.Status.choices, initial=PlanMeasure.Status.PLANNED)
    planned = forms.DecimalField(label=_("计划投入（元）"), required=False, max_digits=12, decimal_places=2,
                                 widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    spent = forms.DecimalField(label=_("已投入（元）"), required=False, max_digits=12, decimal_places=2,
                               widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))

    def row(self) -> MeasureRow:
        d = self.cleaned_data
        return MeasureRow(kind=d["kind"], item=d.get("item") or "", description=d.get("description") or "",
                          status=d.get("status") or PlanMeasure.Status.PLANNED,
                          planned=d.get("planned") or 0, spent=d.get("spent") or 0)


MeasureFormSet = forms.formset_factory(MeasureForm, extra=1, can_delete=True, max_num=20, validate_max=True)
MEASURES_PREFIX = "measures"  # the page's and the API's name for the formset's fields (measures-0-kind…)


def measure_rows(formset) -> list[MeasureRow]:
    """The rows kept: filled in and not ticked for removal."""
    return [form.row() for form in formset.forms
            if form.cleaned_data.get("kind") and not form.cleaned_data.get("DELETE")]
