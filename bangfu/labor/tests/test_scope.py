"""Households, laborers, employment and wages: every role sees exactly its region subtree, in
pages, exports and the API; other regions' ids are 404s; writes outside the scope are refused;
workshop operators see only their roster (masked)."""

import pytest

from bangfu.core import pii
from bangfu.labor.models import Employment, Household, Laborer, WageRecord
from bangfu.workshops.tests import factories as f
from bangfu.workshops.tests.scope_helpers import (
    NO_REGISTRY_ROLES,
    VISIBLE,
    api_ids,
    assert_export_scoped,
    expected_pks,
    export,
    export_rows,
    export_text,
    page_pks,
)

pytestmark = pytest.mark.django_db

# kind → (list page, detail page pattern or None, API list)
ENDPOINTS = {
    "household": ("/labor/households/", "/labor/households/{}/", "/api/v1/households/"),
    "laborer": ("/labor/laborers/", "/labor/laborers/{}/", "/api/v1/laborers/"),
    "employment": ("/labor/employment/", "/labor/employment/{}/", "/api/v1/employments/"),
    "wage": ("/labor/wages/", None, "/api/v1/wages/"),
}
CASES = [(kind, username) for kind in ENDPOINTS for username in sorted(VISIBLE)]


@pytest.fixture
def world(users):
    return f.build_two_townships(users["district"])


@pytest.mark.parametrize(("kind", "username"), CASES)
def test_list_page_shows_exactly_the_scope(world, login, kind, username):
    assert page_pks(login(username), ENDPOINTS[kind][0]) == expected_pks(world, kind, username)


@pytest.mark.parametrize(("kind", "username"), CASES)
def test_export_holds_exactly_the_scope(world, login, kind, username):
    rows = export_rows(login(username), ENDPOINTS[kind][0])
    assert_export_scoped(rows, username, len(VISIBLE[username]))


@pytest.mark.parametrize(("kind", "username"), CASES)
def test_api_list_shows_exactly_the_scope(world, api, kind, username):
    assert api_ids(api(username), ENDPOINTS[kind][2]) == expected_pks(world, kind, username)


@pytest.mark.parametrize(("kind", "username"), CASES)
def test_detail_outside_scope_is_404_in_page_and_api(world, login, api, kind, username):
    page_client, api_client = login(username), api(username)
    _list, detail, api_list = ENDPOINTS[kind]
    for town in ("csp", "ll"):
        pk = world[town][kind].pk
        status = 200 if town in VISIBLE[username] else 404
        if detail:
            assert page_client.get(detail.format(pk)).status_code == status
        assert api_client.get(f"{api_list}{pk}/").status_code == status


@pytest.mark.parametrize("kind", sorted(ENDPOINTS))
@pytest.mark.parametrize("username", NO_REGISTRY_ROLES)
def test_roles_without_the_permission_get_403(world, login, api, kind, username):
    page, detail, api_list = ENDPOINTS[kind]
    pk = world["csp"][kind].pk
    client = login(username)
    assert client.get(page).status_code == 403
    assert export(client, page).status_code == 403
    if detail:
        assert client.get(detail.format(pk)).status_code == 403
    assert api(username).get(api_list).status_code == 403
    assert api(username).get(f"{api_list}{pk}/").status_code == 403


@pytest.mark.parametrize("kind", sorted(ENDPOINTS))
def test_anonymous_api_is_refused_and_pages_redirect_to_login(world, client, api, kind):
    page, _detail, api_list = ENDPOINTS[kind]
    assert api().get(api_list).status_code in (401, 403)
    response = client.get(page)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_village_informant_sees_only_the_village_and_no_wages(users, world, client, api):
    district = users["district"]
    neighbour = f.make_household(district, f.CSP_VILLAGE_2, head_name="富民村户主")
    informant = f.make_user(district, "xiangyang_informant", f.CSP_VILLAGE, "village_informant")
    client.force_login(informant)
    api_client = api()
    api_client.force_authenticate(informant)
    assert page_pks(client, "/labor/households/") == {world["csp"]["household"].pk}
    assert page_pks(client, "/labor/laborers/") == {world["csp"]["laborer"].pk}
    assert api_ids(api_client, "/api/v1/households/") == {world["csp"]["household"].pk}
    assert client.get(f"/labor/households/{neighbour.pk}/").status_code == 404
    assert client.get("/labor/wages/").status_code == 403
    assert api_client.get("/api/v1/wages/").status_code == 403


