"""Statistics benchmark: summary API and dashboard vs the raw SQL aggregate, at scale.

    BENCH_DB=postgres|sqlite BENCH_LABORERS=1000000 .venv/bin/python bench/bench_stats.py

Builds a fresh database (PostgreSQL: database ``bangfu_bench`` on 127.0.0.1:5432; SQLite: a
temporary file), loads regions, demo accounts and ``bangfu demo --scale N`` (N laborers, ~2N
employment records), then times in-process requests through the full Django stack (middleware,
auth, scoping, templates) and the equivalent raw SQL aggregate over the registries. Prints a
JSON line; docs/benchmarks.md records the results.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENGINE = os.environ.get("BENCH_DB", "sqlite")
LABORERS = int(os.environ.get("BENCH_LABORERS", "100000"))
RAW_REPEAT = int(os.environ.get("BENCH_RAW_REPEAT", "5"))
REUSE = os.environ.get("BENCH_REUSE") == "1"  # measure an already loaded bangfu_bench database
if ENGINE == "postgres" and REUSE:
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/bangfu_bench"
elif ENGINE == "postgres":
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-q",
            "-c",
            "DROP DATABASE IF EXISTS bangfu_bench",
        ],
        check=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", "CREATE DATABASE bangfu_bench"],
        check=True,
    )
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/bangfu_bench"
else:
    os.environ.pop("DATABASE_URL", None)
    os.environ["BANGFU_VAR_DIR"] = tempfile.mkdtemp(prefix="bangfu-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "bangfu.settings"
os.environ["ALLOWED_HOSTS"] = "testserver"  # in-process requests through django.test.Client
os.environ.setdefault("BANGFU_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bangfu.accounts.models import User  # noqa: E402
from bangfu.accounts.services import create_demo_accounts  # noqa: E402
from bangfu.labor.models import Employment, Laborer  # noqa: E402
from bangfu.regions.services import load_bundled  # noqa: E402
from bangfu.stats import demo  # noqa: E402
from bangfu.stats.tests.raw_sql import figure  # noqa: E402
from bangfu.workshops.models import Workshop  # noqa: E402


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(sorted(samples)[int(0.95 * len(samples)) - 1], 2),
        "n": repeat,
    }


def main():
    started = time.perf_counter()
    if REUSE:
        counts = {
            "laborers": Laborer.objects.count(),
            "employments": Employment.objects.count(),
            "workshops": Workshop.objects.count(),
            "rebuild_seconds": None,
        }
        load_seconds = 0
    else:
        call_command("migrate", verbosity=0)
        load_bundled("heshan_regions.csv")
        load_bundled("heshan_demo_villages.csv")
        create_demo_accounts("Bench@demo2026")
        load_started = time.perf_counter()
        counts = demo.load_scale(LABORERS)
        load_seconds = time.perf_counter() - load_started
        print(json.dumps({"loaded": counts, "seconds": round(load_seconds, 1)}), flush=True)
    if connection.vendor == "postgresql" and not REUSE:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    assert client.get("/api/v1/stats/summary/", {"year": "2023"}).status_code == 200
    results = {
        "engine": connection.vendor,
        "laborers": counts["laborers"],
        "employments": counts["employments"],
        "workshops": counts["workshops"],
        "load_and_rebuild_seconds": round(load_seconds, 1),
        "rebuild_seconds": counts["rebuild_seconds"],
        "summary_api": timed(lambda: client.get("/api/v1/stats/summary/", {"year": "2023"}), 200),
        "by_region_api": timed(
            lambda: client.get("/api/v1/stats/by-region/", {"year": "2023"}), 100
        ),
        "dashboard_page": timed(lambda: client.get("/", {"year": "2023"}), 50),
        "raw_sql_laborers_employed": timed(
            lambda: figure("laborers_employed", "430903", "2023-01-01", "2023-12-31"), RAW_REPEAT
        ),
        "raw_sql_positions": timed(
            lambda: figure("positions", "430903", "2023-01-01", "2023-12-31"), RAW_REPEAT
        ),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {connection.vendor} "
        f"{connection.pg_version if connection.vendor == 'postgresql' else ''}",
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
