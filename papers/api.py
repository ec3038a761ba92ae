"""API resource of projects (项目): a scoped list, and creation through ``record_project``."""
import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.response import Response

from households.access import visible_areas, visible_villages
from households.api import AreaFilter
from pairing.access import visible_units
from shuanglian.api import ModelSerializer, ScopedViewSet

from .access import visible_projects
from .models import Project
from .services import record_project


class ProjectSerializer(ModelSerializer):
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    office_area = serializers.CharField(source="office_area_id", allow_null=True)
    village = serializers.CharField(source="village_id")

    class Meta:
        model = Project
        fields = ["id", "unit", "office_area", "village", "kind", "title", "year", "money_planned", "money_spent",
                  "spent_note", "status", "people_trained", "people_helped", "start", "end"]


class ProjectCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(required=False, allow_blank=True, max_length=32)
    office_area = serializers.CharField(required=False, allow_blank=True, max_length=12)
    village = serializers.CharField(max_length=12)
    kind = serializers.ChoiceField(choices=Project.Kind.choices)
    title = serializers.CharField(max_length=200)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    money_planned = serializers.DecimalField(max_digits=12, decimal_places=2, default=0)
    money_spent = serializers.DecimalField(max_digits=12, decimal_places=2, default=0)
    spent_note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    status = serializers.ChoiceField(choices=Project.Status.choices, default=Project.Status.PLANNED)
    people_trained = serializers.IntegerField(min_value=0, max_value=10**7, default=0)
    people_helped = serializers.IntegerField(min_value=0, max_value=10**7, default=0)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True, default=None)


class ProjectFilters(django_filters.FilterSet):
    area = AreaFilter(field="village__code")
    year = django_filters.NumberFilter(field_name="year")
    kind = django_filters.ChoiceFilter(choices=Project.Kind.choices)

    class Meta:
        model = Project
        fields = []


class ProjectViewSet(mixins.CreateModelMixin, ScopedViewSet):
    visible = visible_projects
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilters
    ordering_fields = ["start", "year"]
    ordering = ["-start", "-id"]

    def get_queryset(self):
        return super().get_queryset().select_related("unit")

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def create(self, request, *args, **kwargs):
        data = ProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit_code, office_code = values.pop("unit", ""), values.pop("office_area", "")
        values["unit"] = visible_units(self.scope).filter(code=unit_code).first() if unit_code else None
        if unit_code and values["unit"] is None:
            raise exceptions.ValidationError({"unit": [_("单位代码不存在或不在您的范围内。")]})
        values["office_area"] = visible_areas(self.scope).filter(code=office_code).first() if office_code else None
        if office_code and values["office_area"] is None:
            raise exceptions.ValidationError({"office_area": [_("区划代码不存在或不在您的范围内。")]})
        values["village"] = visible_villages(self.scope).filter(code=values["village"]).first()
        if values["village"] is None:
            raise exceptions.ValidationError({"village": [_("村代码不存在或不在您的范围内。")]})
        made = record_project(request.user, **values)
        return Response(ProjectSerializer(made, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)
