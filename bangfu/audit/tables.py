import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, ChangeLogEntry, LoginLog


class LoginLogTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s")
    success = tables.BooleanColumn()

    class Meta:
        model = LoginLog
        fields = ("at", "username", "success", "ip_address", "user_agent")


class AccessLogTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s")

    class Meta:
        model = AccessLog
        fields = (
            "at",
            "user",
            "action",
            "object_type",
            "object_repr",
            "region",
            "detail",
            "ip_address",
        )


class ChangeLogTable(tables.Table):
    timestamp = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("time"))
    actor = tables.Column(verbose_name=_("actor"))
    content_type = tables.Column(verbose_name=_("object type"))
    action = tables.Column(verbose_name=_("action"))
    changes = tables.Column(
        verbose_name=_("changes"), accessor="changes_display_dict", orderable=False
    )

    class Meta:
        model = ChangeLogEntry
        fields = (
            "timestamp",
            "actor",
            "action",
            "content_type",
            "object_repr",
            "changes",
            "remote_addr",
        )

    def render_changes(self, value):
        return describe_changes(value)

    def value_changes(self, value):
        return describe_changes(value)


def describe_changes(changes):
    """One line per field: ``field: old → new``; many-to-many changes as ``field: +a, b``."""
    parts = []
    for field, change in changes.items():
        if isinstance(
            change, dict
        ):  # many-to-many: {"type": "m2m", "operation": ..., "objects": [...]}
            sign = {"add": "+", "delete": "−"}.get(change.get("operation"), "")
            parts.append(f"{field}: {sign}{', '.join(map(str, change.get('objects', [])))}")
        elif isinstance(change, list | tuple) and len(change) == 2:
            parts.append(f"{field}: {change[0]} → {change[1]}")
        else:
            parts.append(f"{field}: {change}")
    return "; ".join(parts)
