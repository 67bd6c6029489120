"""Fast bulk writes for generated or imported rows: COPY on PostgreSQL, executemany on SQLite,
and what large loads need around them (indexes built after the rows, staged keys, locks).

Rows are tuples in ``fields`` order with database-ready values (ids assigned by the caller, so
foreign keys can be set before anything is written). Call inside ``transaction.atomic``.
"""

import gc
import itertools
import logging
import queue
import re
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

WHOLE_TABLE_FACTOR = 2  # see among()
LOCK_WAIT = "5s"  # see indexes_rebuilt()
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout runs out
COPY_ROWS = 50_000  # rows per COPY statement (see _copy)
_TYPE_MODIFIER = re.compile(r"\(.*\)")  # varchar(20) → varchar: a type name for COPY
logger = logging.getLogger(__name__)


def next_id(model):
    """The first free primary key value of ``model``'s table."""
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def insert(model, fields, rows):
    """Insert ``rows`` (tuples of column values for ``fields``) into ``model``'s table; the
    row count. On PostgreSQL the references are checked as the rows go in (at the end of
    each batch, not at the commit): insert parents before their children."""
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, connection.wrap_database_errors:  # IntegrityError…
            return _copy(cursor.cursor, _copy_sql(table, model, fields), rows)
    columns = [model._meta.get_field(name).column for name in fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    return _executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", rows)  # noqa: S608 (quoted names)


def _copy_sql(target, model, fields):
    """(statement, column types) to COPY rows of ``model``'s ``fields`` into ``target`` in
    PostgreSQL's binary format, a third of the cost of the text one. Values must be of the
    columns' own types (dates as dates, Decimals for numeric, lists or dicts for JSON) and
    within their ranges: binary integers are not range-checked by psycopg."""
    columns = [model._meta.get_field(name) for name in fields]
    quoted = ", ".join(connection.ops.quote_name(column.column) for column in columns)
    types = [_TYPE_MODIFIER.sub("", column.db_type(connection)) for column in columns]
    return f"COPY {target} ({quoted}) FROM STDIN (FORMAT BINARY)", types


def _copy(cursor, statement, rows):
    """COPY ``rows`` with ``statement`` (``_copy_sql``) on the psycopg ``cursor``, COPY_ROWS
    at a time (``_behind``), the references of each batch checked at its end (constraints made
    immediate): the server checks a batch while Python builds the next, instead of all of them
    after the last; the row count."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    count = _behind(rows, lambda batch: _copy_batch(cursor, statement, batch), COPY_ROWS)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return count


def _behind(rows, write, size):
    """Hand ``rows`` to ``write`` in lists of ``size``; the row count. Beyond one list, a
    second thread writes them while this one builds the next (psycopg waits for the server
    without the GIL): the database's work overlaps Python's. ``rows`` must not query the
    database meanwhile; an error on either side stops both and is raised."""
    rows = iter(rows)
    first = list(itertools.islice(rows, size))
    if len(first) < size:
        if first:
            write(first)
        return len(first)
    batches, failed = queue.Queue(maxsize=2), []

    def writing(batch):
        while batch is not None:
            if not failed:  # after a failure: only take the batches until the end
                try:
                    write(batch)
                except BaseException as exc:  # noqa: BLE001 - raised again below
                    failed.append(exc)
            batch = batches.get()

    writer = threading.Thread(target=writing, args=(first,), name="bangfu-write")
    writer.start()
    count = len(first)
    try:
        while not failed and (batch := list(itertools.islice(rows, size))):
            batches.put(batch)
            count += len(batch)
    finally:
        batches.put(None)
        writer.join()
    if failed:
        raise failed[0]
    return count


def _copy_batch(cursor, statement, rows):
    sql, types = statement
    with cursor.copy(sql) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
    return len(rows)


def reset_sequences(*models):
    """After inserting explicit ids: move PostgreSQL sequences past them (no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def allocate_ids(model, count):
    """``count`` fresh primary keys for ``model`` (PostgreSQL: from its sequence, safe with
    concurrent writers; SQLite: after the current maximum, inside the write transaction)."""
    if not count:
        return []
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:  # the sequence looked up once, not per value
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                [cursor.fetchone()[0], count],
            )
            return [row[0] for row in cursor.fetchall()]
    start = next_id(model)
    return list(range(start, start + count))


def upsert(model, fields, rows, *, key, update, only_if_same=None):
    """Insert ``rows`` (tuples for ``fields``); where a row's unique ``key`` column already
    exists, set only the ``update`` fields instead — and, with ``only_if_same``, only if that
    column of the existing row equals the new one (else the existing row stays as it is).
    Callers pass each key once (PostgreSQL refuses a key twice in one statement).
    PostgreSQL: COPY into a temporary staging table, then one ``INSERT … SELECT … ON CONFLICT
    DO UPDATE``; SQLite: the same statement batched with ``executemany``. Call inside
    ``transaction.atomic``; returns the row count."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(model._meta.get_field(name).column) for name in fields]
    quoted = ", ".join(columns)
    conflict = quote(model._meta.get_field(key).column)
    assignments = ", ".join(
        f"{quote(model._meta.get_field(name).column)} = EXCLUDED."
        f"{quote(model._meta.get_field(name).column)}"
        for name in update
    )
    tail = f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
    if only_if_same:
        column = quote(model._meta.get_field(only_if_same).column)
        tail += f" WHERE {table}.{column} = EXCLUDED.{column}"
    if connection.vendor != "postgresql":
        placeholders = ", ".join(["%s"] * len(columns))
        return _executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders}) {tail}", rows)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.bangfu_stage")
        cursor.execute(
            f"CREATE TEMPORARY TABLE bangfu_stage ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {quoted} FROM {table} WITH NO DATA"
        )
        count = _copy(cursor.cursor, _copy_sql("pg_temp.bangfu_stage", model, fields), rows)
        cursor.execute(
            f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM pg_temp.bangfu_stage {tail}"  # noqa: S608
        )
        cursor.execute("DROP TABLE pg_temp.bangfu_stage")
    return count


def _executemany(sql, rows, batch_size=5000):
    """``executemany`` of ``sql`` over ``rows``, ``batch_size`` at a time (a writing thread
    gains nothing here: sqlite3 binds every value holding the GIL); the row count."""
    count, rows = 0, iter(rows)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, batch_size)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def serialize(name):
    """Make the writers of ``name`` take turns until the end of the current transaction:
    a PostgreSQL transaction-level advisory lock. SQLite transactions already write one at
    a time (``transaction_mode`` IMMEDIATE), so there it does nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"bangfu:{name}"])


