"""/api/v1/ and its OpenAPI schema and docs (served from static files, no CDN)."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from assessments.api import EvaluationResultViewSet
from households.api import AreaViewSet, HouseholdViewSet, VillageViewSet
from pairing.api import (
                         CadreViewSet,
                         HouseholdPairingViewSet,
                         LeaveViewSet,
                         PostingViewSet,
                         UnitViewSet,
                         VillagePairingViewSet,
                         WorkTeamMemberViewSet,
)
from planning.api import HouseholdPlanViewSet
from reports.api import ReportViewSet
from visits.api import ComplianceViewSet, DeedViewSet, DemandViewSet, StayViewSet, VisitViewSet

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("villages", VillageViewSet, basename="village")
router.register("units", UnitViewSet, basename="unit")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("households", HouseholdViewSet, basename="household")
router.register("household-pairings", HouseholdPairingViewSet, basename="household-pairing")
router.register("village-pairings", VillagePairingViewSet, basename="village-pairing")
router.register("visits", VisitViewSet, basename="visit")
router.register("demands", DemandViewSet, basename="demand")
router.register("deeds", DeedViewSet, basename="deed")
router.register("compliance", ComplianceViewSet, basename="compliance")
router.register("evaluation-results", EvaluationResultViewSet, basename="evaluation-result")
router.register("reports", ReportViewSet, basename="report")
router.register("work-team-members", WorkTeamMemberViewSet, basename="work-team-member")
router.register("postings", PostingViewSet, basename="posting")
router.register("stays", StayViewSet, basename="stay")
router.register("leaves", LeaveViewSet, basename="leave")
router.register("household-plans", HouseholdPlanViewSet, basename="household-plan")

urlpatterns = [
    path("v1/auth/token/", obtain_auth_token, name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