def test_employment_is_seen_by_the_workshop_and_the_home_township(users, world, login, api):
    """A 沧水铺 laborer working at a 龙岭 workshop: both townships see the employment."""
    district = users["district"]
    commuter = f.make_laborer(district, f.CSP_VILLAGE, name="通勤工人")
    employment = f.hire(district, commuter, world["ll"]["position"])
    wage = f.wage(district, employment)
    assert employment.pk in page_pks(login("longling"), "/labor/employment/")
    assert employment.pk in api_ids(api("longling"), "/api/v1/employments/")
    assert wage.pk in api_ids(api("longling"), "/api/v1/wages/")
    assert employment.pk in page_pks(login("cangshuipu"), "/labor/employment/")
    assert employment.pk in api_ids(api("cangshuipu"), "/api/v1/employments/")
    # The laborer's own record stays with the home township.
    assert login("longling").get(f"/labor/laborers/{commuter.pk}/").status_code == 404


# --- writes outside the scope -----------------------------------------------------------------


def household_post(region_code, head_name="越权户主"):
    return {
        "head_name": head_name,
        "region": region_code,
        "category": "lifted_enjoying",
        "monitor_type": "",
        "risk_status": "",
        "members_count": "3",
        "address": "",
        "is_active": "on",
        "laborers-TOTAL_FORMS": "1",
        "laborers-INITIAL_FORMS": "0",
        "laborers-MIN_NUM_FORMS": "0",
        "laborers-MAX_NUM_FORMS": "20",
        "laborers-0-name": "越权工人",
        "laborers-0-id_number": f.id_number(),
        "laborers-0-phone": "13800000001",
        "laborers-0-labor_ability": "full",
        "laborers-0-education": "junior",
        "laborers-0-skills": "",
        "laborers-0-work_status": "02",
        "laborers-0-work_intention": "",
    }


def laborer_api_data(household):
    return {
        "household": household.pk,
        "name": "越权工人",
        "id_number": f.id_number(),
        "phone": "13800000002",
        "labor_ability": "full",
        "work_status": "02",
    }


def test_township_officer_cannot_register_households_or_laborers_elsewhere(world, login, api):
    client, api_client = login("cangshuipu"), api("cangshuipu")
    response = client.post("/labor/households/new/", household_post(f.LL_VILLAGE))
    assert response.status_code == 200 and "region" in response.context["form"].errors
    data = {k: v for k, v in household_post(f.LL_VILLAGE).items() if "-" not in k}
    data["is_active"] = True
    assert api_client.post("/api/v1/households/", data, format="json").status_code == 400
    response = api_client.post(
        "/api/v1/laborers/", laborer_api_data(world["ll"]["household"]), format="json"
    )
    assert response.status_code == 400
    foreign = world["ll"]["household"].pk
    assert client.get(f"/labor/laborers/new/?household={foreign}").status_code == 404
    response = client.post(
        f"/labor/laborers/new/?household={foreign}",
        {
            "name": "越权工人",
            "id_number": f.id_number(),
            "labor_ability": "full",
            "work_status": "02",
        },
    )
    assert response.status_code == 404
    assert not Household.objects.filter(head_name="越权户主").exists()
    assert not Laborer.objects.filter(name="越权工人").exists()


