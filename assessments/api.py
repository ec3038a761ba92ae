"""API resource of the evaluation: ballots per direction and target, as `evaluation_results` prints."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from households.api import YearAreaQuery
from shuanglian.api import ComputedListViewSet, KnownParameters, one_page

from .models import Direction, Tally
from .selectors import ballot_counts, target_key


class ResultSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices)
    target = serializers.CharField(help_text="单位代码或干部ID")
    name = serializers.CharField()
    ballots = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    basic = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    satisfaction = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class EvaluationResultViewSet(ComputedListViewSet):
    """Paper and web ballots of a year per direction and target, for the targets the user may see.
    Cadres are named by their internal id, never their ID number."""

    serializer_class = ResultSerializer
    filter_backends = [KnownParameters]
    extra_parameters = ("year", "area")

    def get_queryset(self):
        return Tally.objects.none()

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True),
                               OpenApiParameter("area", str, description="区划代码（12位）")])
    def list(self, request, *args, **kwargs):
        self.filter_queryset(self.get_queryset())
        query = YearAreaQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        rows = [{"direction": c.direction, "target": target_key(c.target) if c.unit_id else str(c.cadre_id),
                 "name": c.target.name, "ballots": c.ballots, "satisfied": c.satisfied, "basic": c.basic,
                 "unsatisfied": c.unsatisfied, "satisfaction": c.satisfaction}
                for c in ballot_counts(year=query.validated_data["year"], area=query.validated_data.get("area"),
                                       scope=self.scope)]
        return one_page(self, rows, ResultSerializer)
