"""Import jobs: upload → check (the preview) → confirm → import, each step recorded on the
:class:`ImportJob`. Checking and importing run in the background worker (django-tasks); the
CLI runs the same steps in-process.

The import itself is one transaction: the rows, the job's result and its one change-log
event commit together or not at all. Progress is written outside that transaction, so a
killed worker leaves a job that ``Job.reap_if_stale`` (or :func:`reap_stale` for all jobs)
marks failed, and a database unchanged.
"""

import datetime
import hashlib
import logging
import os
import tempfile

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from bangfu.core import bulk

from .base import write_error_workbook
from .models import ExportJob, ImportJob, ImportMode, JobStatus
from .reader import LedgerFileError, limits, open_table
from .registry import LEDGERS

logger = logging.getLogger(__name__)
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".ods")
PREVIEW_ERRORS = 1000  # row errors kept on the job for the page; all are in the error workbook


def ledger_for(user, key):
    """The importer of ledger ``key`` for ``user`` (PermissionDenied if they may not)."""
    if key not in LEDGERS:
        raise ValidationError(_("Unknown ledger “%(key)s”.") % {"key": key})
    return LEDGERS[key](user)


def create_import(user, ledger, upload, *, enqueue=True):
    """Record an uploaded file as an import job and queue its check (the preview)."""
    if not user.has_perm("ledgers.add_importjob"):
        raise PermissionDenied(_("You may not import ledgers."))
    ledger_for(user, ledger)
    if os.path.splitext(upload.name)[1].lower() not in SPREADSHEET_SUFFIXES:
        raise ValidationError(
            _("This file is not a spreadsheet. Upload an .xlsx, .xls or .csv file.")
        )
    if upload.size > limits()["max_bytes"]:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Split it into several files.")
            % {"mb": limits()["max_bytes"] // (1024 * 1024)}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    job = ImportJob(
        user=user,
        region=user.region,
        ledger=ledger,
        file_name=os.path.basename(upload.name)[:255],
        sha256=digest.hexdigest(),
        size=upload.size,
        language=translation.get_language() or "",
    )
    upload.seek(0)
    job.file.save(job.file_name, upload, save=False)
    job.save()
    if enqueue:
        transaction.on_commit(lambda: check_job.enqueue(job.pk))
    return job


def may_see_rejected_rows(user, job):
    """The row errors (names, heads of household, masked ID numbers) and the error workbook
    (the rejected rows in clear): only for the person who uploaded them (or a superuser);
    others in scope see the job and its counts."""
    return job.user_id == user.pk or user.is_superuser


def error_workbook_name(job):
    """The error workbook's name for its download: the uploaded file's, with ``-errors``."""
    return f"{os.path.splitext(job.file_name)[0]}-errors.xlsx"


def confirm_import(user, job, mode):
    """Queue the import of a checked job in ``mode`` (all or nothing / valid rows)."""
    if job.user_id != user.pk and not user.is_superuser:
        raise PermissionDenied(_("Only the person who uploaded the file can confirm it."))
    if mode not in ImportMode.values:
        raise ValidationError(_("Choose how to import."))
    if mode == ImportMode.ALL and job.rejected:  # it would fail, and the file with it
        raise ValidationError(
            ngettext(
                "%(n)s row of this file is rejected, so “all or nothing” would import nothing. "
                "Import the valid rows, or fix the row with the error workbook and upload the "
                "file again.",
                "%(n)s rows of this file are rejected, so “all or nothing” would import nothing. "
                "Import the valid rows, or fix the rows with the error workbook and upload the "
                "file again.",
                job.rejected,
            )
            % {"n": job.rejected}
        )
    updated = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        mode=mode,
        status=JobStatus.QUEUED,
        progress=0,
        stage=_("Waiting for the worker"),
        finished_at=None,
    )
    if not updated:
        raise ValidationError(_("This file is not waiting for confirmation."))
    transaction.on_commit(lambda: import_job.enqueue(job.pk))
    job.refresh_from_db()
    return job


