"""The bulk-write helpers the ledger imports rely on."""

import gc

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bangfu.core import bulk
from bangfu.labor.models import Household


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


@pytest.mark.django_db
def test_a_broken_reference_in_a_large_load_still_fails_and_writes_nothing(settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite keeps its foreign keys (they cannot be dropped) and checks them at commit"
        )
    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    rows = _household_rows(2) + _household_rows(1, region="999999999999", start=3)
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.indexes_rebuilt(Household, 3):
        bulk.insert(Household, HOUSEHOLD_COLUMNS, rows)
    assert not Household.objects.exists()
    assert _foreign_keys(Household)


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
