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
        parser.add_argument("--no-demo", action="store_true", help="Passed on to setup.")

    def handle(self, host, port, workers, no_demo, **options):
        call_command("setup", no_demo=no_demo)
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
    a worker that exits is started again after ``restart_delay`` seconds, the delay doubling
    (up to 30 s) while it keeps dying within a minute of its start, so a crashed background
    task never takes the pages down. Both are stopped at the end; True if the web server
    failed. ``stop`` is only polled (``is_set``): a signal handler may set it at any time."""
    processes = {"web": subprocess.Popen(web), "worker": subprocess.Popen(worker)}  # noqa: S603
    started, delay = time.monotonic(), restart_delay

    def running():
        return not stop.is_set() and processes["web"].poll() is None

    def pause(seconds):  # a sleep that ends early when it is time to stop
        end = time.monotonic() + seconds
        while running() and time.monotonic() < end:
            time.sleep(min(0.1, seconds))

    try:
        while running():
            code = processes["worker"].poll()
            if code is not None:
                if time.monotonic() - started > 60:
                    delay = restart_delay  # it had been running well: a fresh start
                log.write(
                    _("The background worker stopped (exit code %(code)s); restarting it.")
                    % {"code": code}
                )
                pause(delay)
                if not running():
                    break
                processes["worker"], started = subprocess.Popen(worker), time.monotonic()  # noqa: S603
                delay = min(delay * 2, 30)
            pause(0.5)
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
