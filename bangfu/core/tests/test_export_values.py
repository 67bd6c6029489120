"""Every list's export rows equal django-tables2's own ``as_values()`` for the same table (the
export reads its values faster, never differently)."""

import pytest
from django.test import RequestFactory
from django.urls import get_resolver, resolve

from bangfu.core.exports import table_values
from bangfu.core.views import ObjectListView
from bangfu.ledgers.services import create_import
from bangfu.stats.demo import load_demo

from .test_pages import page_patterns

pytestmark = pytest.mark.django_db


def list_views():
    for name, path in page_patterns(get_resolver()):
        if "<" in path:
            continue
        view_class = getattr(resolve("/" + path).func, "view_class", None)
        if view_class and issubclass(view_class, ObjectListView):
            yield name, "/" + path, view_class


def export_tables(path, view_class, user, **query):
    request = RequestFactory().get(path, query)
    request.user = user
    view = view_class()
    view.setup(request)
    table, _full_ids = view.export_table()
    twin, _full_ids = view.export_table()  # the same table twice: one is spent per reading
    return table, twin


def test_export_values_equal_as_values_for_every_list(users, settings, tmp_path):
    load_demo()
    from django.core.files.uploadedfile import SimpleUploadedFile

    create_import(users["district"], "laborers", SimpleUploadedFile("a.xlsx", b"x"), enqueue=False)
    seen = []
    for name, path, view_class in list_views():
        for username in ("district",):
            table, twin = export_tables(path, view_class, users[username])
            expected = list(twin.as_values())
            assert list(table_values(table)) == expected, (name, username)
        seen.append(name)
    assert "labor:laborer-list" in seen and "workshops:workshop-list" in seen
    assert len(seen) >= 10
    laborers = [v for v in list_views() if v[0] == "labor:laborer-list"][0]
    table, twin = export_tables(laborers[1], laborers[2], users["district"], full_id="1")
    assert list(table_values(table)) == list(twin.as_values())  # full IDs, decrypted


def test_exported_cells_are_numbers_dates_and_yes_or_no_not_text(users, login):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from bangfu.workshops.tests import factories as f
    from bangfu.workshops.tests.scope_helpers import export_rows

    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, name="类型车间")
    f.make_position(district, workshop, title="编织工", wage_min=Decimal("1800.50"))
    client = login("district")
    header, row = export_rows(client, "/workshops/positions/")
    cells = dict(zip(header, row, strict=True))
    assert cells["招用人数"] == 10 and cells["最低月工资"] == 1800.5  # numbers Excel can sum
    assert cells["发布日期"] == datetime.datetime(2024, 1, 2)  # a date cell
    assert cells["最高月工资"] is None and cells["关闭日期"] is None  # empty, not “—”
    header, *rows = export_rows(client, "/workshops/enterprises/")
    assert header[0] == "名称"  # a thing's name (名称), not a person's (姓名)
    assert {dict(zip(header, r, strict=True))["启用"] for r in rows} == {"是"}
    laborer = f.make_laborer(district, f.CSP_VILLAGE)
    employment = f.hire(district, laborer, workshop.positions.get())
    f.wage(district, employment, month=datetime.date(2024, 3, 1))
    header, row = export_rows(client, "/labor/wages/")
    assert dict(zip(header, row, strict=True))["月份"] == "2024-03"  # a month, as on the page
    header, *rows = export_rows(login("auditor"), "/audit/logins/")
    when = dict(zip(header, rows[0], strict=True))["时间"]  # the latest sign-in: the auditor's
    now = timezone.localtime().replace(tzinfo=None)  # local time, as the page shows it
    assert isinstance(when, datetime.datetime) and abs(when - now) < datetime.timedelta(minutes=5)
