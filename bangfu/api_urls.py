"""``/api/v1/``: one router for every app's viewsets."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bangfu.accounts.api import MeView, TokenView
from bangfu.labor.api import EmploymentViewSet, HouseholdViewSet, LaborerViewSet, WageViewSet
from bangfu.ledgers.api import ExportJobViewSet, ImportJobViewSet
from bangfu.regions.api import RegionViewSet
from bangfu.stats.api import ByRegionView, SummaryView
from bangfu.workshops.api import EnterpriseViewSet, PositionViewSet, WorkshopViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("workshops", WorkshopViewSet, basename="workshop")
router.register("positions", PositionViewSet, basename="position")
router.register("households", HouseholdViewSet, basename="household")
router.register("laborers", LaborerViewSet, basename="laborer")
router.register("employments", EmploymentViewSet, basename="employment")
router.register("wages", WageViewSet, basename="wage")
router.register("imports", ImportJobViewSet, basename="import")
router.register("exports", ExportJobViewSet, basename="export")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("stats/summary/", SummaryView.as_view(), name="stats-summary"),
    path("stats/by-region/", ByRegionView.as_view(), name="stats-by-region"),
    path("", include(router.urls)),
]
