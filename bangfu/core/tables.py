import django_tables2 as tables

from .models import Parameter


class ParameterTable(tables.Table):
    class Meta:
        model = Parameter
        fields = (
            "key",
            "value",
            "region_prefix",
            "effective_from",
            "effective_to",
            "source",
            "note",
        )
