import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from bangfu.core.tables import ScopedLinkColumn

from .models import Region


class RegionTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    parent = ScopedLinkColumn(order_by=("parent_id",))
    child_count = tables.Column(verbose_name=_("subregions"))
    synthetic = tables.BooleanColumn()

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent", "aliases", "child_count", "synthetic")
