"""The query strings of the reports pages, read by django-filter FilterSets as the API reads its own."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Area
from shuanglian.params import BadParameter, whole_number

from .forms import month_param
from .models import MonthlySubmission, Report


class ReportFilter(django_filters.FilterSet):
    """The filters of the reports list: kind, status, period and an area or unit by name or code."""

    kind = django_filters.ChoiceFilter(label=_("报表类型"), choices=Report.Kind.choices, empty_label=_("全部类型"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Report.Status.choices, empty_label=_("全部状态"))
    period = django_filters.CharFilter(label=_("期间"), max_length=7, method="by_period")
    q = django_filters.CharFilter(label=_("区划或单位"), max_length=50, method="by_subject")

    class Meta:
        model = Report
        fields = []

    def by_period(self, queryset, name, value):
        return queryset.filter(period__iexact=value.strip())

    def by_subject(self, queryset, name, value):
        q = value.strip()
        return queryset.filter(Q(area__name__contains=q) | Q(unit__name__contains=q) | Q(area__code=q) | Q(unit__code=q))

    def filter_queryset(self, queryset):
        # A list with a filter it cannot read shows every report, not a partly filtered list.
        return super().filter_queryset(queryset) if self.form.is_valid() else queryset


class MonthField(forms.CharField):
    """A YYYY-MM month as its first day; anything else is no month (the page's default)."""

    def clean(self, value):
        return month_param(super().clean(value), None)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class MonthQuery(django_filters.FilterSet):
    """``?month=YYYY-MM`` of the on-time reporting page; a month it cannot read is last month."""

    month = MonthFilter(method="keep")

    class Meta:
        model = MonthlySubmission
        fields = []

    def keep(self, queryset, name, value):
        return queryset  # the month chooses the page's data, it filters no list

    def month_or(self, default):
        return (self.form.cleaned_data.get("month") if self.form.is_valid() else None) or default


class YearField(forms.CharField):
    """A year as the dashboard reads it: not a year at all (the menu never sends one) is no year;
    digits it cannot read (another script's, or thousands of them) are a 400 naming the parameter."""

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return whole_number(text, name="year", bounds=(1, 9999))
        except BadParameter:
            if text.isdigit():
                raise  # say so rather than guess
            return None


class YearFilter(django_filters.Filter):
    field_class = YearField


class DashboardQuery(django_filters.FilterSet):
    """``?area=CODE&year=YYYY`` of the dashboard; both choose the figures, neither filters a list."""

    area = django_filters.CharFilter(method="keep")
    year = YearFilter(method="keep")

    class Meta:
        model = Area
        fields = []

    def keep(self, queryset, name, value):
        return queryset

    def value(self, name: str):
        """One parameter, read when the page asks for it (an unknown area is a 404 before a bad year is a 400)."""
        return self.filters[name].field.clean(self.data.get(name))
