"""The demo dataset reproduces the bureau's 2023 figures through every channel."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction

from bangfu.labor.models import Employment
from bangfu.regions.models import Region
from bangfu.stats.demo import load_demo

from .raw_sql import figure

REPORTED = {
    "workshops": 35,
    "laborers_employed": 522,
    "positions": 429,
    "positions_prev": 364,
    "positions_change": 65,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo dataset, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = load_demo()
        yield counts
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_api_summary_gives_the_reported_figures(demo, api):
    body = api("district").get("/api/v1/stats/summary/", {"year": "2023"}).json()
    assert {k: body[k] for k in REPORTED} == REPORTED
    assert (
        body["region"] == "430903000000"
        and body["laborers_on_payroll"] <= body["laborers_employed"]
    )


def test_cli_prints_the_reported_figures(demo, capsys):
    call_command("stats", "--year", "2023", "--json")
    body = json.loads(capsys.readouterr().out)
    assert {k: body[k] for k in REPORTED} == REPORTED


def test_dashboard_cards_show_the_reported_figures(demo, login):
    html = login("leader").get("/", {"year": "2023"}).content.decode()
    for element, value in (
        ("kpi-workshops", "35"),
        ("kpi-laborers", "522"),
        ("kpi-positions", "429"),
        ("kpi-positions-change", "+65"),
    ):
        assert f'id="{element}">{value}<' in html


def test_summary_tables_equal_the_plain_sql_definitions(demo):
    from bangfu.accounts.models import User
    from bangfu.stats import selectors
    from bangfu.stats.periods import parse

    console = User(is_superuser=True, is_active=True)
    for code in ("430903000000", "430903105000", "430903402000"):
        region = Region.objects.get(code=code)
        for key in ("2022", "2023", "2023Q3", "2023-12"):
            period = parse(key)
            summary = selectors.summary(console, key, region)
            for name in ("workshops", "laborers_employed", "laborers_on_payroll", "positions"):
                assert summary[name] == figure(
                    name, region.scope_prefix, period.start, period.end
                ), (code, key, name)


def test_by_region_has_one_row_per_township_and_the_district_total(demo, api):
    body = api("staff").get("/api/v1/stats/by-region/", {"year": "2023"}).json()
    assert len(body["rows"]) == 17 and body["total"]["laborers_employed"] == 522
    assert sum(row["workshops"] for row in body["rows"]) == 35  # workshops are additive
    assert sum(row["positions"] for row in body["rows"]) == 429


def test_township_officer_sees_only_their_township(demo, api, login):
    client = api("cangshuipu")
    own = client.get("/api/v1/stats/summary/", {"year": "2023"}).json()
    assert own["region"] == "430903105000"
    assert own["laborers_employed"] == figure(
        "laborers_employed", "430903105", "2023-01-01", "2023-12-31"
    )
    assert (
        client.get("/api/v1/stats/summary/", {"year": "2023", "region": "430903000000"}).status_code
        == 404
    )
    elsewhere = client.get("/api/v1/stats/summary/", {"year": "2023", "region": "430903402000"})
    assert elsewhere.status_code == 404
    assert elsewhere.json()["detail"] == "您的数据范围内没有该区划。"
    missing = client.get("/api/v1/stats/summary/")  # no period: told which one to give
    assert missing.status_code == 400 and "2023Q2" in missing.json()["year"][0]
    rows = client.get("/api/v1/stats/by-region/", {"year": "2023"}).json()["rows"]
    assert rows and all(row["region"].startswith("430903105") for row in rows)
    page = login("cangshuipu")
    assert page.get("/", {"year": "2023", "region": "430903000000"}).status_code == 404
    report = openpyxl.load_workbook(
        io.BytesIO(page.get("/stats/report/", {"year": "2023", "format": "xlsx"}).content)
    )
    villages = set(Region.objects.filter(parent_id="430903105000").values_list("name", flat=True))
    names = [row[0].value for row in report.active.iter_rows(min_row=4, max_row=3 + len(villages))]
    assert set(names) == villages
    chart = page.get("/stats/chart/by_region.xlsx", {"year": "2023"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(chart.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert rows and all(Region.objects.get(name=r[0], parent_id="430903105000") for r in rows)


def test_no_demo_employment_ends_after_today(demo):
    """The demo's history is over by today: an end date to come is one the leave form refuses."""
    ended = Employment.objects.exclude(end_date=None)
    assert ended.exists()
    assert not ended.filter(end_date__gt=datetime.date.today()).exists()
    assert not Employment.objects.filter(start_date__gt=datetime.date.today()).exists()


def test_report_xlsx_has_title_headers_rows_and_totals(demo, login):
    response = login("district").get("/stats/report/", {"year": "2023", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "赫山区就业帮扶车间基本情况统计表"
    assert "2023" in sheet["A2"].value
    headers = [c.value for c in sheet[3]]
    assert headers[0] and len(headers) == 12
    assert sheet.freeze_panes == "B4"
    body = list(sheet.iter_rows(min_row=4, values_only=True))
    townships = body[:17]
    total = body[17]
    assert (
        total[1] == 35
        and total[4] == 522
        and total[7] == 429
        and total[8] == 364
        and total[9] == 65
    )
    assert sum(row[1] for row in townships) == 35


def test_the_report_and_screen_headings_read_well_in_english(demo, login):
    client = login("district")
    client.cookies["django_language"] = "en"
    html = client.get("/stats/report/", {"year": "2023"}).content.decode()
    assert "赫山区: basic statistics of employment-assistance workshops" in html
    screen = client.get("/screen/", {"year": "2023"}).content.decode()
    assert "赫山区 employment-assistance workshops" in screen


def test_printable_report_page(demo, login):
    html = login("leader").get("/stats/report/", {"year": "2023"}).content.decode()
    assert 'id="report-table"' in html and "龙岭产业开发区" in html


def test_stats_need_the_permission(demo, api, users):
    from bangfu.accounts.services import create_user

    operator = create_user(
        users["district"],
        username="op",
        password="Hs-2026-qwerty!x",
        region=Region.objects.get(code="430903105201"),
        role_codes=["workshop_operator"],
    )
    client = api()
    client.force_authenticate(operator)
    assert client.get("/api/v1/stats/summary/", {"year": "2023"}).status_code == 403
    assert api().get("/api/v1/stats/summary/", {"year": "2023"}).status_code == 401
    assert api("district").get("/api/v1/stats/summary/", {"year": "20x3"}).status_code == 400
