import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import ScopedFilterSet

from .models import Level, Region


class RegionFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("level"), choices=Level.choices)
    parent = django_filters.CharFilter(label=_("parent code"), field_name="parent_id")
    synthetic = django_filters.BooleanFilter(label=_("synthetic"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "synthetic"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__contains=value) | Q(aliases__contains=value) | Q(code__startswith=value)
        )
