"""The forms of the discipline pages: they parse; the services decide."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Area, AreaLevel
from shuanglian.keys import new_key

from .models import Accountability, Complaint, Inspection, Rule, Target


class AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


class ComplaintForm(forms.Form):
    """The public complaint (and the office's phone entry). The hidden key makes a resent form
    store nothing twice."""

    area = AreaChoice(label=_("所在县（区）"), queryset=Area.objects.none(), empty_label=_("请选择"))
    rule = forms.ChoiceField(label=_("问题类别"), choices=[("", _("请选择")), *Rule.choices])
    target_kind = forms.ChoiceField(label=_("举报对象类型"), choices=Target.choices, widget=forms.RadioSelect,
                                    initial=Target.CADRE)
    target_name = forms.CharField(label=_("举报对象名称"), max_length=100,
                                  help_text=_("干部姓名、单位名称或村名，不清楚可简要描述。"))
    content = forms.CharField(label=_("举报内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    name = forms.CharField(label=_("您的姓名（可不填）"), max_length=50, required=False)
    contact = forms.CharField(label=_("联系方式（可不填）"), max_length=50, required=False)
    photo = forms.FileField(label=_("照片（可不传）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, areas=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", new_key())
        super().__init__(*args, **kwargs)
        if areas is None:
            areas = Area.objects.filter(level=AreaLevel.COUNTY)
        self.fields["area"].queryset = areas.select_related("parent").order_by("code")


class CodeForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off",
                                                                                        "autocapitalize": "characters"}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("调查情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    finding = forms.ChoiceField(label=_("查处结论"), choices=[("", _("请选择")), *Complaint.Finding.choices],
                                required=False)
    finding_text = forms.CharField(label=_("办结意见（举报人可见）"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class InspectionForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("半年"), choices=Inspection.Half.choices, coerce=int)
    on = forms.DateField(label=_("督查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ModelChoiceField(label=_("督查单位"), queryset=None, required=False)
    village = forms.ModelChoiceField(label=_("督查村"), queryset=None, required=False)
    checked = forms.CharField(label=_("督查内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    inspectors = forms.CharField(label=_("督查人员"), max_length=200)

    def __init__(self, *args, units, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("code")
        self.fields["village"].queryset = villages.order_by("code")


class FindingForm(forms.Form):
    text = forms.CharField(label=_("发现问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))


class RectifyForm(forms.Form):
    finding = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    evidence = forms.CharField(label=_("整改情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("整改材料（照片或PDF，可不传）"), required=False)


class AccountabilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Accountability.Kind.choices)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False)
    cadre = forms.ModelChoiceField(label=_("干部（不选则对单位作出）"), queryset=None, required=False,
                                   help_text=_("先选择单位并点“列出干部”，再选择该单位的干部。"))
    complaint = forms.ModelChoiceField(label=_("依据举报（已查实）"), queryset=None, required=False)
    finding = forms.ModelChoiceField(label=_("依据督查发现问题"), queryset=None, required=False)
    basis = forms.CharField(label=_("其他依据（如评议结果、文件）"), max_length=300, required=False)
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("内容"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, cadres, complaints, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("code")
        self.fields["cadre"].queryset = cadres.select_related("unit").order_by("unit__code", "name")
        self.fields["complaint"].queryset = complaints.order_by("-created_at")
        self.fields["finding"].queryset = findings.order_by("-id")
