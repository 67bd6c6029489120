"""``bangfu run`` keeps the pages up: a background worker that dies is started again, and the
web server stopping stops everything."""

import io
import sys
import threading
import time

from django.utils import translation

from bangfu.core.management.commands.run import supervise

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_a_worker_that_dies_is_started_again_and_the_web_server_keeps_running(tmp_path):
    starts = tmp_path / "starts"
    dying_worker = [
        sys.executable,
        "-c",
        f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)",
    ]
    stop, log, result = threading.Event(), io.StringIO(), []

    def supervising():
        with translation.override("en"):
            result.append(supervise(SLEEPER, dying_worker, stop, log, 0.05))

    runner = threading.Thread(target=supervising)
    runner.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(starts.read_text() if starts.exists() else "") < 3:
        time.sleep(0.05)
    stop.set()
    runner.join(timeout=30)
    assert len(starts.read_text()) >= 3  # started, died, started again, twice
    assert "exit code 3" in log.getvalue()
    assert result == [False]  # the web server ran until it was stopped


def test_the_web_server_stopping_stops_the_worker_and_reports_a_failure():
    started = time.monotonic()
    failed = supervise(
        [sys.executable, "-c", "raise SystemExit(1)"], SLEEPER, threading.Event(), io.StringIO()
    )
    assert failed and time.monotonic() - started < 20  # the sleeping worker was terminated
