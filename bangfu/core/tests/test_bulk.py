"""The bulk-write helpers the ledger imports rely on."""

import gc

import pytest
from django.db import connection

from bangfu.core import bulk


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
