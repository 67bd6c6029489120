"""No plaintext ID number anywhere in the database: raw rows of every table are scanned."""

import hashlib
import logging

import pytest
from django.db import connection

from bangfu.audit.models import AccessLog
from bangfu.core import pii
from bangfu.labor.models import Laborer
from bangfu.workshops.tests import factories as f
from bangfu.workshops.tests.scope_helpers import export

pytestmark = pytest.mark.django_db

FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}


def fragments(number):
    """The 18-character ID, its 17- and 15-character substrings and the old 15-digit form."""
    parts = {number, number[:6] + number[8:17]}
    for length in (15, 17):
        parts.update(number[i : i + length] for i in range(len(number) - length + 1))
    return parts


def as_text(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def scan(numbers):
    """``[(table, column, fragment)]`` for every raw cell holding a fragment of ``numbers``."""
    wanted = set().union(*(fragments(n) for n in numbers))
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                for column, value in zip(columns, values, strict=True):
                    text = as_text(value)
                    hits.extend((table, column, w) for w in wanted if w in text)
    return hits


def register_and_work(users, login):
    """Register through the page, edit, hire, pay, reveal and export: every write path."""
    district = users["district"]
    numbers = [f.id_number(), f.id_number(male=False), f.id_number_ending_in_x()]
    client = login("district")
    data = {
        "head_name": "隐私户",
        "region": f.CSP_VILLAGE,
        "category": "lifted_enjoying",
        "monitor_type": "",
        "risk_status": "",
        "members_count": "3",
        "address": "",
        "is_active": "on",
        "laborers-TOTAL_FORMS": "3",
        "laborers-INITIAL_FORMS": "0",
        "laborers-MIN_NUM_FORMS": "0",
        "laborers-MAX_NUM_FORMS": "20",
    }
    typed = [numbers[0], numbers[1].translate(FULL_WIDTH), numbers[2].lower()]
    for i, number in enumerate(typed):
        data.update(
            {
                f"laborers-{i}-name": f"隐私{i}",
                f"laborers-{i}-id_number": number,
                f"laborers-{i}-phone": f"1380000000{i}",
                f"laborers-{i}-labor_ability": "full",
                f"laborers-{i}-education": "junior",
                f"laborers-{i}-skills": "",
                f"laborers-{i}-work_status": "02",
                f"laborers-{i}-work_intention": "",
            }
        )
    assert client.post("/labor/households/new/", data).status_code == 302
    laborers = list(Laborer.objects.filter(name__startswith="隐私").order_by("name"))
    assert len(laborers) == 3
    # an invalid registration attempt (row errors) must not leave traces either
    bad = dict(data, head_name="隐私失败户")
    bad["laborers-1-id_number"] = numbers[1][:-1] + ("0" if numbers[1][-1] != "0" else "1")
    bad["laborers-0-id_number"] = numbers[0]
    assert client.post("/labor/households/new/", bad).status_code == 200
    # edit: a change log entry is written
    response = client.post(
        f"/labor/laborers/{laborers[0].pk}/edit/",
        {
            "name": "隐私0改",
            "id_number": numbers[0],
            "phone": "13800000009",
            "labor_ability": "partial",
            "education": "junior",
            "skills": "",
            "work_status": "02",
            "work_intention": "",
        },
    )
    assert response.status_code == 302
    workshop = f.make_workshop(district, f.CSP_VILLAGE)
    position = f.make_position(district, workshop)
    response = client.post(
        "/labor/employment/hire/",
        {
            "id_number": numbers[1],
            "position": position.pk,
            "start_date": "2024-03-01",
            "contract_type": "labor_contract",
            "monthly_wage": "2500",
        },
    )
    assert response.status_code == 302
    employment = laborers[1].employments.get()
    f.wage(district, employment)
    assert client.post(f"/labor/laborers/{laborers[2].pk}/full-id/").status_code == 200
    assert export(client, "/labor/laborers/", full_id="1").status_code == 200
    return numbers, laborers


def test_no_plaintext_id_number_in_any_table_or_log(users, login, caplog):
    caplog.set_level(logging.DEBUG)
    numbers, _laborers = register_and_work(users, login)
    assert AccessLog.objects.count() == 2  # the reveal and the full export happened
    assert scan(numbers) == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(part in logged for n in numbers for part in fragments(n))


def test_the_scan_would_find_a_plaintext_id(users):
    """The scanner itself works: a plaintext ID written anywhere is found."""
    number = f.id_number()
    household = f.make_household(users["district"], f.CSP_VILLAGE, laborers=0)
    household.address = f"身份证{number[:17]}"
    household.save()
    assert ("labor_household", "address", number[:17]) in scan([number])


def test_the_blind_index_is_keyed_not_a_plain_hash(users):
    laborer = f.make_laborer(users["district"], f.CSP_VILLAGE)
    number = pii.decrypt(laborer.id_cipher)
    assert len(laborer.id_index) == 64
    assert laborer.id_index == pii.blind_index(number)
    for candidate in (number, number.lower()):
        assert laborer.id_index != hashlib.sha256(candidate.encode()).hexdigest()
        assert laborer.id_index != hashlib.sha256(candidate.encode()).hexdigest().upper()
    assert number not in laborer.id_cipher
    other = f.make_laborer(users["district"], f.CSP_VILLAGE)
    assert other.id_index != laborer.id_index


def test_an_export_after_an_id_search_does_not_log_the_id(users, login):
    laborer = f.make_laborer(users["district"], f.CSP_VILLAGE)
    number = pii.decrypt(laborer.id_cipher)
    response = export(login("district"), "/labor/laborers/", q=number, full_id="1")
    assert response.status_code == 200
    assert scan([number]) == []


def test_an_id_search_leaves_no_id_in_the_address_or_the_links_of_the_page(users, login):
    laborer = f.make_laborer(users["district"], f.CSP_VILLAGE)
    number = pii.decrypt(laborer.id_cipher)
    client = login("district")
    response = client.get("/labor/laborers/", {"q": number, "category": ""})
    assert response.status_code == 302 and number not in response["Location"]
    assert "q=~" in response["Location"] and "category=" in response["Location"]
    page = client.get(response["Location"])
    assert [row.record.pk for row in page.context["table"].paginated_rows] == [laborer.pk]
    html = page.content.decode()
    assert 'id="export-xlsx"' in html and "q=~" in html  # links and the export form: the token
    assert f"q={number}" not in html  # (the search box itself shows the number)
    assert number not in str(client.session.items())  # kept encrypted
    exported = client.post(response["Location"], {"export": "xlsx"})
    assert exported.status_code == 200  # the export resolves the token like the page
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert number not in fragment["HX-Push-Url"]
    full_width = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    assert number not in client.get("/labor/laborers/", {"q": full_width})["Location"]
    other = login("cangshuipu")  # another session cannot use the token
    foreign = other.get(response["Location"])
    assert list(foreign.context["table"].paginated_rows) == []
