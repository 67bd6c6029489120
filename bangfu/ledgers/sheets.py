"""A large .xlsx sheet read in parts, parsed by python-calamine in background threads.

calamine parses a whole sheet before handing out its first row, and it releases the GIL while
it parses. For a sheet whose XML is larger than ``PART_BYTES`` (a province ledger: hundreds of
MB), a thread cuts the XML at row boundaries into parts that are complete sheets of their own
(the same workbook, styles and shared strings; only the rows differ), ``PARSERS`` threads
parse them, and the reading thread turns each parsed part into Python rows, in order, while
the next ones are being parsed. Rows keep their spreadsheet positions: each part says where
it starts (the rows' ``r`` attributes), empty rows between parts are put back. A sheet that
cannot be cut this way (no row numbers, an unusual layout, a part calamine cannot parse) is
read whole instead, from where the parts stopped, by the usual path that reports a broken file
clearly; rows stored out of order across parts raise :class:`RowsOutOfOrder`. Workbooks with
large shared strings (as Excel and WPS save them) are read whole: every part would parse the
shared strings again.
"""

import io
import itertools
import queue
import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor

from python_calamine import CalamineWorkbook

PART_BYTES = 32 * 2**20  # XML per part; a sheet at most this large is read whole
SHARED_STRINGS_BYTES = 4 * 2**20  # larger shared strings (parsed again for every part): whole
READ_BYTES = 4 * 2**20  # inflated from the archive at a time
HEAD_LIMIT = 4 * 2**20  # the XML before <sheetData> (columns, views) is never larger
PARSERS = 2  # parts parsed at once (calamine parses without the GIL: one per core)
WAIT = 0.5  # seconds between checks that the reader still wants parts

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\b\w+:id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"\b(Id|Target)=\"([^\"]+)\"")
_ROOT = re.compile(rb"<((?:\w+:)?)worksheet[\s>]")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData>")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_DIMENSION_ROWS = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")
_FIRST_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")


class Unsplittable(Exception):
    """The sheet cannot be read in parts: read it whole."""


class RowsOutOfOrder(Exception):
    """A part starts before rows already handed out: the file stores its rows out of order."""


