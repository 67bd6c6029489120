"""KPI definitions, computed from the registries (see docs/statistics.md).

For a period [start, end] and a region node (everything whose code starts with its prefix):

* ``workshops``: workshops whose status on ``end`` is 已认定 or 监测待处置;
* ``laborers_employed``: distinct laborers of 脱贫户/监测户 households with an employment at
  one of those workshops overlapping the period; ``laborers_on_payroll``: employed on ``end``;
* ``positions``: total headcount of positions at those workshops open at any time in the period;
* breakdowns (gender, age band on ``end``), wages paid, wage months, cumulative months worked,
  workshops by site type / creation mode / industry, workshops recognized and removed in the period.

The region of an employment, position or wage is its workshop's region.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr

from bangfu.core.dates import add_months
from bangfu.labor.models import ASSISTED_CATEGORIES, Employment, WageRecord
from bangfu.regions.models import LEVEL_DIGITS, Region
from bangfu.workshops.models import Position, Status, StatusChange, Workshop

COUNTED_STATUSES = (Status.RECOGNIZED, Status.WATCH)
AGE_BANDS = ((16, 30), (31, 40), (41, 50), (51, 60), (61, 200))
BREAKDOWNS = ("site_type", "creation_mode", "industry")


def counted_workshops(on):
    """Ids of the workshops whose status on ``on`` (the last change on or before it) is counted,
    as a subquery: the database filters, whatever the number of workshops."""
    last = StatusChange.objects.filter(workshop=OuterRef("pk"), on__lte=on).order_by(
        "-on", "-at", "-id"
    )
    return (
        Workshop.objects.annotate(status_on=Subquery(last.values("to_status")[:1]))
        .filter(status_on__in=COUNTED_STATUSES)
        .values("pk")
    )


def _overlapping(queryset, period, start_field, end_field):
    return queryset.filter(**{f"{start_field}__lte": period.end}).filter(
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": period.start})
    )


def compute(period, nodes, full=True):
    """{node code: {metric: value}} for ``period`` (``full=False``: the headline figures only).

    ``nodes`` maps a prefix length to {prefix: region code} (see :func:`node_maps`).
    """
    active = counted_workshops(period.end)
    figures = defaultdict(lambda: defaultdict(float))

    def add(prefix_map, prefix, metric, value):
        code = prefix_map.get(prefix)
        if code is not None and value:
            figures[code][metric] += float(value)

    workshops = Workshop.objects.filter(pk__in=active).values("id", "region_id", *BREAKDOWNS)
    born = StatusChange.objects.filter(on__range=(period.start, period.end))
    recognized = set(
        born.filter(to_status=Status.RECOGNIZED, from_status=Status.APPLYING).values_list(
            "workshop_id", flat=True
        )
    )
    removed = set(born.filter(to_status=Status.REMOVED).values_list("workshop_id", flat=True))
    changed = Workshop.objects.filter(pk__in=recognized | removed).values("id", "region_id")
    employments = _overlapping(
        Employment.objects.filter(
            workshop_id__in=active, laborer__household__category__in=ASSISTED_CATEGORIES
        ),
        period,
        "start_date",
        "end_date",
    )
    on_end = Q(start_date__lte=period.end) & (
        Q(end_date__isnull=True) | Q(end_date__gte=period.end)
    )
    age_filters = {
        f"age_{low}_{high}" if high < 200 else f"age_{low}_plus": Q(
            laborer__birth_date__gt=add_months(period.end, -12 * (high + 1)),
            laborer__birth_date__lte=add_months(period.end, -12 * low),
        )
        for low, high in AGE_BANDS
    }
    positions = _overlapping(
        Position.objects.filter(workshop_id__in=active), period, "posted_on", "closed_on"
    )
    wages = WageRecord.objects.filter(
        month__range=(period.start, period.end),
        employment__workshop_id__in=active,
        employment__laborer__household__category__in=ASSISTED_CATEGORIES,
    )
    worked = _months_worked(employments, period, list(nodes)) if full else {}
    for length, prefix_map in nodes.items():
        for w in workshops:
            prefix = w["region_id"][:length]
            add(prefix_map, prefix, "workshops", 1)
            for field in BREAKDOWNS:
                add(prefix_map, prefix, f"workshops_{field}_{w[field]}", 1)
        for w in changed:
            prefix = w["region_id"][:length]
            add(prefix_map, prefix, "workshops_recognized", w["id"] in recognized)
            add(prefix_map, prefix, "workshops_removed", w["id"] in removed)
        rows = (
            employments.annotate(node=Substr("region_id", 1, length))
            .values("node")
            .annotate(
                laborers_employed=Count("laborer_id", distinct=True),
                laborers_on_payroll=Count("laborer_id", distinct=True, filter=on_end),
                employed_male=Count("laborer_id", distinct=True, filter=Q(laborer__gender="M")),
                employed_female=Count("laborer_id", distinct=True, filter=Q(laborer__gender="F")),
                **{
                    name: Count("laborer_id", distinct=True, filter=q)
                    for name, q in age_filters.items()
                },
            )
        )
        for row in rows:
            node = row.pop("node")
            for metric, value in row.items():
                add(prefix_map, node, metric, value)
        for row in (
            positions.annotate(node=Substr("region_id", 1, length))
            .values("node")
            .annotate(n=Sum("headcount"))
        ):
            add(prefix_map, row["node"], "positions", row["n"])
        if not full:
            continue
        for row in (
            wages.annotate(node=Substr("region_id", 1, length))
            .values("node")
            .annotate(paid=Sum("amount"), months=Count("id"))
        ):
            add(prefix_map, row["node"], "wage_paid", row["paid"])
            add(prefix_map, row["node"], "wage_months", row["months"])
        if full:
            for prefix, months in worked[length].items():
                add(prefix_map, prefix, "months_worked", months)
    for metrics in figures.values():
        metrics["avg_monthly_wage"] = (
            round(metrics["wage_paid"] / metrics["wage_months"], 2)
            if metrics.get("wage_months")
            else 0
        )
    return figures


def _months_worked(employments, period, lengths):
    """{length: {prefix: months}}: per node, the sum over laborers of the distinct calendar
    months (up to today) with an employment in the node. One pass; months as bit masks."""
    today = datetime.date.today()
    first = period.start.year * 12 + period.start.month - 1
    masks = defaultdict(int)
    rows = employments.values_list("laborer_id", "region_id", "start_date", "end_date")
    for laborer, region, start, end in rows.iterator(chunk_size=10_000):
        last_day = min(end or today, period.end)
        low = max(start.year * 12 + start.month - 1, first) - first
        high = last_day.year * 12 + last_day.month - 1 - first
        if high < low:
            continue
        mask = ((1 << (high - low + 1)) - 1) << low
        for length in lengths:
            masks[(length, region[:length], laborer)] |= mask
    totals = defaultdict(lambda: defaultdict(int))
    for (length, prefix, _laborer), mask in masks.items():
        totals[length][prefix] += mask.bit_count()
    return totals


def node_maps():
    """{prefix length: {prefix: region code}} for every region node in the database."""
    maps = defaultdict(dict)
    for code, level in Region.objects.values_list("code", "level"):
        length = LEVEL_DIGITS[level]
        maps[length][code[:length]] = code
    return dict(maps)
