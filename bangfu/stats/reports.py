"""The standard report table 就业帮扶车间基本情况统计表, as data and as a formatted xlsx."""

import io

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors

COLUMNS = (
    ("workshops", gettext_lazy("Workshops")),
    ("workshops_recognized", gettext_lazy("Newly recognized")),
    ("workshops_removed", gettext_lazy("Removed")),
    ("laborers_employed", gettext_lazy("Laborers employed")),
    ("laborers_on_payroll", gettext_lazy("On payroll at period end")),
    ("employed_female", gettext_lazy("Of whom women")),
    ("positions", gettext_lazy("Positions")),
    ("positions_prev", gettext_lazy("Positions, previous period")),
    ("positions_change", gettext_lazy("Change in positions")),
    ("wage_paid", gettext_lazy("Wages paid (yuan)")),
    ("avg_monthly_wage", gettext_lazy("Average monthly wage (yuan)")),
)


def basic_table(user, period, region):
    """Rows: child regions in scope; columns: the report figures; total: the region itself.

    The total is the region's own figure, not the sum of the rows: a laborer who worked in two
    townships counts once in each township and once in the district.
    """
    rows, total = selectors.by_child_region(user, period.key, region)
    return {
        "title": _("Basic statistics of employment-assistance workshops"),
        # the region's name before it, as a heading: 赫山区就业帮扶车间基本情况统计表
        "heading": _("%(region)s: basic statistics of employment-assistance workshops")
        % {"region": region.name},
        "region": region,
        "period": period,
        "columns": COLUMNS,
        "rows": [[row[key] for key, _label in COLUMNS] for row in rows],
        "names": [row["name"] for row in rows],
        "total": [total[key] for key, _label in COLUMNS],
        "generated": timezone.localtime(),
    }


def basic_table_xlsx(table):
    """Formatted for sending upward: title, unit, period, date, frozen header, totals row."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Statistics"))
    width = len(table["columns"]) + 1
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    note = book.add_format({"font_size": 10})
    head = book.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#DDEBF7",
        }
    )
    cell = book.add_format({"border": 1})
    money = book.add_format({"border": 1, "num_format": "#,##0.00"})
    total = book.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2"})
    total_money = book.add_format(
        {"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0.00"}
    )
    sheet.merge_range(0, 0, 0, width - 1, table["heading"], title)
    sheet.set_row(0, 30)
    sheet.write_string(1, 0, _("Period: %(period)s") % {"period": table["period"].key}, note)
    sheet.write_string(1, 3, _("Unit: workshops, persons, positions, yuan"), note)
    sheet.write_string(
        1, width - 3, _("Date: %(date)s") % {"date": f"{table['generated']:%Y-%m-%d}"}, note
    )
    sheet.write_string(2, 0, _("Region"), head)
    for col, (_key, label) in enumerate(table["columns"], start=1):
        sheet.write_string(2, col, str(label), head)
        sheet.set_column(col, col, 14)
    sheet.set_column(0, 0, 18)
    sheet.set_row(2, 36)
    money_keys = {"wage_paid", "avg_monthly_wage"}
    for index, (name, values) in enumerate(
        zip(table["names"], table["rows"], strict=True), start=3
    ):
        sheet.write_string(index, 0, name, cell)
        for col, ((key, _label), value) in enumerate(
            zip(table["columns"], values, strict=True), start=1
        ):
            sheet.write_number(index, col, value, money if key in money_keys else cell)
    last = 3 + len(table["rows"])
    sheet.write_string(last, 0, _("Total"), total)
    for col, ((key, _label), value) in enumerate(
        zip(table["columns"], table["total"], strict=True), start=1
    ):
        sheet.write_number(last, col, value, total_money if key in money_keys else total)
    sheet.write_string(
        last + 1,
        0,
        _("The total counts each laborer once, even if employed in several regions."),
        note,
    )
    sheet.freeze_panes(3, 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="workshop-statistics-{table["region"].code}-'
        f'{table["period"].key}.xlsx"'
    )
    return response
