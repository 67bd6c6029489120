"""Large list exports as background jobs: the same filtered, scoped, masked, escaped view as a
direct download, written by the worker; the job page, its file (for its creator only), the
access log, the API, and jobs that fail."""

import io

import openpyxl
import pytest
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from bangfu.audit.models import AccessAction, AccessLog
from bangfu.core import pii
from bangfu.labor.models import WorkStatus
from bangfu.labor.tests.test_privacy import scan
from bangfu.ledgers import exports
from bangfu.ledgers.models import ExportJob, JobStatus
from bangfu.workshops.tests import factories as f
from bangfu.workshops.tests.scope_helpers import export, export_rows, export_text

pytestmark = pytest.mark.django_db

LABORERS = "/labor/laborers/"
FARMING = {"work_status": WorkStatus.FARMING}


@pytest.fixture
def town(users, settings):
    """Farming laborers: three in 沧水铺镇 (one named like a formula), two in 龙岭; and one
    migrant in 沧水铺镇 the filter leaves out. Above two rows, exports run as jobs."""
    settings.BANGFU_EXPORT_SYNC_ROWS = 2
    district = users["district"]
    csp = [
        f.make_laborer(district, f.CSP_VILLAGE, "=cmd|' /C calc'!A0"),
        f.make_laborer(district, f.CSP_VILLAGE, "沧水甲"),
        f.make_laborer(district, f.CSP_VILLAGE_2, "沧水乙"),
    ]
    ll = [
        f.make_laborer(district, f.LL_VILLAGE, "龙岭甲"),
        f.make_laborer(district, f.LL_VILLAGE_2, "龙岭乙"),
    ]
    migrant = f.make_laborer(district, f.CSP_VILLAGE, "外出丙", work_status=WorkStatus.MIGRANT)
    return {"csp": csp, "ll": ll, "migrant": migrant}


def start(client, capture, url=LABORERS, execute=True, **params):
    """Ask for the export of ``url``; with ``execute`` the worker runs at once."""
    with capture(execute=execute) as callbacks:
        response = export(client, url, **params)
    assert response.status_code == 302, response.content[:300]
    return response, callbacks