def test_foreign_households_and_laborers_cannot_be_edited(world, login, api):
    client, api_client = login("cangshuipu"), api("cangshuipu")
    household, laborer = world["ll"]["household"], world["ll"]["laborer"]
    response = client.post(f"/labor/households/{household.pk}/edit/", household_post(f.LL_VILLAGE))
    assert response.status_code == 404
    assert client.post(f"/labor/laborers/{laborer.pk}/edit/", {"name": "改"}).status_code == 404
    response = api_client.patch(
        f"/api/v1/households/{household.pk}/", {"head_name": "改"}, format="json"
    )
    assert response.status_code == 404
    response = api_client.patch(f"/api/v1/laborers/{laborer.pk}/", {"name": "改"}, format="json")
    assert response.status_code == 404
    own = world["csp"]["laborer"]
    response = api_client.patch(
        f"/api/v1/laborers/{own.pk}/", {"household": household.pk}, format="json"
    )
    assert response.status_code == 400 or Laborer.objects.get(pk=own.pk).household_id != (
        household.pk
    )
    assert Household.objects.get(pk=household.pk).head_name == "龙岭户主"
    assert Laborer.objects.get(pk=laborer.pk).name == "龙岭工人"


def test_hiring_into_a_foreign_position_or_a_foreign_laborer_is_refused(users, world, login, api):
    district = users["district"]
    free = f.make_laborer(district, f.CSP_VILLAGE, name="待业工人")
    api_client = api("cangshuipu")
    base = {"start_date": "2024-06-01", "contract_type": "labor_contract", "monthly_wage": "2600"}
    response = api_client.post(
        "/api/v1/employments/",
        {**base, "laborer": free.pk, "position": world["ll"]["position"].pk},
        format="json",
    )
    assert response.status_code == 400 and "position" in response.json()
    other = f.make_laborer(district, f.LL_VILLAGE, name="龙岭待业")
    response = api_client.post(
        "/api/v1/employments/",
        {**base, "laborer": other.pk, "position": world["csp"]["position"].pk},
        format="json",
    )
    assert response.status_code == 400 and "laborer" in response.json()
    response = login("cangshuipu").post(
        "/labor/employment/hire/",
        {
            **base,
            "id_number": "",
            "position": world["ll"]["position"].pk,
        },
    )
    assert response.status_code == 200 and "position" in response.context["form"].errors
    assert not Employment.objects.filter(laborer__in=[free, other]).exists()


def test_leaving_and_wages_of_foreign_employment_are_refused(world, login, api):
    client, api_client = login("cangshuipu"), api("cangshuipu")
    employment = world["ll"]["employment"]
    wages_before = WageRecord.objects.count()
    response = client.post(
        f"/labor/employment/{employment.pk}/leave/",
        {"end_date": "2024-07-01", "reason": "", "work_status": "03"},
    )
    assert response.status_code == 404
    response = client.post(
        f"/labor/employment/{employment.pk}/wages/", {"month": "2024-04", "amount": "100"}
    )
    assert response.status_code == 404
    response = api_client.post(
        f"/api/v1/employments/{employment.pk}/leave/", {"end_date": "2024-07-01"}, format="json"
    )
    assert response.status_code == 404
    response = api_client.post(
        "/api/v1/wages/",
        {"employment": employment.pk, "month": "2024-04-01", "amount": "100"},
        format="json",
    )
    assert response.status_code == 400
    assert Employment.objects.get(pk=employment.pk).end_date is None
    assert WageRecord.objects.count() == wages_before


def test_read_only_roles_cannot_write(world, login, api):
    for username in ("leader", "auditor"):
        client = login(username)
        assert client.get("/labor/households/new/").status_code == 403
        response = client.post("/labor/households/new/", household_post(f.CSP_VILLAGE))
        assert response.status_code == 403
        assert client.get("/labor/employment/hire/").status_code == 403
        employment = world["csp"]["employment"]
        response = client.post(
            f"/labor/employment/{employment.pk}/wages/", {"month": "2024-04", "amount": "1"}
        )
        assert response.status_code in (403, 404)
        response = api(username).post(
            "/api/v1/laborers/", laborer_api_data(world["csp"]["household"]), format="json"
        )
        assert response.status_code == 403
    assert not Household.objects.filter(head_name="越权户主").exists()
    assert not Laborer.objects.filter(name="越权工人").exists()


# --- workshop operators -----------------------------------------------------------------------


