"""Real headless Chromium: a township officer uploads a ledger with two bad rows, reads the
preview, imports the valid rows and downloads the error workbook; a running job's progress bar
fills as the worker reports."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from bangfu.accounts.models import User
from bangfu.labor.models import Laborer
from bangfu.ledgers.models import ImportJob, JobStatus, this_worker
from bangfu.regions.models import Region
from conftest import browser_login

from .test_jobs import ROWS
from .test_laborer_import import HEADER

pytestmark = pytest.mark.browser


def test_upload_preview_import_valid_rows_and_download_errors(page, tmp_path):
    path = tmp_path / "花名册.xlsx"
    book = openpyxl.Workbook()
    for values in (*HEADER, *ROWS):
        book.active.append(list(values))
    book.save(path)

    browser_login(page, "cangshuipu")
    page.goto("/ledgers/")
    page.select_option("#id_ledger", "laborers")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-submit")

    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-rejected")).to_have_text("2")
    errors = page.locator("#row-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.first).to_contain_text("5")
    expect(page.locator("#row-errors")).to_contain_text("很强")
    assert not Laborer.objects.exists()

    page.check("#id_mode_1")  # only the valid rows
    page.click("#confirm-import")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "done")
    expect(page.locator("#count-created")).to_have_text("2")
    assert set(Laborer.objects.values_list("name", flat=True)) == {"张三", "李四"}

    with page.expect_download() as download:
        page.click("#error-workbook")
    target = tmp_path / "errors.xlsx"
    download.value.save_as(target)
    rows = list(openpyxl.load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [5, 6] and all(r[-1] for r in rows)


def test_a_running_jobs_progress_bar_shows_its_progress_and_follows_it(page):
    officer = User.objects.get(username="cangshuipu")
    job = ImportJob.objects.create(
        user=officer,
        region=officer.region,
        ledger="laborers",
        file_name="花名册.xlsx",
        sha256="0" * 64,
        size=1,
        mode="valid",
        status=JobStatus.RUNNING,
        progress=40,
        stage="检查数据行",
        worker=this_worker(),  # alive: the job is not reaped as stale
    )
    browser_login(page, "cangshuipu")
    page.goto(f"/ledgers/imports/{job.pk}/")
    bar = page.locator(".progress-bar")
    expect(bar).to_have_text("40%")
    assert filled(page) == pytest.approx(0.40, abs=0.02)
    ImportJob.objects.filter(pk=job.pk).update(progress=85)
    expect(bar).to_have_text("85%")  # the page polls every second
    assert filled(page) == pytest.approx(0.85, abs=0.02)


def filled(page):
    """The share of its track the progress bar fills once its width stops moving (Bootstrap
    animates it)."""
    return page.evaluate(
        """() => new Promise((resolve) => {
            const bar = document.querySelector(".progress-bar");
            const share = () => bar.getBoundingClientRect().width
                / bar.parentElement.getBoundingClientRect().width;
            let last = -1;
            const check = () => {
                const now = share();
                if (now === last) resolve(now); else { last = now; setTimeout(check, 250); }
            };
            check();
        })"""
    )


def test_the_export_button_exports_what_the_filters_show(page):
    browser_login(page, "district")
    page.goto("/regions/")
    page.select_option("#id_level", "township")  # filters on change, swapping the table only
    expect(page.locator("#export-actions")).to_have_attribute(
        "action", re.compile(r"level=township")
    )
    with page.expect_download() as download:  # a POST with the page's CSRF token
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    content = io.BytesIO(download.value.path().read_bytes())  # saved without its extension
    rows = list(
        openpyxl.load_workbook(content).worksheets[0].iter_rows(min_row=2, values_only=True)
    )
    district = User.objects.get(username="district")
    assert rows and len(rows) == Region.objects.restrict(district).filter(level="township").count()
