import os
import socket

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangfu.core.scoping import ScopedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportMode(models.TextChoices):
    ALL = "all", _("All or nothing")
    VALID = "valid", _("Only the valid rows")


class Job(ScopedModel):
    """What imports and exports share: who, when, status, progress, duration. Scoped by the
    region of the user who started it; workshop operators see only their own jobs."""

    operator_field = "user"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user")
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        help_text=_("The user's data scope when the job was created."),
    )
    ledger = models.CharField(_("ledger"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    message = models.TextField(_("message"), blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def duration(self):
        """Seconds from start to finish (or to now while running), or None."""
        if not self.started_at:
            return None
        from django.utils import timezone

        return ((self.finished_at or timezone.now()) - self.started_at).total_seconds()

    @property
    def is_active(self):
        return self.status in (JobStatus.QUEUED, JobStatus.CHECKING, JobStatus.RUNNING)

    def claim(self, status, *, expected, **conditions):
        """Move a job from one of the ``expected`` statuses (and ``conditions``) to ``status``
        and record this process as its worker; False if another run took it (or it was
        cancelled) first."""
        from django.utils import timezone

        claimed = (
            type(self)
            .objects.filter(pk=self.pk, status__in=expected, **conditions)
            .update(
                status=status, started_at=timezone.now(), finished_at=None, worker=this_worker()
            )
        )
        self.refresh_from_db()
        return bool(claimed)

    def reap_if_stale(self):
        """A job running in a process of this machine that no longer exists (killed or
        crashed, its transaction rolled back) is marked failed; True if it was."""
        from django.utils import timezone

        host, pid, started = (self.worker.split(":") + ["", ""])[:3]  # or host:pid, as before
        if (
            self.status not in (JobStatus.CHECKING, JobStatus.RUNNING)
            or host != socket.gethostname()
            or not pid.isdigit()
            or _alive(int(pid), started)
        ):
            return False
        reaped = (
            type(self)
            .objects.filter(pk=self.pk, status=self.status)
            .update(
                status=JobStatus.FAILED, finished_at=timezone.now(), message=str(self.stale_message)
            )
        )
        self.refresh_from_db()
        return bool(reaped)


def this_worker():
    """``host:pid:start`` of the process running a job: with its start time, a worker that
    comes back under the same process id (a restarted container) is another process."""
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}"


def _alive(pid, started=""):
    """Whether process ``pid`` exists and, if ``started`` is known, is the one started then."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        pass
    return not started or _started(pid) in (started, "")


def _started(pid):
    """The start time of process ``pid`` in clock ticks after boot (Linux: /proc), or ''."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[19]  # field 22, starttime
    except (OSError, IndexError):
        return ""


class ImportJob(Job):
    """One uploaded ledger: checked (preview), then imported on confirmation."""

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mode = models.CharField(_("mode"), max_length=8, choices=ImportMode.choices, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(pgettext_lazy("rows", "created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    written = models.BooleanField(_("written"), default=False)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    error_workbook = models.FileField(_("error workbook"), upload_to="imports/errors/", blank=True)
    language = models.CharField(  # of the uploader's pages: the worker writes the job in it
        _("language"), max_length=16, blank=True, editable=False
    )

    stale_message = _(
        "The background worker stopped during this job; nothing was written. Upload the file again."
    )

    class Meta(Job.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("ledgers:import-detail", args=[self.pk])


class ExportJob(Job):
    """A list exported to xlsx in the background (large results)."""

    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)

    stale_message = _("The background worker stopped during this export. Export again.")

    class Meta(Job.Meta):
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self):
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"
