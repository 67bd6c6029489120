"""Import jobs end to end: upload → check (preview) → confirm → result, over the web and the
API; the job record, its one audit event, scope, and a worker killed mid-import."""

import datetime
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time

import openpyxl
import pytest
import xlsxwriter
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bangfu.audit.models import AccessLog
from bangfu.core.identity import check_character
from bangfu.labor.models import Laborer
from bangfu.ledgers import services
from bangfu.ledgers.models import ImportJob, JobStatus, this_worker
from bangfu.workshops.tests import factories as f

from .test_laborer_import import GOOD, HEADER, SPOUSE, ident, row

pytestmark = pytest.mark.django_db

ROWS = [
    row(),
    row(name="李四", number=ident("43090319820202002")),
    row(name="坏一", number="123"),
    row(name="坏二", number=ident("43090319700707007"), ability="很强"),
]


def workbook(rows=ROWS):
    book = openpyxl.Workbook()
    for values in (*HEADER, *rows):
        book.active.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue())


def upload(client, capture, rows=ROWS):
    with capture(execute=True):
        response = client.post(
            reverse("ledgers:upload"), {"ledger": "laborers", "file": workbook(rows)}
        )
    assert response.status_code == 302, response.content
    return ImportJob.objects.latest("created_at"), response


def test_upload_preview_confirm_valid_rows_and_download_errors(
    login, users, django_capture_on_commit_callbacks
):
    client = login("cangshuipu")
    page = client.get(reverse("ledgers:import-list"))
    assert page.status_code == 200 and b"upload-form" in page.content
    template = client.get(reverse("ledgers:template", args=["laborers"]))
    assert openpyxl.load_workbook(io.BytesIO(template.content)).active["F1"].value == "姓名"

    job, response = upload(client, django_capture_on_commit_callbacks)
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.rows, job.created, job.rejected) == (JobStatus.CHECKED, 4, 2, 2)
    assert job.sha256 and job.size and job.user == users["cangshuipu"]
    assert not Laborer.objects.exists()  # checking writes nothing
    preview = client.get(job.get_absolute_url()).content.decode()
    assert 'id="confirm-form"' in preview and "很强" in preview and "row-errors" in preview

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledgers:import-confirm", args=[job.pk]), {"mode": "valid"})
    job.refresh_from_db()
    assert (job.status, job.written, job.created, job.mode) == (JobStatus.DONE, True, 2, "valid")
    assert job.duration is not None and job.progress == 100
    assert set(Laborer.objects.values_list("name", flat=True)) == {"张三", "李四"}

    errors = client.get(reverse("ledgers:import-errors", args=[job.pk]))
    assert (
        "filename*=utf-8''%E8%8A%B1%E5%90%8D%E5%86%8C-errors.xlsx" in errors["Content-Disposition"]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [5, 6]
    assert AccessLog.objects.filter(user=users["cangshuipu"], object_id=str(job.pk)).exists()

    events = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ImportJob))
    assert events.count() == 1 and events.get().actor == users["cangshuipu"]
    assert not LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Laborer)
    ).exists()  # one event for the import, not one per row


def test_the_error_workbook_has_every_rejected_row_as_uploaded(
    login, django_capture_on_commit_callbacks
):
    """Rows rejected while cleaned are kept; rows rejected after (the same person twice) are
    read from the file again: both appear as they were typed."""
    rows = [
        row(),
        row(name="坏一", number="123"),
        row(name="张三", number=GOOD[:-1] + " " + GOOD[-1]),  # the same person, typed apart
        row(name="李四", number=SPOUSE),
    ]
    client = login("cangshuipu")
    job, _response = upload(client, django_capture_on_commit_callbacks, rows)
    assert (job.rows, job.created, job.rejected) == (4, 1, 3)
    errors = client.get(reverse("ledgers:import-errors", args=[job.pk]))
    assert (
        "filename*=utf-8''%E8%8A%B1%E5%90%8D%E5%86%8C-errors.xlsx" in errors["Content-Disposition"]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(errors.streaming_content))).active
    listed = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert sorted(listed) == [3, 4, 5]
    # every column under its header as uploaded, the unknown one (其他) too; IDs as text
    assert [cell.value for cell in sheet[1]][1:-1] == HEADER[1]
    assert listed[4][11] == "备注" and sheet.cell(row=2, column=8).number_format == "@"
    # uploaded again as it is: its 行号 and 错误 columns are not taken for the file's own
    again = io.BytesIO()
    sheet.parent.save(again)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ledgers:upload"),
            {"ledger": "laborers", "file": SimpleUploadedFile("错误.xlsx", again.getvalue())},
        )
    again = ImportJob.objects.latest("created_at")
    workbook_again = openpyxl.load_workbook(again.error_workbook.open("rb")).active
    assert [cell.value for cell in workbook_again[1]][1:-1] == HEADER[1]
    assert listed[4][7] == "123" and listed[5][7] == GOOD[:-1] + " " + GOOD[-1]
    assert "3" in listed[5][-1] and "5" in listed[5][-1]  # both rows of the person named


