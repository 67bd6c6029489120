from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("parameters/", views.ParameterListView.as_view(), name="parameter-list"),
    path("parameters/new/", views.parameter_create, name="parameter-create"),
]
