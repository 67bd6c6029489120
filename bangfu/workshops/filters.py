import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import RegionPrefixFilter, ScopedFilterSet

from .models import (
    CreationMode,
    Enterprise,
    Industry,
    Position,
    SiteType,
    Status,
    Workshop,
    WorkshopType,
)


class EnterpriseFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = RegionPrefixFilter()
    industry = django_filters.ChoiceFilter(label=_("industry"), choices=Industry.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__contains=value.strip()) | Q(uscc__startswith=value.strip().upper())
        )


class WorkshopFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    region = RegionPrefixFilter()
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=Status.choices)
    site_type = django_filters.ChoiceFilter(label=_("site type"), choices=SiteType.choices)
    creation_mode = django_filters.ChoiceFilter(
        label=_("creation mode"), choices=CreationMode.choices
    )
    workshop_type = django_filters.ModelChoiceFilter(
        label=_("workshop type"), queryset=WorkshopType.objects.all()
    )
    industry = django_filters.ChoiceFilter(label=_("industry"), choices=Industry.choices)
    opened_from = django_filters.DateFilter(
        label=_("opened from"), field_name="opened_on", lookup_expr="gte"
    )
    opened_to = django_filters.DateFilter(
        label=_("opened until"), field_name="opened_on", lookup_expr="lte"
    )

    class Meta:
        model = Workshop
        fields = [
            "q",
            "region",
            "status",
            "site_type",
            "creation_mode",
            "workshop_type",
            "industry",
        ]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__contains=value) | Q(enterprise__name__contains=value) | Q(certificate_no=value)
        )


class PositionFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="contains")
    region = RegionPrefixFilter()
    open_on = django_filters.DateFilter(label=_("open on"), method="filter_open_on")

    class Meta:
        model = Position
        fields = ["q", "region", "workshop", "open_on"]

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=value), posted_on__lte=value
        )
