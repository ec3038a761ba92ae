"""API resources of visits: trips (created with an idempotency key), demands, deeds, compliance.

Writes go through the same services as the phone pages, so a visit entered by API obeys the
same rules; a cadre writes their own records, an office or unit administrator may enter a
trip for a cadre in scope (carrying history: no back-dating window), leaders only read.
"""
import datetime as dt
from decimal import Decimal

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.response import Response

from households.access import visible_households, visible_villages
from households.api import AreaFilter, YearAreaQuery
from households.models import Household
from pairing.access import own_cadre, visible_cadres, visible_postings, visible_units
from pairing.api import InForceYearFilter
from pairing.models import Cadre
from shuanglian import scoping
from shuanglian.api import (
    CodeFilter,
    ComputedListViewSet,
    IdFilter,
    KnownParameters,
    MaskedIdNumber,
    ModelSerializer,
    ScopedViewSet,
    one_page,
)
from shuanglian.roster.cells import EARLIEST

from .access import visible_deeds, visible_demands, visible_stays, visible_visits
from .models import Deed, Demand, Stay, Task, Visit
from .photos import PHOTOS_PER_VISIT
from .selectors import year_compliance
from .services.deeds import record_deed_once
from .services.demands import record_demand_once
from .services.stays import log_stay_once
from .services.trips import Location, log_visit_once


def _in_range(value: dt.date) -> dt.date:
    if value < EARLIEST:
        raise serializers.ValidationError(_("日期不能早于%(date)s。") % {"date": EARLIEST.isoformat()})
    return value


def _writer(view) -> tuple[Cadre | None, bool]:
    """(the cadre writing for themselves, or None for an office) — leaders and others may not write."""
    scope = view.scope
    if scoping.is_cadre(scope):
        return own_cadre(view.request.user), True
    if scoping.may_change(scope):
        return None, False
    raise exceptions.PermissionDenied(_("您的角色只能查看，不能登记。"))


def _households(view, numbers: list[str], field: str = "households") -> list[Household]:
    found = {h.number: h for h in visible_households(view.request.user).filter(number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise exceptions.ValidationError({field: [_("户编号不存在或不在您的范围内：%(numbers)s") % {
            "numbers": "、".join(missing)}]})
    return [found[n] for n in dict.fromkeys(numbers)]


class VisitSerializer(ModelSerializer):
    cadre = serializers.IntegerField(source="cadre_id", read_only=True)
    households = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "cadre", "households", "start", "end", "stayed", "tasks", "help_given", "notes", "latitude",
                  "longitude", "location_accuracy", "created_at"]


class VisitCreateSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField(help_text="由客户端生成；本人重复提交同一标识返回第一次登记的走访（200），他人用过的标识被拒绝（400）。")
    cadre = serializers.IntegerField(required=False, help_text="干部ID：双联办、单位管理员代干部登记时填写。")
    households = serializers.ListField(child=serializers.CharField(max_length=32), min_length=1, max_length=50)
    start = serializers.DateField(validators=[_in_range])
    end = serializers.DateField(validators=[_in_range])
    stayed = serializers.BooleanField(default=False)
    tasks = serializers.ListField(child=serializers.ChoiceField(choices=Task.choices), required=False, max_length=6)
    help_given = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    # Sent as multipart/form-data (the phone's outbox does): photos are checked and resized by
    # the service, as on the phone's form; the location is optional evidence, never a gate.
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=PHOTOS_PER_VISIT,
                                   help_text="照片（可选，multipart/form-data，可多张）")
    latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
    accuracy = serializers.FloatField(required=False, min_value=0, help_text="定位精度（米）")

    def validate(self, attrs):
        lat, lon = attrs.get("latitude"), attrs.get("longitude")
        if (lat is None) != (lon is None):
            raise serializers.ValidationError({"latitude": [_("定位数据无效，请重新获取位置或不附位置提交。")]})
        attrs["location"] = None if lat is None else Location(
            latitude=Decimal(str(lat)).quantize(Decimal("0.000001")),
            longitude=Decimal(str(lon)).quantize(Decimal("0.000001")),
            accuracy=None if attrs.get("accuracy") is None else round(attrs["accuracy"]))
        return attrs


