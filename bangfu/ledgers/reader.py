"""Reading a ledger file into rows keyed by column: python-calamine for xlsx/xls/ods, the csv
module for CSV. Title rows, header aliases, unknown columns, blank and total rows are handled
here; anything that is not a usable spreadsheet raises ``LedgerFileError`` with a clear message.
"""

import contextlib
import csv
import io
import itertools
import logging
import operator
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook

from . import cleaning, sheets

logger = logging.getLogger(__name__)
# the columns an error workbook adds to the file's: not the file's own when it comes back fixed
ERROR_WORKBOOK_COLUMNS = (gettext_lazy("Row"), gettext_lazy("Errors"))
HEADER_SEARCH_ROWS = 20
SHARED_VALUES = 2000  # distinct values of a column kept as one copy each
BLOCK = 4096  # rows read at a time
REQUIRED_MARK = re.compile(r"\((?:必填|必填项|选填|可选)\)$")  # full-width brackets: NFKC'd


class LedgerFileError(Exception):
    """The file cannot be read as a ledger (the message says why and what to do)."""


@dataclass
class Column:
    key: str
    header: str  # the template's Chinese header
    aliases: tuple = ()
    required: bool = False
    note: str = ""
    choices: tuple = ()  # (code, label) pairs for drop-down lists
    text_format: bool = False  # ID numbers, phones: formatted as text in the template
    masked: bool = False  # ID numbers: shown masked in row errors (the error workbook has them)

    def names(self):
        return {header_key(name) for name in (self.header, *self.aliases)}


def header_key(cell):
    """A header cell as compared with the known names: compact, lowercase, without the marks
    of a required column (``*姓名``, ``姓名（必填）``)."""
    name = cleaning.compact(cell).lower().strip("*※")
    return REQUIRED_MARK.sub("", name).strip("*※")


class Table:
    """Rows of a ledger, each (spreadsheet row number, row) with ``row.get(key)`` the raw value
    of a column (None if the file has no such column).

    ``stream()`` hands the rows out as the sheet is read, once, and keeps none of them:
    checking them overlaps with parsing the sheet, and a million rows as read are never all
    in memory beside what is made of them. :func:`read` keeps them all in ``rows``.
    """

    def __init__(self, header_row, columns, blocks, expected=0, headers=()):
        self.header_row = header_row
        self.columns = columns  # column key → column index in the sheet
        # (key, header as in the file) of every column with a header, in the sheet's order:
        # the known ones and the others (keys ``~position``: kept for the error workbook)
        self.headers = headers
        self.expected = expected  # about how many data rows (0: not known), for progress
        self.count = 0  # data rows handed out so far
        self.rows = None  # every row, once read() has read them
        self._blocks = blocks

    def stream(self):
        """Every (row number, row): the kept ones, or else as they are read (once)."""
        if self.rows is not None:
            yield from self.rows
            return
        if self._blocks is None:
            raise RuntimeError("the rows of this table were streamed already")
        blocks, self._blocks = self._blocks, None
        for block in blocks:
            self.count += len(block)
            yield from block


def limits():
    return {
        "max_bytes": settings.BANGFU_LEDGER_MAX_BYTES,
        "max_rows": settings.BANGFU_LEDGER_MAX_ROWS,
        "max_unpacked_ratio": 100,
    }


