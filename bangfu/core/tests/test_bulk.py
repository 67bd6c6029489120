"""The bulk-write helpers the ledger imports rely on."""

import datetime
import gc
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bangfu.core import bulk
from bangfu.labor.models import Household, Laborer


def test_gc_is_paused_inside_the_block_and_restored_after_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), bulk.gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


@pytest.mark.django_db
def test_the_sqlite_write_cache_is_set_for_the_block_and_restored_after():
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting (PostgreSQL's cache is the server's)")

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    with bulk.write_cache(64):
        assert cache_size() == -64 * 1024
    assert cache_size() == before


def _indexes(model):
    """{name: columns} of the non-unique indexes of ``model``'s table, as the database has them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: c["columns"]
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"]
    }


def _foreign_keys(model):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name for name, c in constraints.items() if c["foreign_key"]}


def _household_rows(count, region="430903105201", start=1):
    now = timezone.now()
    return [
        (start + n, region, f"户主{n}", "lifted_enjoying", "", "", 1, "", True, now)
        for n in range(count)
    ]


HOUSEHOLD_COLUMNS = ("id", "region_id", "head_name", "category", "monitor_type", "risk_status")
HOUSEHOLD_COLUMNS += ("members_count", "address", "is_active", "created_at")


@pytest.mark.django_db
def test_a_large_load_sets_the_indexes_aside_and_builds_them_again(settings):
    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    indexes, foreign_keys = _indexes(Household), _foreign_keys(Household)
    assert indexes
    with transaction.atomic(), bulk.indexes_rebuilt(Household, 3):
        assert _indexes(Household) == {}
        bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(3))
    assert _indexes(Household) == indexes
    assert _foreign_keys(Household) == foreign_keys
    assert Household.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 3])
def test_small_loads_and_loads_smaller_than_the_table_keep_the_indexes(settings, rows):
    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(3))  # rows=3: as many as there are
    indexes = _indexes(Household)
    with transaction.atomic(), bulk.indexes_rebuilt(Household, rows):
        assert _indexes(Household) == indexes


@pytest.mark.django_db
def test_a_failed_load_rolls_the_indexes_back_with_its_rows(settings):
    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    indexes = _indexes(Household)
    with pytest.raises(RuntimeError), transaction.atomic(), bulk.indexes_rebuilt(Household, 3):
        bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(3))
        raise RuntimeError
    assert _indexes(Household) == indexes
    assert not Household.objects.exists()


LABORER_COLUMNS = ("household_id", "region_id", "name", "name_pinyin", "name_initials")
LABORER_COLUMNS += ("id_cipher", "id_index", "id_masked", "gender", "birth_date", "phone")
LABORER_COLUMNS += ("labor_ability", "education", "skills", "work_status", "work_intention")
LABORER_COLUMNS += ("is_active", "created_at")


def _laborer_rows(household_ids, region="430903105201"):
    now, born = timezone.now(), datetime.date(1980, 1, 1)
    return [
        (pk, region, "甲", "jia", "j", "v1:x", f"{n:064x}", "4309**", "M", born, "")
        + ("full", "", "", "unemployed", "", True, now)
        for n, pk in enumerate(household_ids)
    ]


@pytest.mark.django_db
def test_keys_to_a_table_being_loaded_are_checked_again_others_are_kept(settings):
    """Laborers loaded after their households: the key to the (locked) household table is set
    aside and checked once after the rows — a broken one still fails; the key to the regions
    every page reads is never dropped (that would lock the regions)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps its foreign keys (they cannot be dropped)")
    settings.BANGFU_IMPORT_REBUILD_ROWS = 2
    keys = _foreign_keys(Laborer)
    with transaction.atomic():
        bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(2))
        with connection.cursor() as cursor:  # what loading the households did
            cursor.execute("LOCK TABLE labor_household IN ACCESS EXCLUSIVE MODE")
        with bulk.indexes_rebuilt(Laborer, 2):
            during = _foreign_keys(Laborer)
            bulk.insert(Laborer, LABORER_COLUMNS, _laborer_rows([1, 2]))
        assert Laborer.objects.count() == 2
    assert during == {name for name in keys if "region" in name}
    assert _foreign_keys(Laborer) == keys
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE labor_household IN ACCESS EXCLUSIVE MODE")
        with bulk.indexes_rebuilt(Laborer, 3):
            bulk.insert(Laborer, LABORER_COLUMNS, _laborer_rows([1, 2, 99]))  # no household 99
    assert Laborer.objects.count() == 2


@pytest.mark.django_db
def test_a_large_load_leaves_the_regions_readable_and_the_lock_timeout_as_it_was(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite readers never wait")
    import psycopg

    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '42s'")
    with psycopg.connect(**connection.get_connection_params()) as reader:
        reader.execute("SET lock_timeout = '1s'")
        with transaction.atomic(), bulk.indexes_rebuilt(Household, 3):
            bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(3))
            assert reader.execute("SELECT count(*) FROM regions_region").fetchone()[0] > 0
            reader.rollback()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        assert cursor.fetchone()[0] == "42s"