def workbook_rows(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_a_large_filtered_export_runs_as_a_job_in_the_officers_scope(
    town, users, login, settings, django_capture_on_commit_callbacks
):
    client = login("cangshuipu")
    response, _cb = start(client, django_capture_on_commit_callbacks, **FARMING)
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("ledgers:export-detail", args=[job.pk])
    assert (job.status, job.rows, job.progress, job.user) == (
        JobStatus.DONE,
        3,
        100,
        users["cangshuipu"],
    )
    assert job.ledger == "labor:laborer-list" and job.region == users["cangshuipu"].region
    assert job.params["query"] == {"work_status": ["02"]} and not job.params["full_ids"]
    assert job.finished_at and job.duration is not None and not job.message

    page = client.get(response["Location"])
    assert page.status_code == 200 and b'id="export-download"' in page.content
    assert b"hx-get" not in page.content  # done: no more polling
    download = client.get(reverse("ledgers:export-download", args=[job.pk]))
    named = "filename*=utf-8''%E8%84%B1%E8%B4%AB%E5%8A%B3%E5%8A%A8%E5%8A%9B-"  # 脱贫劳动力-
    assert named in download["Content-Disposition"]  # in the user's language
    rows = workbook_rows(download)
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    text = export_text(body)
    assert "沧水甲" in text and "沧水乙" in text
    assert "龙岭" not in text and "外出丙" not in text  # other township; filtered out
    assert "'=cmd|' /C calc'!A0" in {c for r in body for c in r}
    assert not any(isinstance(c, str) and c.startswith("=") for r in body for c in r)
    for laborer in town["csp"]:
        assert laborer.id_masked in text and pii.decrypt(laborer.id_cipher) not in text
    # the same columns and rows as a direct download of that view
    settings.BANGFU_EXPORT_SYNC_ROWS = 100
    direct = export_rows(client, LABORERS, **FARMING)
    assert direct[0] == header and sorted(map(str, direct[1:])) == sorted(map(str, body))
    AccessLog.objects.exclude(object_id=str(job.pk)).delete()  # the direct download's entry

    log = AccessLog.objects.filter(object_id=str(job.pk)).get()
    assert (log.user, log.action, log.region) == (
        users["cangshuipu"],
        AccessAction.EXPORT_PERSONAL,
        users["cangshuipu"].region,
    )
    assert log.object_type == "ledgers.ExportJob" and ", 3) ?work_status=02" in log.detail
    with translation.override(job.params["language"]):
        assert gettext("masked") in log.detail
    assert log in AccessLog.objects.restrict(users["auditor"])  # auditors see it


def test_the_job_page_polls_while_the_worker_has_not_run_and_the_api_shows_progress(
    town, users, login, api, django_capture_on_commit_callbacks, monkeypatch
):
    client = login("cangshuipu")
    response, callbacks = start(client, django_capture_on_commit_callbacks, execute=False)
    job = ExportJob.objects.get()
    assert job.status == JobStatus.QUEUED and len(callbacks) == 1
    page = client.get(response["Location"])
    assert b'hx-get="' in page.content and b"every 1s" in page.content
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert b"progress-bar" in partial.content and b"<html" not in partial.content

    client_api = api("cangshuipu")
    body = client_api.get(f"/api/v1/exports/{job.pk}/").json()
    assert (body["status"], body["progress"], body["download"]) == ("queued", 0, None)
    assert client_api.get(f"/api/v1/exports/{job.pk}/download/").status_code == 404

    seen = []
    original = exports._progress
    monkeypatch.setattr(exports, "PROGRESS_STEPS", 4)
    monkeypatch.setattr(
        exports, "_progress", lambda c, j, p, s: (seen.append(int(p)), original(c, j, p, s))
    )
    callbacks[0]()  # the worker picks the job up
    assert seen == sorted(seen) and len(seen) >= 3 and seen[-1] > 50

    listing = client_api.get("/api/v1/exports/").json()["results"]
    assert [item["id"] for item in listing] == [job.pk]
    body = listing[0]
    assert (body["status"], body["progress"], body["rows"], body["full_ids"]) == (
        "done",
        100,
        4,
        False,
    )
    assert body["title"] and body["created_at"] and body["finished_at"]
    assert body["download"].endswith(f"/api/v1/exports/{job.pk}/download/")
    rows = workbook_rows(client_api.get(body["download"]))
    assert len(rows) == 1 + 4 and "龙岭" not in export_text(rows)
    assert AccessLog.objects.count() == 1  # written once, by the worker


def test_only_the_creator_or_a_superuser_gets_the_file(
    town, users, login, api, django_capture_on_commit_callbacks
):
    start(login("cangshuipu"), django_capture_on_commit_callbacks, **FARMING)
    job = ExportJob.objects.get()
    urls = [
        reverse("ledgers:export-detail", args=[job.pk]),
        reverse("ledgers:export-download", args=[job.pk]),
    ]
    for username in ("longling", "district", "staff", "leader"):
        client = login(username)
        for url in urls:
            assert client.get(url).status_code in (403, 404), (username, url)
        assert job.pk not in {
            row.record.pk for row in client.get("/ledgers/exports/").context["table"].paginated_rows
        }
        client_api = api(username)
        assert client_api.get(f"/api/v1/exports/{job.pk}/").status_code == 404, username
        assert client_api.get(f"/api/v1/exports/{job.pk}/download/").status_code == 404
        assert client_api.get("/api/v1/exports/").json()["count"] == 0
    assert AccessLog.objects.count() == 1

    listing = login("cangshuipu").get("/ledgers/exports/")
    assert listing.status_code == 200 and job.title in listing.content.decode()

    rows = workbook_rows(login("admin").get(urls[1]))  # a superuser may; that is logged
    assert len(rows) == 4
    log = AccessLog.objects.latest("at")
    assert (log.user, log.object_id) == (users["admin"], str(job.pk))
    assert AccessLog.objects.count() == 2


def test_full_id_numbers_only_with_the_permission_and_logged_as_such(
    town, users, login, django_capture_on_commit_callbacks
):
    numbers = {pii.decrypt(laborer.id_cipher) for laborer in town["csp"] + town["ll"]}
    start(login("cangshuipu"), django_capture_on_commit_callbacks, full_id="1", **FARMING)
    job = ExportJob.objects.get()
    assert not job.params["full_ids"] and "full_id" not in job.params["query"]
    client = login("cangshuipu")
    text = export_text(workbook_rows(client.get(reverse("ledgers:export-download", args=[job.pk]))))
    assert not any(number in text for number in numbers)
    with translation.override(job.params["language"]):
        assert gettext("full ID numbers") not in AccessLog.objects.get().detail

    client = login("district")
    start(client, django_capture_on_commit_callbacks, full_id="1", **FARMING)
    job = ExportJob.objects.filter(user=users["district"]).get()
    assert job.status == JobStatus.DONE and job.params["full_ids"] and job.rows == 5
    page = client.get(reverse("ledgers:export-detail", args=[job.pk]))
    assert b'id="full-ids"' in page.content
    text = export_text(workbook_rows(client.get(reverse("ledgers:export-download", args=[job.pk]))))
    assert numbers <= set(text.split())  # both townships, full numbers
    log = AccessLog.objects.get(user=users["district"])
    assert log.object_id == str(job.pk) and "full_id=1" in log.detail
    with translation.override(job.params["language"]):
        assert gettext("full ID numbers") in log.detail
    assert not any(number in log.detail for number in numbers)


def test_an_id_search_is_not_kept_in_clear(
    town, login, settings, django_capture_on_commit_callbacks
):
    number = pii.decrypt(town["csp"][1].id_cipher)
    settings.BANGFU_EXPORT_SYNC_ROWS = 0  # even one row goes to the worker
    start(login("district"), django_capture_on_commit_callbacks, q=number, full_id="1")
    job = ExportJob.objects.get()
    assert (job.status, job.rows) == (JobStatus.DONE, 1)
    assert job.params["query"]["q"] == ["***"]
    log = AccessLog.objects.get()
    assert "q=%2A%2A%2A" in log.detail and number not in log.detail
    assert scan([number]) == []


def test_an_export_needs_the_pages_post_not_a_link(town, users, login):
    """An export writes the access log and may start a job: a link or a reload (GET), or a
    POST from another site (no CSRF token), starts none."""
    page = login("cangshuipu").get(LABORERS, {"export": "xlsx", "full_id": "1", "q": "沧"})
    assert page.status_code == 302 and page["Location"] == f"{LABORERS}?q=%E6%B2%A7"  # cleaned
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(users["cangshuipu"])
    assert forged.post(LABORERS, {"export": "xlsx"}).status_code == 403
    assert login("cangshuipu").post(LABORERS, {"q": "x"}).status_code == 405
    assert not AccessLog.objects.exists() and not ExportJob.objects.exists()


def test_the_masked_button_stays_masked_on_an_address_asking_for_full_ids(town, login):
    client = login("district")  # may export full IDs, but did not press that button
    response = client.post(f"{LABORERS}?region={f.CSP_VILLAGE_2}&full_id=1", {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and "完整身份证号" not in rows[0] and "full ID number" not in rows[0]
    assert "full_id" not in AccessLog.objects.get().detail


def test_a_refused_large_export_returns_to_the_list_with_the_search_hidden(
    town, users, login, settings, django_capture_on_commit_callbacks
):
    settings.BANGFU_EXPORT_SYNC_ROWS, settings.BANGFU_EXPORT_MAX_ROWS = 0, 0
    number = pii.decrypt(town["csp"][0].id_cipher)
    client = login("cangshuipu")
    hidden = client.get(LABORERS, {"q": number})["Location"]  # ?q=~token
    response = client.post(hidden, {"export": "xlsx"})
    assert response.status_code == 302 and response["Location"] == hidden
    assert number not in response["Location"] and not ExportJob.objects.exists()


def test_a_small_result_still_downloads_directly(town, login):
    client = login("cangshuipu")
    rows = export_rows(client, LABORERS, region=f.CSP_VILLAGE_2)
    assert len(rows) == 2 and "沧水乙" in export_text(rows)
    assert not ExportJob.objects.exists()
    assert AccessLog.objects.get().action == AccessAction.EXPORT_PERSONAL
    response = export(client, LABORERS, region=f.CSP_VILLAGE_2)
    assert response["Content-Disposition"].startswith(
        "attachment; filename*=utf-8''%E8%84%B1%E8%B4%AB%E5%8A%B3%E5%8A%A8%E5%8A%9B-"
    )


def test_beyond_the_maximum_nothing_is_exported(
    town, login, settings, django_capture_on_commit_callbacks
):
    settings.BANGFU_EXPORT_MAX_ROWS = 2
    response, _cb = start(login("cangshuipu"), django_capture_on_commit_callbacks, **FARMING)
    assert response["Location"] == f"{LABORERS}?work_status=02"
    assert not ExportJob.objects.exists() and not AccessLog.objects.exists()


def test_a_job_with_invalid_filters_fails_with_a_message(
    town, users, login, django_capture_on_commit_callbacks
):
    request = RequestFactory().get(LABORERS)
    request.user = users["cangshuipu"]
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.create_export(
            request,
            "labor:laborer-list",
            title="Laborers",
            query=QueryDict("work_status=bogus"),
            full_ids=False,
            personal=True,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at and job.progress == 100
    assert "work_status" in job.message and not job.file and job.rows == 0
    assert not AccessLog.objects.exists()
    page = login("cangshuipu").get(reverse("ledgers:export-detail", args=[job.pk]))
    assert b'id="job-message"' in page.content and b"work_status" in page.content


def test_a_job_for_a_page_that_is_not_a_list_fails(town, users, login):
    job = ExportJob.objects.create(
        user=users["cangshuipu"], region=users["cangshuipu"].region, ledger="healthz", title="x"
    )
    exports.run(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message
    page = login("cangshuipu").get(reverse("ledgers:export-detail", args=[job.pk]))
    assert b'id="job-message"' in page.content and job.message in page.content.decode()
    assert b"export-download" not in page.content
    assert (
        login("cangshuipu").get(reverse("ledgers:export-download", args=[job.pk])).status_code
        == 404
    )


def test_an_id_search_waiting_for_the_worker_is_kept_encrypted(
    town, login, settings, django_capture_on_commit_callbacks
):
    from bangfu.ledgers.exports import export_job

    number = pii.decrypt(town["csp"][1].id_cipher)
    settings.BANGFU_EXPORT_SYNC_ROWS = 0
    start(login("district"), django_capture_on_commit_callbacks, execute=False, q=number)
    job = ExportJob.objects.get()
    assert job.status == JobStatus.QUEUED and number not in str(job.params)
    export_job.call(job.pk)  # the worker decrypts it to build the same view
    job.refresh_from_db()
    assert (job.status, job.rows) == (JobStatus.DONE, 1) and job.params["query"]["q"] == ["***"]


RACING_EXPORT = """
import sqlite3
from django.conf import settings
from bangfu.accounts.models import User
from bangfu.ledgers import exports
from bangfu.ledgers.models import ExportJob

officer = User.objects.get(username="cangshuipu")
job = ExportJob.objects.create(
    user=officer, region=officer.region, ledger="labor:laborer-list", title="laborers",
    params={"query": {}, "language": "zh-hans"},
)
reading = exports.export_values


def someone_saves_meanwhile(table):
    rows = reading(table)
    yield next(rows)  # the header
    yield next(rows)  # the first row: the read has begun
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=30)
    other.execute("UPDATE accounts_user SET first_name = 'x' WHERE username = 'district'")
    other.commit()
    for done, row in enumerate(rows, start=1):
        if done == 3000:  # what the job page shows meanwhile
            seen.append(other.execute(
                "SELECT progress FROM ledgers_exportjob WHERE id = ?", [job.pk]
            ).fetchone()[0])
        yield row
    other.close()


seen = []
exports.export_values = someone_saves_meanwhile
exports.run(job)
job.refresh_from_db()
print(job.status, job.rows, job.progress, *seen)
"""


def test_a_large_export_survives_a_save_by_someone_else_on_sqlite(tmp_path, bangfu_cli):
    """In a real SQLite file (WAL), another connection commits while the export reads its
    rows: the export's progress is written beside the read, and the export completes (it
    failed, and took the worker down with it, when progress was written on the reading
    connection)."""
    from .test_jobs import _big_ledger

    bangfu_cli.prepare()
    ledger = tmp_path / "laborers.xlsx"
    _big_ledger(ledger, 5000)  # more than one chunk of the export's read
    bangfu_cli("import", "laborers", str(ledger), "--user", "cangshuipu", "--mode", "valid")
    output = bangfu_cli("shell", "-c", RACING_EXPORT)
    status, rows, progress, meanwhile = output.splitlines()[-1].split()
    assert (status, rows, progress) == ("done", "5000", "100")
    assert 50 <= int(meanwhile) < 100  # written beside the read, after the other save


def test_an_export_from_a_later_page_is_of_every_row_and_says_so(
    town, users, login, settings, django_capture_on_commit_callbacks
):
    """Export pressed on page 2 of 1-row pages: the file, the job's query (what the worker
    rebuilds) and the access log name the filters and sort, not the page."""
    client = login("cangshuipu")
    paged = {**FARMING, "sort": "name", "page": "2", "per_page": "1"}
    start(client, django_capture_on_commit_callbacks, **paged)
    job = ExportJob.objects.get()
    assert job.rows == 3
    assert job.params["query"] == {"work_status": ["02"], "sort": ["name"]}
    detail = AccessLog.objects.get(object_id=str(job.pk)).detail
    assert logged_query(detail) == {"work_status": ["02"], "sort": ["name"]}

    settings.BANGFU_EXPORT_SYNC_ROWS = 100  # the same page downloaded at once
    assert len(export_rows(client, LABORERS, **paged)) == 1 + 3
    detail = AccessLog.objects.exclude(object_id=str(job.pk)).get().detail
    assert logged_query(detail) == {"work_status": ["02"], "sort": ["name"]}


def logged_query(detail):
    """The query an access-log entry of an export names (after its ``?``), as lists."""
    return dict(QueryDict(detail.rsplit("?", 1)[1]).lists())
