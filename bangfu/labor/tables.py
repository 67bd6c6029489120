import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from bangfu.core import pii
from bangfu.core.identity import mask_phone
from bangfu.core.tables import ScopedLinkColumn

from .models import Employment, Household, Laborer, WageRecord


class HouseholdTable(tables.Table):
    head_name = tables.Column(linkify=True)
    region = tables.Column(order_by=("region_id",))
    laborer_count = tables.Column(verbose_name=_("laborers"))

    class Meta:
        model = Household
        fields = (
            "head_name",
            "region",
            "category",
            "monitor_type",
            "risk_status",
            "members_count",
            "laborer_count",
            "is_active",
        )


class LaborerTable(tables.Table):
    """Masked ID and phone; the full ID is never in this table."""

    name = tables.Column(linkify=True, order_by=("name_pinyin",))
    id_masked = tables.Column(verbose_name=_("ID number"))
    phone = tables.Column(verbose_name=_("phone"))
    region = tables.Column(verbose_name=_("village"), order_by=("region_id",))
    household__head_name = tables.Column(verbose_name=_("head of household"))
    household__category = tables.Column(verbose_name=_("household category"))

    class Meta:
        model = Laborer
        fields = (
            "name",
            "id_masked",
            "gender",
            "birth_date",
            "phone",
            "region",
            "household__head_name",
            "household__category",
            "labor_ability",
            "education",
            "work_status",
        )

    def render_phone(self, value):
        return mask_phone(value)

    def value_phone(self, value):
        return mask_phone(value)


class LaborerFullTable(LaborerTable):
    """For holders of ``labor.view_full_id``: full ID and phone (such exports are logged)."""

    full_id = tables.Column(verbose_name=_("full ID number"), accessor="id_cipher", orderable=False)

    class Meta(LaborerTable.Meta):
        sequence = ("name", "full_id", "...")
        exclude = ("id_masked",)

    def value_full_id(self, value):
        return pii.decrypt(value)

    def value_phone(self, value):
        return value


class EmploymentTable(tables.Table):
    laborer = ScopedLinkColumn(order_by=("laborer__name_pinyin",))
    workshop = ScopedLinkColumn(order_by=("workshop__name",))
    position = tables.Column(accessor="position__title", verbose_name=_("position"))
    detail = tables.LinkColumn(
        "labor:employment-detail",
        args=[tables.A("pk")],
        text=_("Details"),
        orderable=False,
        verbose_name="",
        exclude_from_export=True,
    )

    class Meta:
        model = Employment
        fields = (
            "laborer",
            "workshop",
            "position",
            "start_date",
            "end_date",
            "contract_type",
            "monthly_wage",
        )


class WageTable(tables.Table):
    laborer = tables.Column(
        accessor="employment__laborer", verbose_name=_("laborer"), orderable=False
    )
    workshop = tables.Column(
        accessor="employment__workshop", verbose_name=_("workshop"), orderable=False
    )
    month = tables.DateColumn(format="Y-m")

    class Meta:
        model = WageRecord
        fields = ("month", "laborer", "workshop", "amount")

    def value_month(self, value):
        return f"{value:%Y-%m}"  # exported as the page shows it: a month, not its first day
