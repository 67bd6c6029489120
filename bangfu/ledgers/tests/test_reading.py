"""Reading messy real-world ledgers: each case normalized or refused with a clear message."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bangfu.ledgers import cleaning
from bangfu.ledgers.columns import LABORERS
from bangfu.ledgers.reader import LedgerFileError, read
from bangfu.ledgers.templates import write_template


def workbook_bytes(rows, *, merge=None, text_columns=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = [
    "所在村",
    "户主",
    "户类别",
    "姓名",
    "身份证号码",
    "手机号",
    "劳动能力",
    "就业状态",
    "备注栏",
]


def test_title_rows_merged_cells_aliases_unknown_columns_blank_and_total_rows():
    data = workbook_bytes(
        [
            ["赫山区沧水铺镇脱贫劳动力花名册"],
            ["填报单位：沧水铺镇", None, None, "日期：2023年5月1日"],
            HEADER,
            [
                "向阳村",
                "张三",
                "脱贫户（继续享受政策）",
                "张三",
                "11010519491231002x",
                "138 0000 0001",
                "全劳动力",
                "返乡未就业",
                "x",
            ],
            [None, None, None, None, None, None, None, None, None],
            [None, None, None, None, None, None, None, None, "注：仅一列有字"],  # blank: unknown
            ["合计：", None, None, "1人"],
            ["填表人：王五", None, None, "审核人：赵六", None, "填表日期：2023年5月1日"],
        ],
        merge="A1:I1",
    )
    table = read(data, "花名册.xlsx", LABORERS)
    assert table.header_row == 3
    assert table.headers[0] == ("village", "所在村") and table.headers[-1] == ("~8", "备注栏")
    assert [number for number, _row in table.rows] == [4]
    assert table.rows[0][1].get("~8") == "x"  # kept for the error workbook
    row = table.rows[0][1]
    assert row.get("village") == "向阳村" and row.get("id_number") == "11010519491231002x"


def test_long_sheets_keep_row_numbers_values_and_types_across_blocks(settings, monkeypatch):
    from bangfu.ledgers import reader

    monkeypatch.setattr(reader, "BLOCK", 3)  # 8 data rows: blocks of 3 rows
    body = [
        ["向阳村", f"户{n}", "脱贫户", f"人{n}", str(n), 1380000 + n, "全劳动力", 1]
        for n in range(8)
    ]
    body[0][7], body[1][7] = "1", True  # text "1", a boolean and numbers: kept as they are
    body[4] = [None] * 8  # a blank row in the second block
    data = workbook_bytes([HEADER[:8], *body, ["合计"]])
    table = read(data, "花名册.xlsx", LABORERS)
    assert [number for number, _row in table.rows] == [2, 3, 4, 5, 7, 8, 9]
    rows = [row for _number, row in table.rows]
    assert [row.get("name") for row in rows] == ["人0", "人1", "人2", "人3", "人5", "人6", "人7"]
    assert [type(row.get("work_status")) for row in rows[:3]] == [str, bool, float]
    assert rows[0].get("village") is rows[6].get("village")  # one copy of a repeated text
    settings.BANGFU_LEDGER_MAX_ROWS = 6
    with pytest.raises(LedgerFileError):
        read(data, "花名册.xlsx", LABORERS)


def large_messy_ledger():
    """Bytes of a ledger with a title over merged cells, gaps of empty rows, rows without
    their first column, numbers, dates, a total row and a second sheet (the notes)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["赫山区脱贫劳动力花名册"])
    sheet.merge_cells("A1:I1")
    sheet.append(HEADER)
    for n in range(80):
        if n % 13 == 4:
            sheet.append([])  # an empty row: no <row> element at all
        village = None if 30 <= n < 45 else "向阳村"  # parts that start in column B
        status = datetime.datetime(2023, 5, n % 28 + 1) if n % 7 == 0 else f"状态{n}"
        sheet.append([village, f"户{n // 3}", "脱贫户", f"人{n}", str(n), 13800000000 + n])
        sheet.cell(sheet.max_row, 8, status)  # after an empty cell
    sheet.append(["合计", None, None, "80人"])
    book.create_sheet("填表说明").append(["说明", "每行一人"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(table):
    return [(number, tuple(row)) for number, row in table.rows]


def test_a_large_sheet_read_in_parts_gives_exactly_the_rows_read_whole(monkeypatch):
    from bangfu.ledgers import reader, sheets

    data = large_messy_ledger()
    whole = read(data, "花名册.xlsx", LABORERS)
    parsed, parse, read_whole, reread = [], sheets._parse, [], reader._whole
    monkeypatch.setattr(sheets, "PART_BYTES", 700)  # a few rows per part
    monkeypatch.setattr(sheets, "READ_BYTES", 256)
    monkeypatch.setattr(sheets, "_parse", lambda book: parsed.append(1) or parse(book))
    monkeypatch.setattr(reader, "_whole", lambda *args: read_whole.append(1) or reread(*args))
    table = read(data, "花名册.xlsx", LABORERS)
    assert len(parsed) > 10 and not read_whole  # really read in parts, none of them whole
    assert (table.header_row, table.headers, _rows(table)) == (
        whole.header_row,
        whole.headers,
        _rows(whole),
    )
    assert len(table.rows) == 80 and table.rows[-1][0] == 2 + 80 + 6  # 6 empty rows on the way
    assert table.rows[0][1].get("work_status") == datetime.date(2023, 5, 1)


def _rewritten(data, change):
    """``data`` (an .xlsx) with ``change`` applied to its first sheet's XML."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return buffer.getvalue()


def test_a_sheet_that_cannot_be_cut_is_read_whole_and_a_broken_one_refused(monkeypatch):
    import re

    from bangfu.ledgers import reader, sheets

    data = large_messy_ledger()
    whole = _rows(read(data, "花名册.xlsx", LABORERS))
    monkeypatch.setattr(sheets, "PART_BYTES", 700)
    monkeypatch.setattr(sheets, "READ_BYTES", 256)
    read_whole, reread = [], reader._whole
    monkeypatch.setattr(reader, "_whole", lambda *args: read_whole.append(1) or reread(*args))
    unnumbered = _rewritten(data, lambda xml: re.sub(rb'<row r="\d+"', b"<row", xml))
    assert _rows(read(unnumbered, "花名册.xlsx", LABORERS)) == whole
    assert read_whole == [1]

    def broken_in_the_middle(xml):
        middle = xml.index(b"</c>", len(xml) // 2)
        return xml[:middle] + b"</x>" + xml[middle + 4 :]

    broken = _rewritten(data, broken_in_the_middle)
    with translation.override("en"), pytest.raises(LedgerFileError, match="cannot be read"):
        read(broken, "花名册.xlsx", LABORERS)

    def row_five_last(xml):  # rows handed out already cannot be taken back: refused
        start = xml.index(b'<row r="5"')
        end = xml.index(b"</row>", start) + len(b"</row>")
        rest = xml[:start] + xml[end:]
        close = rest.index(b"</sheetData>")
        return rest[:close] + xml[start:end] + rest[close:]

    with translation.override("en"), pytest.raises(LedgerFileError, match="out of order"):
        read(_rewritten(data, row_five_last), "花名册.xlsx", LABORERS)


def test_shared_strings_are_read_in_parts_unless_they_are_large(monkeypatch):
    """Excel and WPS keep texts in one shared table, which every part would parse again."""
    import xlsxwriter

    from bangfu.ledgers import sheets

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)  # shared strings (not constant_memory)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER[:8])
    for n in range(60):
        sheet.write_row(n + 1, 0, ["向阳村", f"户{n}", "脱贫户", f"人{n}", str(n), "", "全劳动力"])
    book.close()
    data = buffer.getvalue()
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    whole = _rows(read(data, "花名册.xlsx", LABORERS))
    parsed, parse = [], sheets._parse
    monkeypatch.setattr(sheets, "_parse", lambda book: parsed.append(1) or parse(book))
    monkeypatch.setattr(sheets, "PART_BYTES", 700)
    monkeypatch.setattr(sheets, "READ_BYTES", 256)
    assert _rows(read(data, "花名册.xlsx", LABORERS)) == whole and len(parsed) > 3
    parsed.clear()
    monkeypatch.setattr(sheets, "SHARED_STRINGS_BYTES", 10)
    assert _rows(read(data, "花名册.xlsx", LABORERS)) == whole and not parsed  # one piece


def test_rows_are_streamed_and_a_problem_further_down_is_raised_while_they_are(
    settings, monkeypatch
):
    from bangfu.ledgers import reader

    monkeypatch.setattr(reader, "BLOCK", 3)
    settings.BANGFU_LEDGER_MAX_ROWS = 5
    body = [
        ["向阳村", f"户{n}", "脱贫户", f"人{n}", str(n), "", "全劳动力", "务农"] for n in range(8)
    ]
    data = workbook_bytes([HEADER[:8], *body])
    table = reader.open_table(data, "花名册.xlsx", LABORERS)  # the header only
    rows = table.stream()
    assert next(rows)[1].get("name") == "人0"  # handed out before the rest is read
    with pytest.raises(LedgerFileError, match="5"):
        list(rows)
    settings.BANGFU_LEDGER_MAX_ROWS = 8
    table = reader.open_table(data, "花名册.xlsx", LABORERS)
    assert [number for number, _row in table.stream()] == list(range(2, 10))
    assert table.count == 8 and table.rows is None  # none of them kept


def test_formulas_give_their_cached_values_and_csv_is_read_in_gb18030():
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(
        [
            "向阳村",
            "李四",
            "一般户",
            "李四",
            "360426199101010071",
            '="1380000"&"0002"',
            "全劳动力",
            "务农",
        ]
    )
    buffer = io.BytesIO()
    book.save(
        buffer
    )  # openpyxl writes no cached value: calamine reads the formula's value as empty
    table = read(buffer.getvalue(), "a.xlsx", LABORERS)
    assert table.rows[0][1].get("name") == "李四"
    csv_bytes = (
        ",".join(HEADER)
        + "\n"
        + "向阳村,王五,一般户,王五,360426199101010071,13800000003,全劳动力,务农\n"
    ).encode("gb18030")
    assert read(csv_bytes, "a.csv", LABORERS).rows[0][1].get("name") == "王五"


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.xlsx", "empty"),
        (b"%PDF-1.4 not a sheet", "a.xlsx", "not a spreadsheet"),
        (b"PK\x03\x04garbage", "a.xlsx", "damaged"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "secret.xlsx", "password"),
        (_zip({"word/document.xml": b"<w:document/>"}), "renamed.xlsx", "not a spreadsheet"),
    ],
)
def test_unusable_files_are_refused_clearly(data, filename, message, settings):
    settings.LANGUAGE_CODE = "en"

    with translation.override("en"), pytest.raises(LedgerFileError) as info:
        read(data, filename, LABORERS)
    assert message in str(info.value).lower()


def test_zip_bomb_and_size_limits(settings):

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 1024 * 1024))
    with translation.override("en"), pytest.raises(LedgerFileError, match="implausible"):
        read(buffer.getvalue(), "bomb.xlsx", LABORERS)
    settings.BANGFU_LEDGER_MAX_BYTES = 10
    with translation.override("en"), pytest.raises(LedgerFileError, match="larger"):
        read(b"0123456789ab", "big.csv", LABORERS)


def test_missing_header_and_missing_required_columns():

    with translation.override("en"), pytest.raises(LedgerFileError, match="No header row"):
        read(workbook_bytes([["a", "b"], [1, 2]]), "a.xlsx", LABORERS)
    with translation.override("en"), pytest.raises(LedgerFileError, match="Required columns"):
        read(
            workbook_bytes([["姓名", "身份证号", "户主姓名"], ["a", "b", "c"]]), "a.xlsx", LABORERS
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45047, datetime.date(2023, 5, 1)),  # Excel serial
        (45047.0, datetime.date(2023, 5, 1)),
        ("2023-05-01", datetime.date(2023, 5, 1)),
        ("2023/5/1", datetime.date(2023, 5, 1)),
        ("2023.05.01", datetime.date(2023, 5, 1)),
        ("2023年5月1日", datetime.date(2023, 5, 1)),
        ("２０２３年５月１日", datetime.date(2023, 5, 1)),  # full-width digits
        ("20230501", datetime.date(2023, 5, 1)),
        (20230501, datetime.date(2023, 5, 1)),
        (datetime.datetime(2023, 5, 1, 8, 30), datetime.date(2023, 5, 1)),
        (" 2023-05-01\n", datetime.date(2023, 5, 1)),
        ("2023/5/1 0:00:00", datetime.date(2023, 5, 1)),  # as CSV exports write dates
        ("2023-05-01T08:30", datetime.date(2023, 5, 1)),
    ],
)
def test_dates_in_every_common_form(value, expected):
    assert cleaning.date(value) == expected


@pytest.mark.parametrize(
    "value", ["2023-02-30", "五月一日", "2023-13-01", "2023/5/1 0:00:00 x", float("nan"), 2023, 0]
)
def test_bad_dates_are_reported(value):
    with translation.override("en"), pytest.raises(ValueError, match="is not a date"):
        cleaning.date(value)


@pytest.mark.parametrize(
    "value",
    ["0202-05-01", "2203-05-01", "1949-12-31", datetime.datetime(1900, 1, 1), 2958000],
)
def test_a_mistyped_year_is_refused_as_the_forms_refuse_it(value):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            cleaning.date(value)
        assert error.value.code == "implausible_date"
        assert "check the year" in error.value.messages[0]


@pytest.mark.parametrize("value", ["0202-05", "1900年1月", "220305", 220305])
def test_a_month_with_a_mistyped_year_is_refused_too(value):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            cleaning.month(value)
        assert (
            error.value.code == "implausible_date" and "check the year" in error.value.messages[0]
        )


def test_a_bad_date_is_shown_as_written():
    with translation.override("en"), pytest.raises(ValueError, match="“2023/5/41 0:00” is not"):
        cleaning.date("2023/5/41 0:00")  # as written, not as 2023/5/410:00


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05", datetime.date(2023, 5, 1)),
        ("2023年5月", datetime.date(2023, 5, 1)),
        ("202305", datetime.date(2023, 5, 1)),
        (202403, datetime.date(2024, 3, 1)),  # typed as a number: not an Excel serial
        (202403.0, datetime.date(2024, 3, 1)),
        (2023.05, datetime.date(2023, 5, 1)),
        (2023.11, datetime.date(2023, 11, 1)),
        (45352, datetime.date(2024, 3, 1)),  # an Excel serial (a cell formatted as a date)
        (datetime.date(2024, 3, 15), datetime.date(2024, 3, 1)),
        (datetime.datetime(2024, 3, 15), datetime.date(2024, 3, 1)),
    ],
)
def test_months_as_text_numbers_and_dates(value, expected):
    assert cleaning.month(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2023.1, "may be January or October"),  # 2023.10 typed as a number
        (202413, "is not a month"),
        ("2023年", "is not a month"),
        (float("inf"), "is not a month"),
        (2023, "is not a month"),  # not the serial of a day in 1905
        (2023.123, "“2023.123” is not a month"),
    ],
)
def test_bad_months_are_reported(value, message):
    with translation.override("en"), pytest.raises(ValueError, match=message):
        cleaning.month(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2,500元", Decimal("2500.00")),
        ("￥2500.5", Decimal("2500.50")),
        (2500, Decimal("2500.00")),
        ("２５００", Decimal("2500.00")),
    ],
)
def test_money(value, expected):
    assert cleaning.money(value) == expected


@pytest.mark.parametrize(
    "value", ["abc", "-5", "1.234", "NaN", "inf", "-Infinity", "sNaN", float("nan"), float("inf")]
)
def test_bad_money_is_reported(value):
    with pytest.raises(ValueError):  # a message for the row, never another exception
        cleaning.money(value)


def test_text_is_normalized():
    assert cleaning.text("  张　三\n") == "张 三"
    assert cleaning.compact("１１０１０５ 1949 1231002ｘ") == "11010519491231002x"
    assert cleaning.month("2023年5月") == datetime.date(2023, 5, 1)


@pytest.mark.parametrize(
    "cells, blank",
    [
        (("", None, "  ", "\u3000", "\xa0"), True),  # spaces of every width
        ((), True),
        (("", "\u200b"), False),  # a zero-width space is not a space
        ((" ", 0), False),
        (("", "ｘ"), False),  # full-width: normalized, then kept
        ((None, datetime.date(2023, 5, 1)), False),
    ],
)
def test_blank_rows_are_rows_of_spaces_only(cells, blank):
    assert cleaning.is_blank(cells) is blank


@pytest.mark.parametrize(
    "rows, may",
    [
        ([["向阳村", "张三", "脱贫户"], ["向阳村", "李四", "监测户"]], False),
        ([["向阳村", "张三", "脱贫户"], ["", "合 计", None]], True),
        ([["向阳村", "张三", "脱贫户"], ["TOTAL"]], True),  # a shorter row
        ([["向阳村", "张三", "脱贫户", "合计"]], False),  # beyond the first three cells
        ([[1, "向阳村", "张三"], [2, "向阳村", "李四"]], False),  # a numeric 序号 column
        ([[1, "合计", None]], True),
        ([["向阳村", "张三", "脱贫户"], ["", "填表人：王五", "", "审核人：赵六"]], True),
        ([["人民村", "张三", "脱贫户"]], True),  # may: then checked row by row
    ],
)
def test_blocks_without_footer_rows_are_told_apart(rows, may):
    assert cleaning.may_hold_footers(rows) is may
    assert any(map(cleaning.is_footer_row, rows)) <= may  # never hides a footer row


@pytest.mark.parametrize(
    ("cells", "footer"),
    [
        (["合计", None, None, 12], True),
        (["合计：", None, None, 12], True),
        ([None, "小 计:", 3], True),
        (["Total"], True),
        (["填表人：王五", None, "审核人：赵六", "填表日期：2024年1月5日"], True),
        (["", " 制表人:李四"], True),
        (["人民村", "张三", "脱贫户"], False),
        (["向阳村", "填表人", "脱贫户"], False),  # a data row: its first cell is the village
        (["向阳村", "计生户", "脱贫户"], False),
        (["", "", "", "填表人：王五"], False),  # beyond the first three cells
        (["统计人员", "张三", "脱贫户"], False),  # a title beginning with a signature word
        (["", "经办人员", "李四"], False),
        (["负责人助理", "王五"], False),
    ],
)
def test_total_rows_and_signature_lines_end_the_data(cells, footer):
    assert cleaning.is_footer_row(cells) is footer


def test_headers_marked_required_are_recognized():
    header = ["*所在村（社区）", "*户主姓名", "户类别（必填）", "*姓名", "＊身份证号", "※劳动能力"]
    row = ["向阳村", "张三", "脱贫户", "张三", "11010519491231002x", "全劳动力", "返乡未就业"]
    table = read(workbook_bytes([[*header, "*就业状态"], row]), "花名册.xlsx", LABORERS)
    assert table.columns.keys() >= {"village", "head_name", "category", "labor_ability"}
    assert not [key for key, _header in table.headers if key.startswith("~")]  # all known


def test_template_has_headers_notes_dropdowns_and_text_columns():
    book = openpyxl.load_workbook(io.BytesIO(write_template(LABORERS)))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.header for column in LABORERS]
    id_letter = openpyxl.utils.get_column_letter(headers.index("身份证号") + 1)
    assert sheet.column_dimensions[id_letter].number_format == "@"
    assert len(sheet.data_validations.dataValidation) == sum(1 for c in LABORERS if c.choices)
    notes = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert notes == headers
    # the template itself reads back through the reader (header found, no rows → refused)
    with pytest.raises(LedgerFileError):
        read(write_template(LABORERS), "template.xlsx", LABORERS)


def test_cells_our_exports_escaped_come_back_as_they_were():
    assert cleaning.text("'+8613800000001") == "+8613800000001"
    assert cleaning.text("'=1+1") == "=1+1"
    assert cleaning.text("'s Hertogenbosch") == "'s Hertogenbosch"


def test_a_broken_csv_is_refused_not_crashed(settings):
    huge = "姓名,身份证号,户主,村\n" + "x" * 200_000 + ",1,2,3\n"
    with pytest.raises(LedgerFileError):
        read(huge.encode(), "a.csv", LABORERS)
