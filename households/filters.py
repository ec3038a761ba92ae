"""The query strings of the registry's pages, read by django-filter FilterSets as the API reads its own."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Household


class HouseholdSearch(django_filters.FilterSet):
    """``?q=``: households whose number or head's name contains the text."""

    q = django_filters.CharFilter(label=_("户编号或户主姓名"), method="by_number_or_head")

    class Meta:
        model = Household
        fields = []

    def by_number_or_head(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(number__icontains=text) | Q(head_name__icontains=text)) if text else queryset

    @property
    def text(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip() if self.form.is_valid() else ""
