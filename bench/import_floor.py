"""The floor of a laborer ledger import: only the bare parts, no platform code around them.

    python bench/import_floor.py LEDGER.xlsx   (DATABASE_URL / BANGFU_VAR_DIR as for bangfu)

calamine reads the sheet; each row's ID number gets its checksum check, blind index (HMAC)
and encryption (AES-GCM); the rows are written with one raw COPY (PostgreSQL) or batched
executemany (SQLite) into a scratch table of the same width, in one transaction. Prints the
seconds of each part as JSON.
"""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangfu.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from bangfu.core import pii  # noqa: E402
from bangfu.core.identity import validate_id_number  # noqa: E402

COLUMNS = 15  # the 13 ledger columns + cipher + index


def main(path):
    parts = {}
    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()[2:]
    parts["read"] = time.perf_counter() - started

    started = time.perf_counter()
    prepared = []
    for row in rows:
        number = validate_id_number(row[6])
        prepared.append((*map(str, row), pii.blind_index(number), pii.encrypt(number)))
    parts["check_hmac_encrypt"] = time.perf_counter() - started

    started = time.perf_counter()
    names = ", ".join(f"c{i} text" for i in range(COLUMNS))
    columns = ", ".join(f"c{i}" for i in range(COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(f"CREATE TABLE bench_floor ({names})")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY bench_floor ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * COLUMNS)
            for start in range(0, len(prepared), 5000):
                cursor.executemany(
                    f"INSERT INTO bench_floor ({columns}) VALUES ({marks})",  # noqa: S608
                    prepared[start : start + 5000],
                )
        cursor.execute("DROP TABLE bench_floor")
    parts["write"] = time.perf_counter() - started
    print(json.dumps({k: round(v, 2) for k, v in parts.items()}))


if __name__ == "__main__":
    main(sys.argv[1])
