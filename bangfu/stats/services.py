"""Keeping the summary tables current: rebuild years, mark years dirty, the refresh job."""

import datetime
from decimal import Decimal

from django.db import transaction
from django_tasks import task

from . import kpis
from .models import DirtyYear, Figure
from .periods import periods_of_year

FIRST_YEAR = 2018  # the program's first workshops; nothing is counted before


@transaction.atomic
def rebuild_year(year):
    """Recompute every figure of ``year`` (the year, its quarters, its months)."""
    nodes = kpis.node_maps()
    periods = periods_of_year(year)
    Figure.objects.filter(period__in=[p.key for p in periods]).delete()
    rows = [
        Figure(
            period=period.key, region_id=code, metric=metric, value=Decimal(str(round(value, 2)))
        )
        for period in periods
        for code, metrics in kpis.compute(period, nodes, full=period.kind != "month").items()
        for metric, value in metrics.items()
    ]
    Figure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def data_years():
    """Years from the first recorded activity to this year."""
    from bangfu.labor.models import Employment
    from bangfu.workshops.models import StatusChange

    first = [
        d.year
        for d in (
            StatusChange.objects.order_by("on").values_list("on", flat=True).first(),
            Employment.objects.order_by("start_date").values_list("start_date", flat=True).first(),
        )
        if d
    ]
    start = max(FIRST_YEAR, min(first)) if first else datetime.date.today().year
    return list(range(start, datetime.date.today().year + 1))


def rebuild_all():
    return {year: rebuild_year(year) for year in data_years()}


def mark_dirty(since):
    """Registries changed on or after ``since``: its year to this year need recomputing.

    The refresh job runs after the surrounding transaction commits.
    """
    this_year = datetime.date.today().year
    for year in range(max(since.year, FIRST_YEAR), this_year + 1):
        DirtyYear.objects.update_or_create(year=year)
    transaction.on_commit(refresh_dirty.enqueue)


@task()
def refresh_dirty():
    """Recompute the years marked dirty; concurrent runs find nothing left to do."""
    done = []
    for year in DirtyYear.objects.order_by("year").values_list("year", flat=True):
        with transaction.atomic():
            if DirtyYear.objects.filter(year=year).delete()[0]:
                rebuild_year(year)
                done.append(year)
    return done
