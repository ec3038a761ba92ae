"""API resources of identification and exit (read-only): the steps with their households, the
objections, and the steps of an area and a year as a workbook. Steps are taken on the
village's procedures page, never through the API."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action

from households.api import AreaFilter, YearAreaQuery
from shuanglian.api import ScopedViewSet

from .access import visible_objections, visible_steps
from .exports import steps_workbook
from .models import Objection, Step, StepEntry
from .rules import Procedure, Stage


class EntrySerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = StepEntry
        fields = ["household", "passed", "votes_for", "votes_against", "votes_abstaining", "note"]


class StepSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village_id", read_only=True)
    entries = EntrySerializer(many=True, read_only=True)
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = Step
        fields = ["id", "village", "procedure", "year", "stage", "date", "end_date", "signatories", "note",
                  "has_document", "taken_at", "entries"]

    def get_has_document(self, obj) -> bool:
        return bool(obj.document)


class StepFilters(django_filters.FilterSet):
    area = AreaFilter(field="village__code")
    year = django_filters.NumberFilter(field_name="year", min_value=2000, max_value=2100)
    procedure = django_filters.ChoiceFilter(choices=Procedure.choices)
    stage = django_filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = Step
        fields = []


class StepViewSet(ScopedViewSet):
    """Steps of identification, exit and return taken for the villages the user sees, each with
    its households and their results."""

    visible = visible_steps
    serializer_class = StepSerializer
    filterset_class = StepFilters
    ordering_fields = ["date", "year"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("entries__household")

    @extend_schema(parameters=[YearAreaQuery], responses={(200, "application/vnd.openxmlformats-officedocument."
                                                                "spreadsheetml.sheet"): bytes})
    @action(detail=False, url_path="xlsx", filter_backends=[], pagination_class=None)
    def xlsx(self, request):
        """The steps of an area and a year as an Excel workbook, one row per household of each step."""
        known = {"year", "area", "format"}
        unknown = sorted(set(request.query_params) - known)
        if unknown:  # as every list: a misspelt parameter is an error, not an answer
            raise exceptions.ValidationError({name: [gettext("未知的查询参数。可用参数：%(known)s") % {
                "known": "、".join(sorted(known))}] for name in unknown})
        query = YearAreaQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        return steps_workbook(request.user, area_code=query.validated_data.get("area"),
                              year=query.validated_data["year"])


class ObjectionSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    village = serializers.CharField(source="notice.village_id", read_only=True)
    procedure = serializers.CharField(source="notice.procedure", read_only=True)
    year = serializers.IntegerField(source="notice.year", read_only=True)

    class Meta:
        model = Objection
        fields = ["id", "notice", "village", "procedure", "year", "household", "received_on", "raised_by", "content",
                  "checked_on", "checkers", "finding", "upheld"]


class ObjectionFilters(django_filters.FilterSet):
    area = AreaFilter(field="notice__village__code")
    year = django_filters.NumberFilter(field_name="notice__year", min_value=2000, max_value=2100)
    procedure = django_filters.ChoiceFilter(field_name="notice__procedure", choices=Procedure.choices)

    class Meta:
        model = Objection
        fields = []


class ObjectionViewSet(ScopedViewSet):
    """Objections to the notices of the villages the user sees, with their door-to-door check."""

    visible = visible_objections
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilters
    ordering_fields = ["received_on"]
    ordering = ["-received_on", "-id"]

    def get_queryset(self):
        return super().get_queryset().select_related("household", "notice")
