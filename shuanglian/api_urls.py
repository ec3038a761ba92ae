"""/api/v1/ and its OpenAPI schema and docs (served from static files, no CDN)."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from assessments.api import EvaluationResultViewSet
from discipline.api import AccountabilityViewSet, ComplaintViewSet, InspectionViewSet
from households.api import AreaViewSet, HouseholdViewSet, PovertyLineViewSet, PovertyQuotaViewSet, VillageViewSet
from identification.api import ExitChecklistViewSet, ObjectionViewSet, StepViewSet
from pairing.api import (
                         CadreViewSet,
                         HouseholdPairingViewSet,
                         LeaveViewSet,
                         PostingViewSet,
                         UnitViewSet,
                         VillagePairingViewSet,
                         WorkTeamMemberViewSet,
)
from papers.api import ProjectViewSet
from planning.api import HouseholdPlanViewSet
from publicity.api import LeadUnitViewSet, PublishedResultViewSet, TypicalCaseViewSet
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
router.register("poverty-lines", PovertyLineViewSet, basename="poverty-line")
router.register("poverty-quotas", PovertyQuotaViewSet, basename="poverty-quota")
# Identification and exit (docs/domain.md §10): read-only.
router.register("identification-steps", StepViewSet, basename="identification-step")
router.register("identification-objections", ObjectionViewSet, basename="identification-objection")
# The exit checklist: read, and recorded by the phone (its outbox) through the page's service.
router.register("exit-checklists", ExitChecklistViewSet, basename="exit-checklist")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("accountability-records", AccountabilityViewSet, basename="accountability-record")
router.register("typical-cases", TypicalCaseViewSet, basename="typical-case")
router.register("lead-units", LeadUnitViewSet, basename="lead-unit")
router.register("published-results", PublishedResultViewSet, basename="published-result")
router.register("projects", ProjectViewSet, basename="project")
router.register("household-plans", HouseholdPlanViewSet, basename="household-plan")

urlpatterns = [
    path("v1/auth/token/", obtain_auth_token, name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]
