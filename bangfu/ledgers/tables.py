import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ImportJob


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
