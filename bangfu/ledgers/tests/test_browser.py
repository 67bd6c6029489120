"""Real headless Chromium: a township officer uploads a ledger with two bad rows, reads the
preview, imports the valid rows and downloads the error workbook."""

import openpyxl
import pytest
from playwright.sync_api import expect

from bangfu.labor.models import Laborer
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
