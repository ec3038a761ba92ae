from django import forms
from django.utils.translation import gettext_lazy as _

from households.access import visible_areas, visible_villages
from households.models import AreaLevel
from pairing.access import visible_cadres, visible_units
from visits.forms import MultiplePhotoField

from .access import visible_lead_units
from .models import CaseCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    """A typical case as a unit administrator or an office submits it; the hidden key makes a
    resent form store nothing twice."""

    category = forms.ChoiceField(label=_("类别"), choices=CaseCategory.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    text = forms.CharField(label=_("事迹材料"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))
    village = forms.ModelChoiceField(label=_("所涉村"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("所涉单位"), queryset=None, required=False)
    cadre = forms.ModelChoiceField(label=_("所涉干部"), queryset=None, required=False)
    photos = MultiplePhotoField(label=_("照片（可选，最多6张）"), required=False)
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, scope, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = visible_villages(scope).order_by("code")
        self.fields["unit"].queryset = visible_units(scope).order_by("code")
        self.fields["cadre"].queryset = visible_cadres(scope).select_related("unit").order_by("unit__code", "name")
        self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.unit.name}）"


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("publish", _("发布")), ("return", _("退回"))])
    reason = forms.CharField(label=_("退回原因"), max_length=200, required=False)


class LeadUnitForm(forms.Form):
    county = forms.ModelChoiceField(label=_("县（市、区）"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=None)

    def __init__(self, scope, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_areas(scope).filter(level=AreaLevel.COUNTY).order_by("code")
        self.fields["unit"].queryset = visible_units(scope).order_by("code")


class MeetingForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("牵头单位"), queryset=None)
    on = forms.DateField(label=_("会议日期"), widget=DATE, error_messages={"invalid": _("请输入有效的日期。")})
    topic = forms.CharField(label=_("会议议题"), max_length=200)
    attendees = forms.IntegerField(label=_("参会人数"), min_value=1, max_value=10000)

    def __init__(self, scope, year, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = visible_lead_units(scope).filter(year=year).select_related("county", "unit")
        self.fields["lead"].label_from_instance = lambda lead: f"{lead.county.name}：{lead.unit.name}"
