import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Parameter
from .scoping import ScopedQuerySet


class ScopedFilterSet(django_filters.FilterSet):
    """A filter set whose choice lists over scoped models hold only what the user may see."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for flt in self.filters.values():
            queryset = getattr(flt, "queryset", None)
            if isinstance(queryset, ScopedQuerySet):
                flt.queryset = queryset.restrict(user, "view")


class RegionPrefixFilter(django_filters.CharFilter):
    """A region code: rows in that region and everything below it."""

    def __init__(self, field_name="region__code", **kwargs):
        kwargs.setdefault("label", _("region code"))
        super().__init__(field_name=field_name, lookup_expr="startswith", **kwargs)

    def filter(self, qs, value):
        from bangfu.regions.models import Region

        if value:
            region = Region.objects.filter(code=value.strip()).first()
            value = region.scope_prefix if region else value.strip()
        return super().filter(qs, value)


class ParameterFilter(ScopedFilterSet):
    key = django_filters.CharFilter(label=_("key"), lookup_expr="startswith")

    class Meta:
        model = Parameter
        fields = ["key"]
