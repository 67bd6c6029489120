"""``bangfu setup`` on an empty database, in a process of its own (a fresh SQLite file)."""

import sqlite3


def test_setup_without_demo_loads_the_official_regions_and_no_demo_data(tmp_path, bangfu_cli):
    bangfu = bangfu_cli
    bangfu("setup", "--no-demo")
    database = sqlite3.connect(tmp_path / "bangfu.sqlite3")
    levels = dict(
        database.execute("SELECT level, COUNT(*) FROM regions_region GROUP BY level").fetchall()
    )
    assert levels.get("county") == 1 and levels.get("township", 0) > 10
    assert database.execute("SELECT COUNT(*) FROM regions_region WHERE synthetic").fetchone() == (
        0,
    )
    assert "village" not in levels  # a deployment loads its own villages (import_regions)
    assert database.execute("SELECT COUNT(*) FROM accounts_user").fetchone() == (0,)

    # the county's own villages, then a plain setup (as `make run` does): no demo villages and
    # no demo dataset beside them, and no crash
    villages = tmp_path / "villages.csv"
    villages.write_text(
        "code,name,level,parent_code\n430903105999,自有村,village,430903105000\n", encoding="utf-8"
    )
    bangfu("import_regions", str(villages))
    output = bangfu("setup")
    assert database.execute(
        "SELECT code FROM regions_region WHERE level = 'village'"
    ).fetchall() == [("430903105999",)]
    assert database.execute("SELECT COUNT(*) FROM workshops_workshop").fetchone() == (0,)
    assert "not loaded" in output or "未载入" in output
