"""API resources of the registry: areas, villages, households with their members and incomes."""
import django_filters
from django.db.models import CharField, Exists, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.filters import OrderingFilter

from shuanglian import scoping
from shuanglian.api import MaskedIdNumber, ModelSerializer, ScopedViewSet, reader_of

from .access import visible_areas, visible_households, visible_quotas, visible_villages
from .models import (
    NUMBERED_LEVELS,
    Area,
    AreaLevel,
    Household,
    IncomeRecord,
    Member,
    PovertyLine,
    PovertyQuota,
    households_under,
)

# --- the area filter and query every app's resources use ------------------------------------------

def area_in_reach(user, code: str) -> bool:
    """An area a reader may name in a query: a 12-digit code of an area within their scope or
    above it (their own county's province). Another county's area is answered exactly as a
    code that does not exist, so a query cannot tell whether it does."""
    if not (len(code) == 12 and code.isascii() and code.isdigit()):
        return False
    # One statement: the area exists, and some area the reader sees lies under it (or is it).
    return Area.objects.filter(code=code).filter(
        Exists(visible_areas(user).filter(code__startswith=Area.prefix_of(code)))).exists()


def unknown_area(code: str) -> str:
    return gettext("区划代码“%(code)s”不存在或不在您的范围内。") % {"code": code}


class AreaFilter(django_filters.CharFilter):
    """``?area=CODE``: rows under an area (by code prefix), given a 12-digit code in the reader's reach."""

    def __init__(self, *args, field: str | None = None, rule=None, **kwargs):
        """``field``: the code whose prefix places a row; or ``rule(prefix) -> Q`` where rows belong
        to an area by more than one path (the same rule the area's office sees them by)."""
        kwargs.setdefault("label", gettext("区划代码（12位），含下级"))
        super().__init__(*args, **kwargs)
        self.prefix_field, self.rule = field, rule

    def filter(self, qs, value):
        if not value:
            return qs
        if not area_in_reach(reader_of(self), value):
            raise exceptions.ValidationError({self.field_name: [unknown_area(value)]})
        if self.rule is not None:
            return qs.filter(self.rule(Area.prefix_of(value)))
        return qs.filter(**{f"{self.prefix_field}__startswith": Area.prefix_of(value)})