def test_all_or_nothing_with_rejected_rows_is_refused_and_the_valid_rows_stay_importable(
    login, django_capture_on_commit_callbacks
):
    """The preview already rejects rows: “all or nothing” would import nothing and end the
    job, so it is refused with the reason, and the job waits for another choice."""
    client = login("cangshuipu")
    job, _response = upload(client, django_capture_on_commit_callbacks)
    confirm = reverse("ledgers:import-confirm", args=[job.pk])
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        page = client.post(confirm, {"mode": "all"}, follow=True).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED and not job.written and not Laborer.objects.exists()
    assert "“全部或不导入”将不会导入任何数据" in page and 'id="confirm-form"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, {"mode": "valid"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Laborer.objects.count() == job.created == 2
    # a finished job cannot be confirmed again
    client.post(confirm, {"mode": "valid"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Laborer.objects.count() == 2


def test_all_or_nothing_writes_nothing_when_a_row_turns_bad_before_the_import(
    login, users, django_capture_on_commit_callbacks
):
    """Checked without errors, confirmed “all or nothing”; before the worker runs, someone
    registers the second person elsewhere: the import fails whole and says what to do."""
    client = login("cangshuipu")
    job, _response = upload(client, django_capture_on_commit_callbacks, ROWS[:2])
    assert job.rejected == 0
    with django_capture_on_commit_callbacks(execute=False) as worker:
        client.post(reverse("ledgers:import-confirm", args=[job.pk]), {"mode": "all"})
    f.make_laborer(users["district"], f.LL_VILLAGE, number=ROWS[1][6])
    with translation.override(job.language):
        for run in worker:
            run()
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and not job.written
        assert "上传" in job.message and "只导入" not in job.message
    assert Laborer.objects.count() == 1  # the one registered meanwhile


def test_reimporting_the_same_file_is_all_unchanged(login, django_capture_on_commit_callbacks):
    client = login("cangshuipu")
    for expected_created, expected_unchanged in ((2, 0), (0, 2)):
        job, _response = upload(client, django_capture_on_commit_callbacks, ROWS[:2])
        assert (job.created, job.unchanged) == (expected_created, expected_unchanged)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("ledgers:import-confirm", args=[job.pk]), {"mode": "all"})
    assert Laborer.objects.count() == 2


def test_a_bad_file_fails_the_check_with_its_reason(login, django_capture_on_commit_callbacks):
    client = login("cangshuipu")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ledgers:upload"),
            {"ledger": "laborers", "file": SimpleUploadedFile("a.xlsx", b"not a workbook")},
        )
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and job.message
    assert job.message in client.get(job.get_absolute_url()).content.decode()


def test_jobs_are_scoped_and_operators_cannot_import_laborers(
    login, users, django_capture_on_commit_callbacks
):
    from bangfu.workshops.tests import factories as f

    job, _response = upload(login("cangshuipu"), django_capture_on_commit_callbacks)
    client = login("longling")  # another township
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("ledgers:import-confirm", args=[job.pk])).status_code == 404
    assert client.get(reverse("ledgers:import-errors", args=[job.pk])).status_code == 404
    assert job.file_name not in client.get(reverse("ledgers:import-list")).content.decode()
    assert login("district").get(job.get_absolute_url()).status_code == 200

    operator = f.make_operator(users["district"], "op1", "430903105000")
    client.force_login(operator)
    response = client.post(reverse("ledgers:upload"), {"ledger": "laborers", "file": workbook()})
    assert ImportJob.objects.count() == 1 and not Laborer.objects.exists()
    assert response.status_code == 302


