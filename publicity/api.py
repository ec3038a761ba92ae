"""API resources of the publicity app: typical cases and lead units (scoped, read-only here:
cases are submitted and reviewed on the pages, through the same services), and the published
evaluation results (only what the public page shows)."""
import django_filters
from django.db.models import Count
from rest_framework import mixins, serializers, viewsets

from assessments.access import visible_appraisal_results
from assessments.models import AppraisalResult
from shuanglian.api import ModelSerializer, ScopedViewSet

from .access import visible_cases, visible_lead_units
from .models import CaseCategory, CaseStatus, LeadUnit, TypicalCase


class CaseSerializer(ModelSerializer):
    area = serializers.CharField(source="area_id", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True, allow_null=True)
    unit = serializers.CharField(source="unit.code", read_only=True, default=None, allow_null=True)
    cadre = serializers.IntegerField(source="cadre_id", read_only=True, allow_null=True,
                                     help_text="干部内部ID（不是身份证号）")

    class Meta:
        model = TypicalCase
        fields = ["id", "category", "title", "text", "area", "village", "unit", "cadre", "status", "return_reason",
                  "submitted_at", "published_at"]


class CaseFilters(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=CaseCategory.choices)
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)

    class Meta:
        model = TypicalCase
        fields = []


class TypicalCaseViewSet(ScopedViewSet):
    """Typical cases the user may see (an office: its area's; a unit: its own)."""

    visible = visible_cases
    serializer_class = CaseSerializer
    filterset_class = CaseFilters
    ordering_fields = ["submitted_at", "published_at"]
    ordering = ["-submitted_at", "-id"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class LeadUnitSerializer(ModelSerializer):
    county = serializers.CharField(source="county_id", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    meetings = serializers.IntegerField(source="meeting_count", read_only=True)

    class Meta:
        model = LeadUnit
        fields = ["id", "county", "year", "unit", "meetings"]


class LeadUnitFilters(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", min_value=2000, max_value=2100)

    class Meta:
        model = LeadUnit
        fields = []


class LeadUnitViewSet(ScopedViewSet):
    visible = visible_lead_units
    serializer_class = LeadUnitSerializer
    filterset_class = LeadUnitFilters
    ordering_fields = ["year"]
    ordering = ["-year", "county_id"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit").annotate(meeting_count=Count("meetings"))


class PublishedResultSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="round.year")
    area = serializers.CharField(source="round.area_id")
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True)
    cadre = serializers.CharField(source="cadre.name", default=None, allow_null=True)
    cadre_unit = serializers.CharField(source="cadre.unit.name", default=None, allow_null=True)
    satisfaction = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    grade = serializers.CharField()


class PublishedResultFilters(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="round__year", min_value=2000, max_value=2100)

    class Meta:
        model = AppraisalResult
        fields = []


class PublishedResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published results of closed rounds about the targets the user sees: names, satisfaction
    and grade only, as on the public page (no ballots, raters or ID numbers)."""

    serializer_class = PublishedResultSerializer
    filterset_class = PublishedResultFilters
    ordering_fields = ["satisfaction"]
    ordering = ["round_id", "id"]

    def get_queryset(self):
        return (visible_appraisal_results(self.request.user)
                .filter(round__publication__published=True).select_related("round", "unit", "cadre__unit"))
