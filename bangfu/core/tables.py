import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Parameter


class ScopedLinkColumn(tables.Column):
    """A related object, linked to its page only where the user may see it (``restrict``): a
    township officer sees a roster row of someone from another township, but not that person's
    page. One query per page of the table, not one per row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, linkify=self.url, **kwargs)

    def url(self, value, table, bound_column):
        if value is None or not hasattr(value, "get_absolute_url"):
            return None
        return value.get_absolute_url() if value.pk in _visible(table, bound_column) else None


def _visible(table, bound_column):
    """The pks of the objects of ``bound_column`` on the table's page that its user may see."""
    cache = table.__dict__.setdefault("_scoped_links", {})
    if bound_column.name not in cache:
        rows = table.page.object_list if getattr(table, "page", None) else table.rows
        values = [bound_column.accessor.resolve(row.record, quiet=True) for row in rows]
        values = [value for value in values if value is not None]
        model = type(values[0]) if values else None
        cache[bound_column.name] = (
            set(
                model.objects.restrict(table.request.user)
                .filter(pk__in={value.pk for value in values})
                .values_list("pk", flat=True)
            )
            if model
            else set()
        )
    return cache[bound_column.name]


class ParameterTable(tables.Table):
    label = tables.Column(verbose_name=_("rule"), orderable=False)

    class Meta:
        model = Parameter
        fields = (
            "label",
            "key",
            "value",
            "region_prefix",
            "effective_from",
            "effective_to",
            "source",
            "note",
        )
