"""Policy parameters: versions with effective dates, visible where they apply, added in scope."""

import datetime
from decimal import Decimal

import pytest

from bangfu.core.models import Parameter

pytestmark = pytest.mark.django_db
KEY = "recognition.factory.min_positions"
VERSION = {  # the form's fields for a new version of KEY in the district
    "key": KEY,
    "value": "12",
    "region_prefix": "430903",
    "effective_from": "2025-01-01",
    "source": "赫人社发〔2025〕1号",
}


def keys_and_prefixes(client):
    rows = client.get("/parameters/", {"per_page": 200}).context["table"].paginated_rows
    return {(row.record.key, row.record.region_prefix) for row in rows}


def test_rules_are_listed_where_they_apply(login):
    Parameter.objects.create(
        key=KEY, value=12, region_prefix="430922", effective_from="2024-01-01", source="桃江"
    )
    Parameter.objects.create(
        key=KEY, value=10, region_prefix="430903105", effective_from="2024-01-01", source="沧水铺"
    )
    seen = keys_and_prefixes(login("district"))
    assert (KEY, "43") in seen and (
        KEY,
        "430903105",
    ) in seen  # province rule, and below the district
    assert (KEY, "430922") not in seen  # another county's rule
    township = keys_and_prefixes(login("cangshuipu"))
    assert (KEY, "43") in township and (KEY, "430903105") in township


def test_district_admin_adds_a_version_for_their_region_only(login):
    client = login("district")
    data = VERSION
    assert client.post("/parameters/new/", data).status_code == 302
    assert Parameter.objects.get(key=KEY, region_prefix="430903").value == Decimal("12")
    response = client.post("/parameters/new/", {**data, "region_prefix": "43"})
    assert response.status_code == 200 and "region_prefix" in response.context["form"].errors
    assert login("cangshuipu").get("/parameters/new/").status_code == 403


def test_the_version_in_force_is_the_most_specific_then_the_latest():
    Parameter.objects.create(
        key=KEY, value=12, region_prefix="430903", effective_from="2025-01-01", source="x"
    )
    on = datetime.date(2024, 6, 1)
    assert Parameter.objects.value_at(KEY, on, "430903105201").value == Decimal("15")
    later = datetime.date(2025, 6, 1)
    assert Parameter.objects.value_at(KEY, later, "430903105201").value == Decimal("12")
    assert Parameter.objects.value_at(KEY, later, "430922100201").value == Decimal("15")


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("workshop.watch_grace_months", "0.5", "value"),  # a grace of no whole month
        ("workshop.watch_grace_months", "0", "value"),
        ("workshop.watch_grace_months", "25", "value"),
        (KEY, "-1", "value"),
        (KEY, "2.5", "value"),
        ("recognition.factory.min_floor_area", "99999999999", "value"),
    ],
)
def test_a_version_outside_what_its_rule_takes_is_refused(login, key, value, field):
    """A value the services cannot use (a watch with half a month of grace failed later with
    a message about a field left empty) is refused where it is typed."""
    data = {**VERSION, "key": key, "value": value}
    response = login("district").post("/parameters/new/", data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Parameter.objects.filter(region_prefix="430903").exists()


def test_an_implausible_date_is_refused_and_a_same_date_version_corrects_the_first(login):
    client = login("district")
    data = {**VERSION, "effective_from": "0202-01-01"}
    response = client.post("/parameters/new/", data)
    assert response.status_code == 200 and "effective_from" in response.context["form"].errors
    data["effective_from"] = "2025-01-01"
    for value in ("12", "13", "11.00"):  # the last one added for a date is the one in force
        assert client.post("/parameters/new/", {**data, "value": value}).status_code == 302
    on = datetime.date(2025, 6, 1)
    assert Parameter.objects.value_at(KEY, on, "430903105201").value == Decimal("11")
    assert client.post("/parameters/new/", {**data, "value": "8"}).status_code == 302
    assert Parameter.objects.value_at(KEY, on, "430903105201").value == Decimal("8")
