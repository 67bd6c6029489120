import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import RegionPrefixFilter, ScopedFilterSet

from .models import User
from .roles import ROLES


class UserFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("role"), field_name="groups__name", choices=[(r.code, r.label) for r in ROLES]
    )
    region = RegionPrefixFilter()
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = User
        fields = ["q", "role", "region", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__contains=value)
            | Q(last_name__contains=value)
        )
