"""API resources of identification and exit (read-only): the steps with their households, the
objections, and the steps of an area and a year as a workbook. Steps are taken on the
village's procedures page, never through the API."""
from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from households.access import visible_households
from households.api import AreaFilter, YearAreaQuery
from shuanglian.api import ModelSerializer, ScopedViewSet

from .access import visible_checklists, visible_objections, visible_steps
from .checklists import exit_proposal_errors
from .exit_forms import ChecklistForm
from .exports import steps_workbook
from .models import ExitCheckItem, ExitChecklist, Objection, Step, StepEntry
from .rules import Procedure, Stage
from .services.checklists import record_checklist


class EntrySerializer(ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = StepEntry
        fields = ["household", "passed", "votes_for", "votes_against", "votes_abstaining", "note"]


class StepSerializer(ModelSerializer):
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


class ObjectionSerializer(ModelSerializer):
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


# --- the exit checklist (两不愁三保障): the phone's outbox sends it here -----------------------------


class CheckItemSerializer(ModelSerializer):
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = ExitCheckItem
        fields = ["item", "holds", "note", "has_photo"]

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class ChecklistSerializer(ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    items = CheckItemSerializer(many=True, read_only=True)

    class Meta:
        model = ExitChecklist
        fields = ["id", "household", "year", "recorded_on", "items"]


class ChecklistResultSerializer(ChecklistSerializer):
    """One checklist with the exit test it feeds (a list leaves the test out: it reads the year's
    income and thresholds per household)."""

    exit_errors = serializers.SerializerMethodField(
        help_text=_("不能提出脱贫申请的原因（两不愁三保障、收入标准、状态）；为空表示可以提出"))

    class Meta(ChecklistSerializer.Meta):
        fields = [*ChecklistSerializer.Meta.fields, "exit_errors"]

    def get_exit_errors(self, obj) -> list[str]:
        return exit_proposal_errors(obj.household, obj.year)


class ChecklistCreateSerializer(serializers.Serializer):
    """The phone form's fields (identification/exit_forms.py), named as the form names them:
    for each item of CHECKLIST_ITEMS ``<item>`` (yes/no), ``<item>_note`` and ``<item>_photo``."""

    household = serializers.CharField(help_text=_("户编号"))
    year = serializers.IntegerField(required=False, help_text=_("年度（默认今年）"))
    idempotency_key = serializers.UUIDField(help_text=_("提交标识：重复提交只保存一次"))


class ChecklistFilters(django_filters.FilterSet):
    area = AreaFilter(field="household__village__code")
    year = django_filters.NumberFilter(field_name="year")

    class Meta:
        model = ExitChecklist
        fields = []


class ExitChecklistViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """The "两不愁三保障" checklists the reader sees; the paired cadre (or an office governing the
    village) records one by POST (multipart, photos included) through the same service and form
    as the phone page, with an idempotency key."""

    visible = visible_checklists
    filterset_class = ChecklistFilters
    ordering_fields = ["year", "recorded_on"]
    ordering = ["-year", "household_id"]

    def get_queryset(self):
        return super().get_queryset().select_related("household").prefetch_related("items")

    def get_serializer_class(self):
        return {"create": ChecklistCreateSerializer, "retrieve": ChecklistResultSerializer}.get(self.action, ChecklistSerializer)

    @extend_schema(request=ChecklistCreateSerializer,
                   responses={201: ChecklistResultSerializer, 200: ChecklistResultSerializer})
    def create(self, request, *args, **kwargs):
        head = ChecklistCreateSerializer(data=request.data)
        head.is_valid(raise_exception=True)
        household = visible_households(request.user).filter(number=head.validated_data["household"]).first()
        if household is None:
            raise exceptions.ValidationError({"household": [gettext("农户不存在或不在您的范围内。")]})
        key = head.validated_data["idempotency_key"]
        # request.data is a QueryDict for a form post and a dict for JSON: read both the same way.
        form = ChecklistForm({**{name: request.data.get(name) for name in request.data}, "key": str(key)}, request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        replay = ExitChecklist.objects.filter(idempotency_key=key).exists()
        year = head.validated_data.get("year") or timezone.localdate().year
        checklist = record_checklist(request.user, household, year, form.items(), idempotency_key=key)
        return Response(ChecklistResultSerializer(checklist, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED)
