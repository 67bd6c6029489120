import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from bangfu.core.tables import ScopedLinkColumn

from .models import Enterprise, Position, Workshop


class EnterpriseTable(tables.Table):
    name = tables.Column(linkify=True)
    region = tables.Column(order_by=("region_id",))
    workshop_count = tables.Column(verbose_name=_("workshops"))

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "uscc",
            "legal_representative",
            "industry",
            "region",
            "workshop_count",
            "is_active",
        )


class WorkshopTable(tables.Table):
    name = tables.Column(linkify=True)
    enterprise = ScopedLinkColumn(order_by=("enterprise__name",))
    region = tables.Column(order_by=("region_id",))
    status = tables.Column()

    class Meta:
        model = Workshop
        fields = (
            "name",
            "enterprise",
            "region",
            "site_type",
            "creation_mode",
            "workshop_type",
            "industry",
            "status",
            "status_since",
            "certificate_no",
        )


class PositionTable(tables.Table):
    title = tables.Column(linkify=True)
    workshop = tables.Column(linkify=True, order_by=("workshop__name",))

    class Meta:
        model = Position
        fields = (
            "title",
            "workshop",
            "headcount",
            "wage_min",
            "wage_max",
            "posted_on",
            "closed_on",
        )