def test_the_worker_writes_the_job_in_the_uploaders_language(
    login, django_capture_on_commit_callbacks
):
    client = login("cangshuipu")
    client.cookies["django_language"] = "en"
    job, _response = upload(client, django_capture_on_commit_callbacks)
    assert job.language == "en"
    messages = " ".join(error["message"] for error in job.errors)
    assert "“很强” is not allowed" in messages
    page = client.get(job.get_absolute_url()).content.decode()
    assert ">created<" not in page and ">to create<" in page
    listing = client.get(reverse("ledgers:import-list")).content.decode()
    assert "<title>Ledger import" in listing
    book = openpyxl.load_workbook(job.error_workbook.open("rb"))
    assert book.sheetnames == ["Rejected rows"]

    zh = login("cangshuipu")
    zh.cookies["django_language"] = "zh-hans"
    job, _response = upload(zh, django_capture_on_commit_callbacks)
    assert job.language == "zh-hans" and "不是可选值" in job.errors[-1]["message"]
    done = ImportJob.objects.filter(pk=job.pk)
    done.update(status=JobStatus.DONE)
    assert "新增" in zh.get(job.get_absolute_url()).content.decode()


def test_api_upload_status_confirm(api, users, django_capture_on_commit_callbacks):
    client = api("cangshuipu")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/", {"ledger": "laborers", "file": workbook()}, format="multipart"
        )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    status = client.get(f"/api/v1/imports/{job_id}/").json()
    assert status["status"] == "checked" and status["rejected"] == 2
    assert status["errors"][0]["row"] == 5 and status["error_workbook"].endswith("/errors/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/imports/{job_id}/confirm/", {"mode": "valid"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert client.get(f"/api/v1/imports/{job_id}/").json()["status"] == "done"
    assert Laborer.objects.count() == 2
    assert api("longling").get(f"/api/v1/imports/{job_id}/").status_code == 404
    bad = client.post(f"/api/v1/imports/{job_id}/confirm/", {"mode": "valid"})
    assert bad.status_code == 400
    assert list(bad.json()) == ["non_field_errors"]  # as DRF reports any error not of a field
    assert (
        api("leader")
        .post("/api/v1/imports/", {"ledger": "laborers", "file": workbook()}, format="multipart")
        .status_code
        == 403
    )


def _big_ledger(path, count):
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER[1][:10])
    first = datetime.date(1960, 1, 1)
    for i in range(count):
        born = first + datetime.timedelta(days=i // 1000)
        body = f"430903{born:%Y%m%d}{i % 1000:03d}"
        values = row(name=f"工{i}", head=f"户{i // 3}", number=body + check_character(body))
        sheet.write_row(i + 1, 0, values[:10])
    book.close()


def test_a_killed_worker_leaves_the_job_failed_and_the_database_unchanged(tmp_path, bangfu_cli):
    """A real process imports a large ledger into its own SQLite database and is killed with
    SIGKILL while writing; the job is then reaped as failed and no laborer exists."""
    bangfu_cli.prepare()
    ledger = tmp_path / "big.xlsx"
    _big_ledger(ledger, 60_000)
    worker = subprocess.Popen(  # noqa: S603 (fixed argv)
        [sys.executable, "-m", "bangfu.cli", "import", "laborers", str(ledger)]
        + ["--user", "cangshuipu", "--mode", "valid"],
        env=bangfu_cli.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = sqlite3.connect(tmp_path / "bangfu.sqlite3", timeout=30)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = database.execute("SELECT status, progress FROM ledgers_importjob").fetchone()
        if status and status[0] == "running" and status[1] >= 55:
            time.sleep(0.05)  # the write transaction has begun
            break
        assert worker.poll() is None, "the import ended before it could be killed"
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)  # progress 55: inside the write transaction
    assert worker.wait() == -signal.SIGKILL, "the import ended before it could be killed"
    assert database.execute("SELECT status FROM ledgers_importjob").fetchone()[0] == "running"
    bangfu_cli("purge_jobs")  # the daily sweep: its worker is gone
    status, message = database.execute("SELECT status, message FROM ledgers_importjob").fetchone()
    assert status == "failed" and message
    assert database.execute("SELECT count(*) FROM labor_laborer").fetchone()[0] == 0
    assert database.execute("SELECT count(*) FROM labor_household").fetchone()[0] == 0


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="process start times: Linux")
def test_a_job_whose_process_id_now_belongs_to_another_process_is_reaped(users):
    """A restarted worker container often runs under the process id of the one that died:
    the recorded start time tells them apart. Old records (host:pid) keep the pid check."""
    host, pid, started = this_worker().split(":")
    assert pid == str(os.getpid()) and started.isdigit()

    def job(worker):
        officer = users["cangshuipu"]
        return ImportJob.objects.create(
            user=officer, region=officer.region, ledger="laborers", file_name="花名册.xlsx",
            sha256="0" * 64, size=1, mode="valid", status=JobStatus.RUNNING, worker=worker,
        )  # fmt: skip

    assert not job(this_worker()).reap_if_stale()  # this very process
    assert not job(f"{host}:{pid}").reap_if_stale()  # recorded before start times were
    reused = job(f"{host}:{pid}:{int(started) + 1}")  # the same id, another process
    assert reused.reap_if_stale() and reused.status == JobStatus.FAILED
    assert not job(f"another-host:{pid}:{int(started) + 1}").reap_if_stale()  # not ours to judge


def test_only_the_uploader_gets_the_error_workbook_and_other_files_are_refused(
    login, api, users, django_capture_on_commit_callbacks
):
    job, _response = upload(login("cangshuipu"), django_capture_on_commit_callbacks)
    assert job.error_workbook
    other = login("district")  # sees the job (scope) and its counts, not the rows
    page = other.get(job.get_absolute_url()).content.decode()
    assert "error-workbook" not in page and "row-errors" not in page and "很强" not in page
    assert 'id="rows-hidden"' in page
    seen = api("auditor").get(f"/api/v1/imports/{job.pk}/").json()
    assert seen["errors"] is None and seen["error_workbook"] is None and seen["rejected"] == 2
    assert len(api("cangshuipu").get(f"/api/v1/imports/{job.pk}/").json()["errors"]) == 2
    assert other.get(reverse("ledgers:import-errors", args=[job.pk])).status_code == 404
    assert api("auditor").get(f"/api/v1/imports/{job.pk}/errors/").status_code == 404
    assert api("cangshuipu").get(f"/api/v1/imports/{job.pk}/errors/").status_code == 200
    client = login("cangshuipu")
    client.post(
        reverse("ledgers:upload"),
        {"ledger": "laborers", "file": SimpleUploadedFile("花名册.pdf", b"%PDF-1.4")},
    )
    assert ImportJob.objects.count() == 1  # refused before any job is recorded


def test_a_finished_job_keeps_its_record_not_the_uploaded_file(
    login, django_capture_on_commit_callbacks
):
    client = login("cangshuipu")
    job, _response = upload(client, django_capture_on_commit_callbacks)
    stored = job.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledgers:import-confirm", args=[job.pk]), {"mode": "valid"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and not job.file and not os.path.exists(stored)
    assert job.sha256 and job.file_name and job.error_workbook


def test_a_running_job_page_polls_its_status_until_it_ends(login, users):
    client = login("cangshuipu")
    job = services.create_import(users["cangshuipu"], "laborers", workbook(), enqueue=False)
    assert job.status == JobStatus.QUEUED
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'data-status="queued"' in fragment
    assert "<html" not in fragment  # the status block only
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CHECKED)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and 'id="confirm-form"' in fragment


