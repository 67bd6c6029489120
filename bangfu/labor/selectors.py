"""Reads of households, laborers, employment and wages (always scoped)."""

import datetime
import unicodedata

from django.db.models import Q, Sum

from bangfu.core import pii
from bangfu.core.dates import month_end, month_start
from bangfu.core.identity import normalize_id_number

from .models import Employment, Household, Laborer, WageRecord


def household_list(user):
    return Household.objects.restrict(user).select_related("region")


def laborer_list(user):
    return Laborer.objects.restrict(user).select_related("region", "household")


def search_laborers(queryset, text):
    """Name (contains), pinyin (``zhangsan``), initials (``zs``) or exact ID number; full-width
    letters and digits as half-width (a Chinese input method types ＬＩＸＩＡＯ)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return queryset
    normalized = normalize_id_number(text) if text[:1].isdigit() else ""
    if len(normalized) == 18:
        return queryset.filter(id_index=pii.blind_index(normalized))
    lowered = text.lower().replace(" ", "")
    return queryset.filter(
        Q(name__contains=text)
        | Q(name_pinyin__startswith=lowered)
        | Q(name_initials__startswith=lowered)
    )


def employment_list(user):
    return Employment.objects.restrict(user).select_related("laborer", "workshop", "position")


def wage_list(user):
    return WageRecord.objects.restrict(user).select_related(
        "employment__laborer", "employment__workshop"
    )


def months_active(employment, year):
    """The months of ``year`` in which the employment was active (up to today)."""
    first = max(month_start(employment.start_date), datetime.date(year, 1, 1))
    last_day = min(employment.end_date or datetime.date.today(), datetime.date(year, 12, 31))
    months, current = set(), first
    while current <= last_day:
        months.add(current.month)
        current = month_end(current) + datetime.timedelta(days=1)
    return months


def work_summary(laborer, year, employments=None):
    """Months worked (distinct calendar months with an active employment) and wages paid in
    ``year``: the two figures every subsidy and recognition rule uses.

    ``employments`` narrows what is counted (a user's scoped view); default: all of them.
    """
    employments = (
        laborer.employments.all() if employments is None else employments.filter(laborer=laborer)
    )
    months = set()
    for employment in employments.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=datetime.date(year, 1, 1)),
        start_date__lte=datetime.date(year, 12, 31),
    ):
        months |= months_active(employment, year)
    income = WageRecord.objects.filter(employment__in=employments, month__year=year).aggregate(
        s=Sum("amount")
    )["s"]
    return {"year": year, "months": len(months), "wage_income": income or 0}


def years_worked(laborer):
    """Calendar years in which the laborer had an employment, newest first."""
    today = datetime.date.today()
    years = set()
    for start, end in laborer.employments.values_list("start_date", "end_date"):
        years.update(range(start.year, (end or today).year + 1))
    return sorted(years, reverse=True)