def cancel_import(user, job):
    if job.user_id != user.pk and not user.is_superuser:
        raise PermissionDenied(_("Only the person who uploaded the file can cancel it."))
    if not ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now()
    ):
        raise ValidationError(_("Only a checked file that is not imported yet can be cancelled."))
    job.refresh_from_db()
    _discard_upload(job)
    return job


@task()
def check_job(job_id):
    run(ImportJob.objects.get(pk=job_id), write=False)


@task()
def import_job(job_id):
    run(ImportJob.objects.get(pk=job_id), write=True)


def _progress(job, percent, stage):
    ImportJob.objects.filter(pk=job.pk).update(progress=int(percent), stage=str(stage))


def run(job, *, write):
    """Check the job's file, and with ``write`` import it. Never raises for a bad file or bad
    rows: the job records what happened. A job that is not queued (taken by another run,
    cancelled, reaped) is left alone."""
    # a queued job waits for its check (no mode yet) or, once confirmed, for its import
    claimed = (
        job.claim(JobStatus.RUNNING, expected=(JobStatus.QUEUED,), mode__in=ImportMode.values)
        if write
        else job.claim(JobStatus.CHECKING, expected=(JobStatus.QUEUED,), mode="")
    )
    if not claimed:
        return job
    share = (0, 50) if write else (0, 95)  # reading + checking, then writing
    with bulk.gc_paused(), translation.override(job.language or settings.LANGUAGE_CODE):
        return _run(job, write, share)


def _run(job, write, share):
    """``run`` once the job is claimed (``share``: the progress range of reading and checking)."""
    try:
        ledger = ledger_for(job.user, job.ledger)
        ledger.progress = lambda done: _progress(
            job, share[0] + 15 + (share[1] - 15) * done, _("Checking rows")
        )
        _progress(job, 2, _("Reading the file"))
        table = _open(job, ledger)
        plan = ledger.plan(table)
        _record_plan(job, ledger, table, plan)
        del table
        if not write:
            job.status = JobStatus.CHECKED
        elif job.mode == ImportMode.ALL and plan.errors:
            job.status = JobStatus.FAILED
            rejected = plan.counts["rejected"]
            job.message = ngettext(
                "Nothing was imported: %(n)s row was rejected. Fix it with the error workbook "
                "and upload the file again.",
                "Nothing was imported: %(n)s rows were rejected. Fix them with the error "
                "workbook and upload the file again.",
                rejected,
            ) % {"n": rejected}
        else:
            _progress(job, 55, _("Writing to the database"))
            with bulk.write_cache(settings.BANGFU_IMPORT_CACHE_MB), transaction.atomic():
                job.written = ledger.apply(plan, mode=job.mode)["written"]
                job.status = JobStatus.DONE
                _finish(job)
                _log_event(job)
            _discard_upload(job)
            return job
    except (LedgerFileError, ValidationError, PermissionDenied) as exc:
        job.status, job.written = JobStatus.FAILED, False
        job.message = " ".join(getattr(exc, "messages", [str(exc)]))
    except IntegrityError:  # the registry changed between the check and the write
        logger.warning("import job %s: integrity error while writing", job.pk, exc_info=True)
        job.status, job.written = JobStatus.FAILED, False
        job.message = _(
            "Nothing was imported: while the file was being imported, some of its people or "
            "records were registered by someone else. Upload the file again to check it anew."
        )
    except Exception:
        job.status, job.written = JobStatus.FAILED, False
        job.message = _("The import stopped with an internal error; nothing was written.")
        _finish(job)
        _discard_upload(job)
        raise
    _finish(job)
    if job.status == JobStatus.FAILED:
        _discard_upload(job)
    return job


def _finish(job):
    job.finished_at = timezone.now()
    job.progress, job.stage = 100, ""
    job.save()


def _discard_upload(job):
    """A finished job keeps its name, SHA-256, counts and error workbook, not the uploaded
    file (personal data in clear): it is never needed again."""
    if job.file:
        job.file.delete(save=False)
        type(job).objects.filter(pk=job.pk).update(file="")


