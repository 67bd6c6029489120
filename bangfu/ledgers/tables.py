import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .exports import status_label
from .models import ExportJob, ImportJob


class ImportJobTable(tables.Table):
    file_name = tables.Column(linkify=True)
    ledger = tables.Column(verbose_name=_("ledger"))
    duration = tables.Column(verbose_name=_("seconds"), orderable=False)

    class Meta:
        model = ImportJob
        fields = (
            "created_at",
            "file_name",
            "ledger",
            "user",
            "status",
            "mode",
            "rows",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "duration",
        )
        order_by = "-created_at"

    def render_ledger(self, value):
        from .registry import LEDGERS

        return LEDGERS[value].title if value in LEDGERS else value

    def render_duration(self, value):
        return f"{value:.1f}"


class ExportJobTable(tables.Table):
    """The user's export jobs (the file itself is downloaded from the job's page)."""

    title = tables.Column(
        verbose_name=_("exported list"),
        linkify=("ledgers:export-detail", {"pk": tables.A("pk")}),
    )
    duration = tables.Column(verbose_name=_("seconds"), orderable=False)

    class Meta:
        model = ExportJob
        fields = ("created_at", "title", "user", "status", "progress", "rows", "duration")
        order_by = "-created_at"

    def render_status(self, record):
        return status_label(record)

    def value_status(self, record):
        return str(self.render_status(record))

    def render_duration(self, value):
        return f"{value:.1f}"

    def value_duration(self, value):
        return None if value is None else round(value, 1)
