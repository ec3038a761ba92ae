"""API resources of the campaign's people and pairings: units, cadres, 联村 and 联户."""
import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from households.access import visible_households
from households.api import AreaFilter
from shuanglian.api import (
    CodeFilter,
    IdFilter,
    MaskedIdNumber,
    MaskedPhone,
    ModelSerializer,
    ScopedViewSet,
    YesNoFilter,
)

from .access import (
    leave_in_area,
    visible_cadres,
    visible_household_pairings,
    visible_leaves,
    visible_postings,
    visible_team_members,
    visible_units,
    visible_village_pairings,
)
from .models import Cadre, Category, HouseholdPairing, Leave, Posting, Rank, Unit, VillagePairing, WorkTeamMember


class UnitSerializer(ModelSerializer):
    area = serializers.CharField(source="area_id")

    class Meta:
        model = Unit
        fields = ["code", "name", "level", "kind", "area", "leadership_size"]
        read_only_fields = ["leadership_size"]


class UnitFilters(django_filters.FilterSet):
    area = AreaFilter(field="area__code")
    level = django_filters.ChoiceFilter(choices=Unit.Level.choices)
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices)
    name = django_filters.CharFilter(lookup_expr="contains")

    class Meta:
        model = Unit
        fields = []


class UnitViewSet(ScopedViewSet):
    visible = visible_units
    serializer_class = UnitSerializer
    filterset_class = UnitFilters
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    ordering = ["code"]


class CadreSerializer(ModelSerializer):
    id_number = MaskedIdNumber()
    phone = MaskedPhone()
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = Cadre
        fields = ["id", "id_number", "name", "unit", "rank", "category", "phone"]


