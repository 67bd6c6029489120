from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bangfu.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", include("bangfu.stats.urls")),
    path("", include("bangfu.core.urls")),
    path("accounts/", include("bangfu.accounts.urls")),
    path("regions/", include("bangfu.regions.urls")),
    path("audit/", include("bangfu.audit.urls")),
    path("workshops/", include("bangfu.workshops.urls")),
    path("labor/", include("bangfu.labor.urls")),
    path("ledgers/", include("bangfu.ledgers.urls")),
    path("api/v1/", include(("bangfu.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(  # a page for people: signing in first, like every page (the schema answers 401)
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
]
