import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Path without the query string and no Referer: a search by ID number never reaches the log.
ACCESS_LOG_FORMAT = '%(h)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss "%(a)s"'


class Command(BaseCommand):
    help = (
        "Serve the platform: prepare the database, then run the web server (gunicorn) and the "
        "background-task worker together. Ctrl-C stops both. PORT sets the port (8000)."
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
        processes = [subprocess.Popen(web), subprocess.Popen(worker)]  # noqa: S603 (fixed argv)
        self.stdout.write(
            f"Bangfu: http://{host}:{port}/  (API docs: /api/docs/, profile: {settings.PROFILE})"
        )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for p in processes:
                if p.poll() is None:
                    p.terminate()
            for p in processes:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            sys.exit(1)
