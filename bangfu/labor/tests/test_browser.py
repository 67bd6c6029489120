"""Real headless Chromium: a township officer registers a household and finds a laborer."""

import pytest
from playwright.sync_api import expect

from bangfu.core.identity import check_character
from conftest import browser_login

pytestmark = pytest.mark.browser


def synthetic_id(body17):
    return body17 + check_character(body17)


def test_register_household_with_an_invalid_id_then_find_by_initials(page):
    good = synthetic_id("43090319850301003")
    second = synthetic_id("43090319900715004")
    bad = second[:-1] + ("0" if second[-1] != "0" else "1")  # wrong check character
    browser_login(page, "cangshuipu")
    page.goto("/labor/households/new/")
    page.fill("#id_head_name", "张三")
    page.select_option("#id_region", "430903105201")
    page.select_option("#id_category", "lifted_enjoying")
    page.fill("#id_members_count", "4")
    rows = [("张三", good, "13800000001"), ("李四", bad, "13800000002")]
    for index, (name, id_number, phone) in enumerate(rows):
        page.fill(f"#id_laborers-{index}-name", name)
        page.fill(f"#id_laborers-{index}-id_number", id_number)
        page.fill(f"#id_laborers-{index}-phone", phone)
        page.select_option(f"#id_laborers-{index}-labor_ability", "full")
        page.select_option(f"#id_laborers-{index}-work_status", "03")
    page.click("#save")

    error = page.locator("#id_laborers-1-id_number-errors")
    expect(error).to_be_visible()
    assert second[-1] in error.inner_text()  # names the expected check character
    expect(page.locator("#id_laborers-0-id_number-errors")).to_have_count(0)

    page.fill("#id_laborers-1-id_number", second)
    page.click("#save")
    page.wait_for_url("**/labor/households/*/")
    expect(page.locator("body")).to_contain_text("李四")
    assert good not in page.content()  # only masked IDs on the page

    page.goto("/labor/laborers/")
    page.fill("#id_q", "zs")
    page.click(".bf-filter button[type=submit]")
    expect(page.locator("#object-table tbody tr")).to_have_count(1)
    row = page.locator("#object-table tbody tr").inner_text()
    assert "张三" in row and good[:6] + "********" + good[-4:] in row
