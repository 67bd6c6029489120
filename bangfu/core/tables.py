import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Parameter


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
