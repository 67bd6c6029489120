"""Ledger pages: templates, upload → preview → confirm → progress → result, error workbooks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bangfu.audit.models import AccessAction
from bangfu.audit.services import log_access
from bangfu.core.views import ObjectListView

from . import exports, selectors, services
from .filters import ExportJobFilter, ImportJobFilter
from .forms import ConfirmForm, UploadForm
from .models import ExportJob, ImportJob, JobStatus
from .registry import LEDGERS, importable_by
from .tables import ExportJobTable, ImportJobTable
from .templates import write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportJobListView(ObjectListView):
    """The import jobs in scope, with the upload form and the templates above them."""

    model = ImportJob
    table_class = ImportJobTable
    filterset_class = ImportJobFilter
    template_name = "ledgers/import_list.html"
    title = gettext_lazy("Ledger import")
    exportable = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["form"] = UploadForm(user=user)
        context["can_upload"] = user.has_perm("ledgers.add_importjob") and bool(
            context["form"].fields["ledger"].choices
        )
        context["ledgers"] = importable_by(user)  # their templates
        return context


def template(request, ledger):
    """The xlsx template of a ledger (headers, notes sheet, drop-down lists)."""
    if ledger not in LEDGERS:
        raise Http404
    response = HttpResponse(write_template(LEDGERS[ledger].template_columns()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bangfu-{ledger}-template.xlsx"'
    return response


@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        try:
            job = services.create_import(
                request.user, form.cleaned_data["ledger"], form.cleaned_data["file"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            return redirect(job)
    else:
        for name, errors in form.errors.items():
            for message in errors:
                field = form.fields.get(name)
                messages.error(request, f"{field.label}：{message}" if field else message)
    return redirect("ledgers:import-list")


def _job(request, pk):
    job = get_object_or_404(selectors.import_jobs(request.user), pk=pk)
    job.reap_if_stale()
    return job


def import_detail(request, pk):
    """The job's page: progress while it runs, the preview when checked, the result when done.
    htmx polls ask for the status block only."""
    job = _job(request, pk)
    context = {
        "job": job,
        "ledger": LEDGERS.get(job.ledger),
        "confirm_form": ConfirmForm(),
        "can_see_rejected_rows": services.may_see_rejected_rows(request.user, job),
        "can_confirm": job.status == "checked"
        and (job.user_id == request.user.pk or request.user.is_superuser),
        "title": job.file_name,
    }
    if request.htmx:
        return render(request, "ledgers/_job_status.html", context)
    return render(request, "ledgers/import_detail.html", context)


@require_POST
def import_confirm(request, pk):
    job = _job(request, pk)
    form = ConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose how to import."))
        services.confirm_import(request.user, job, form.cleaned_data["mode"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(job)


@require_POST
def import_cancel(request, pk):
    job = _job(request, pk)
    try:
        services.cancel_import(request.user, job)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("The upload was cancelled; nothing was imported."))
    return redirect(job)


def import_errors(request, pk):
    """The error workbook: the rejected rows as uploaded (personal data: logged)."""
    job = _job(request, pk)
    if not job.error_workbook:
        raise Http404
    if not services.may_see_rejected_rows(request.user, job):
        raise Http404
    log_access(
        request,
        AccessAction.EXPORT_PERSONAL,
        job,
        detail=_("Error workbook of %(file)s (%(n)s rows)")
        % {"file": job.file_name, "n": job.rejected},
        region=request.user.region,
    )
    return FileResponse(
        job.error_workbook.open("rb"),
        as_attachment=True,
        filename=services.error_workbook_name(job),
    )


# --- export jobs (large list exports written in the background) -------------------------------


class ExportJobListView(ObjectListView):
    """The user's export jobs (superusers: all)."""

    model = ExportJob
    table_class = ExportJobTable
    filterset_class = ExportJobFilter

    def get_queryset(self):
        return exports.own_jobs(self.request.user)


def _export_job(request, pk):
    job = get_object_or_404(exports.own_jobs(request.user), pk=pk)
    job.reap_if_stale()
    job.refresh_from_db()
    return job


def export_detail(request, pk):
    """The job's page: progress while the file is written, then the download (or why it
    failed). htmx polls ask for the status block only."""
    job = _export_job(request, pk)
    context = {"job": job, "status_label": exports.status_label(job), "title": job.title}
    if request.htmx:
        return render(request, "ledgers/_export_status.html", context)
    return render(request, "ledgers/export_detail.html", context)


def export_download(request, pk):
    """The written file: only for the user who started the export (or a superuser)."""
    job = _export_job(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return exports.file_response(request, job)
