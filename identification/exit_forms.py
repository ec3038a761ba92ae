"""The phone form of the "两不愁三保障" checklist: for each item 达到 yes/no, a note and an
optional photo; a hidden key makes a resent form store nothing twice (as the visit form)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shuanglian.keys import new_key

from .checklists import ITEM_KEYS, ITEM_LABELS

HOLDS_CHOICES = (("yes", _("达到")), ("no", _("未达到")))


class ChecklistForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", new_key())
        super().__init__(*args, **kwargs)
        for key in ITEM_KEYS:
            self.fields[key] = forms.ChoiceField(
                label=ITEM_LABELS[key], choices=HOLDS_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": _("请选择是否达到。")})
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("情况说明"), required=False, max_length=300,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{key}_photo"] = forms.FileField(
                label=_("照片（可选）"), required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def items(self) -> dict:
        """The answers as the service takes them: item → (holds, note, photo or None)."""
        data = self.cleaned_data
        return {key: (data[key] == "yes", data.get(f"{key}_note", ""), data.get(f"{key}_photo") or None)
                for key in ITEM_KEYS}

    def groups(self):
        """The three fields of each item, for the template."""
        return [(key, ITEM_LABELS[key], self[key], self[f"{key}_note"], self[f"{key}_photo"]) for key in ITEM_KEYS]