def _sheet_rows(data, filename, *, whole=False):
    """(rows, about how many): the rows of the first sheet (cached formula values) from A1
    on, as lists of cell values, one at a time (a million-row sheet is never held as Python
    objects at once); a large .xlsx sheet in parts parsed in the background, unless ``whole``."""
    name = filename.lower()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return csv.reader(io.StringIO(text)), text.count("\n")
        raise LedgerFileError(
            _("The CSV file is neither UTF-8 nor GB18030 text; save it again as UTF-8.")
        )
    if data[:4] == b"PK\x03\x04":
        _check_zip(data)
        if not whole and (split := sheets.sheet_rows(data, lambda: _whole(data, filename))):
            return split
    elif data[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):
        pass  # .xls, or an encrypted .xlsx (also an OLE container): calamine tells which
    else:
        raise LedgerFileError(
            _("This file is not a spreadsheet. Upload an .xlsx, .xls or .csv file.")
        )
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.iter_rows()  # from row 1, but from the first used column: pad back to A
        padding = [""] * sheet.start[1] if sheet.start else []
        expected = sheet.end[0] + 1 if sheet.end else 0
        return ((padding + row for row in rows) if padding else rows), expected
    except Exception as exc:  # calamine reports encryption, corruption and format errors alike
        message = str(exc).lower()
        if (
            "password" in message
            or "encrypt" in message
            or data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
            and name.endswith(".xlsx")
        ):
            raise LedgerFileError(
                _("The workbook is password-protected. Remove the password and upload it again.")
            ) from exc
        if "detect file format" in message:  # a zip that is no workbook (a renamed .docx)
            raise LedgerFileError(
                _("This file is not a spreadsheet. Upload an .xlsx, .xls or .csv file.")
            ) from exc
        logger.info("unreadable spreadsheet %s: %s", filename, exc)  # calamine's own words
        raise LedgerFileError(
            _("The spreadsheet cannot be read. Open and save it again in Excel or WPS.")
        ) from exc


def _whole(data, filename):
    """The rows of the first sheet, parsed in one piece."""
    return _sheet_rows(data, filename, whole=True)[0]


