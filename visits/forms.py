import datetime as dt
from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pairing.models import Cadre
from shuanglian.keys import new_key
from shuanglian.params import column_bounds

from .models import Deed, Demand, Task
from .services.trips import Location


def household_label(household) -> str:
    # Translators: a household in a list of choices: its head's name and its number.
    return gettext("%(name)s（%(number)s）") % {"name": household.head_name, "number": household.number}


class NumberedOptions:
    """Choices of households that also carry the household's number (``data-api-value``): the
    phone's outbox sends a form through the API, which names households by number."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-api-value"] = instance.number
        return option


class NumberedCheckboxes(NumberedOptions, forms.CheckboxSelectMultiple):
    pass


class NumberedSelect(NumberedOptions, forms.Select):
    pass


def optional_key():
    """The idempotency key of a phone's entry: a resent form stores nothing twice."""
    return forms.UUIDField(required=False, widget=forms.HiddenInput)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one input; their content is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class FixedChoicesField(forms.MultipleChoiceField):
    """Several choices among fixed ones (a model's ``TextChoices``) that no form changes.

    Every form deep-copies its fields, and a choice field copies its choices with them, the
    field and its widget each checking every choice again: a visit's tasks cost five times
    any other field to copy, on each trip logged (BENCHMARKS.md). Fixed choices need
    no copy of their own, so each form shares them; the rest of the field and of its widget is
    copied as for any field (``Field`` and ``Widget``'s own copies, the widget's found in
    ``memo`` by the field's)."""

    def __deepcopy__(self, memo):
        memo[id(self.widget)] = forms.Widget.__deepcopy__(self.widget, memo)
        return forms.Field.__deepcopy__(self, memo)


class HouseholdsField(forms.ModelMultipleChoiceField):
    """The households of a visit, checked against the field's households in one query (the
    stock field builds a query per chosen value before it), cleaned to a list. ``by_id``: cleaned
    to their ids only, for a service that looks them up itself (``log_visit``'s
    ``household_ids``: with the trip's other facts, in the same statement)."""

    by_id = False

    def clean(self, value):
        value = self.prepare_value(value)
        if not value or not isinstance(value, (list, tuple)):
            if self.by_id and not value and not self.required:
                return []
            return super().clean(value)  # required, or not a list: the stock answers
        ids = []
        for pk in dict.fromkeys(value):
            try:
                ids.append(int(pk))
            except (TypeError, ValueError):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk}) from None
        if self.by_id:
            self.run_validators(value)
            return ids
        found = list(self.queryset.filter(pk__in=ids))
        known = {h.pk for h in found}
        for pk in ids:
            if pk not in known:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": pk})
        self.run_validators(value)
        return found


class DayField(forms.DateField):
    """A date: as the page's date input sends it (ISO 8601, read at once), or in any format the
    language accepts."""

    def to_python(self, value):
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass  # the formats of the language decide, and name the error
        return super().to_python(value)


