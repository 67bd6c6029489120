"""Reads of the summary figures (always scoped): one small indexed query per view."""

from collections import defaultdict

from bangfu.regions.models import Region

from .models import Figure
from .periods import parse

SUMMARY_KEYS = ("workshops", "laborers_employed", "laborers_on_payroll", "positions")


def default_region(user):
    """The node a user's dashboard opens on: their scope (superusers: the first root)."""
    if user.region_id:
        return user.region
    return Region.objects.filter(parent__isnull=True).order_by("code").first()


def visible_region(user, code):
    """The region ``code`` if the user may see its figures, else None."""
    return Region.objects.restrict(user).filter(code=code).first()


def figures(user, period_key, region):
    """{metric: value} of one node and period, through ``restrict``."""
    rows = (
        Figure.objects.restrict(user)
        .filter(period=period_key, region=region)
        .values_list("metric", "value")
    )
    return dict(rows)


def summary(user, period_key, region):
    """The headline figures with the change on the previous period of the same kind."""
    period = parse(period_key)
    current = figures(user, period.key, region)
    previous = figures(user, period.previous().key, region)
    result = {"year": period.key, "region": region.code, "region_name": region.name}
    for key in SUMMARY_KEYS:
        result[key] = int(current.get(key, 0))
    result["positions_prev"] = int(previous.get("positions", 0))
    result["positions_change"] = result["positions"] - result["positions_prev"]
    for key in ("workshops", "laborers_employed", "laborers_on_payroll"):
        result[f"{key}_prev"] = int(previous.get(key, 0))
    extra = {k: v for k, v in current.items() if k not in SUMMARY_KEYS}
    result["details"] = {k: float(v) for k, v in sorted(extra.items())}
    return result


def by_child_region(user, period_key, region):
    """One row of headline figures per child region in scope (and a total row of the parent)."""
    period = parse(period_key)
    children = list(Region.objects.restrict(user).filter(parent=region).order_by("code"))
    prev = dict(
        Figure.objects.restrict(user)
        .filter(period=period.previous().key, region__in=children + [region], metric="positions")
        .values_list("region_id", "value")
    )
    current = {
        (code, metric): value
        for code, metric, value in Figure.objects.restrict(user)
        .filter(period=period.key, region__in=children + [region])
        .values_list("region_id", "metric", "value")
    }

    def row(node):
        get = lambda m: current.get((node.code, m), 0)  # noqa: E731
        positions = int(get("positions"))
        return {
            "region": node.code,
            "name": node.name,
            **{k: int(get(k)) for k in SUMMARY_KEYS},
            "positions_prev": int(prev.get(node.code, 0)),
            "positions_change": positions - int(prev.get(node.code, 0)),
            "employed_female": int(get("employed_female")),
            "workshops_recognized": int(get("workshops_recognized")),
            "workshops_removed": int(get("workshops_removed")),
            "wage_paid": float(get("wage_paid")),
            "avg_monthly_wage": float(get("avg_monthly_wage")),
        }

    return [row(child) for child in children], row(region)


def breakdown(user, period_key, region, field):
    """Workshops by ``site_type``, ``creation_mode`` or ``industry``: {value: count}."""
    prefix = f"workshops_{field}_"
    return {
        metric[len(prefix) :]: int(value)
        for metric, value in figures(user, period_key, region).items()
        if metric.startswith(prefix) and value
    }


def monthly_trend(user, year, region):
    """Employed and positions per month of ``year``: [(month key, employed, positions)]."""
    keys = [f"{year}-{m:02d}" for m in range(1, 13)]
    values = defaultdict(dict)
    for period, metric, value in (
        Figure.objects.restrict(user)
        .filter(
            period__in=keys,
            region=region,
            metric__in=["laborers_employed", "laborers_on_payroll", "positions"],
        )
        .values_list("period", "metric", "value")
    ):
        values[period][metric] = int(value)
    return [
        (
            k,
            values[k].get("laborers_employed", 0),
            values[k].get("laborers_on_payroll", 0),
            values[k].get("positions", 0),
        )
        for k in keys
    ]


def pickable_regions(user):
    """Regions offered in the region picker: the user's scope and the level below."""
    root = default_region(user)
    if root is None:
        return []
    return [root, *Region.objects.restrict(user).filter(parent=root).order_by("code")]


def years(user):
    """Years that have figures in the user's scope, newest first."""
    figures = Figure.objects.restrict(user).filter(metric="workshops")
    keys = figures.values_list("period", flat=True).distinct()
    return sorted((k for k in keys if len(k) == 4), reverse=True)
