from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Direction, Level


class CodeForm(forms.Form):
    code = forms.CharField(label=_("评议码"), max_length=32, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "characters", "inputmode": "text", "spellcheck": "false"}))

    def clean_code(self):
        from .services import normalise_code

        # Spaces and dashes are forgiven; a code of nothing else ("-") is no code at all.
        if not normalise_code(self.cleaned_data["code"]):
            raise forms.ValidationError(_("请输入评议票上的评议码（字母和数字）。"))
        return self.cleaned_data["code"]


class BallotForm(forms.Form):
    level = forms.ChoiceField(label=_("您的评价"), choices=Level.choices, widget=forms.RadioSelect,
                              error_messages={"required": _("请选择满意、基本满意或不满意。")})
    comment = forms.CharField(label=_("意见建议（可选）"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ResultsQuery(forms.Form):
    """The results page's query string besides the round: an area and a unit, by code. What does
    not parse is left out; the page drops what the reader cannot see."""

    area = forms.CharField(required=False, max_length=12)
    unit = forms.CharField(required=False, max_length=50)

    def value(self, name: str) -> str:
        self.is_valid()
        return self.cleaned_data.get(name) or ""


class SlipsQuery(forms.Form):
    """The slips page's query string: one kind of evaluation, or every kind."""

    direction = forms.ChoiceField(required=False, choices=Direction.choices)

    def chosen(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("direction") or ""