class VisitFilters(django_filters.FilterSet):
    cadre = IdFilter(field_name="cadre_id")
    unit = CodeFilter(visible=visible_units, key="code", path="cadre__unit__code")
    household = CodeFilter(visible=visible_households, key="number", path="households__number")
    start_after = django_filters.DateFilter(field_name="start", lookup_expr="gte")
    start_before = django_filters.DateFilter(field_name="start", lookup_expr="lte")

    class Meta:
        model = Visit
        fields = []


class VisitViewSet(mixins.CreateModelMixin, ScopedViewSet):
    visible = visible_visits
    filterset_class = VisitFilters
    ordering_fields = ["start", "end", "created_at"]
    ordering = ["-start", "-id"]

    def get_queryset(self):
        # The households' numbers are all a visit shows of them.
        return super().get_queryset().prefetch_related(Prefetch("households", Household.objects.only("number")))

    def get_serializer_class(self):
        return VisitCreateSerializer if self.action == "create" else VisitSerializer

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitSerializer, 200: VisitSerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        cadre, own_entry = _writer(self)
        if cadre is None:
            if "cadre" not in values:
                raise exceptions.ValidationError({"cadre": [_("代干部登记时请填写干部ID。")]})
            cadre = visible_cadres(self.scope).select_related("unit").filter(pk=values["cadre"]).first()
            if cadre is None:
                raise exceptions.ValidationError({"cadre": [_("干部不存在或不在您的范围内。")]})
        # The service tells a replay of the key by its author (the first record, 200) from the
        # request that stored it (201), and refuses the key to anyone else.
        visit, created = log_visit_once(
            cadre=cadre, households=_households(self, values["households"]), start=values["start"], end=values["end"],
            key=values["idempotency_key"], by=request.user, own_entry=own_entry, stayed=values["stayed"],
            tasks=values.get("tasks", []), help_given=values.get("help_given", ""), notes=values.get("notes", ""),
            photos=values.get("photos", []), location=values["location"])
        return Response(VisitSerializer(visit, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DemandSerializer(ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True)
    cadre = serializers.IntegerField(source="cadre_id", read_only=True)

    class Meta:
        model = Demand
        fields = ["id", "cadre", "household", "village", "category", "text", "status", "created_at", "resolved_at"]
        read_only_fields = ["status", "created_at", "resolved_at"]


class CollectedCreateSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField(required=False, help_text=(
        "由客户端生成（建议填写）；本人重复提交同一标识返回第一次登记的记录（200），他人用过的标识被拒绝（400）。"))
    household = serializers.CharField(required=False, max_length=32, help_text="户编号")
    village = serializers.CharField(required=False, max_length=12, help_text="村代码：不针对某一户时填写")


class DemandCreateSerializer(CollectedCreateSerializer):
    category = serializers.ChoiceField(choices=Demand.Category.choices)
    text = serializers.CharField(max_length=2000)


class DeedSerializer(ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True)
    cadre = serializers.IntegerField(source="cadre_id", read_only=True)

    class Meta:
        model = Deed
        fields = ["id", "cadre", "household", "village", "on", "category", "description", "money", "people_helped"]


class DeedCreateSerializer(CollectedCreateSerializer):
    on = serializers.DateField(validators=[_in_range])
    category = serializers.ChoiceField(choices=Deed.Category.choices)
    description = serializers.CharField(max_length=2000)
    money = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    people_helped = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class CollectedFilters(django_filters.FilterSet):
    area = AreaFilter(field="village__code")
    cadre = IdFilter(field_name="cadre_id")
    category = django_filters.CharFilter()


class DemandFilters(CollectedFilters):
    status = django_filters.ChoiceFilter(choices=Demand.Status.choices)
    category = django_filters.ChoiceFilter(choices=Demand.Category.choices)

    class Meta:
        model = Demand
        fields = []


class DeedFilters(CollectedFilters):
    category = django_filters.ChoiceFilter(choices=Deed.Category.choices)
    on_after = django_filters.DateFilter(field_name="on", lookup_expr="gte")
    on_before = django_filters.DateFilter(field_name="on", lookup_expr="lte")

    class Meta:
        model = Deed
        fields = []


class CollectedViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Demands and deeds: a cadre records their own, on a household of theirs or a village."""

    create_serializer = None

    def get_queryset(self):
        return super().get_queryset().select_related("household")  # shown by its number

    def get_serializer_class(self):
        return self.create_serializer if self.action == "create" else self.serializer_class

    def _where(self, values) -> dict:
        cadre, _own = _writer(self)
        if cadre is None:
            raise exceptions.PermissionDenied(_("诉求和实事由联户干部本人登记。"))
        where = {"cadre": cadre}
        if values.get("household"):
            where["household"] = _households(self, [values["household"]], "household")[0]
        elif values.get("village"):
            village = visible_villages(self.scope).filter(code=values["village"]).first()
            if village is None:
                raise exceptions.ValidationError({"village": [_("村代码不存在或不在您的范围内。")]})
            where["village"] = village
        else:
            raise exceptions.ValidationError({"household": [_("请填写户编号或村代码。")]})
        return where

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        where = self._where(values)
        values.pop("household", None)
        values.pop("village", None)
        key = values.pop("idempotency_key", None)
        # As for visits: a replay of the key by its author returns the first record (200).
        made, created = self.record(**where, **values, key=key, by=request.user)
        return Response(self.serializer_class(made, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DemandViewSet(CollectedViewSet):
    visible = visible_demands
    serializer_class = DemandSerializer
    create_serializer = DemandCreateSerializer
    filterset_class = DemandFilters
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at", "-id"]

    def record(self, **values):
        return record_demand_once(**values)

    @extend_schema(request=DemandCreateSerializer, responses={201: DemandSerializer, 200: DemandSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class DeedViewSet(CollectedViewSet):
    visible = visible_deeds
    serializer_class = DeedSerializer
    create_serializer = DeedCreateSerializer
    filterset_class = DeedFilters
    ordering_fields = ["on", "money"]
    ordering = ["-on", "-id"]

    def record(self, **values):
        return record_deed_once(**values)

    @extend_schema(request=DeedCreateSerializer, responses={201: DeedSerializer, 200: DeedSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


# --- compliance ------------------------------------------------------------------------------------

SUBJECTS = ["cadre", "unit", "resident"]


class ComplianceQuery(YearAreaQuery):
    subject = serializers.ChoiceField(choices=SUBJECTS, default="cadre")


class ComplianceSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(required=False)
    id_number = MaskedIdNumber(required=False)
    name = serializers.CharField(required=False)
    unit = serializers.CharField()
    village = serializers.CharField(required=False)
    posting = serializers.IntegerField(required=False)
    visits = serializers.IntegerField()
    days = serializers.IntegerField()
    required_visits = serializers.IntegerField()
    required_days = serializers.IntegerField()
    leave_days = serializers.IntegerField()
    met = serializers.BooleanField()


class ComplianceViewSet(ComputedListViewSet):
    """Compliance of a year by docs/domain.md §6 and §11, per cadre, per unit–village pairing or per
    resident posting, for the cadres, units and postings the user may see."""

    serializer_class = ComplianceSerializer
    extra_parameters = ("year", "subject", "area")
    filter_backends = [KnownParameters]

    @extend_schema(parameters=[
        OpenApiParameter("year", int, required=True), OpenApiParameter("subject", str, enum=SUBJECTS),
        OpenApiParameter("area", str, description="区划代码（12位）"),
    ])
    def list(self, request, *args, **kwargs):
        self.filter_queryset(Visit.objects.none())  # refuses unknown parameters
        query = ComplianceQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        q = query.validated_data
        rows = year_compliance(year=q["year"], subject=q["subject"], area=q.get("area"))
        if q["subject"] == "cadre":
            cadres = {c.pk: c for c in visible_cadres(self.scope).filter(pk__in=[k[0] for k in rows])
                      .select_related("unit")}
            out = [{"cadre": pk, "id_number": cadres[pk].id_number, "name": cadres[pk].name, "unit": cadres[pk].unit.code,
                    **_figures(r)} for (pk,), r in sorted(rows.items()) if pk in cadres]
        elif q["subject"] == "resident":
            postings = {p.pk: p for p in visible_postings(self.scope).filter(pk__in=[k[0] for k in rows])
                        .select_related("cadre__unit")}
            out = [{"posting": pk, "cadre": postings[pk].cadre_id, "id_number": postings[pk].cadre.id_number,
                    "name": postings[pk].cadre.name, "unit": postings[pk].cadre.unit.code, "village": postings[pk].village_id,
                    **_figures(r)} for (pk,), r in sorted(rows.items()) if pk in postings]
        else:
            units = dict(visible_units(self.scope).filter(pk__in={k[0] for k in rows}).values_list("pk", "code"))
            out = [{"unit": units[unit], "village": village, **_figures(r)}
                   for (unit, village), r in sorted(rows.items()) if unit in units]
        return one_page(self, out, ComplianceSerializer)

    def get_queryset(self):
        return Visit.objects.none()


def _figures(row) -> dict:
    return {"visits": row.visits, "days": row.days, "required_visits": row.required_visits,
            "required_days": row.required_days, "leave_days": row.leave_days, "met": row.met}


# --- 驻村考勤 (docs/domain.md §11) -------------------------------------------------------------------




class StaySerializer(ModelSerializer):
    cadre = serializers.IntegerField(source="cadre_id", read_only=True)
    id_number = MaskedIdNumber(source="cadre.id_number", read_only=True)
    posting = serializers.IntegerField(source="posting_id", read_only=True)
    village = serializers.CharField(source="posting.village_id", read_only=True)

    class Meta:
        model = Stay
        fields = ["id", "cadre", "id_number", "posting", "village", "start", "end", "note", "created_at"]


class StayCreateSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField(help_text="由客户端生成；本人重复提交同一标识返回第一次登记的考勤（200），他人用过的标识被拒绝（400）。")
    start = serializers.DateField(validators=[_in_range])
    end = serializers.DateField(validators=[_in_range])
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class StayFilters(django_filters.FilterSet):
    area = AreaFilter(field="posting__village__code")
    cadre = IdFilter(field_name="cadre_id")
    posting = IdFilter(field_name="posting_id")
    year = InForceYearFilter()

    class Meta:
        model = Stay
        fields = []


class StayViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Residents' stays in their villages; a resident logs their own (the phone's rules: within a
    posting, not in the future, the back-dating window, the month lock) with an idempotency key.
    Offices enter history through the roster or the admin."""

    visible = visible_stays
    filterset_class = StayFilters
    ordering_fields = ["start", "end", "created_at"]
    ordering = ["-start", "-id"]

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "posting")

    def get_serializer_class(self):
        return StayCreateSerializer if self.action == "create" else StaySerializer

    @extend_schema(request=StayCreateSerializer, responses={201: StaySerializer, 200: StaySerializer})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not scoping.is_cadre(self.scope):
            raise exceptions.PermissionDenied(_("驻村考勤由驻村干部本人登记；双联办请用花名册或管理后台录入。"))
        cadre = own_cadre(request.user)
        stay, created = log_stay_once(cadre=cadre, start=values["start"], end=values["end"],
                                      key=values["idempotency_key"], by=request.user, own_entry=True,
                                      note=values.get("note", ""))
        return Response(StaySerializer(stay, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
