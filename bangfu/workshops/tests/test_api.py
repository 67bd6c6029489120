"""The registries through the API: create, lifecycle actions, hiring, wages, exact-ID lookup."""

import datetime

import pytest
from stdnum.cn import uscc

from bangfu.core.identity import check_character
from bangfu.labor.models import Employment, Laborer
from bangfu.workshops.models import Status, StatusChange, WorkshopType
from bangfu.workshops.tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def credit_code(serial):
    body = f"91430903MA4{serial:06d}"
    return body + uscc.calc_check_digit(body)


def id_number(body17):
    return body17 + check_character(body17)


@pytest.fixture
def client(api):
    return api("district")


def create_workshop(client, serial=1, region="430903105201"):
    enterprise = client.post(
        "/api/v1/enterprises/",
        {
            "name": f"赫山竹艺{serial}号",
            "uscc": credit_code(serial),
            "legal_representative": "王五",
            "industry": "bamboo_wood",
            "region": region,
        },
        format="json",
    )
    assert enterprise.status_code == 201, enterprise.json()
    workshop = client.post(
        "/api/v1/workshops/",
        {
            "enterprise": enterprise.json()["id"],
            "name": f"竹艺车间{serial}",
            "region": region,
            "site_type": "village",
            "creation_mode": "upgrade",
            "workshop_type": WorkshopType.objects.get(code="factory").pk,
            "industry": "bamboo_wood",
            "floor_area": "120.0",
        },
        format="json",
    )
    assert workshop.status_code == 201, workshop.json()
    return workshop.json()


def test_enterprise_credit_code_is_validated_and_unique(client):
    create_workshop(client)
    duplicate = client.post(
        "/api/v1/enterprises/",
        {
            "name": "重复",
            "uscc": credit_code(1).lower(),
            "legal_representative": "x",
            "industry": "other",
            "region": "430903105201",
        },
        format="json",
    )
    assert duplicate.status_code == 400 and "uscc" in duplicate.json()
    bad = client.post(
        "/api/v1/enterprises/",
        {
            "name": "错码",
            "uscc": credit_code(2)[:-1] + "0",
            "legal_representative": "x",
            "industry": "other",
            "region": "430903105201",
        },
        format="json",
    )
    assert bad.status_code == 400 and "uscc" in bad.json()


def test_workshop_lifecycle_through_the_api(client):
    workshop = create_workshop(client)
    assert workshop["status"] == Status.APPLYING
    url = f"/api/v1/workshops/{workshop['id']}"
    check = client.get(f"{url}/recognition-check/").json()
    assert {c["key"] for c in check} == {"min_floor_area", "min_positions", "min_poor_laborers"}
    assert next(c for c in check if c["key"] == "min_floor_area")["passed"] is True
    refused = client.post(f"{url}/recognize/", {"certificate_no": "HS-2026-001"}, format="json")
    assert refused.status_code == 400 and "override_reason" in refused.json()
    recognized = client.post(
        f"{url}/recognize/",
        {"certificate_no": "HS-2026-001", "override_reason": "县级会议纪要同意"},
        format="json",
    )
    assert recognized.status_code == 200 and recognized.json()["status"] == Status.RECOGNIZED
    assert client.post(f"{url}/restore/", {"reason": "x"}, format="json").status_code == 400
    watched = client.post(f"{url}/watch/", {"reason": "岗位不足"}, format="json").json()
    assert watched["status"] == Status.WATCH and watched["grace_until"]
    assert (
        client.post(f"{url}/remove/", {"reason": "逾期未整改"}, format="json").json()["status"]
        == Status.REMOVED
    )
    history = client.get(f"{url}/history/").json()
    assert [h["to_status"] for h in history] == ["applying", "recognized", "watch", "removed"]
    assert history[1]["overridden"] is True
    assert StatusChange.objects.filter(workshop_id=workshop["id"]).count() == 4


def test_township_officer_applies_but_cannot_recognize(api):
    client = api("cangshuipu")
    workshop = create_workshop(client, serial=7)
    response = client.post(
        f"/api/v1/workshops/{workshop['id']}/recognize/",
        {"certificate_no": "X-1", "override_reason": "x"},
        format="json",
    )
    assert response.status_code == 403
    other = create_workshop(api("district"), serial=8, region="430903402001")
    assert client.get(f"/api/v1/workshops/{other['id']}/").status_code == 404