def first_sheet(archive):
    """The archive path of the workbook's first sheet (as calamine orders them), or None."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relationships = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    if not (sheet := _SHEET.search(workbook)):
        return None
    for tag in _RELATIONSHIP.findall(relationships):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get(b"Id") == sheet.group(1) and b"Target" in attributes:
            target = attributes[b"Target"].decode()
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return path if path in archive.namelist() else None
    return None


def sheet_rows(data, whole):
    """(rows, about how many) of the first sheet of the .xlsx ``data``: lists of cell values
    from A1 on, if the sheet is large enough to be read in parts; else None. ``whole()`` gives
    the same rows read whole: the rest is read that way if a part cannot be."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        name = first_sheet(archive)
        if name is None or archive.getinfo(name).file_size <= PART_BYTES:
            return None
        if any(
            i.file_size > SHARED_STRINGS_BYTES and i.filename.lower().endswith("sharedstrings.xml")
            for i in archive.infolist()
        ):
            return None  # every part would parse them again: read the sheet whole
        with archive.open(name) as stream:  # the dimension, if given, says how many rows
            dimension = _DIMENSION_ROWS.search(stream.read(HEAD_LIMIT // 64))
    except (zipfile.BadZipFile, KeyError, NotImplementedError, ValueError, OSError):
        return None  # read whole: that path explains what is wrong with the file
    return _rows(archive, name, whole), int(dimension.group(1)) if dimension else 0


def _rows(archive, name, whole):
    futures, stop = queue.Queue(maxsize=PARSERS), threading.Event()
    pool = ThreadPoolExecutor(PARSERS, thread_name_prefix="ledger-sheet")
    cutter = threading.Thread(target=_submit, args=(archive, name, pool, futures, stop))
    cutter.daemon = True
    cutter.start()
    expected, width = 0, 0  # the index of the next row to hand out; the widest part's width
    try:
        while (sheet := _next(futures)) is not None:
            if sheet.start is None:
                continue  # a part of empty rows: the next part's start accounts for them
            (first, column), rows = sheet.start, sheet.to_python(skip_empty_area=True)
            del sheet
            if first < expected:  # rows handed out already cannot be taken back
                raise RowsOutOfOrder
            yield from ([] for _gap in range(first - expected))
            # from column A, and as wide as the parts before (the first holds the header):
            # empty cells are "" as when the sheet is read whole
            used = column + (len(rows[0]) if rows else 0)
            left, right, width = [""] * column, [""] * max(width - used, 0), max(width, used)
            for row in rows:
                yield left + row + right if left or right else row
            expected = first + len(rows)
    except Unsplittable:
        _stop(stop, pool)
        yield from itertools.islice(whole(), expected, None)
    finally:
        _stop(stop, pool)


def _stop(stop, pool):
    """No more parts: the cutter ends, parts not started are dropped."""
    stop.set()
    pool.shutdown(wait=False, cancel_futures=True)


def _next(futures):
    """The next parsed part (None after the last one)."""
    item = futures.get()
    if isinstance(item, Exception):
        raise item
    try:
        return item and item.result()
    except Exception as exc:  # the whole sheet is read instead (and its errors reported)
        raise Unsplittable from exc


def _submit(archive, name, pool, futures, stop):
    """Cut the sheet into parts and have the pool parse them, in order (then None; or the
    exception that stopped the cutting)."""
    try:
        others = [  # what calamine needs to read the sheet: not the other sheets or media
            (info.filename, archive.read(info))
            for info in archive.infolist()
            if info.filename != name
            and not info.filename.startswith(("xl/worksheets/", "xl/media/", "xl/drawings/"))
        ]
        for xml in _cut(archive, name):
            book = io.BytesIO()
            with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as part:
                for filename, content in others:
                    part.writestr(filename, content)
                part.writestr(name, xml)
            del xml
            if not _handed(futures, pool.submit(_parse, book), stop):
                return
        _handed(futures, None, stop)
    except Exception as exc:
        _handed(futures, exc if isinstance(exc, Unsplittable) else Unsplittable(exc), stop)


def _parse(book):
    book.seek(0)
    return CalamineWorkbook.from_filelike(book).get_sheet_by_index(0)


def _handed(parts, item, stop):
    """Put ``item`` in the queue unless the reader stopped wanting parts."""
    while not stop.is_set():
        try:
            parts.put(item, timeout=WAIT)
            return True
        except queue.Full:
            continue
    return False


def _cut(archive, name):
    """The sheet's XML as complete sheets of whole rows, each about PART_BYTES."""
    with archive.open(name) as stream:
        buffer, head = bytearray(), None
        while chunk := stream.read(READ_BYTES):
            buffer += chunk
            if head is None:
                if not (data := _SHEET_DATA.search(buffer)):
                    if len(buffer) > HEAD_LIMIT:
                        raise Unsplittable
                    continue
                if not (root := _ROOT.search(buffer, 0, data.start())):
                    raise Unsplittable
                prefix = root.group(1)
                head = _DIMENSION.sub(b"", bytes(buffer[: data.end()]))
                tail = b"</" + prefix + b"sheetData></" + prefix + b"worksheet>"
                row_end = b"</" + prefix + b"row>"
                del buffer[: data.end()]
            if len(buffer) >= PART_BYTES and (end := buffer.rfind(row_end)) >= 0:
                end += len(row_end)
                yield _numbered(head + buffer[:end] + tail, len(head))
                del buffer[:end]
        if head is None:
            raise Unsplittable
        yield _numbered(head + buffer, len(head))  # the rest, with the sheet's own ending


def _numbered(xml, start):
    """``xml`` if its first row has a row number (calamine places it there)."""
    row = _FIRST_ROW.search(xml, start)
    if row and not _ROW_NUMBER.search(row.group(1)):
        raise Unsplittable
    return xml
