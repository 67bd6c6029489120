"""Real headless Chromium: a township officer sees only their township."""

import pytest
from playwright.sync_api import expect

from conftest import browser_login

pytestmark = pytest.mark.browser


def test_township_officer_switches_language_and_sees_only_own_township(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    browser_login(page, "cangshuipu")
    assert "沧水铺镇" in page.inner_text("#user-menu")
    assert page.inner_text("#main-nav").startswith("首页")

    page.click("#language-switch button[value=en]")
    page.wait_for_selector("#main-nav >> text=Dashboard")
    page.click("#main-nav >> text=Regions")
    page.wait_for_url("**/regions/")
    assert page.inner_text("h1") == "Regions"

    codes = page.locator("#object-table tbody tr td:first-child").all_inner_texts()
    assert sorted(codes) == [
        "430903105000",
        "430903105201",
        "430903105202",
        "430903105203",
        "430903105204",
    ]
    body = page.inner_text("body")
    assert "龙岭产业开发区" not in body and "赫山街道" not in body

    # the tree expands through htmx and shows only the villages in scope
    page.click(".bf-tree-node[data-code='430903105000'] > .bf-tree-toggle")
    page.wait_for_selector(".bf-tree-node[data-code='430903105201']")
    assert page.locator(".bf-tree-children .bf-tree-node").count() == 4

    # filtering through htmx keeps the scope
    page.fill("#id_q", "向阳")
    page.click(".bf-filter button[type=submit]")
    expect(page.locator("#object-table tbody tr")).to_have_count(1)
    assert "向阳村" in page.inner_text("#object-table")

    page.click("#language-switch button[value=zh-hans]")
    page.wait_for_selector("#main-nav >> text=首页")
    assert not errors, errors


def test_a_link_in_a_list_opens_its_page_and_sorting_swaps_only_the_table(page):
    browser_login(page, "district")
    page.goto("/regions/")
    page.click("#object-table thead th a >> nth=0")  # by code, descending (listed ascending)
    page.wait_for_url("**sort=-code")  # swapped and settled: htmx pushes the address last
    expect(page.locator("#object-table")).to_have_count(1)
    expect(page.locator("#main-nav")).to_have_count(1)  # the table alone was swapped
    # the highest code first, now; before, the click raced the swap and hit the old table
    first = page.locator("#object-table tbody tr >> nth=0").locator("a >> nth=0")
    expect(first).not_to_have_text("430903000000")
    code = first.inner_text()
    first.click()
    page.wait_for_url(f"**/regions/{code}/")
    expect(page.locator("#main-nav")).to_have_count(1)  # the page itself, not inside the list
    expect(page.locator("#object-table")).to_have_count(0)
