from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("", views.WorkshopListView.as_view(), name="workshop-list"),
    path("new/", views.WorkshopEditView.as_view(), name="workshop-create"),
    path("<int:pk>/", views.WorkshopDetailView.as_view(), name="workshop-detail"),
    path("<int:pk>/edit/", views.WorkshopEditView.as_view(), name="workshop-edit"),
    path("<int:pk>/<slug:step>/", views.workshop_transition, name="workshop-transition"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/new/", views.EnterpriseEditView.as_view(), name="enterprise-create"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise-edit"),
    path("positions/", views.PositionListView.as_view(), name="position-list"),
    path("positions/new/", views.PositionEditView.as_view(), name="position-create"),
    path("positions/<int:pk>/", views.PositionDetailView.as_view(), name="position-detail"),
    path("positions/<int:pk>/edit/", views.PositionEditView.as_view(), name="position-edit"),
]
