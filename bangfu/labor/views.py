from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.audit.models import AccessAction
from bangfu.audit.services import log_access
from bangfu.core import pii
from bangfu.core.identity import mask_phone
from bangfu.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    add_service_errors,
    back_url,
    int_or_zero,
)

from . import selectors, services
from .filters import EmploymentFilter, HouseholdFilter, LaborerFilter, WageFilter
from .forms import (
    HireForm,
    HouseholdForm,
    IncomeForm,
    LaborerForm,
    LeaveForm,
    WageForm,
    laborer_formset,
)
from .models import Employment, Household, Laborer, WageRecord
from .tables import EmploymentTable, HouseholdTable, LaborerFullTable, LaborerTable, WageTable


class HouseholdListView(ObjectListView):
    model = Household
    personal_data = True
    table_class = HouseholdTable
    filterset_class = HouseholdFilter
    create_url = "labor:household-create"

    def get_queryset(self):
        return (
            selectors.household_list(self.request.user)
            .annotate(laborer_count=Count("laborers"))
            .order_by("region_id", "head_name", "pk")
        )


class HouseholdDetailView(ObjectDetailView):
    model = Household
    fields = (
        "head_name",
        "region",
        "category",
        "monitor_type",
        "risk_status",
        "members_count",
        "address",
        "is_active",
    )
    edit_url = "labor:household-edit"
    template_name = "labor/household_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["laborers"] = selectors.laborer_list(self.request.user).filter(
            household=self.object
        )
        context["incomes"] = self.object.incomes.all()
        context["income_form"] = IncomeForm()
        return context


def register_household(request):
    """A household and its laborers on one page, saved all or nothing."""
    if not request.user.has_perm("labor.add_household"):
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, user=request.user)
    formset = laborer_formset(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [(f, f.cleaned_data) for f in formset.forms if f.has_changed() and f.cleaned_data]
        try:
            household = services.register_household(
                request.user, form.cleaned_data, [data for _f, data in rows]
            )
        except services.LaborerRowsInvalid as exc:
            for index, field_errors in exc.rows:
                add_service_errors(rows[index][0], ValidationError(field_errors))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Registered: %(obj)s") % {"obj": household})
            return redirect(household.get_absolute_url())
    return render(
        request,
        "labor/household_form.html",
        {
            "form": form,
            "formset": formset,
            "title": _("Register a household"),
            "cancel_url": "/labor/households/",
        },
    )


class HouseholdEditView(ObjectEditView):
    model = Household
    form_class = HouseholdForm

    def save(self, form):
        return services.update_household(self.request.user, self.object, **form.cleaned_data)


class LaborerListView(ObjectListView):
    model = Laborer
    personal_data = True
    table_class = LaborerTable
    filterset_class = LaborerFilter

    def get_queryset(self):
        return selectors.laborer_list(self.request.user)

    def get_export_table_class(self):
        if (
            self.request.user.has_perm("labor.view_full_id")
            and self.request.GET.get("full_id") == "1"
        ):
            return LaborerFullTable, True
        return LaborerTable, False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["full_export"] = self.request.user.has_perm("labor.view_full_id")
        return context


class LaborerDetailView(ObjectDetailView):
    model = Laborer
    fields = (
        "name",
        "id_masked",
        "gender",
        "birth_date",
        "phone",
        "household",
        "region",
        "labor_ability",
        "education",
        "skills",
        "work_status",
        "work_intention",
        "is_active",
    )
    edit_url = "labor:laborer-edit"
    template_name = "labor/laborer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Employment.objects.restrict(self.request.user)
        context["employments"] = selectors.employment_list(self.request.user).filter(
            laborer=self.object
        )
        context["summaries"] = [
            selectors.work_summary(self.object, y, visible)
            for y in selectors.years_worked(self.object)
        ]
        return context

    def display(self, obj, name):
        if name == "phone" and not self.request.user.has_perm("labor.view_full_id"):
            return mask_phone(obj.phone) or "—"
        return super().display(obj, name)


class LaborerEditView(ObjectEditView):
    """Edit a laborer (new laborers are registered with their household, or added to one)."""

    model = Laborer
    form_class = LaborerForm

    def dispatch(self, request, *args, **kwargs):
        if "pk" not in kwargs:
            self.household = get_object_or_404(
                Household.objects.restrict(request.user, "change"),
                pk=int_or_zero(request.GET.get("household")),
            )
        return super().dispatch(request, *args, **kwargs)

    def save(self, form):
        data = dict(form.cleaned_data)
        if self.object:
            return services.update_laborer(self.request.user, self.object, **data)
        return services.add_laborer(self.request.user, self.household, **data)


@require_POST
def reveal_id(request, pk):
    """Show a full ID number: permission holders only, on an explicit click, logged."""
    if not request.user.has_perm("labor.view_full_id"):
        raise PermissionDenied
    laborer = get_object_or_404(Laborer.objects.restrict(request.user), pk=pk)
    log_access(request, AccessAction.VIEW_FULL_ID, laborer)
    return render(request, "labor/_full_id.html", {"number": pii.decrypt(laborer.id_cipher)})


class EmploymentListView(ObjectListView):
    model = Employment
    personal_data = True
    table_class = EmploymentTable
    filterset_class = EmploymentFilter

    def get_queryset(self):
        return selectors.employment_list(self.request.user)


class EmploymentDetailView(ObjectDetailView):
    model = Employment
    fields = (
        "laborer",
        "workshop",
        "position",
        "start_date",
        "end_date",
        "contract_type",
        "monthly_wage",
        "leave_reason",
    )
    template_name = "labor/employment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_change = (
            Employment.objects.restrict(self.request.user, "change")
            .filter(pk=self.object.pk)
            .exists()
        )
        context.update(
            wages=self.object.wages.all(),
            can_change=can_change,
            wage_form=WageForm(),
            leave_form=LeaveForm() if self.object.end_date is None else None,
        )
        return context


