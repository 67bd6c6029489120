from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    add_service_errors,
    int_or_zero,
)

from . import selectors, services
from .filters import EnterpriseFilter, PositionFilter, WorkshopFilter
from .forms import EnterpriseForm, PositionForm, TransitionForm, WorkshopForm
from .models import Enterprise, Position, Workshop
from .tables import EnterpriseTable, PositionTable, WorkshopTable


class EnterpriseListView(ObjectListView):
    model = Enterprise
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    create_url = "workshops:enterprise-create"

    def get_queryset(self):
        return selectors.enterprise_list(self.request.user)


class EnterpriseDetailView(ObjectDetailView):
    model = Enterprise
    fields = (
        "name",
        "uscc",
        "legal_representative",
        "contact_person",
        "contact_phone",
        "industry",
        "region",
        "address",
        "is_active",
    )
    edit_url = "workshops:enterprise-edit"
    template_name = "workshops/enterprise_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workshops"] = selectors.workshop_list(self.request.user).filter(
            enterprise=self.object
        )
        return context


class EnterpriseEditView(ObjectEditView):
    model = Enterprise
    form_class = EnterpriseForm

    def save(self, form):
        return services.save_enterprise(self.request.user, self.object, **form.cleaned_data)


class WorkshopListView(ObjectListView):
    model = Workshop
    table_class = WorkshopTable
    filterset_class = WorkshopFilter
    create_url = "workshops:workshop-create"

    def get_queryset(self):
        return selectors.workshop_list(self.request.user)


class WorkshopDetailView(ObjectDetailView):
    model = Workshop
    fields = (
        "enterprise",
        "region",
        "site_type",
        "creation_mode",
        "workshop_type",
        "industry",
        "address",
        "floor_area",
        "opened_on",
        "status",
        "status_since",
        "certificate_no",
        "recognized_on",
        "grace_until",
    )
    edit_url = "workshops:workshop-edit"
    template_name = "workshops/workshop_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshop, user = self.object, self.request.user
        context.update(
            history=workshop.history.select_related("actor"),
            positions=selectors.position_list(user).filter(workshop=workshop),
            roster=selectors.roster(user, workshop),
            check=services.recognition_check(workshop),
            steps=available_steps(user, workshop),
            operators=workshop.operators.all(),
        )
        return context


# Lifecycle steps offered on the page: label and service (sources: ``services.STEPS``).
STEPS = {
    "recognize": (gettext_lazy("Recognize"), services.recognize),
    "reject": (gettext_lazy("Reject"), services.reject),
    "watch": (gettext_lazy("Put under watch"), services.watch),
    "remove": (gettext_lazy("Remove"), services.remove),
    "restore": (gettext_lazy("Restore"), services.restore),
    "resubmit": (gettext_lazy("Resubmit"), services.resubmit),
}


REQUIRED_TEXT = {"reason", "certificate_no", "override_reason"}  # empty text reaches the service


def available_steps(user, workshop):
    """The lifecycle steps this user may take on this workshop now."""
    return [
        (step, label)
        for step, (label, _service) in STEPS.items()
        if services.can_take_step(user, workshop, step)
    ]


def workshop_transition(request, pk, step):
    """Recognize / reject / watch / remove / restore / resubmit a workshop."""
    if step not in STEPS:
        raise Http404  # no such step (a known one not open to this user or status: 403)
    workshop = get_object_or_404(Workshop.objects.restrict(request.user, "change"), pk=pk)
    if step not in dict(available_steps(request.user, workshop)):
        raise PermissionDenied
    form = TransitionForm(request.POST or None, step=step)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k in REQUIRED_TEXT
        }
        try:
            workshop = STEPS[step][1](request.user, workshop, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Workshop status: %(status)s") % {"status": workshop.get_status_display()},
            )
            return redirect(workshop.get_absolute_url())
    return render(
        request,
        "workshops/transition_form.html",
        {
            "form": form,
            "object": workshop,
            "step": step,
            "check": services.recognition_check(workshop),
            "title": f"{workshop} · {STEPS[step][0]}",
            "cancel_url": workshop.get_absolute_url(),
        },
    )


class WorkshopEditView(ObjectEditView):
    model = Workshop
    form_class = WorkshopForm

    def save(self, form):
        data = dict(form.cleaned_data)
        if self.object:
            return services.update_workshop(self.request.user, self.object, **data)
        return services.apply(self.request.user, **data)


class PositionListView(ObjectListView):
    model = Position
    table_class = PositionTable
    filterset_class = PositionFilter
    create_url = "workshops:position-create"

    def get_queryset(self):
        return selectors.position_list(self.request.user)


class PositionDetailView(ObjectDetailView):
    model = Position
    fields = (
        "workshop",
        "title",
        "headcount",
        "wage_min",
        "wage_max",
        "requirements",
        "posted_on",
        "closed_on",
    )
    edit_url = "workshops:position-edit"


class PositionEditView(ObjectEditView):
    model = Position
    form_class = PositionForm

    def get_initial(self):
        """A new position of the workshop whose page linked here (``?workshop=``); an edited
        one shows its own (an initial value would replace it)."""
        workshop = int_or_zero(self.request.GET.get("workshop"))
        return {"workshop": workshop} if workshop else {}

    def save(self, form):
        return services.save_position(self.request.user, self.object, **form.cleaned_data)
