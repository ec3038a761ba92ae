"""Read-only API of discipline (docs/domain.md §13): complaints (the filer's name and contact
only to the handling office, never the receipt code), inspections with their findings, and
accountability records, each list from the reader's scope."""
from __future__ import annotations

import django_filters
from rest_framework import serializers

from households.api import AreaFilter
from shuanglian.api import ModelSerializer, ScopedViewSet

from .access import handles, visible_accountability, visible_complaints, visible_inspections
from .models import Accountability, Complaint, Finding, Inspection


class ComplainantField(serializers.CharField):
    """The filer's name or contact, masked unless the reader handles the complaint."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, complaint):
        value = getattr(complaint, self.field_name)
        if not value or handles(self.context["request"].user, complaint):
            return value
        return "***"


class ComplaintSerializer(ModelSerializer):
    area = serializers.CharField(source="area_id")
    complainant_name = ComplainantField(read_only=True)
    complainant_contact = ComplainantField(read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "channel", "rule", "target_kind", "target_name", "area", "cadre", "unit", "village", "content",
                  "complainant_name", "complainant_contact", "status", "finding", "finding_text", "created_at",
                  "closed_at"]


class ComplaintFilters(django_filters.FilterSet):
    area = AreaFilter(field="area__code")
    status = django_filters.ChoiceFilter(choices=Complaint.Status.choices)

    class Meta:
        model = Complaint
        fields = []


class ComplaintViewSet(ScopedViewSet):
    """Complaints (举报) of the reader's area."""

    visible = visible_complaints
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilters
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at", "-id"]


class FindingSerializer(ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "text", "deadline", "evidence", "closed_on"]


class InspectionSerializer(ModelSerializer):
    area = serializers.CharField(source="area_id")
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "year", "half", "on", "unit", "village", "area", "checked", "inspectors", "findings"]


class InspectionFilters(django_filters.FilterSet):
    area = AreaFilter(field="area__code")
    year = django_filters.NumberFilter(field_name="year")

    class Meta:
        model = Inspection
        fields = []


class InspectionViewSet(ScopedViewSet):
    """Half-yearly inspections (半年一督查) and their findings' rectifications."""

    visible = visible_inspections
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilters
    ordering_fields = ["on"]
    ordering = ["-on", "-id"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("findings")


class AccountabilitySerializer(ModelSerializer):
    issued_by = serializers.CharField(source="issued_by_id")

    class Meta:
        model = Accountability
        fields = ["id", "kind", "unit", "cadre", "complaint", "finding", "basis", "on", "issued_by", "text"]


class AccountabilityViewSet(ScopedViewSet):
    """Commendations, circulated criticism, talks and accountability of the units and cadres the reader sees."""

    visible = visible_accountability
    serializer_class = AccountabilitySerializer
    ordering_fields = ["on"]
    ordering = ["-on", "-id"]
