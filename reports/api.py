"""API resource of reports: list, filter, progress, and the link to download the file."""
import django_filters
from django.urls import reverse
from rest_framework import serializers

from households.api import AreaFilter
from pairing.access import visible_units
from shuanglian.api import CodeFilter, ModelSerializer, ScopedViewSet

from .access import visible_reports
from .models import Report


class ReportSerializer(ModelSerializer):
    area = serializers.CharField(source="area_id", allow_null=True)
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "kind", "period", "start", "end", "area", "unit", "status", "progress", "as_of", "requested_at",
                  "started_at", "finished_at", "error", "download"]

    def get_download(self, report) -> str | None:
        if report.status != Report.Status.DONE or not report.file:
            return None
        return self.context["request"].build_absolute_uri(reverse("reports-download", args=[report.pk]))


class ReportFilters(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Report.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Report.Status.choices)
    period = django_filters.CharFilter(max_length=7)
    area = AreaFilter(field="area__code")
    unit = CodeFilter(visible=visible_units, key="code", path="unit__code")

    class Meta:
        model = Report
        fields = []


class ReportViewSet(ScopedViewSet):
    """Reports of the areas and units the user sees (a cadre sees none)."""

    visible = visible_reports
    serializer_class = ReportSerializer
    filterset_class = ReportFilters
    ordering_fields = ["requested_at", "period", "kind"]
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")
