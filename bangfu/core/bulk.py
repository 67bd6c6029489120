"""Fast bulk inserts for generated or imported rows: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in ``fields`` order with database-ready values (ids assigned by the caller, so
foreign keys can be set before anything is written). Call inside ``transaction.atomic``.
"""

from django.core.management.color import no_style
from django.db import connection


def next_id(model):
    """The first free primary key value of ``model``'s table."""
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def insert(model, fields, rows):
    """Insert ``rows`` (tuples of column values for ``fields``) into ``model``'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608 (quoted names)
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def reset_sequences(*models):
    """After inserting explicit ids: move PostgreSQL sequences past them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
