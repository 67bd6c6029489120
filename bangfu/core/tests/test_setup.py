"""``bangfu setup`` on an empty database, in a process of its own (a fresh SQLite file)."""

import os
import sqlite3
import subprocess
import sys


def test_setup_without_demo_loads_the_official_regions_and_no_demo_data(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "BANGFU_VAR_DIR": str(tmp_path),
    }
    subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-m", "bangfu.cli", "setup", "--no-demo"],
        env=env,
        check=True,
        capture_output=True,
    )
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