class CadreFilters(django_filters.FilterSet):
    unit = CodeFilter(visible=visible_units, key="code", path="unit__code")
    rank = django_filters.ChoiceFilter(choices=Rank.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    name = django_filters.CharFilter(lookup_expr="contains")
    # The whole number only, and only for readers allowed full ID numbers (KnownParameters).
    id_number = django_filters.CharFilter(label=_("身份证号（完整，仅限可查看完整身份证号的角色）"))

    class Meta:
        model = Cadre
        fields = []


class CadreViewSet(ScopedViewSet):
    """Cadres by their internal id (an ID number is personal data, never part of a URL)."""

    visible = visible_cadres
    serializer_class = CadreSerializer
    filterset_class = CadreFilters
    ordering_fields = ["name", "unit__code"]
    ordering = ["unit__code", "id"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class HouseholdPairingSerializer(ModelSerializer):
    cadre = serializers.IntegerField(source="cadre_id")
    cadre_name = serializers.CharField(source="cadre.name")
    household = serializers.CharField(source="household.number")

    class Meta:
        model = HouseholdPairing
        fields = ["id", "cadre", "cadre_name", "household", "start", "end", "end_reason", "successor"]


class HouseholdPairingFilters(django_filters.FilterSet):
    area = AreaFilter(field="household__village__code")
    household = CodeFilter(visible=visible_households, key="number", path="household__number")
    cadre = IdFilter(field_name="cadre_id")
    unit = CodeFilter(visible=visible_units, key="code", path="cadre__unit__code")
    open = YesNoFilter(field_name="end", lookup_expr="isnull", label="仍在结对")

    class Meta:
        model = HouseholdPairing
        fields = []


class HouseholdPairingViewSet(ScopedViewSet):
    visible = visible_household_pairings
    serializer_class = HouseholdPairingSerializer
    filterset_class = HouseholdPairingFilters
    ordering_fields = ["start", "end"]
    ordering = ["household__number", "start"]

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "household")


class VillagePairingSerializer(ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    village = serializers.CharField(source="village_id")

    class Meta:
        model = VillagePairing
        fields = ["id", "unit", "village", "start", "end", "end_reason"]


class VillagePairingFilters(django_filters.FilterSet):
    area = AreaFilter(field="village__code")
    unit = CodeFilter(visible=visible_units, key="code", path="unit__code")
    open = YesNoFilter(field_name="end", lookup_expr="isnull", label="仍在结对")

    class Meta:
        model = VillagePairing
        fields = []


class VillagePairingViewSet(ScopedViewSet):
    visible = visible_village_pairings
    serializer_class = VillagePairingSerializer
    filterset_class = VillagePairingFilters
    ordering_fields = ["start", "end"]
    ordering = ["unit__code", "village_id", "start"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class WorkTeamMemberSerializer(ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    village = serializers.CharField(source="village_id")
    cadre = serializers.IntegerField(source="cadre_id")
    cadre_name = serializers.CharField(source="cadre.name")

    class Meta:
        model = WorkTeamMember
        fields = ["id", "unit", "village", "cadre", "cadre_name", "role", "start", "end"]


class WorkTeamMemberFilters(django_filters.FilterSet):
    area = AreaFilter(field="village__code")
    unit = CodeFilter(visible=visible_units, key="code", path="unit__code")
    cadre = IdFilter(field_name="cadre_id")
    role = django_filters.ChoiceFilter(choices=WorkTeamMember.Role.choices)
    open = YesNoFilter(field_name="end", lookup_expr="isnull", label="仍在任")

    class Meta:
        model = WorkTeamMember
        fields = []


class WorkTeamMemberViewSet(ScopedViewSet):
    """Units' village work teams (工作小组, docs/domain.md §11), a membership a row."""

    visible = visible_team_members
    serializer_class = WorkTeamMemberSerializer
    filterset_class = WorkTeamMemberFilters
    ordering_fields = ["start", "end"]
    ordering = ["unit__code", "village_id", "start", "id"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "cadre")


# --- 驻村 and 请假 (docs/domain.md §11) ------------------------------------------------------------





class InForceYearFilter(django_filters.NumberFilter):
    """``?year=YYYY``: the records in force on some day of that year."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1980)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("label", _("年度：当年有效的记录"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        year = int(value)
        return qs.filter(Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1)), start__lte=dt.date(year, 12, 31))


class PostingSerializer(ModelSerializer):
    cadre = serializers.IntegerField(source="cadre_id")
    cadre_name = serializers.CharField(source="cadre.name")
    id_number = MaskedIdNumber(source="cadre.id_number")
    unit = serializers.CharField(source="cadre.unit.code")
    village = serializers.CharField(source="village_id")

    class Meta:
        model = Posting
        fields = ["id", "cadre", "cadre_name", "id_number", "unit", "village", "role", "start", "end"]


class PostingFilters(django_filters.FilterSet):
    area = AreaFilter(field="village__code")
    cadre = IdFilter(field_name="cadre_id")
    unit = CodeFilter(visible=visible_units, key="code", path="cadre__unit__code")
    role = django_filters.ChoiceFilter(choices=Posting.Role.choices)
    year = InForceYearFilter()

    class Meta:
        model = Posting
        fields = []


class PostingViewSet(ScopedViewSet):
    """Resident postings (驻村): an office's by area, a unit's of its cadres, a cadre's own."""

    visible = visible_postings
    serializer_class = PostingSerializer
    filterset_class = PostingFilters
    ordering_fields = ["start", "end"]
    ordering = ["village_id", "start", "id"]

    def get_queryset(self):
        return super().get_queryset().select_related("cadre__unit")


class LeaveSerializer(ModelSerializer):
    cadre = serializers.IntegerField(source="cadre_id")
    cadre_name = serializers.CharField(source="cadre.name")
    id_number = MaskedIdNumber(source="cadre.id_number")
    unit = serializers.CharField(source="cadre.unit.code")

    class Meta:
        model = Leave
        fields = ["id", "cadre", "cadre_name", "id_number", "unit", "start", "end", "reason"]


class LeaveFilters(django_filters.FilterSet):
    area = AreaFilter(rule=leave_in_area)
    cadre = IdFilter(field_name="cadre_id")
    unit = CodeFilter(visible=visible_units, key="code", path="cadre__unit__code")
    year = InForceYearFilter()

    class Meta:
        model = Leave
        fields = []


class LeaveViewSet(ScopedViewSet):
    """Approved leave (请假) of the cadres the reader may see."""

    visible = visible_leaves
    serializer_class = LeaveSerializer
    filterset_class = LeaveFilters
    ordering_fields = ["start", "end"]
    ordering = ["cadre_id", "start", "id"]

    def get_queryset(self):
        return super().get_queryset().select_related("cadre__unit")
