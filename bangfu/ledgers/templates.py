"""Ledger templates: Chinese headers, a notes sheet, drop-down lists, text-formatted ID columns."""

import io

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

MAX_TEMPLATE_ROWS = 10_000  # rows that carry the drop-down lists and text format


def write_template(columns):
    """The template workbook for ``columns`` as bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("Ledger"))
    notes = book.add_worksheet(_("Notes"))
    lists = book.add_worksheet("lists")
    lists.hide()
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = book.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True}
    )
    as_text = book.add_format({"num_format": "@"})
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.header, required if column.required else head)
        sheet.set_column(
            col, col, 22 if column.text_format else 14, as_text if column.text_format else None
        )
        if column.choices:
            labels = [label for _value, label in column.choices]
            lists.write_column(0, col, labels)
            letter = xl_col_to_name(col)
            ref = f"=lists!${letter}$1:${letter}${len(labels)}"
            sheet.data_validation(
                1,
                col,
                MAX_TEMPLATE_ROWS,
                col,
                {
                    "validate": "list",
                    "source": ref,
                    "error_title": column.header,
                    "error_message": _("Choose a value from the list."),
                },
            )
    sheet.freeze_panes(1, 0)
    notes.write_row(
        0,
        0,
        [
            _("Column"),
            _("Required?"),
            _("How to fill it in"),
            _("Allowed values"),
            _("Also accepted as header"),
        ],
        head,
    )
    for row, column in enumerate(columns, start=1):
        notes.write_row(
            row,
            0,
            [
                column.header,
                _("yes") if column.required else "",
                str(column.note),
                "、".join(label for _value, label in column.choices),
                "、".join(column.aliases),
            ],
        )
    notes.set_column(0, 0, 18)
    notes.set_column(2, 4, 45)
    book.close()
    return buffer.getvalue()
