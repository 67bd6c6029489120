"""``/api/v1/``: one router for every app's viewsets."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bangfu.accounts.api import MeView, TokenView
from bangfu.regions.api import RegionViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
