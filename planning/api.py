"""API resource of household plans: read in scope, and POST to create or replace a household's
plan of a year with its measures, through the same service as the phone page (``save_plan``)."""
from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.response import Response

from households.access import visible_households
from households.models import HouseholdPlan, PlanMeasure
from shuanglian.api import CodeFilter, ModelSerializer, ScopedViewSet
from shuanglian.errors import DomainError

from .access import visible_plans
from .forms import MEASURES_PREFIX, MeasureFormSet, measure_rows
from .services import MeasureRow, save_plan


class MeasureSerializer(ModelSerializer):
    class Meta:
        model = PlanMeasure
        fields = ["kind", "item", "description", "status", "planned", "spent"]
        extra_kwargs = {"planned": {"min_value": None}, "spent": {"min_value": None}}


class PlanSerializer(ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    summary = serializers.CharField(source="measures", read_only=True)
    measures = MeasureSerializer(source="measure_rows", many=True, read_only=True)

    class Meta:
        model = HouseholdPlan
        fields = ["id", "household", "year", "target_income", "exit_deadline", "summary", "measures"]


class PlanWriteSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField(help_text="由客户端生成；重复提交同一标识只保存一次。")
    household = serializers.CharField(max_length=32, help_text="户编号")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="计划年度，默认本年度")
    target_income = serializers.DecimalField(max_digits=12, decimal_places=2)
    exit_deadline = serializers.IntegerField(min_value=2000, max_value=2100)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    measures = serializers.ListField(child=serializers.DictField(), required=False, max_length=20)


class PlanFilters(django_filters.FilterSet):
    household = CodeFilter(visible=visible_households, key="number", path="household__number")
    year = django_filters.NumberFilter(field_name="year")

    class Meta:
        model = HouseholdPlan
        fields = []


def _rows(raw: list[dict]) -> list[MeasureRow]:
    rows = []
    for n, item in enumerate(raw, start=1):
        data = MeasureSerializer(data=item)
        if not data.is_valid():
            raise exceptions.ValidationError({"measures": {n: data.errors}})
        rows.append(MeasureRow(**data.validated_data))
    return rows


def _measures(data, values) -> list[MeasureRow]:
    """The measures as JSON (``measures``), or as the phone page's formset fields (``measures-0-kind``…),
    which is how the phone's outbox sends the page's form (multipart)."""
    if "measures" not in values and f"{MEASURES_PREFIX}-TOTAL_FORMS" in data:
        formset = MeasureFormSet(data, prefix=MEASURES_PREFIX)
        if not formset.is_valid():
            problems = {n: form.errors for n, form in enumerate(formset.forms, start=1) if form.errors}
            raise exceptions.ValidationError({"measures": problems or formset.non_form_errors()})
        return measure_rows(formset)
    return _rows(values.get("measures", []))


class HouseholdPlanViewSet(mixins.CreateModelMixin, ScopedViewSet):
    visible = visible_plans
    filterset_class = PlanFilters
    ordering_fields = ["year"]
    ordering = ["-year", "id"]

    def get_queryset(self):
        return super().get_queryset().select_related("household").prefetch_related("measure_rows")

    def get_serializer_class(self):
        return PlanWriteSerializer if self.action == "create" else PlanSerializer

    @extend_schema(request=PlanWriteSerializer, responses={201: PlanSerializer, 200: PlanSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        household = visible_households(self.scope).filter(number=values["household"]).first()
        if household is None:
            raise exceptions.ValidationError({"household": [_("户编号不存在或不在您的范围内：%(numbers)s") % {
                "numbers": values["household"]}]})
        try:
            plan, stored = save_plan(by=request.user, household=household,
                                     year=values.get("year") or timezone.localdate().year,
                                     target_income=values["target_income"], exit_deadline=values["exit_deadline"],
                                     summary=values.get("summary"), measures=_measures(request.data, values),
                                     key=values["idempotency_key"])
        except DomainError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if stored else status.HTTP_200_OK)
