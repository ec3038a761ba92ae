"""The plan factories build valid rows."""
from households.models import PlanMeasure
from planning.models import DevelopmentPlan
from tests import factories as f


def test_the_plan_factories_build_a_measure_and_a_village_plan(db):
    f.PlanMeasureFactory()
    f.DevelopmentPlanFactory()
    assert PlanMeasure.objects.get().plan.year == 2025 and DevelopmentPlan.objects.get().kind == "village"
