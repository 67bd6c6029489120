from django.urls import path

from . import views

app_name = "labor"
urlpatterns = [
    path("households/", views.HouseholdListView.as_view(), name="household-list"),
    path("households/new/", views.register_household, name="household-create"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household-edit"),
    path("households/<int:pk>/income/", views.record_income, name="household-income"),
    path("laborers/", views.LaborerListView.as_view(), name="laborer-list"),
    path("laborers/new/", views.LaborerEditView.as_view(), name="laborer-create"),
    path("laborers/<int:pk>/", views.LaborerDetailView.as_view(), name="laborer-detail"),
    path("laborers/<int:pk>/edit/", views.LaborerEditView.as_view(), name="laborer-edit"),
    path("laborers/<int:pk>/full-id/", views.reveal_id, name="laborer-full-id"),
    path("employment/", views.EmploymentListView.as_view(), name="employment-list"),
    path("employment/hire/", views.hire, name="hire"),
    path("employment/<int:pk>/", views.EmploymentDetailView.as_view(), name="employment-detail"),
    path("employment/<int:pk>/leave/", views.leave, name="leave"),
    path("employment/<int:pk>/wages/", views.record_wage, name="record-wage"),
    path("wages/", views.WageListView.as_view(), name="wage-list"),
]
