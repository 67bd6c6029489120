from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("", views.ImportJobListView.as_view(), name="import-list"),
    path("templates/<slug:ledger>.xlsx", views.template, name="template"),
    path("upload/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import-errors"),
    path("exports/", views.ExportJobListView.as_view(), name="export-list"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/download", views.export_download, name="export-download"),
]