def _open(job, ledger):
    """The job's file as a :class:`Table` (its rows streamed)."""
    with job.file.open("rb") as handle:
        return open_table(handle.read(), job.file_name, ledger.columns)


def _rejected_rows(job, ledger, plan):
    """(row number, row as read) of the rejected rows, in order: those rejected when cleaned
    were kept; for any rejected after (the same person twice, someone registered elsewhere)
    the file is read again."""
    if plan.rejected_rows <= plan.raw.keys():
        return sorted(plan.raw.items())
    return (row for row in _open(job, ledger).stream() if row[0] in plan.rejected_rows)


def _record_plan(job, ledger, table, plan):
    counts = plan.counts
    job.rows = table.count
    job.created, job.updated = counts["created"], counts["updated"]
    job.unchanged, job.rejected = counts["unchanged"], counts["rejected"]
    job.error_count = len(plan.errors)
    job.errors = plan.error_dicts(ledger.headers.values())[:PREVIEW_ERRORS]
    job.message = "\n".join(plan.notes)  # a failure later replaces it with its reason
    if job.error_workbook:  # the errors of this run, not of an earlier check
        job.error_workbook.delete(save=False)
    if plan.errors:
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            write_error_workbook(
                handle.name, ledger, table, plan, _rejected_rows(job, ledger, plan)
            )
            job.error_workbook.save(error_workbook_name(job), File(handle), save=False)
    job.save()


def _log_event(job):
    """The import as one event in the change log (the rows themselves are written in bulk)."""
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(ImportJob),
        object_pk=str(job.pk),
        object_id=job.pk,
        object_repr=str(job)[:200],
        action=LogEntry.Action.CREATE,
        changes={
            "ledger": [None, job.ledger],
            "file": [None, f"{job.file_name} sha256:{job.sha256}"],
            "mode": [None, job.mode],
            "counts": [
                None,
                f"created {job.created}, updated {job.updated}, unchanged {job.unchanged}, "
                f"rejected {job.rejected}",
            ],
        },
        actor=job.user,
        timestamp=timezone.now(),
    )


def reap_stale():
    """Mark failed every active import or export job whose worker on this machine is gone
    (``purge_jobs`` runs it; pages and the API do it for the job they show)."""
    active = (JobStatus.CHECKING, JobStatus.RUNNING)
    jobs = [
        *ImportJob.objects.filter(status__in=active),
        *ExportJob.objects.filter(status__in=active),
    ]
    return [job for job in jobs if job.reap_if_stale()]


def purge_files(days):
    """Delete the files of jobs that ended more than ``days`` days ago (they hold personal
    data in clear); the records — who, when, file name, SHA-256, counts — stay."""
    before = timezone.now() - datetime.timedelta(days=days)
    ImportJob.objects.filter(status=JobStatus.CHECKED, finished_at__lt=before).update(
        status=JobStatus.CANCELLED  # never confirmed: its file goes, so it cannot be any more
    )
    deleted = 0
    ended = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)
    for model, names in ((ImportJob, ("file", "error_workbook")), (ExportJob, ("file",))):
        kept = Q()
        for name in names:
            kept |= ~Q(**{name: ""})
        for job in model.objects.filter(kept, status__in=ended, finished_at__lt=before):
            for name in names:
                if getattr(job, name):
                    getattr(job, name).delete(save=False)
                    deleted += 1
            model.objects.filter(pk=job.pk).update(**dict.fromkeys(names, ""))
    return deleted


def import_file(user, ledger, path, *, mode=ImportMode.ALL, dry_run=False):
    """Check and (unless ``dry_run``) import the file at ``path`` in this process (the CLI)."""
    with open(path, "rb") as handle:
        job = create_import(user, ledger, File(handle, os.path.basename(path)), enqueue=False)
    if not dry_run:
        job.mode = mode
        job.save(update_fields=["mode"])
    return run(job, write=not dry_run)