def test_hire_leave_and_wages_through_the_api(client):
    workshop = create_workshop(client, serial=3)
    position = client.post(
        "/api/v1/positions/",
        {"workshop": workshop["id"], "title": "编织工", "headcount": 10, "posted_on": "2024-01-01"},
        format="json",
    ).json()
    household = client.post(
        "/api/v1/households/",
        {
            "head_name": "赵六",
            "region": "430903105201",
            "category": "lifted_enjoying",
            "members_count": 3,
        },
        format="json",
    ).json()
    number = id_number("43090319800101001")
    laborer = client.post(
        "/api/v1/laborers/",
        {
            "household": household["id"],
            "name": "赵六",
            "id_number": number,
            "phone": "13800000009",
            "labor_ability": "full",
            "work_status": "03",
        },
        format="json",
    )
    assert laborer.status_code == 201, laborer.json()
    body = laborer.json()
    assert "id_number" not in body and body["id_masked"] == number[:6] + "********" + number[-4:]
    assert body["phone_masked"] == "138****0009" and "phone" not in body
    found = client.get("/api/v1/laborers/", {"id_number": number.lower()}).json()["results"]
    assert [r["id"] for r in found] == [body["id"]]
    assert client.get("/api/v1/laborers/", {"id_number": "123"}).status_code == 400

    hired = client.post(
        "/api/v1/employments/",
        {
            "laborer": body["id"],
            "position": position["id"],
            "start_date": "2024-03-01",
            "contract_type": "labor_contract",
            "monthly_wage": "2600.00",
        },
        format="json",
    )
    assert hired.status_code == 201, hired.json()
    again = client.post(
        "/api/v1/employments/",
        {
            "laborer": body["id"],
            "position": position["id"],
            "start_date": "2024-04-01",
            "contract_type": "labor_contract",
            "monthly_wage": "2600.00",
        },
        format="json",
    )
    assert again.status_code == 400 and "laborer" in again.json()
    bad_id = client.post(
        "/api/v1/employments/",
        {
            "id_number": "123",
            "position": position["id"],
            "start_date": "2024-04-01",
            "contract_type": "labor_contract",
            "monthly_wage": "2600.00",
        },
        format="json",
    )
    assert bad_id.status_code == 400 and list(bad_id.json()) == ["id_number"]
    employment = hired.json()["id"]
    wage = client.post(
        "/api/v1/wages/",
        {"employment": employment, "month": "2024-03-15", "amount": "2600"},
        format="json",
    )
    assert wage.status_code == 201 and wage.json()["month"] == "2024-03-01"
    early = client.post(
        "/api/v1/wages/",
        {"employment": employment, "month": "2024-01-01", "amount": "1"},
        format="json",
    )
    assert early.status_code == 400
    left = client.post(
        f"/api/v1/employments/{employment}/leave/", {"end_date": "2024-08-31"}, format="json"
    )
    assert left.status_code == 200 and left.json()["end_date"] == "2024-08-31"
    assert Employment.objects.get(pk=employment).end_date == datetime.date(2024, 8, 31)
    assert Laborer.objects.get(pk=body["id"]).work_status == "03"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"headcount": 0}, "headcount"),
        ({"headcount": 100_000}, "headcount"),  # a typo that would swell the figures
        ({"wage_min": "-100"}, "wage_min"),
        ({"wage_min": "4000", "wage_max": "3000"}, "wage_max"),
        ({"closed_on": "2023-12-31"}, "closed_on"),
        ({"posted_on": "2204-01-01"}, "posted_on"),  # a mistyped year
    ],
)
def test_position_rules_are_reported_at_their_field_readably(client, fields, field):
    workshop = create_workshop(client, serial=9)
    data = {
        "workshop": workshop["id"],
        "title": "编织工",
        "headcount": 10,
        "posted_on": "2024-01-01",
    }
    response = client.post("/api/v1/positions/", {**data, **fields}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    message = " ".join(response.json()[field])
    assert "Constraint" not in message and "约束" not in message


def test_a_negative_floor_area_is_refused_on_its_field_in_plain_words(users, login):
    enterprise = f.make_enterprise(users["district"], f.CSP_VILLAGE)
    data = {
        "enterprise": enterprise.pk,
        "name": "负面积车间",
        "region": f.CSP_VILLAGE,
        "site_type": "village",
        "creation_mode": "upgrade",
        "workshop_type": WorkshopType.objects.get(code="factory").pk,
        "industry": "bamboo_wood",
        "floor_area": "-5",
        "applied_on": "2024-01-02",
    }
    response = login("district").post("/workshops/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["floor_area"], errors
    assert "约束" not in response.content.decode()


def test_a_missing_object_is_not_found_in_the_users_language(client):
    response = client.get("/api/v1/workshops/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}  # not "No Workshop matches the given query."