class VisitForm(forms.Form):
    """A cadre's visit in a few taps. The hidden key makes a resent form store nothing twice."""

    households = HouseholdsField(label=_("走访农户"), queryset=None, widget=NumberedCheckboxes,
                                                error_messages={"required": _("请至少选择一户联系户。")})
    start = DayField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                     error_messages={"invalid": _("请输入有效的日期。")})
    end = DayField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   error_messages={"invalid": _("请输入有效的日期。")})
    stayed = forms.BooleanField(label=_("吃住在村"), required=False)
    tasks = FixedChoicesField(label=_("落实任务"), choices=Task.choices, required=False, widget=forms.CheckboxSelectMultiple)
    help_given = forms.CharField(label=_("帮办实事"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("民情日记"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("照片（可选）"), required=False)
    key = forms.UUIDField(widget=forms.HiddenInput)
    # Filled by the phone only when the cadre taps 附上当前位置; never required.
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if self.errors.keys() & {"latitude", "longitude", "accuracy"} or (lat is None) != (lon is None):
            for name in ("latitude", "longitude", "accuracy"):
                self.errors.pop(name, None)
            raise forms.ValidationError(gettext("定位数据无效，请重新获取位置或不附位置提交。"))
        data["location"] = None if lat is None else Location(
            latitude=Decimal(str(lat)).quantize(Decimal("0.000001")), longitude=Decimal(str(lon)).quantize(Decimal("0.000001")),
            accuracy=None if data.get("accuracy") is None else round(data["accuracy"]))
        return data

    def __init__(self, *args, households, editing: bool = False, by_id: bool = False, **kwargs):
        """``households``: the choices (None until the page shows them); ``by_id``: the
        households are cleaned to their ids, for ``log_visit`` to look up and check."""
        today = timezone.localdate()
        initial = kwargs.setdefault("initial", {})
        if not editing:
            initial.update({"start": today, "end": today, "key": new_key()})
        super().__init__(*args, **kwargs)
        if editing:  # a correction is keyed by the visit itself; photos and location stay as they were
            for name in ("key", "photos", "latitude", "longitude", "accuracy"):
                del self.fields[name]
        self.fields["households"].by_id = by_id
        self.fields["households"].queryset = households
        self.fields["households"].label_from_instance = household_label


class DemandForm(forms.Form):
    household = forms.ModelChoiceField(label=_("农户"), queryset=None, empty_label=_("请选择联系户"), widget=NumberedSelect)
    category = forms.ChoiceField(label=_("类别"), choices=Demand.Category.choices)
    text = forms.CharField(label=_("诉求内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    key = optional_key()

    def __init__(self, *args, households, **kwargs):
        kwargs.setdefault("initial", {}).update({"key": new_key()})
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = household_label


class DeedForm(forms.Form):
    household = forms.ModelChoiceField(label=_("农户"), queryset=None, empty_label=_("请选择联系户"), widget=NumberedSelect)
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": _("请输入有效的日期。")})
    category = forms.ChoiceField(label=_("类别"), choices=Deed.Category.choices)
    description = forms.CharField(label=_("内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    money = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=12, decimal_places=2, required=False,
                               error_messages={"invalid": _("金额应为数字。"), "min_value": _("金额不能为负数。")})
    people_helped = forms.IntegerField(label=_("受益人数"), required=False, **column_bounds(Deed, "people_helped"),
                                       error_messages={"min_value": _("受益人数不能为负数。"),
                                                       "max_value": _("受益人数不能超过 %(limit_value)s。")})
    key = optional_key()

    def __init__(self, *args, households, **kwargs):
        kwargs.setdefault("initial", {}).update({"on": timezone.localdate(), "key": new_key()})
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = household_label


class IsoDateField(forms.Field):
    """A date as ISO 8601 writes it (what the page's date input sends), in any language; anything
    else is no date."""

    def to_python(self, value):
        try:
            return dt.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None


class IsoDateFilter(django_filters.Filter):
    field_class = IsoDateField


class DueFilters(django_filters.FilterSet):
    """The due list's query string. ``unit`` narrows the cadres; ``area`` and ``on`` are what
    the list is computed for (``selectors.office_due_list``), so they leave the cadres as they
    are. A value that does not parse (a date like 2025-13-40) is left out, as if not given."""

    unit = django_filters.CharFilter(field_name="unit__code")
    area = django_filters.CharFilter(method="computed_for")
    on = IsoDateFilter(method="computed_for")

    class Meta:
        model = Cadre
        fields = ["unit", "area", "on"]

    def computed_for(self, queryset, name, value):
        return queryset


class StayForm(forms.Form):
    """A resident's stay in the village: from, to and an optional note — no check-in, no photo.
    The hidden key makes a resent form store nothing twice."""

    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            error_messages={"invalid": _("请输入有效的日期。")})
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          error_messages={"invalid": _("请输入有效的日期。")})
    note = forms.CharField(label=_("备注（可选）"), required=False, max_length=200)
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {}).update({"start": today, "end": today, "key": new_key()})
        super().__init__(*args, **kwargs)
