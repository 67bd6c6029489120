from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="list"),
    path("new/", views.RegionEditView.as_view(), name="create"),
    path("<str:pk>/", views.RegionDetailView.as_view(), name="detail"),
    path("<str:pk>/edit/", views.RegionEditView.as_view(), name="edit"),
    path("<str:code>/tree/", views.tree_children, name="tree-children"),
]
