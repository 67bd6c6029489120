"""Ledger import/export benchmark: a BENCH_ROWS-row laborer ledger (default 1,000,000) imported
end to end, re-imported unchanged, compared with the floor of its bare parts, exported to xlsx,
and (BENCH_PEER_ROWS rows, default 20,000) the same file through django-import-export.

    BENCH_DB=postgres|sqlite BENCH_ROWS=1000000 .venv/bin/python bench/bench_import.py

``BENCH_SHARED_STRINGS=1`` writes the ledger's texts to a shared-strings table, as Excel and WPS
save a workbook (which the reader parses whole), instead of inline as xlsxwriter's
constant-memory mode and most machine exports do (parsed in parts).

Every measured step runs in its own child process (``bangfu import`` / ``bangfu export`` /
the floor and peer scripts), so its wall time, peak memory (``ru_maxrss`` from ``wait4``) and
CPU time (all its threads) are its own. The floor runs before and after the imports and the
ratio uses their mean: the speed of a shared VM drifts within minutes. The ledger file is
generated once (all template columns, valid synthetic rows) and cached in ``bench/.cache``.
Prints JSON lines; docs/benchmarks.md records the results.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
ENGINE = os.environ.get("BENCH_DB", "sqlite")
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
PEER_ROWS = int(os.environ.get("BENCH_PEER_ROWS", "20000"))
SHARED_STRINGS = os.environ.get("BENCH_SHARED_STRINGS", "0") == "1"
PG_URL = "postgres://postgres@127.0.0.1:5432/bangfu_bench_import"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q"]


def fresh_database():
    """A new empty database (migrated, regions with the demo villages, demo accounts); the
    environment to reach it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bangfu.settings"}
    env["BANGFU_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    if ENGINE == "postgres":
        for sql in ("DROP DATABASE IF EXISTS", "CREATE DATABASE"):
            subprocess.run([*PSQL, "-c", f"{sql} bangfu_bench_import"], check=True)
        env["DATABASE_URL"] = PG_URL
    else:
        env.pop("DATABASE_URL", None)
        env["BANGFU_VAR_DIR"] = tempfile.mkdtemp(prefix="bangfu-bench-import-")
    bangfu = [sys.executable, "-m", "bangfu.cli"]
    subprocess.run([*bangfu, "setup", "--no-demo"], env=env, check=True, capture_output=True)
    demo = (
        "from bangfu.regions.services import load_bundled; "
        "load_bundled('heshan_demo_villages.csv'); "
        "from bangfu.accounts.services import create_demo_accounts as c; c('Bench@2026')"
    )
    subprocess.run([*bangfu, "shell", "-c", demo], env=env, check=True, capture_output=True)
    return env


def machine_busy():
    """CPU seconds the whole machine has been busy (Linux ``/proc/stat``), or None."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = ticks[:7]  # not steal (another VM's)
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def measured(env, args, label):
    """Run ``args`` as a child; (seconds, peak RSS in MB, stdout, CPU seconds): the CPU of the
    child's threads and of the whole machine meanwhile (with the database server)."""
    started, busy = time.perf_counter(), machine_busy()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        stderr = child.stderr.read().decode()
        out.seek(0)
        stdout = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{label} failed:\n{stdout[-2000:]}\n{stderr[-4000:]}")
    cpu = {"process": round(usage.ru_utime + usage.ru_stime, 1)}
    if busy is not None:
        cpu["machine"] = round(machine_busy() - busy, 1)
    return round(seconds, 2), round(usage.ru_maxrss / 1024), stdout, cpu


def generate(path, count, shared_strings=False):
    """A laborer ledger with every template column: ~3 laborers per household, villages by
    name (with their township where names repeat) or by code, valid synthetic ID numbers;
    texts inline, or with ``shared_strings`` in one table as Excel saves them."""
    import csv

    import xlsxwriter

    sys.path.insert(0, str(ROOT))
    from bangfu.core.identity import check_character

    with open(ROOT / "bangfu/regions/data/heshan_demo_villages.csv", encoding="utf-8") as handle:
        villages = [row["code"] for row in csv.DictReader(handle) if row["level"] == "village"]
    headers = [
        "所在村（社区）", "户主姓名", "户类别", "监测类型", "风险状态", "姓名", "身份证号",
        "联系电话", "劳动能力", "文化程度", "技能", "就业状态", "就业意愿",
    ]  # fmt: skip
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华",
    )
    book = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    sheet = book.add_worksheet("花名册")
    sheet.write_string(0, 0, "赫山区脱贫劳动力花名册（基准测试，虚构数据）")
    sheet.write_row(1, 0, headers)
    first = datetime.date(1960, 1, 1)
    for i in range(count):
        household = i // 3
        born = first + datetime.timedelta(days=(i // 900) % 15000)
        body = f"4309{i % 90 + 10:02d}{born:%Y%m%d}{i % 900 + 100:03d}"
        name = surnames[i % 20] + given[(i // 20) % len(given)] + given[(i // 500) % len(given)]
        head = (
            surnames[household % 20] + given[(household // 20) % len(given)] + "户" + str(household)
        )
        monitored = household % 10 == 0
        sheet.write_row(
            i + 2,
            0,
            [
                villages[household % len(villages)],
                head,
                "监测户" if monitored else "脱贫户（继续享受政策）",
                "脱贫不稳定户" if monitored else "",
                "风险未消除" if monitored else "",
                name,
                body + check_character(body),
                f"1380000{i % 10000:04d}",
                "全劳动力",
                "初中",
                "缝纫,电工" if i % 4 == 0 else "",
                "返乡未就业",
                "就近务工",
            ],
        )
    book.close()


def ledger_file(count, shared_strings=False):
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"laborers-{'sst-' if shared_strings else ''}{count}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        generate(path, count, shared_strings)
        print(json.dumps({"generated": str(path), "rows": count,
                          "seconds": round(time.perf_counter() - started, 1),
                          "mb": round(path.stat().st_size / 2**20, 1)}), flush=True)  # fmt: skip
    return path


def export_file(env, bangfu, results):
    """``bangfu export laborers`` of the imported rows to xlsx (masked), timed."""
    with tempfile.TemporaryDirectory() as scratch:
        export = [
            *bangfu,
            "export",
            "laborers",
            "-o",
            f"{scratch}/out.xlsx",
            "--user",
            "district",
        ]
        seconds, mb, _out, _cpu = measured(env, export, "export")
    results["export"] = {
        "seconds": seconds, "peak_rss_mb": mb, "rows_per_second": round(ROWS / seconds)
    }  # fmt: skip
    print(json.dumps({"export": results["export"]}), flush=True)


def main():
    started = time.perf_counter()
    env = fresh_database()
    bangfu = [sys.executable, "-m", "bangfu.cli"]
    results = {"engine": ENGINE, "rows": ROWS, "shared_strings": SHARED_STRINGS}
    if ROWS:  # BENCH_ROWS=0: only the peer comparison
        path = ledger_file(ROWS, SHARED_STRINGS)
        floor_script = [sys.executable, "bench/import_floor.py", str(path)]
        # the floor before and after the imports, averaged: this VM's speed drifts meanwhile
        floors = [measured(env, floor_script, "floor")]
        if ENGINE == "postgres":  # the floor's writes flushed now, not during the import
            subprocess.run([*PSQL, "-d", "bangfu_bench_import", "-c", "CHECKPOINT"], check=True)
        importer = [*bangfu, "import", "laborers", str(path), "--user", "district", "--json"]
        for label in ("first_import", "reimport_unchanged"):
            seconds, mb, out, cpu = measured(env, importer, label)
            body = json.loads(out)
            results[label] = {
                "seconds": seconds,
                "job_seconds": body["seconds"],
                "rows_per_second": round(ROWS / seconds),
                "peak_rss_mb": mb,
                "cpu_seconds": cpu,
                **{k: body[k] for k in ("created", "updated", "unchanged", "rejected")},
            }
            print(json.dumps({label: results[label]}), flush=True)
        floors.append(measured(env, floor_script, "floor"))
        seconds = round(sum(floor[0] for floor in floors) / len(floors), 2)
        results["floor"] = {
            "seconds": seconds,
            "runs": [floor[0] for floor in floors],
            "peak_rss_mb": max(floor[1] for floor in floors),
            "parts": [json.loads(floor[2]) for floor in floors],
        }
        results["ratio_to_floor"] = round(results["first_import"]["seconds"] / seconds, 2)
        print(json.dumps({"floor": results["floor"]}), flush=True)
        if os.environ.get("BENCH_EXPORT", "1") == "0":  # the export takes minutes at 1M rows
            print(json.dumps({"export": "skipped (BENCH_EXPORT=0)"}), flush=True)
        else:
            export_file(env, bangfu, results)
    if PEER_ROWS:
        peer_path = ledger_file(PEER_ROWS)
        peer_script = [sys.executable, "bench/import_peer.py", str(peer_path)]
        peer, mb, out, _cpu = measured(fresh_database(), peer_script, "peer")
        results["peer_django_import_export"] = {
            "rows": PEER_ROWS, "seconds": peer, "peak_rss_mb": mb, **json.loads(out)
        }  # fmt: skip
        ours_command = [*bangfu, "import", "laborers", str(peer_path), "--user", "district"]
        ours, mb, _out, _cpu = measured(fresh_database(), ours_command, "ours")
        results["ours_same_file"] = {"rows": PEER_ROWS, "seconds": ours, "peak_rss_mb": mb}
        results["speedup_vs_peer"] = round(peer / ours, 1)
    python = platform.python_version()
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {python}, {ENGINE}"
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
