import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import RegionPrefixFilter, ScopedFilterSet
from bangfu.workshops.models import Workshop

from . import selectors
from .models import (
    Category,
    ContractType,
    Employment,
    Household,
    LaborAbility,
    Laborer,
    WageRecord,
    WorkStatus,
)


class HouseholdFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="head_name", lookup_expr="contains")
    region = RegionPrefixFilter()
    category = django_filters.ChoiceFilter(label=_("category"), choices=Category.choices)

    class Meta:
        model = Household
        fields = ["q", "region", "category", "risk_status", "is_active"]


class LaborerFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, pinyin or ID number"), method="search")
    region = RegionPrefixFilter()
    category = django_filters.ChoiceFilter(
        label=_("household category"), field_name="household__category", choices=Category.choices
    )
    work_status = django_filters.ChoiceFilter(label=_("work status"), choices=WorkStatus.choices)
    labor_ability = django_filters.ChoiceFilter(
        label=_("labor ability"), choices=LaborAbility.choices
    )

    class Meta:
        model = Laborer
        fields = ["q", "region", "category", "work_status", "labor_ability", "gender"]

    def search(self, queryset, name, value):
        return selectors.search_laborers(queryset, value)


class EmploymentFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, pinyin or ID number"), method="search")
    region = RegionPrefixFilter()
    workshop = django_filters.ModelChoiceFilter(
        label=_("workshop"), queryset=Workshop.objects.all()
    )
    contract_type = django_filters.ChoiceFilter(
        label=_("contract type"), choices=ContractType.choices
    )
    current = django_filters.BooleanFilter(
        label=_("still employed"), field_name="end_date", lookup_expr="isnull"
    )
    started_from = django_filters.DateFilter(
        label=_("started from"), field_name="start_date", lookup_expr="gte"
    )
    started_to = django_filters.DateFilter(
        label=_("started until"), field_name="start_date", lookup_expr="lte"
    )

    class Meta:
        model = Employment
        fields = ["q", "region", "workshop", "contract_type", "current"]

    def search(self, queryset, name, value):
        return queryset.filter(laborer__in=selectors.search_laborers(Laborer.objects.all(), value))


class MonthFilter(django_filters.DateFilter):
    """A month as the wage form takes it (2024-03, with the browser's month picker; a date is
    read as its month)."""

    def __init__(self, **kwargs):
        widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
        super().__init__(input_formats=["%Y-%m", "%Y-%m-%d"], widget=widget, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, value.replace(day=1) if value else value)


class WageFilter(ScopedFilterSet):
    region = RegionPrefixFilter()
    workshop = django_filters.ModelChoiceFilter(
        label=_("workshop"), field_name="employment__workshop", queryset=Workshop.objects.all()
    )
    month_from = MonthFilter(label=_("from month"), field_name="month", lookup_expr="gte")
    month_to = MonthFilter(label=_("until month"), field_name="month", lookup_expr="lte")

    class Meta:
        model = WageRecord
        fields = ["region", "workshop", "month_from", "month_to"]