def hire(request):
    """Hire a registered laborer (found by exact ID number) into an open position."""
    if not request.user.has_perm("labor.add_employment"):
        raise PermissionDenied
    workshop = int_or_zero(request.GET.get("workshop")) or None
    form = HireForm(request.POST or None, user=request.user, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            laborer = services.find_by_id_number(data.pop("id_number"))
            if laborer is None:
                raise ValidationError(
                    {"id_number": _("No laborer with this ID number is registered.")}
                )
            employment = services.hire(request.user, laborer=laborer, **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "laborer" in exc.error_dict:
                exc = ValidationError(
                    {"id_number": exc.error_dict.pop("laborer"), **exc.error_dict}
                )
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Hired: %(obj)s") % {"obj": employment})
            return redirect(employment.workshop.get_absolute_url())
    return render(
        request,
        "core/object_form.html",
        {
            "form": form,
            "title": _("Hire a laborer"),
            "cancel_url": back_url(request),
        },
    )


def _employment_step(request, pk, form_class, service, success):
    employment = get_object_or_404(Employment.objects.restrict(request.user, "change"), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                service(request.user, employment, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(employment.get_absolute_url())


@require_POST
def leave(request, pk):
    return _employment_step(request, pk, LeaveForm, services.leave, _("The leaving was recorded."))


@require_POST
def record_wage(request, pk):
    return _employment_step(
        request, pk, WageForm, services.record_wage, _("The wage was recorded.")
    )


class WageListView(ObjectListView):
    model = WageRecord
    personal_data = True
    table_class = WageTable
    filterset_class = WageFilter

    def get_queryset(self):
        return selectors.wage_list(self.request.user)


@require_POST
def record_income(request, pk):
    """Record a household's annual per-capita income (from the household page)."""
    household = get_object_or_404(Household.objects.restrict(request.user, "change"), pk=pk)
    form = IncomeForm(request.POST)
    if form.is_valid():
        try:
            services.record_income(request.user, household, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The income was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(household.get_absolute_url())
