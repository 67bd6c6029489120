"""Export jobs: a list page's filtered, sorted view too large to download at once, written to
xlsx by the background worker (django-tasks).

The job stores which list (its URL name) and the page's query; the worker rebuilds that very
list view for the job's user with a stand-in request, and asks it for the same export table
as a direct download (:meth:`ObjectListView.export_table`), so scope, filters, sorting,
masking and the access log are those of the page. Rows are read in chunks and written by
xlsxwriter in constant memory to a temporary file, then stored on the job.

An export file holds personal data: only the user who started the job (or a superuser)
sees the job and downloads the file.
"""

import functools
import logging
import os
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import OperationalError, transaction
from django.http import FileResponse
from django.test import RequestFactory
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from bangfu.audit.models import AccessAction
from bangfu.audit.services import client_ip, log_access
from bangfu.core import bulk, pii
from bangfu.core.exports import export_filename, export_values, write_xlsx

from . import selectors
from .models import ExportJob, JobStatus

logger = logging.getLogger(__name__)
PROGRESS_STEPS = 50  # progress is written at most this many times while rows are written
# the statuses an export job goes through ("running" reads "Exporting", not "Importing")
STATUS_LABELS = {
    JobStatus.QUEUED: gettext_lazy("Queued"),
    JobStatus.RUNNING: gettext_lazy("Exporting"),
    JobStatus.DONE: gettext_lazy("Done"),
    JobStatus.FAILED: gettext_lazy("Failed"),
}


def status_label(job):
    return STATUS_LABELS.get(job.status) or job.get_status_display()


def only_own(jobs, user):
    """Export jobs of ``user`` only (superusers: all of ``jobs``)."""
    return jobs if user.is_superuser else jobs.filter(user=user)


def own_jobs(user):
    """The export jobs ``user`` may see and download: in scope, and their own."""
    return only_own(selectors.export_jobs(user), user)


def list_view(view_name):
    """The URL match of the list page named ``view_name`` (an ``ObjectListView``), or a
    ValidationError."""
    from bangfu.core.views import ObjectListView

    try:
        match = resolve(reverse(view_name))
    except (NoReverseMatch, Resolver404):
        match = None
    view_class = getattr(getattr(match, "func", None), "view_class", None)
    if not (isinstance(view_class, type) and issubclass(view_class, ObjectListView)):
        raise ValidationError(_("This list cannot be exported in the background."))
    return match


def create_export(request, view_name, *, title, query, full_ids, personal):
    """Record the export of list ``view_name`` filtered by ``query`` (a QueryDict without
    ``export``) for ``request.user`` and queue it."""
    user = request.user
    if not user.has_perm("ledgers.add_exportjob"):
        raise PermissionDenied(_("You may not export in the background."))
    list_view(view_name)
    if len(view_name) > ExportJob._meta.get_field("ledger").max_length:
        raise ValidationError(_("This list cannot be exported in the background."))
    job = ExportJob.objects.create(
        user=user,
        region=user.region,
        ledger=view_name,
        title=str(title)[:200],
        stage=_("Waiting for the worker"),
        params={
            # the search (possibly an ID number) is kept encrypted until the file is written
            "query": {
                key: [pii.encrypt(v) for v in values] if key == "q" else values
                for key, values in query.lists()
            },
            "full_ids": bool(full_ids),
            "personal": bool(personal or full_ids),
            "language": translation.get_language(),
            "ip": client_ip(request),
        },
    )
    transaction.on_commit(lambda: export_job.enqueue(job.pk))
    return job


@task()
def export_job(job_id):
    run(ExportJob.objects.select_related("user").get(pk=job_id))


def _progress(side, job, percent, stage):
    """Write the job's progress on the ``side`` connection (``bulk.side_connection``: the rows
    are being read on the main one). Best effort: a busy database skips an update."""
    table = side.ops.quote_name(ExportJob._meta.db_table)
    try:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, stage = %s WHERE id = %s",  # noqa: S608
                [int(percent), str(stage), job.pk],
            )
    except OperationalError:
        logger.info("export job %s: progress not written, the database is busy", job.pk)


def _tracked(rows, total, progress):
    step = max(1, total // PROGRESS_STEPS)
    for done, row in enumerate(rows, start=1):
        if done % step == 0:
            progress(5 + 90 * min(done, total) / max(total, 1), _("Writing rows"))
        yield row


def _search(value):
    """A stored search as typed (kept encrypted while the job waits)."""
    try:
        return pii.decrypt(value)
    except ValueError:  # "***" once done, or a job queued before searches were encrypted
        return value


def build_view(job):
    """The job's list view, set up for the job's user with the page's query."""
    match = list_view(job.ledger)
    params = job.params or {}
    query = {
        key: [_search(v) for v in values] if key == "q" else values
        for key, values in (params.get("query") or {}).items()
    }
    request = RequestFactory().get(
        reverse(job.ledger), data=query, REMOTE_ADDR=params.get("ip") or ""
    )
    request.user = job.user
    request.resolver_match = match
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    if not view.can(view.action):
        raise PermissionDenied(_("You may no longer see this list."))
    return view


def run(job):
    """Write the job's xlsx. Never raises for invalid filters or a lost permission: the job
    records what happened."""
    if not job.claim(JobStatus.RUNNING, expected=(JobStatus.QUEUED,)):
        return job
    try:
        language = (job.params or {}).get("language") or settings.LANGUAGE_CODE
        with translation.override(language), bulk.side_connection() as side:
            progress = functools.partial(_progress, side, job)
            progress(2, _("Reading the list"))
            view = build_view(job)
            table, full_ids = view.export_table()
            if full_ids and not job.params.get("full_ids"):
                raise PermissionDenied(_("Full ID numbers were not requested for this export."))
            total = table.paginator.count
            rows = export_values(table)
            header = next(rows)
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, export_filename(view.model._meta.verbose_name_plural))
                job.rows = write_xlsx(path, job.title, header, _tracked(rows, total, progress))
                with open(path, "rb") as handle:
                    job.file.save(os.path.basename(path), File(handle), save=False)
            view.log_export(job.rows, full_ids, obj=job)
            job.status, job.message = JobStatus.DONE, ""
    except (ValidationError, PermissionDenied) as exc:
        job.status = JobStatus.FAILED
        job.message = " ".join(getattr(exc, "messages", [str(exc)])) or _("Export refused.")
    except Exception:
        job.status = JobStatus.FAILED
        job.message = _("The export stopped with an internal error.")
        _finish(job)
        raise
    _finish(job)
    return job


def _finish(job):
    job.finished_at = timezone.now()
    job.progress, job.stage = 100, ""
    query = (job.params or {}).get("query") or {}
    if any(query.get("q") or ()):
        query["q"] = ["***"]  # a search may be an ID number: not kept once the file is written
    job.save()


def file_response(request, job):
    """The job's xlsx as a download. The export was logged when written; a superuser fetching
    someone else's file of personal data is logged too."""
    if job.user_id != request.user.pk and (job.params or {}).get("personal"):
        log_access(
            request,
            AccessAction.EXPORT_PERSONAL,
            job,
            detail=_("Download of the export of %(user)s: %(title)s (%(n)s rows)")
            % {"user": job.user, "title": job.title, "n": job.rows},
            region=request.user.region,
        )
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=os.path.basename(job.file.name)
    )
