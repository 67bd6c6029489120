"""Dashboard (home page), leader big screen, report table, chart data downloads."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core.exports import xlsx_response
from bangfu.workshops.models import CreationMode, Industry, SiteType, Status, Workshop

from . import reports, selectors
from .periods import parse

WATCH_LIST_SIZE = 10  # the rest is one click away in the workshop list
CHOICES = {"site_type": SiteType, "creation_mode": CreationMode, "industry": Industry}


def _context(request):
    """Period and region from the query string, checked against the user's scope."""
    if not request.user.has_perm("stats.view_figure"):
        raise PermissionDenied
    default_year = str(datetime.date.today().year - 1)
    try:
        period = parse(request.GET.get("year") or default_year)
    except ValueError:
        period = parse(default_year)
    code = request.GET.get("region")
    region = (
        selectors.visible_region(request.user, code)
        if code
        else selectors.default_region(request.user)
    )
    if region is None or not selectors.visible_region(request.user, region.code):
        raise Http404
    return period, region


def dashboard_data(user, period, region):
    """Everything the dashboard and the big screen draw, with translated labels."""
    summary = selectors.summary(user, period.key, region)
    rows, _total = selectors.by_child_region(user, period.key, region)
    breakdowns = {
        field: [
            {"name": str(choices(value).label), "value": count}
            for value, count in sorted(
                selectors.breakdown(user, period.key, region, field).items(), key=lambda kv: -kv[1]
            )
        ]
        for field, choices in CHOICES.items()
    }
    trend = selectors.monthly_trend(user, period.year, region)
    return {
        "period": period.key,
        "region": {"code": region.code, "name": region.name},
        "summary": summary,
        "by_region": [
            {
                "name": r["name"],
                "code": r["region"],
                "laborers_employed": r["laborers_employed"],
                "workshops": r["workshops"],
                "positions": r["positions"],
            }
            for r in rows
        ],
        "breakdowns": breakdowns,
        "trend": [
            {"month": m, "employed": e, "on_payroll": p, "positions": pos} for m, e, p, pos in trend
        ],
        "labels": {
            "employed": _("Laborers employed"),
            "on_payroll": _("On payroll"),
            "positions": _("Positions"),
            "workshops": _("Workshops"),
            "site_type": _("By site type"),
            "creation_mode": _("By creation mode"),
            "industry": _("Top industries"),
            "by_region": _("Employed by region"),
            "trend": _("Monthly trend"),
            "save": _("Save as PNG"),
        },
    }


def dashboard(request):
    """The home page: KPI cards, charts and the workshops under watch, for the user's scope."""
    if not request.user.has_perm("stats.view_figure"):
        return render(request, "core/home.html")
    period, region = _context(request)
    data = dashboard_data(request.user, period, region)
    watch = Workshop.objects.restrict(request.user).filter(
        status=Status.WATCH, region__code__startswith=region.scope_prefix
    )
    return render(
        request,
        "stats/dashboard.html",
        {
            "title": _("Dashboard"),
            "data": data,
            "period": period,
            "region": region,
            "summary": data["summary"],
            "watch": watch.select_related("region").order_by("grace_until", "pk")[:WATCH_LIST_SIZE],
            "watch_more": max(0, watch.count() - WATCH_LIST_SIZE),
            "regions": selectors.pickable_regions(request.user),
            "years": selectors.years(request.user),
        },
    )


def screen(request):
    """The leader big screen: the same figures, large, refreshing itself."""
    period, region = _context(request)
    data = dashboard_data(request.user, period, region)
    return render(
        request,
        "stats/screen.html",
        {
            "data": data,
            "summary": data["summary"],
            "period": period,
            "region": region,
            "now": timezone.localtime(),
            "refresh_seconds": 300,
        },
    )


def report(request):
    """就业帮扶车间基本情况统计表: child regions × figures with totals, printable or as xlsx."""
    period, region = _context(request)
    table = reports.basic_table(request.user, period, region)
    if request.GET.get("format") == "xlsx":
        return reports.basic_table_xlsx(table)
    return render(
        request,
        "stats/report.html",
        {
            "title": table["title"],
            "table": table,
            "period": period,
            "region": region,
            "rows": list(zip(table["names"], table["rows"], strict=True)),
            "regions": selectors.pickable_regions(request.user),
            "years": selectors.years(request.user),
        },
    )


def chart_data(request, chart):
    """The data behind one dashboard chart, as xlsx."""
    period, region = _context(request)
    data = dashboard_data(request.user, period, region)
    labels = data["labels"]
    if chart == "by_region":
        header = [_("Region"), labels["employed"], labels["workshops"], labels["positions"]]
        rows = [
            [r["name"], r["laborers_employed"], r["workshops"], r["positions"]]
            for r in data["by_region"]
        ]
    elif chart == "trend":
        header = [_("Month"), labels["employed"], labels["on_payroll"], labels["positions"]]
        rows = [[t["month"], t["employed"], t["on_payroll"], t["positions"]] for t in data["trend"]]
    elif chart in CHOICES:
        header = [labels[chart], labels["workshops"]]
        rows = [[b["name"], b["value"]] for b in data["breakdowns"][chart]]
    else:
        raise Http404
    return xlsx_response(f"{region.name} {period.key}", header, rows, f"{chart}-{period.key}")
