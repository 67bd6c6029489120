import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

# Path without the query string and no Referer: a search by ID number never reaches the log.
ACCESS_LOG_FORMAT = '%(h)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'


class Command(BaseCommand):
    help = (
        "Serve the platform: prepare the database, then run the web server (gunicorn) and the "
        "background-task worker together (a worker that stops is started again). Ctrl-C stops "
        "both. PORT sets the port (8000)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )

    def handle(self, host, port, workers, **options):
        call_command("setup")
        python = sys.executable
        web = [
            python,
            "-m",
            "gunicorn",
            "bangfu.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--graceful-timeout",
            "5",
        ]
        worker = [python, "-m", "bangfu.cli", "db_worker", "--interval", "1", "--no-reload"]
        self.stdout.write(
            f"Bangfu: http://{host}:{port}/  (API docs: /api/docs/, profile: {settings.PROFILE})"
        )
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: stop.set())
        if supervise(web, worker, stop, self.stderr) and not stop.is_set():
            sys.exit(1)


def supervise(web, worker, stop, log, restart_delay=1.0):
    """Run the ``web`` and ``worker`` commands until ``stop`` is set or the web server exits;
    a worker that exits is started again (after ``restart_delay`` seconds, doubled while it
    keeps dying within a minute, at most 30 s), so a crashed background task never takes the
    pages down. Both are stopped at the end; True if the web server failed."""
    processes = {"web": subprocess.Popen(web), "worker": subprocess.Popen(worker)}  # noqa: S603
    started, delay = time.monotonic(), restart_delay
    try:
        while not stop.is_set() and processes["web"].poll() is None:
            code = processes["worker"].poll()
            if code is not None:
                delay = restart_delay if time.monotonic() - started > 60 else min(delay * 2, 30)
                log.write(
                    _("The background worker stopped (exit code %(code)s); restarting it.")
                    % {"code": code}
                )
                if stop.wait(delay):
                    break
                processes["worker"], started = subprocess.Popen(worker), time.monotonic()  # noqa: S603
            stop.wait(0.5)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return processes["web"].returncode not in (0, -signal.SIGTERM, None)
