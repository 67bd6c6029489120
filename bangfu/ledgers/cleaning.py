"""Normalizing the values of real-world ledgers (台账): every function returns a clean value or
raises ``ValueError`` with a message meant for the row's error column."""

import datetime
import itertools
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bangfu.core import dates, phones

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01, with Excel's 1900 leap-year bug
FIRST_SERIAL = (dates.EARLIEST - EXCEL_EPOCH).days  # 18264: a smaller number is no date
TOTAL_WORDS = ("合计", "小计", "总计", "total")
# what the signature lines under a ledger start with (填表人：张三 审核人：李四 …)
SIGNATURE_WORDS = (
    "填表人", "填报人", "制表人", "审核人", "负责人", "单位负责人", "主要负责人", "经办人",
    "统计人", "联系人", "填表日期", "填报日期", "制表日期", "填报单位", "填表单位", "制表单位",
)  # fmt: skip
SIGNATURE = re.compile(f"(?:{'|'.join(SIGNATURE_WORDS)})(?::|$)")  # 填表人：…, not 统计人员
FOOTER_MARKS = ("计", "人", "期", "位")  # one of these is in every total or signature word
TIME_OF_DAY = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
ESCAPED = ("=", "+", "-", "@")  # the starts core.exports.safe_cell prefixes with '
SPACES = re.compile(r"\s+")
MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def text(value):
    """Full-width letters and digits to half-width, no stray spaces or line breaks."""
    if type(value) is not str:  # most cells are text: the checks below are for the others
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()[:10]
        value = str(value)
    if not value.isascii() and not unicodedata.is_normalized(
        "NFKC", value
    ):  # a C-speed check: most cells are clean
        value = unicodedata.normalize("NFKC", value)
    if value[:1] == "'" and value[1:2] in ESCAPED:
        value = value[1:]  # a cell our exports escaped (formula injection) comes back as it was
    if value.isprintable() and "  " not in value:
        return value.strip()
    return SPACES.sub(" ", value).strip()


def compact(value):
    """``text`` without any inner spaces (codes, IDs, phones)."""
    return text(value).replace(" ", "")


def phone(value):
    """One phone number as the platform stores it (``core.phones.normalize``: the forms'
    rule), from a text cell or a number cell (whose landline lost its leading 0 to Excel)."""
    typed = text(value)
    try:
        return phones.normalize(typed)
    except ValidationError:
        if isinstance(value, bool) or not isinstance(value, int | float) or not typed.isdigit():
            raise
    try:
        return phones.normalize("0" + typed)  # 7374221234: 0737-4221234
    except ValidationError:
        return phones.normalize(typed)  # reported as typed


def date(value):
    """A date from an Excel serial, a datetime cell or text like 2023-05-01, 2023/5/1,
    2023.05.01, 2023年5月1日 or 20230501, within the dates the forms accept
    (``core.dates.validate_plausible``: a mistyped year is refused)."""
    day = _date(value)
    if day is not None:
        dates.validate_plausible(day)
    return day


def _date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        if FIRST_SERIAL <= value < 2958466 and not (19000101 <= value <= 21001231):
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raw = str(int(value))  # 20230501 typed as a number; anything else is refused
    else:
        raw = compact(TIME_OF_DAY.sub("", text(value)))  # 2023/5/1 0:00:00: as CSVs write it
    for pattern in DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValueError(
        _("“%(value)s” is not a date; write it as 2023-05-01.") % {"value": text(value)}
    )


def month(value):
    """The first day of a month from a date, or text or a number like 2023-05, 2023年5月,
    202305 or 2023.05."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = _month_number(value)
    if isinstance(value, str):
        raw = compact(value)
        for pattern in MONTH_PATTERNS:
            match = pattern.match(raw)
            if match and 1 <= int(match.group(2)) <= 12:
                day = datetime.date(int(match.group(1)), int(match.group(2)), 1)
                dates.validate_plausible(day)
                return day
    try:
        day = date(value)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a month; write it as 2023-05.") % {"value": text(value)}
        ) from None
    return day.replace(day=1) if day else None


def _month_number(value):
    """A month typed as a number (202403, 2023.05) as its text; other numbers (Excel serials
    of dates) as they are."""
    if not math.isfinite(value):
        return value
    number = str(int(value)) if float(value).is_integer() else repr(value)
    if re.fullmatch(r"\d{4}\.1", number):
        raise ValueError(
            _(
                "“%(value)s” may be January or October (Excel drops the 0 of 2023.10); write "
                "the month as text, such as 2023-10."
            )
            % {"value": number}
        )
    return number if MONTH_PATTERNS[0].match(number) or MONTH_PATTERNS[2].match(number) else value


def money(value):
    """A non-negative amount from a number or text like 2,500元 or ￥2500.00."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = str(value)
    else:
        raw = compact(value).replace(",", "").replace("元", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():  # NaN, inf: Decimal reads them, no amount
        raise ValueError(
            _("“%(value)s” is not an amount; write a number such as 2500.") % {"value": text(value)}
        )
    if amount < 0 or amount.as_tuple().exponent < -2:
        raise ValueError(
            _("“%(value)s” is not a valid amount (at most 2 decimals, not negative).")
            % {"value": amount}
        )
    return amount.quantize(Decimal("0.01"))


def is_blank(cells):
    """No cell with anything but spaces in it (``text`` of every cell empty)."""
    for cell in cells:
        if type(cell) is str and unicodedata.is_normalized("NFKC", cell):
            if cell.strip():  # what text() would keep of it (the common case, at C speed)
                return False
        elif cell is not None and text(cell) != "":
            return False
    return True


def may_hold_footers(rows):
    """False if none of ``rows`` can be a total row or a signature line (``is_footer_row``):
    one search through their first cells instead of a check per row."""
    firsts = list(itertools.islice(zip(*rows, strict=False), 3))  # as far as all rows reach
    if len(firsts) < min(3, max(map(len, rows), default=0)):
        return True  # rows of different widths: check them one by one
    # only text cells can make a footer row: numbers (a 序号 column) and dates are left out
    joined = "\0".join(c for c in itertools.chain.from_iterable(firsts) if type(c) is str)
    return any(mark in joined for mark in FOOTER_MARKS) or "total" in joined.lower()


def is_footer_row(cells):
    """A row under the data: a total (合计, 小计：…) in one of the first cells, or a signature
    line (填表人：…) whose first filled cell is one of them."""
    first = True
    for cell in cells[:3]:
        if not isinstance(cell, str) or not (
            any(mark in cell for mark in FOOTER_MARKS) or "total" in cell.lower()
        ):
            first = first and (cell is None or text(cell) == "")
            continue
        value = compact(cell).lower()
        if value.rstrip(":") in TOTAL_WORDS or first and SIGNATURE.match(value):
            return True
        first = False
    return False
