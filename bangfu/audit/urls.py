from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("logins/", views.LoginLogListView.as_view(), name="logins"),
    path("changes/", views.ChangeLogListView.as_view(), name="changes"),
    path("access/", views.AccessLogListView.as_view(), name="access"),
]
