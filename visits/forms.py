import uuid

from django import forms
from django.utils import timezone

from .models import Task


class VisitForm(forms.Form):
    """A cadre's visit in a few taps. The hidden key makes a resent form store nothing twice."""

    households = forms.ModelMultipleChoiceField(label="走访农户", queryset=None, widget=forms.CheckboxSelectMultiple,
                                                error_messages={"required": "请至少选择一户联系户。"})
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": "请输入有效的日期。"})
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": "请输入有效的日期。"})
    stayed = forms.BooleanField(label="吃住在村", required=False)
    tasks = forms.MultipleChoiceField(label="落实任务", choices=Task.choices, required=False, widget=forms.CheckboxSelectMultiple)
    help_given = forms.CharField(label="帮办实事", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label="民情日记", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, households, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {}).update({"start": today, "end": today, "key": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households
        self.fields["households"].label_from_instance = lambda h: f"{h.head_name}（{h.number}）"
