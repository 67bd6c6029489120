import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Parameter
from .scoping import visible


class ScopedLinkColumn(tables.Column):
    """A related object, linked to its page only where the user may see it (``restrict``): a
    township officer sees a roster row of someone from another township, but not that person's
    page. One query per page of the table and column, not one per row; no request, no links."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, linkify=self.url, **kwargs)

    def url(self, value, table, bound_column):
        if value is None or not hasattr(value, "get_absolute_url"):
            return None
        seen = (type(value), value.pk) in _visible(table, bound_column)
        return value.get_absolute_url() if seen else None


def _visible(table, bound_column):
    """``scoping.visible`` of the objects of ``bound_column`` on the table's current page."""
    page = getattr(table, "page", None)
    key = (bound_column.name, id(page))  # a table paginated again is another page
    cache = table.__dict__.setdefault("_scoped_links", {})
    if key not in cache:
        user = getattr(getattr(table, "request", None), "user", None)
        rows = page.object_list if page else table.rows
        values = (bound_column.accessor.resolve(row.record, quiet=True) for row in rows)
        cache[key] = visible(user, values)
    return cache[key]


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