@contextmanager
def gc_paused():
    """No cyclic garbage collection for the length of the block: a bulk import creates
    millions of long-lived objects (rows, cleaned values) and no cycles, and the collector
    would scan them again and again (a fifth of the checking time). It runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def side_connection(busy_ms=200):
    """A second connection to the database (autocommit), closed after the block, for small
    bookkeeping writes (a job's progress) beside a long read on the main one: on SQLite a
    read in progress keeps its snapshot, and a write on that connection fails at once — not
    after ``busy_timeout`` — once another connection has committed since the read began.
    On SQLite it waits at most ``busy_ms`` for another writer (a long import): bookkeeping
    gives way rather than hold the read up."""
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        if side.vendor == "sqlite":
            with side.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        yield side
    finally:
        side.close()


@contextmanager
def write_cache(megabytes):
    """On SQLite, a page cache of ``megabytes`` for the length of the block (a bulk write into
    indexed tables reads the same index pages again and again); the previous size after it.
    PostgreSQL's shared buffers are the server's: nothing to do."""
    if connection.vendor != "sqlite" or not megabytes:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(megabytes) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


@contextmanager
def among(model, field, values):
    """A filter (``Q``) of ``model`` rows to those whose ``field`` is one of ``values``, for
    one large query, valid for the length of the block. When the table holds at most
    ``WHOLE_TABLE_FACTOR`` times as many rows as ``values`` (a first load, a re-import): no
    filter at all, reading the whole table costs less than staging the keys. Otherwise the
    values are staged in a temporary one-column table and the filter is ``field__in`` its
    subquery (one pass, not thousands of ``IN`` lists): distinct text keys of at most 64
    characters (blind indexes)."""
    values, most = list(values), WHOLE_TABLE_FACTOR * len(values)
    if model._base_manager.all()[: most + 1].count() <= most:
        yield Q()
        return
    table = "pg_temp.bangfu_keys" if connection.vendor == "postgresql" else "temp.bangfu_keys"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute("CREATE TEMPORARY TABLE bangfu_keys (key varchar(64) PRIMARY KEY)")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (key) FROM STDIN") as copy:
                for value in values:
                    copy.write_row((value,))
            cursor.execute(f"ANALYZE {table}")  # the planner sees its size (a hash join)
        else:
            _executemany(f"INSERT INTO {table} (key) VALUES (%s)", ((v,) for v in values))  # noqa: S608
    try:
        subquery = RawSQL(f"SELECT key FROM {table}", ())  # noqa: S608, S611 (a fixed name)
        yield Q(**{f"{field}__in": subquery})
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


@contextmanager
def indexes_rebuilt(model, rows):
    """For a block inserting ``rows`` rows into ``model``'s table: when
    that is at least ``settings.BANGFU_IMPORT_REBUILD_ROWS`` and more than the rows already
    there, the table's secondary indexes (not its primary key or unique ones) are set aside
    for the block and built again after it — building an index once costs a fraction of
    updating it row by row — and so are, on PostgreSQL, its foreign keys to tables this
    transaction has locked already (another table being loaded), checked again in one pass.
    All in one savepoint: a failure in the block rolls the indexes back with its rows, even if
    the caller goes on; a broken reference still fails. On PostgreSQL the table is then
    analyzed (≈ 0.5 s for a million laborers and their households): until then its statistics
    describe the small table it was, until autovacuum comes by — or for good where it is off
    — and the laborer list of a million took 0.5 s instead of 0.3 s, sorted by name with a
    name search 2.7 s instead of 1.9 s.

    On PostgreSQL the table is locked until the transaction ends (readers wait), which is why
    only large loads do this, and only if the lock comes within ``LOCK_WAIT``: a table another
    transaction keeps reading (a long export) keeps its indexes instead of making every page
    that lists it wait behind the import. Foreign keys to other tables stay (dropping one
    would lock the table it points to, e.g. the regions every page reads)."""
    if rows < settings.BANGFU_IMPORT_REBUILD_ROWS or (
        model._base_manager.all()[:rows].count() >= rows
    ):
        yield
        return
    table = model._meta.db_table
    indexes, foreign_keys = _secondary_indexes(table)
    with transaction.atomic():  # a failure in the block undoes the drops with its rows
        if not _set_aside(table, indexes, foreign_keys):
            yield
            return
        yield
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # sort in memory (the default is 64 MB)
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                _check_pending(cursor)
            for _name, definition in indexes:
                cursor.execute(definition)
            for name, definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
            if connection.vendor == "postgresql":  # the next pages planned for its real size
                cursor.execute(f"ANALYZE {quote(table)}")


def _set_aside(table, indexes, foreign_keys):
    """Drop ``indexes`` and ``foreign_keys`` of ``table`` (in a savepoint); False, with
    nothing dropped, if PostgreSQL could not lock the table within ``LOCK_WAIT``."""
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT current_setting('lock_timeout')")
                previous = cursor.fetchone()[0]
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
            _check_pending(cursor)
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
            for name, _definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        logger.info("%s is in use: its indexes are kept for this load", table)
        return False
    return True


def _check_pending(cursor):
    """PostgreSQL refuses to alter a table with deferred checks pending (rows just written):
    make them now — a broken reference fails here instead of at the commit."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _secondary_indexes(table):
    """([(name, CREATE INDEX statement)] of the non-unique indexes of ``table``,
    [(name, definition)] of its foreign keys to tables this transaction holds locked —
    PostgreSQL only: SQLite cannot drop them)."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i "
                "JOIN pg_class AS c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary",
                [quoted],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint AS k "
                "WHERE k.conrelid = %s::regclass AND k.contype = 'f' AND EXISTS ("
                " SELECT 1 FROM pg_locks AS l WHERE l.pid = pg_backend_pid() AND l.granted"
                " AND l.locktype = 'relation' AND l.relation = k.confrelid"
                " AND l.mode = 'AccessExclusiveLock')",
                [quoted],
            )
            return indexes, cursor.fetchall()
        cursor.execute(
            "SELECT m.name, m.sql FROM pragma_index_list(%s) AS i "
            'JOIN sqlite_master AS m ON m.name = i.name WHERE NOT i."unique" AND m.sql IS NOT NULL',
            [table],
        )
        return cursor.fetchall(), []


def in_key_order(queryset, field):
    """``queryset`` ordered by ``field`` as Python orders strings (byte order, not the
    database collation), for merging with sorted keys."""
    if connection.vendor == "postgresql":
        return queryset.order_by(Collate(F(field), "C"))
    return queryset.order_by(field)
