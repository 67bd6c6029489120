import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import role_label


class UserTable(tables.Table):
    username = tables.Column(linkify=True)
    full_name = tables.Column(verbose_name=_("name"), accessor="get_full_name", orderable=False)
    roles = tables.Column(verbose_name=_("roles"), accessor="pk", orderable=False)
    region = tables.Column(verbose_name=_("data scope"), linkify=True, order_by=("region_id",))
    is_active = tables.BooleanColumn()
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = User
        fields = (
            "username",
            "full_name",
            "roles",
            "region",
            "organisation",
            "is_active",
            "last_login",
        )

    def render_roles(self, record):
        return "、".join(str(role_label(g.name)) for g in record.groups.all()) or "—"