@pytest.fixture
def roster(users, world):
    """The operator runs the 沧水 workshop; a neighbour workshop in the same village has its
    own laborer, employment and wage."""
    district = users["district"]
    other_workshop = f.make_workshop(district, f.CSP_VILLAGE, name="邻居车间")
    other_position = f.make_position(district, other_workshop, title="邻居岗位")
    neighbour = f.make_laborer(district, f.CSP_VILLAGE, name="邻居工人")
    other_employment = f.hire(district, neighbour, other_position)
    other_wage = f.wage(district, other_employment)
    operator = f.make_operator(district, "op_csp", f.CSP_VILLAGE, [world["csp"]["workshop"]])
    return {
        "operator": operator,
        "own": world["csp"],
        "neighbour": neighbour,
        "other_position": other_position,
        "other_employment": other_employment,
        "other_wage": other_wage,
    }


def operator_clients(client, api, operator):
    client.force_login(operator)
    api_client = api()
    api_client.force_authenticate(operator)
    return client, api_client


def test_operator_sees_only_the_roster_of_their_workshop(roster, client, api):
    own = roster["own"]
    client, api_client = operator_clients(client, api, roster["operator"])
    assert page_pks(client, "/labor/employment/") == {own["employment"].pk}
    assert page_pks(client, "/labor/wages/") == {own["wage"].pk}
    assert page_pks(client, "/labor/laborers/") == {own["laborer"].pk}
    assert api_ids(api_client, "/api/v1/employments/") == {own["employment"].pk}
    assert api_ids(api_client, "/api/v1/wages/") == {own["wage"].pk}
    assert api_ids(api_client, "/api/v1/laborers/") == {own["laborer"].pk}
    for url in ("/labor/employment/", "/labor/wages/", "/labor/laborers/"):
        rows = export_rows(client, url)
        assert len(rows) == 2 and "邻居" not in export_text(rows), url
    assert client.get(f"/labor/employment/{roster['other_employment'].pk}/").status_code == 404
    assert client.get(f"/labor/laborers/{roster['neighbour'].pk}/").status_code == 404
    assert api_client.get(f"/api/v1/laborers/{roster['neighbour'].pk}/").status_code == 404
    assert api_client.get(f"/api/v1/wages/{roster['other_wage'].pk}/").status_code == 404


def test_operator_sees_roster_laborers_masked_only(roster, client, api):
    laborer = roster["own"]["laborer"]
    number = pii.decrypt(laborer.id_cipher)
    client, api_client = operator_clients(client, api, roster["operator"])
    html = client.get(f"/labor/laborers/{laborer.pk}/").content.decode()
    assert laborer.id_masked in html and number not in html
    body = api_client.get(f"/api/v1/laborers/{laborer.pk}/").json()
    assert body["id_masked"] == laborer.id_masked and "id_number" not in body
    assert number not in str(body)
    assert client.post(f"/labor/laborers/{laborer.pk}/full-id/").status_code == 403
    rows = export_rows(client, "/labor/laborers/", full_id="1")
    assert number not in export_text(rows) and laborer.id_masked in export_text(rows)


def test_operator_cannot_see_households(roster, client, api):
    client, api_client = operator_clients(client, api, roster["operator"])
    household = roster["own"]["household"]
    assert client.get("/labor/households/").status_code == 403
    assert export(client, "/labor/households/").status_code == 403
    assert client.get(f"/labor/households/{household.pk}/").status_code == 403
    assert client.get("/labor/households/new/").status_code == 403
    assert api_client.get("/api/v1/households/").status_code == 403
    assert api_client.get(f"/api/v1/households/{household.pk}/").status_code == 403


