"""Real headless Chromium: the dashboard and the big screen show the reported 2023 figures."""

import pytest
from playwright.sync_api import expect

from bangfu.stats.demo import load_demo
from conftest import browser_login

pytestmark = pytest.mark.browser


def test_dashboard_and_screen_show_the_reported_figures(page):
    load_demo()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    browser_login(page, "leader")
    page.goto("/?year=2023")
    for element, value in (
        ("#kpi-workshops", "35"),
        ("#kpi-laborers", "522"),
        ("#kpi-positions", "429"),
        ("#kpi-positions-change", "+65"),
    ):
        expect(page.locator(element)).to_have_text(value)
    expect(page.locator("#kpi-cards")).to_contain_text("364")
    # every chart was drawn by ECharts (a canvas inside each chart box)
    for chart in ("by_region", "site_type", "trend", "creation_mode", "industry"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    page.select_option("#pick-region", "430903105000")
    page.click("#period-picker button[type=submit]")
    page.wait_for_url("**region=430903105000**")
    assert int(page.inner_text("#kpi-workshops")) < 35

    page.goto("/screen/?year=2023")
    expect(page.locator("#kpi-laborers")).to_have_text("522")
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    assert not errors, errors
