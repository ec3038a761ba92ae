"""The forms of a village's procedures page: a step for a batch of households, an objection to a
notice and its check. They parse; the rules are the services'."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuanglian.keys import new_key

from .rules import Procedure, Stage
from .services.steps import parse_signatories

MAX_VOTES = 100_000


class StepForm(forms.Form):
    procedure = forms.ChoiceField(label=_("程序"), choices=Procedure.choices)
    stage = forms.ChoiceField(label=_("步骤"), choices=Stage.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    date = forms.DateField(label=_("日期（公示首日）"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_date = forms.DateField(label=_("公示截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    signatories = forms.CharField(label=_("现场签字人员（每行“姓名 职务”）"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=_("扫描件（PDF、JPEG或PNG，10 MB以内）"), required=False)
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, households=(), **kwargs):
        initial = kwargs.setdefault("initial", {})
        today = timezone.localdate()
        initial.setdefault("year", today.year)
        initial.setdefault("date", today)
        initial.setdefault("key", new_key())
        super().__init__(*args, **kwargs)
        self.households = list(households)

    def chosen(self) -> list:
        """The households ticked on the page (of those the page lists)."""
        picked = set(self.data.getlist("households")) if self.is_bound else set()
        return [h for h in self.households if str(h.pk) in picked]

    def results(self) -> dict[int, dict]:
        """Each ticked household's result: passed (yes unless 否 is chosen), its ballots for a vote."""
        def count(name):
            raw = (self.data.get(name) or "").strip()
            if not raw:
                return None
            if not raw.isdigit() or int(raw) > MAX_VOTES:
                raise forms.ValidationError(gettext("票数须为0至%(max)s的整数。") % {"max": MAX_VOTES})
            return int(raw)

        results = {}
        for h in self.chosen():
            results[h.pk] = {
                "passed": self.data.get(f"passed_{h.pk}", "1") == "1",
                "votes_for": count(f"votes_for_{h.pk}"),
                "votes_against": count(f"votes_against_{h.pk}"),
                "votes_abstaining": count(f"votes_abstaining_{h.pk}"),
                "note": (self.data.get(f"note_{h.pk}") or "")[:200],
            }
        return results

    def clean(self):
        data = super().clean()
        listed = {str(h.pk) for h in self.households}
        if set(self.data.getlist("households")) - listed:
            self.add_error(None, gettext("一批农户须同属本村：所选农户中有不在本村（或不在您范围内）的。"))
        data["people"] = parse_signatories(data.get("signatories", ""))
        try:
            data["results"] = self.results()
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data


class ObjectionForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    household = forms.IntegerField(label=_("农户"))
    received_on = forms.DateField(label=_("受理日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    raised_by = forms.CharField(label=_("异议人（可匿名）"), required=False, max_length=50)
    content = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    checked_on = forms.DateField(label=_("核实日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    checkers = forms.CharField(label=_("核实人员（每行“姓名 职务”）"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    finding = forms.CharField(label=_("核实结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    upheld = forms.TypedChoiceField(label=_("异议是否成立"), choices=(("0", _("不成立")), ("1", _("成立"))),
                                    coerce=lambda v: v == "1")


class ExportQuery(forms.Form):
    area = forms.CharField(required=False, max_length=12)
    year = forms.IntegerField(min_value=2000, max_value=2100)
