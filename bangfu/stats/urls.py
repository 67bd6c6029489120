from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("screen/", views.screen, name="screen"),
    path("stats/report/", views.report, name="report"),
    path("stats/chart/<slug:chart>.xlsx", views.chart_data, name="chart-data"),
]