def test_operator_records_wages_and_leaving_only_on_their_roster(roster, client, api):
    own, other = roster["own"], roster["other_employment"]
    client, api_client = operator_clients(client, api, roster["operator"])
    response = api_client.post(
        "/api/v1/wages/",
        {"employment": own["employment"].pk, "month": "2024-04-01", "amount": "2700"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api_client.post(
        "/api/v1/wages/",
        {"employment": other.pk, "month": "2024-04-01", "amount": "2700"},
        format="json",
    )
    assert response.status_code == 400
    response = client.post(
        f"/labor/employment/{other.pk}/leave/",
        {"end_date": "2024-07-01", "reason": "", "work_status": "03"},
    )
    assert response.status_code == 404
    assert not other.wages.filter(month="2024-04-01").exists()
    assert Employment.objects.get(pk=other.pk).end_date is None


def test_operator_hires_a_registered_laborer_on_the_page(users, roster, client, api):
    newcomer = f.make_laborer(users["district"], f.CSP_VILLAGE, name="新来工人")
    number = pii.decrypt(newcomer.id_cipher)
    client, _api_client = operator_clients(client, api, roster["operator"])
    base = {"start_date": "2024-06-01", "contract_type": "piecework", "monthly_wage": "2300"}
    response = client.post(
        "/labor/employment/hire/",
        {**base, "id_number": number, "position": roster["other_position"].pk},
    )
    assert response.status_code == 200 and "position" in response.context["form"].errors
    response = client.post(
        "/labor/employment/hire/",
        {**base, "id_number": number, "position": roster["own"]["position"].pk},
    )
    assert response.status_code == 302
    employment = Employment.objects.get(laborer=newcomer)
    assert employment.workshop == roster["own"]["workshop"]
    assert newcomer.pk in page_pks(client, "/labor/laborers/")  # now on the roster


def test_operator_hires_a_registered_laborer_through_the_api(users, roster, client, api):
    """Operators hire by ID number (as on the page); ids of people they cannot see are refused."""
    from bangfu.core import pii

    newcomer = f.make_laborer(users["district"], f.CSP_VILLAGE, name="接口新工")
    _client, api_client = operator_clients(client, api, roster["operator"])
    body = {
        "laborer": newcomer.pk,
        "position": roster["own"]["position"].pk,
        "start_date": "2024-06-01",
        "contract_type": "piecework",
        "monthly_wage": "2300",
    }
    refused = api_client.post("/api/v1/employments/", body, format="json")
    assert refused.status_code == 400 and "laborer" in refused.json()
    del body["laborer"]
    body["id_number"] = pii.decrypt(newcomer.id_cipher)
    response = api_client.post("/api/v1/employments/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["laborer"] == newcomer.pk


def test_operator_sees_roster_laborers_from_other_townships(users, world, client, api):
    district = users["district"]
    operator = f.make_operator(district, "op_longling", f.LL_VILLAGE, [world["ll"]["workshop"]])
    commuter = f.make_laborer(district, f.CSP_VILLAGE, name="跨镇工人")
    employment = f.hire(district, commuter, world["ll"]["position"])
    client, api_client = operator_clients(client, api, operator)
    assert employment.pk in page_pks(client, "/labor/employment/")
    assert commuter.pk in page_pks(client, "/labor/laborers/")
    assert api_client.get(f"/api/v1/laborers/{commuter.pk}/").status_code == 200


def test_links_lead_only_to_pages_the_user_may_open(users, login):
    """A 沧水铺 workshop employs someone from 龙岭: the officer sees the employment, but not
    that person's page — the name is shown without a link (which would be a 404)."""
    district = users["district"]
    csp_workshop = f.make_workshop(district, f.CSP_VILLAGE, name="沧水车间")
    position = f.make_position(district, csp_workshop, title="沧水岗位")
    stranger = f.make_laborer(district, f.LL_VILLAGE, name="龙岭来人")
    employment = f.hire(district, stranger, position)
    client = login("cangshuipu")
    listing = client.get("/labor/employment/").content.decode()
    assert f'href="{stranger.get_absolute_url()}"' not in listing and "龙岭来人" in listing
    assert f'href="{csp_workshop.get_absolute_url()}"' in listing
    detail = client.get(employment.get_absolute_url()).content.decode()
    assert f'href="{stranger.get_absolute_url()}"' not in detail and "龙岭来人" in detail
    assert client.get(stranger.get_absolute_url()).status_code == 404  # as the link would be
    regions = client.get("/regions/", {"per_page": 100}).content.decode()
    assert 'href="/regions/430903000000/"' not in regions and "赫山区" in regions
    district_view = login("district").get("/labor/employment/").content.decode()
    assert f'href="{stranger.get_absolute_url()}"' in district_view  # linked where visible
