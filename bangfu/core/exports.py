"""xlsx export of list views: the current filtered, sorted view, scoped like the page.

Cells are written as text, numbers or dates, never formulas, and text starting with
``= + - @`` is prefixed with ``'`` so a spreadsheet never evaluates it (formula injection).

Up to ``BANGFU_EXPORT_SYNC_ROWS`` rows download at once; larger views become an export job of
the ledgers module (written in the background), up to ``BANGFU_EXPORT_MAX_ROWS`` rows.
"""

import datetime
import decimal
import io
import re

import django_tables2 as tables
import xlsxwriter
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, DateField, DateTimeField, Model, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tables2 import A
from django_tables2.utils import signature

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000  # rows read from the database at a time
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def sync_rows():
    """Exports of at most this many rows download directly; larger ones run as a job."""
    return settings.BANGFU_EXPORT_SYNC_ROWS


def max_rows():
    """No export (even in the background) holds more rows than this."""
    return settings.BANGFU_EXPORT_MAX_ROWS


def table_values(table, chunk_size=CHUNK_ROWS):
    """What ``table.as_values()`` gives (header first, then one list per row), reading the
    table's filtered and already ordered queryset in chunks instead of caching every row, so a
    large export runs in constant memory. The table is spent afterwards (its rows iterate once).

    Each cell goes through django-tables2's own accessor and ``value``/``value_<name>``/
    ``render_<name>`` resolution (``BoundRow._get_and_render_with``), but which arguments each
    column's value function takes is worked out once per column, not once per cell as
    ``as_values`` does (``inspect.signature``, about half of its time on large exports), and
    the labels of a column showing a model field with choices are translated once, not once
    per cell as ``get_FOO_display`` does (hashing every lazy label: a third of the time).
    """
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    # headers first: verbose names come from the queryset's model, which an iterator hides
    header = [force_str(column.header, strings_only=True) for column in columns]
    data = table.data
    callers = {column.name: _value_caller(column.value) for column in columns}
    choices = {column.name: _choice_labels(data.model, column) for column in columns}
    if isinstance(getattr(data, "data", None), QuerySet):
        data.data = data.data.iterator(chunk_size=chunk_size)  # (which hides the model)

    def value(row, column):
        def call(bound_column, value=None):
            return callers[bound_column.name](
                value=value,
                record=row.record,
                column=bound_column.column,
                bound_column=bound_column,
                bound_row=row,
                table=table,
            )

        if choices[column.name]:  # what _get_and_render_with does for such a field
            accessor, attname, labels = choices[column.name]
            holder, _name = accessor.penultimate(row.record)
            if isinstance(holder, Model):
                stored = getattr(holder, attname)
                shown = labels.get(stored, stored)
                return None if shown in column.column.empty_values else call(column, shown)
        return row._get_and_render_with(column, render_func=call, default=None)

    yield header
    for row in table.rows:
        yield [force_str(value(row, column), strings_only=True) for column in columns]


def export_values(table):
    """:func:`table_values` as a spreadsheet wants them (``write_xlsx`` writes numbers and
    dates as such): the dates and times of date and date-time fields as such (times in local
    time), yes or no for true and false, and an empty cell where the page shows the table's
    “—”."""
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    model = getattr(table.data, "model", None)  # before table_values hides it
    converters = [_converter(model, column, table.default) for column in columns]
    rows = table_values(table)
    yield next(rows)
    for row in rows:
        yield [convert(value) for convert, value in zip(converters, row, strict=True)]


def _converter(model, bound_column, empty):
    """The function turning a value of ``bound_column`` into what its cell holds."""
    try:
        field = A(bound_column.accessor).get_field(model) if model else None
    except FieldDoesNotExist:
        field = None
    if isinstance(bound_column.column, tables.BooleanColumn) or isinstance(field, BooleanField):
        labels = {True: _("Yes"), "True": _("Yes"), False: _("No"), "False": _("No")}
        return lambda value: labels.get(value, None if value == empty else value)
    if isinstance(field, DateTimeField):  # django-tables2 gives isoformat(sep=" ") text
        parse, pattern = datetime.datetime.fromisoformat, ISO_DATETIME
    elif isinstance(field, DateField):
        parse, pattern = datetime.date.fromisoformat, ISO_DATE
    else:
        return lambda value: None if value == empty else value
    return lambda value: (
        parse(value)
        if isinstance(value, str) and pattern.fullmatch(value)
        else (None if value == empty else value)
    )


def _choice_labels(model, bound_column):
    """(accessor, attribute name, {stored value: label}) of a column showing a model field
    with choices, labels as ``get_FOO_display`` gives them in the current language; None for
    other columns."""
    accessor = A(bound_column.accessor)
    try:
        field = accessor.get_field(model) if model else None
    except FieldDoesNotExist:
        return None
    if not getattr(field, "choices", None) or field.is_relation:
        return None
    labels = {value: force_str(label, strings_only=True) for value, label in field.flatchoices}
    return accessor, field.attname, labels


def _value_caller(function):
    """``function`` called with the cell arguments it declares — what django-tables2's
    ``call_with_appropriate`` does, with the signature read once. A plain column's ``value``
    only hands its arguments on to its ``render`` that way: called directly."""
    if getattr(function, "__func__", None) is tables.Column.value:
        return _value_caller(function.__self__.render)
    names, catch_all = signature(function)
    if catch_all:
        return function

    def call(**arguments):
        if any(name not in arguments for name in names):
            return None
        return function(**{name: arguments[name] for name in names})

    return call


def export_filename(stem):
    """``<stem>-<yyyymmdd-hhmm>.xlsx`` (the name of every list export; ``stem`` in the user's
    language: 劳动力-20261126-1430.xlsx)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{slugify(str(stem), allow_unicode=True) or 'export'}-{stamp}.xlsx"


def safe_cell(value):
    """Neutralize text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_xlsx(target, title, header, rows, *, text_columns=()):
    """Write one sheet (bold frozen header) to a path or a binary buffer, row by row in
    constant memory (xlsxwriter ``constant_memory``); returns the number of data rows. The
    ``text_columns`` (indexes) are formatted as text: what is typed in them stays text."""
    in_memory = not isinstance(target, str | bytes) and not hasattr(target, "__fspath__")
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": in_memory})
    sheet = workbook.add_worksheet(re.sub(r"[\[\]:*?/\\]", "", str(title))[:31] or "Sheet1")
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    as_time = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    formats = [as_text if col in text_columns else None for col in range(len(header))]
    for col, text in enumerate(header):
        sheet.write_string(0, col, str(text), bold)
        sheet.set_column(col, col, max(10, min(40, len(str(text)) * 2 + 4)), formats[col])
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            value = safe_cell(value)
            cell_format = formats[col] if col < len(formats) else None
            if value is None or value == "":
                sheet.write_blank(count, col, None, cell_format)  # an empty cell, not ""
            elif isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
                sheet.write_number(count, col, value, cell_format)
            elif isinstance(value, datetime.datetime):  # local time: Excel has no time zones
                naive = timezone.localtime(value) if timezone.is_aware(value) else value
                sheet.write_datetime(count, col, naive.replace(tzinfo=None), as_time)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(count, col, value, as_date)
            else:
                sheet.write_string(count, col, str(value), cell_format)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return count


def xlsx_response(title, header, rows, filename):
    """An xlsx download of ``rows`` under ``header``."""
    buffer = io.BytesIO()
    write_xlsx(buffer, title, header, rows)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, export_filename(filename))
    return response