class YearAreaQuery(serializers.Serializer):
    """The query of a computed list: a year, and optionally an area (a 12-digit code in the reader's
    reach); made with ``context={"request": request}``."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    area = serializers.CharField(required=False, min_length=12, max_length=12)

    def validate_area(self, value):
        request = self.context.get("request")
        if not area_in_reach(getattr(request, "user", None), value):
            raise serializers.ValidationError(unknown_area(value))
        return value


class AreaSerializer(ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent"]


class AreaFilters(django_filters.FilterSet):
    area = AreaFilter(field="code")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices)
    parent = django_filters.CharFilter(field_name="parent_id")
    name = django_filters.CharFilter(field_name="name", lookup_expr="contains")

    class Meta:
        model = Area
        fields = []


class AreaViewSet(ScopedViewSet):
    """Areas the user may see, by their 12-digit code."""

    visible = visible_areas
    serializer_class = AreaSerializer
    filterset_class = AreaFilters
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    ordering = ["code"]


class VillageViewSet(AreaViewSet):
    """Villages and communities: the areas households and pairings point at."""

    visible = visible_villages


class MemberSerializer(ModelSerializer):
    """A member; the birth date is the eight digits an ID mask hides, so a reader without
    可查看完整身份证号 gets the birth year only (``birth_date`` is then left out)."""

    id_number = MaskedIdNumber()
    birth_year = serializers.IntegerField(source="birth_date.year", read_only=True, allow_null=True,
                                          help_text=_("出生年份"))
    # Not required in the schema: left out for readers who may not see it (read-only here, as
    # the whole member list is on the household).
    birth_date = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("出生日期：仅对可查看完整身份证号的角色返回，其他角色只得到出生年份（birth_year）"))

    class Meta:
        model = Member
        fields = ["id_number", "name", "relation", "sex", "birth_year", "birth_date", "health", "labour_ability"]

    def to_representation(self, member):
        data = super().to_representation(member)
        if not scoping.sees_full_numbers(self.context["request"].user):
            data.pop("birth_date", None)
        return data


class IncomeSerializer(ModelSerializer):
    class Meta:
        model = IncomeRecord
        fields = ["year", "resident_population", "total_income", "operating_costs", "taxes_and_fees", "depreciation",
                  "survey_subsidy", "gifts_outside", "net_income", "per_capita_income"]


class HouseholdSerializer(ModelSerializer):
    # Masked by the query (HouseholdViewSet.get_queryset) unless the reader may see it in full.
    head_id_number = serializers.CharField(source="shown_head_id_number", read_only=True,
                                           help_text=_("户主身份证号：无权查看完整号码的角色得到遮盖后的号码"))
    village = serializers.CharField(source="village_id")

    class Meta:
        model = Household
        fields = ["number", "village", "head_name", "head_id_number", "kind", "resident_population", "main_cause",
                  "status", "exit_year"]


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)
    incomes = IncomeSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = HouseholdSerializer.Meta.fields + ["members", "incomes"]


class HouseholdFilters(django_filters.FilterSet):
    area = AreaFilter(rule=households_under)
    status = django_filters.ChoiceFilter(choices=Household.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Household.Kind.choices)
    exit_year = django_filters.NumberFilter(min_value=1980, max_value=2100)
    # The whole number only, and only for readers allowed full ID numbers (KnownParameters).
    head_id_number = django_filters.CharFilter(label=_("户主身份证号（完整，仅限可查看完整身份证号的角色）"))

    class Meta:
        model = Household
        fields = []


class HouseholdViewSet(ScopedViewSet):
    """Households the user may see, by their number; the detail adds members and incomes."""

    visible = visible_households
    filterset_class = HouseholdFilters
    lookup_field = "number"
    ordering_fields = ["number", "village", "status"]
    ordering = ["number"]

    def get_serializer_class(self):
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    def filter_queryset(self, queryset):
        """Where numbers begin with the village's code (as the seeded province's do), an area's
        households sit together in number order, and walking the number index to find a county's
        first page passes every household numbered before it (0.5 s at full size; the planner
        expects them spread evenly). A city, a county or a township asked for with ``area`` below
        the reader's own area is read in number order from its level's index
        (``households_under``); the whole province keeps the number index; any other list (a
        village, a reader's own area, a unit's or a cadre's households) is sorted by the number
        as a value (the same order), which PostgreSQL reads from the area's index and sorts."""
        queryset = super().filter_queryset(queryset)
        ordering = OrderingFilter().get_ordering(self.request, queryset, self)
        if self.action != "list" or ordering not in (["number"], ["-number"]) or self._read_in_number_order():
            return queryset
        number = Concat("number", Value(""), output_field=CharField())
        return queryset.order_by(number.desc() if ordering == ["-number"] else number.asc())

    def _read_in_number_order(self) -> bool:
        """Whether an index gives the list's rows in number order: the number index when the list
        is the whole province, or the index of the level of the area asked for when that area
        narrows the reader's own (the filter has validated it by now)."""
        own = "" if scoping.sees_everything(self.scope) else (self.scope.area_prefix or "")
        province_wide = scoping.sees_everything(self.scope) or len(own) == scoping.PROVINCE_PREFIX_LENGTH
        area = self.request.query_params.get("area")
        if area and len(Area.prefix_of(area)) > len(own):
            level = Area.level_of(area)
            return level in NUMBERED_LEVELS or (level == AreaLevel.PROVINCE and province_wide)
        return province_wide

    def get_queryset(self):
        qs = super().get_queryset().annotate(
            shown_head_id_number=scoping.shown_id_number_expression(self.scope, "head_id_number"))
        return qs.prefetch_related("members", "incomes") if self.action == "retrieve" else qs


# --- thresholds and scale quotas (docs/domain.md §10): read-only lists -----------------------------------

class PovertyLineSerializer(ModelSerializer):
    class Meta:
        model = PovertyLine
        fields = ["year", "province_line", "national_line", "village_income_line", "incidence_rate", "notice_days"]


class PovertyLineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The thresholds of each year (标准), the same for every reader with a role; set by the province."""

    serializer_class = PovertyLineSerializer
    ordering_fields = ["year"]
    ordering = ["year"]

    def get_queryset(self):
        if scoping.scope_for(self.request.user).is_empty:
            return PovertyLine.objects.none()
        return PovertyLine.objects.all()


class PovertyQuotaSerializer(ModelSerializer):
    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")

    class Meta:
        model = PovertyQuota
        fields = ["county", "county_name", "year", "poor_villages", "poor_people"]


class PovertyQuotaFilters(django_filters.FilterSet):
    area = AreaFilter(field="county__code")
    year = django_filters.NumberFilter(min_value=1980, max_value=2100)

    class Meta:
        model = PovertyQuota
        fields = []


class PovertyQuotaViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Counties' scale quotas (县扶贫规模) in the reader's area."""

    serializer_class = PovertyQuotaSerializer
    filterset_class = PovertyQuotaFilters
    ordering_fields = ["county", "year"]
    ordering = ["county_id", "year"]

    def get_queryset(self):
        return visible_quotas(self.request.user).select_related("county")