def test_old_job_files_are_purged_and_the_records_kept(login, django_capture_on_commit_callbacks):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    job, _response = upload(login("cangshuipu"), django_capture_on_commit_callbacks)
    workbook_path = job.error_workbook.path
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=31)
    )
    call_command("purge_jobs", "--days", "30")
    job.refresh_from_db()
    assert not job.file and not job.error_workbook and not os.path.exists(workbook_path)
    assert job.sha256 and job.rows == 4


def test_a_late_check_never_takes_a_confirmed_job_and_purge_spares_it(login, users):
    import datetime

    from django.utils import timezone

    client = login("cangshuipu")
    job = services.create_import(users["cangshuipu"], "laborers", workbook(), enqueue=False)
    services.check_job.call(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=40)
    )
    client.post(reverse("ledgers:import-confirm", args=[job.pk]), {"mode": "valid"})
    job.refresh_from_db()
    assert (job.status, job.finished_at) == (JobStatus.QUEUED, None)
    services.check_job.call(job.pk)  # delivered twice, or late
    services.purge_files(30)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.file
    services.import_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.created == 2


# who sees an import job uploaded by the 仓水铺 township officer (page, list, API)
SEES_THE_JOB = {
    "admin": True,
    "district": True,
    "staff": True,
    "auditor": True,  # reads import records of the district, never the rejected rows
    "cangshuipu": True,
    "longling": False,  # another township
    "leader": False,  # no import records at all
    "village": False,  # a village of 仓水铺: the township's jobs are above it
    "operator": False,  # operators see only their own jobs
}