@pytest.mark.django_db
def test_a_failure_the_caller_catches_still_leaves_the_indexes_in_place(settings):
    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    indexes = _indexes(Household)
    with transaction.atomic():
        with pytest.raises(RuntimeError), bulk.indexes_rebuilt(Household, 3):
            bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(3))
            raise RuntimeError
        assert _indexes(Household) == indexes  # the transaction goes on: nothing is missing
        assert not Household.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("registered", [1, 10])
def test_among_finds_the_same_rows_by_reading_the_table_or_by_staged_keys(registered):
    bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(registered))
    wanted = ["户主0", "户主3", "不存在"]
    with bulk.among(Household, "head_name", wanted) as among:
        found = set(Household.objects.filter(among).values_list("head_name", flat=True))
    assert found & set(wanted) == {"户主0", "户主3"} & {f"户主{n}" for n in range(registered)}
    if registered == 10:  # more rows than twice the keys: the staged filter, nothing else
        assert found == {"户主0", "户主3"}


@pytest.mark.django_db
def test_a_table_another_transaction_reads_keeps_its_indexes(settings, monkeypatch):
    """A long export reading the table: the load does not wait for it (and make every page
    wait behind itself) — it keeps the indexes and writes as usual."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite readers never block a writer")
    import psycopg

    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    monkeypatch.setattr(bulk, "LOCK_WAIT", "200ms")
    indexes = _indexes(Household)
    with psycopg.connect(**connection.get_connection_params()) as reader:
        reader.execute("SELECT count(*) FROM labor_household")  # holds its lock until rollback
        with transaction.atomic(), bulk.indexes_rebuilt(Household, 3):
            assert _indexes(Household) == indexes
            bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(3))
        reader.rollback()
    assert Household.objects.count() == 3


@pytest.mark.django_db
def test_a_large_insert_written_in_batches_by_a_second_thread_gives_every_row(monkeypatch):
    monkeypatch.setattr(bulk, "COPY_ROWS", 4)  # 10 rows: batches of 4, 4 and 2
    started = threading.active_count()
    assert bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(10)) == 10  # a list
    assert sorted(Household.objects.values_list("head_name", flat=True)) == sorted(
        f"户主{n}" for n in range(10)
    )
    assert threading.active_count() == started  # the writer is gone


@pytest.mark.django_db
@pytest.mark.parametrize("broken", ["reference", "rows"])
def test_a_batched_insert_failing_in_a_later_batch_writes_nothing(monkeypatch, broken):
    """A broken reference is found at the end of its batch on PostgreSQL (constraints made
    immediate), an error while the rows are built stops the writer: either way the insert
    fails as a whole."""
    if broken == "reference" and connection.vendor != "postgresql":
        pytest.skip("SQLite checks the references at the commit")
    monkeypatch.setattr(bulk, "COPY_ROWS", 4)
    rows = _household_rows(10)

    def built():
        yield from rows[:9]
        if broken == "rows":
            raise KeyError("a row that cannot be built")
        yield (10, "999999999999", *rows[9][2:])  # a village that does not exist

    error = IntegrityError if broken == "reference" else KeyError
    with pytest.raises(error), transaction.atomic():
        bulk.insert(Household, HOUSEHOLD_COLUMNS, built())
    assert not Household.objects.exists()
    assert not any(thread.name == "bangfu-write" for thread in threading.enumerate())


@pytest.mark.django_db
def test_allocated_ids_are_fresh_distinct_and_usable():
    first = bulk.allocate_ids(Household, 5)
    assert len(set(first)) == 5
    rows = [(pk, *row[1:]) for pk, row in zip(first, _household_rows(5), strict=True)]
    with transaction.atomic():
        bulk.insert(Household, HOUSEHOLD_COLUMNS, rows)
        bulk.reset_sequences(Household)
    second = bulk.allocate_ids(Household, 3)
    assert len(set(second)) == 3 and min(second) > max(first)
    Household.objects.create(region_id="430903105201", head_name="新户")  # no id taken twice


@pytest.mark.django_db
def test_a_large_load_leaves_the_planner_statistics_of_the_table_it_loaded(settings):
    """The pages after a first large import are planned for the table's real size, not for
    the empty table it was (autovacuum may be late, or off)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans from its indexes; it keeps no statistics unless analyzed")
    settings.BANGFU_IMPORT_REBUILD_ROWS = 3

    def analyzed_columns():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname FROM pg_stats WHERE schemaname = current_schema() "
                "AND tablename = 'labor_household'"
            )
            return {row[0] for row in cursor.fetchall()}

    with transaction.atomic(), bulk.indexes_rebuilt(Household, 5):
        bulk.insert(Household, HOUSEHOLD_COLUMNS, _household_rows(5))
    assert {"region_id", "head_name", "category"} <= analyzed_columns()