def _check_zip(data):
    """Refuse zip bombs: the unpacked size may not exceed the packed size by a huge factor."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise LedgerFileError(
            _("The .xlsx file is damaged. Open and save it again in Excel or WPS.")
        ) from exc
    if (
        unpacked > max(len(data), 1) * limits()["max_unpacked_ratio"]
        and unpacked > 50 * 1024 * 1024
    ):
        raise LedgerFileError(_("The file unpacks to an implausible size and was refused."))


def row_type(columns):
    """A tuple type for the rows of one table, read like a dict: ``row.get(key)`` (a million
    rows take a fraction of the memory of a million dicts)."""
    index = {key: position for position, key in enumerate(columns)}

    class Row(tuple):
        __slots__ = ()

        def get(self, key, default=None):
            position = index.get(key)
            return default if position is None else self[position]

    return Row


def find_header(rows, columns):
    """(row index, {key: col}) of the first row naming enough known columns."""
    wanted = {name: column.key for column in columns for name in column.names()}
    needed = min(3, len(columns))  # enough known names to be sure this row is the header
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {}
        for position, cell in enumerate(row):
            key = wanted.get(header_key(cell))
            if key and key not in found:
                found[key] = position
        if len(found) >= needed:
            return index, found
    expected = "、".join(c.header for c in columns if c.required)
    raise LedgerFileError(
        _("No header row found in the first %(n)s rows. The sheet needs the columns: %(columns)s.")
        % {"n": HEADER_SEARCH_ROWS, "columns": expected}
    )


def _picker(positions):
    """A function taking the cells at ``positions`` out of a sheet row (None where the row is
    shorter)."""
    pick, width = operator.itemgetter(*positions, 0), max(positions) + 1

    def cells(row):
        if len(row) >= width:
            return pick(row)[:-1]  # itemgetter of two or more items gives a tuple
        return [row[p] if p < len(row) else None for p in positions]

    return cells


def read(data, filename, columns):
    """Read ``data`` (bytes) into a :class:`Table` for the ledger ``columns``."""
    table = open_table(data, filename, columns)
    table.rows = list(table.stream())
    return table


def open_table(data, filename, columns):
    """The :class:`Table` of ``data`` (bytes) for the ledger ``columns``, its header read and
    its rows streamed (a problem further down the file is raised while they are)."""
    if not data:
        raise LedgerFileError(_("The file is empty."))
    if len(data) > limits()["max_bytes"]:
        raise LedgerFileError(
            _("The file is larger than %(mb)s MB. Split it into several files.")
            % {"mb": limits()["max_bytes"] // (1024 * 1024)}
        )
    with _read_errors():
        rows, expected = _sheet_rows(data, filename)
        return _read_rows(iter(rows), columns, expected)


@contextlib.contextmanager
def _read_errors():
    """Problems found while the rows are read (CSV rows and sheet parts are parsed lazily),
    explained."""
    try:
        yield
    except csv.Error as exc:
        raise LedgerFileError(
            _("The CSV file cannot be read (%(error)s). Save it again from Excel or WPS.")
            % {"error": exc}
        ) from exc
    except sheets.RowsOutOfOrder as exc:
        raise LedgerFileError(
            _(
                "The rows of the sheet are stored out of order. Open the file in Excel or WPS, "
                "save it again and upload it again."
            )
        ) from exc


def _blocks(rows):
    """``rows`` as lists of up to BLOCK rows."""
    rows = iter(rows)
    while block := list(itertools.islice(rows, BLOCK)):
        yield block


def _shared(cells, known):
    """``cells`` (of one column) with each text replaced by the copy in ``known`` (added if new);
    other values (numbers, dates) as they are — 1, 1.0 and True are equal, not the same."""
    if set(map(type, cells)) == {str}:
        return map(known.setdefault, cells, cells)
    return [cell if type(cell) is not str else known.setdefault(cell, cell) for cell in cells]


def _read_rows(rows, columns, expected):
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header, found = find_header(head, columns)
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        raise LedgerFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    cells, added = head[header], _error_workbook_columns()
    others = {
        f"~{position}": position
        for position, cell in enumerate(cells)
        if position not in found.values() and cleaning.text(cell) not in added
    }
    headers = [
        (key, cleaning.text(cells[position]))
        for key, position in sorted({**found, **others}.items(), key=lambda item: item[1])
    ]
    blocks = _data_blocks(itertools.chain(head[header + 1 :], rows), found, others, header + 1)
    expected = max(expected - header - 1, 0)
    return Table(header + 1, found, blocks, expected, headers)


def _error_workbook_columns():
    """The headers of ERROR_WORKBOOK_COLUMNS in every language, and the empty header."""
    headers = {""}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            headers.update(str(header) for header in ERROR_WORKBOOK_COLUMNS)
    return headers


def _data_blocks(rows, found, others, number):
    """Lists of (row number, row) of the data ``rows`` after the header (row ``number``),
    without blank and total rows: the ``found`` columns, then the ``others`` (a row with
    nothing in the known columns is blank)."""
    columns, width = {**found, **others}, len(found)
    max_rows, positions, make_row = limits()["max_rows"], list(columns.values()), row_type(columns)
    # Coded columns repeat a few values a million times: keep one copy of each (until a
    # column shows it is not such a column), a block of rows at a time, column by column.
    shared, pick, count = [{} for _position in positions], _picker(positions), 0
    with _read_errors():
        for block in _blocks(rows):
            picked = list(zip(*map(pick, block), strict=True))  # a tuple per column
            for position, known in enumerate(shared):
                if known is not None:
                    picked[position] = _shared(picked[position], known)
            kept, footers = [], cleaning.may_hold_footers(block)
            for raw, cells in zip(block, zip(*picked, strict=True), strict=True):
                number += 1  # the spreadsheet row number of this row
                if not (
                    cleaning.is_blank(cells[:width] if others else cells)
                    or footers
                    and cleaning.is_footer_row(raw)
                ):
                    kept.append((number, make_row(cells)))
            count += len(kept)
            if count > max_rows:
                raise LedgerFileError(
                    _("More than %(n)s rows. Split the file into several files.") % {"n": max_rows}
                )
            shared = [None if k is None or len(k) > SHARED_VALUES else k for k in shared]
            yield kept
    if not count:
        raise LedgerFileError(_("The sheet has a header row but no data rows."))