@pytest.mark.parametrize(("username", "sees"), SEES_THE_JOB.items())
def test_each_role_sees_import_jobs_only_in_its_scope(users, api, username, sees):
    from bangfu.workshops.tests import factories as f

    job = services.create_import(users["cangshuipu"], "laborers", workbook(), enqueue=False)
    services.check_job.call(job.pk)  # checked: two rejected rows in its error workbook
    if username == "village":
        user = f.make_user(users["district"], "cun", f.CSP_VILLAGE, "village_informant")
    elif username == "operator":
        user = f.make_operator(users["district"], "op_jobs", "430903105000")
    else:
        user = users[username]
    client = api()
    client.force_authenticate(user)
    assert (client.get(f"/api/v1/imports/{job.pk}/").status_code == 200) is sees
    listed = client.get("/api/v1/imports/")
    ids = [row["id"] for row in listed.json()["results"]] if listed.status_code == 200 else []
    assert (job.pk in ids) is sees
    from django.test import Client

    page = Client()
    page.force_login(user)
    assert (page.get(job.get_absolute_url()).status_code == 200) is sees
    errors = client.get(f"/api/v1/imports/{job.pk}/errors/").status_code
    assert (errors == 200) is (username in ("cangshuipu", "admin"))  # uploader or superuser


def test_the_page_offers_the_templates_of_the_ledgers_one_may_import(users, login):
    from django.test import Client

    from bangfu.workshops.tests import factories as f

    village = Client()
    village.force_login(f.make_user(users["district"], "cun_t", f.CSP_VILLAGE, "village_informant"))
    page = village.get(reverse("ledgers:import-list")).content.decode()
    assert page.count('class="ledger-template"') == 1 and "/ledgers/templates/laborers" in page
    assert (
        login("cangshuipu")
        .get(reverse("ledgers:import-list"))
        .content.decode()
        .count('class="ledger-template"')
        == 4
    )


def test_an_upload_without_a_file_says_which_field_is_missing(login):
    client = login("cangshuipu")
    response = client.post(reverse("ledgers:upload"), {"ledger": "laborers"}, follow=True)
    assert "文件：" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_notes_of_the_check_are_shown_with_the_preview(
    login, users, django_capture_on_commit_callbacks
):
    from bangfu.workshops.tests import factories as f

    client = login("cangshuipu")
    job, _response = upload(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledgers:import-confirm", args=[job.pk]), {"mode": "valid"})
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE)
    zhang = Laborer.objects.get(name="张三")
    f.hire(users["district"], zhang, f.make_position(users["district"], workshop))
    again, _response = upload(client, django_capture_on_commit_callbacks)
    assert again.status == JobStatus.CHECKED and again.message.startswith("第 3 行（共 1 行）")
    page = client.get(again.get_absolute_url()).content.decode()
    assert 'id="job-notes"' in page and "在就业帮扶车间就业" in page
