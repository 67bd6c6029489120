"""Enterprises, workshops and positions: every role sees exactly its region subtree, in pages,
exports and the API; other regions' ids are 404s; writes outside the scope are refused."""

import pytest

from bangfu.workshops.models import Enterprise, Position, Status, Workshop

from . import factories as f
from .scope_helpers import (
    NO_REGISTRY_ROLES,
    VISIBLE,
    api_ids,
    assert_export_scoped,
    expected_pks,
    export,
    export_rows,
    page_pks,
)

pytestmark = pytest.mark.django_db

# kind → (list page, detail page pattern, API list)
ENDPOINTS = {
    "enterprise": ("/workshops/enterprises/", "/workshops/enterprises/{}/", "/api/v1/enterprises/"),
    "workshop": ("/workshops/", "/workshops/{}/", "/api/v1/workshops/"),
    "position": ("/workshops/positions/", "/workshops/positions/{}/", "/api/v1/positions/"),
}
CASES = [(kind, username) for kind in ENDPOINTS for username in sorted(VISIBLE)]


@pytest.fixture
def world(users):
    return f.build_two_townships(users["district"])


@pytest.mark.parametrize(("kind", "username"), CASES)
def test_list_page_shows_exactly_the_scope(world, login, kind, username):
    listed = page_pks(login(username), ENDPOINTS[kind][0])
    assert listed == expected_pks(world, kind, username)


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
    for town in ("csp", "ll"):
        pk = world[town][kind].pk
        status = 200 if town in VISIBLE[username] else 404
        assert page_client.get(ENDPOINTS[kind][1].format(pk)).status_code == status
        assert api_client.get(f"{ENDPOINTS[kind][2]}{pk}/").status_code == status


@pytest.mark.parametrize("kind", sorted(ENDPOINTS))
@pytest.mark.parametrize("username", NO_REGISTRY_ROLES)
def test_roles_without_the_permission_get_403(world, login, api, kind, username):
    page, detail, api_list = ENDPOINTS[kind]
    pk = world["csp"][kind].pk
    client = login(username)
    assert client.get(page).status_code == 403
    assert export(client, page).status_code == 403
    assert client.get(detail.format(pk)).status_code == 403
    assert api(username).get(api_list).status_code == 403
    assert api(username).get(f"{api_list}{pk}/").status_code == 403


@pytest.mark.parametrize("kind", sorted(ENDPOINTS))
def test_anonymous_api_is_refused_and_pages_redirect_to_login(world, client, api, kind):
    page, _detail, api_list = ENDPOINTS[kind]
    assert api().get(api_list).status_code in (401, 403)
    response = client.get(page)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_region_filter_cannot_widen_the_scope(world, login, api):
    """Filtering by a region outside the scope shows nothing (never the other township)."""
    client = login("cangshuipu")
    assert page_pks(client, "/workshops/", region="430903402000") == set()
    assert page_pks(client, "/workshops/", region="430903000000") == {world["csp"]["workshop"].pk}
    assert api_ids(api("cangshuipu"), "/api/v1/workshops/", region="430903402000") == set()


# --- writes outside the scope -----------------------------------------------------------------


def workshop_form(world, town, **extra):
    return {
        "enterprise": world[town]["enterprise"].pk,
        "name": "越权车间",
        "region": world[town]["workshop"].region_id,
        "site_type": "village",
        "creation_mode": "joint",
        "workshop_type": f.workshop_type().pk,
        "industry": "food",
        "address": "",
        "floor_area": "100",
        "opened_on": "",
        "applied_on": "2024-05-01",
        **extra,
    }


def test_township_officer_cannot_apply_for_a_workshop_in_another_township(world, login, api):
    client = login("cangshuipu")
    response = client.post("/workshops/new/", workshop_form(world, "ll"))
    assert response.status_code == 200
    assert {"enterprise", "region"} <= set(response.context["form"].errors)
    response = client.post(
        "/workshops/new/", workshop_form(world, "csp", enterprise=world["ll"]["enterprise"].pk)
    )
    assert "enterprise" in response.context["form"].errors
    data = workshop_form(world, "ll")
    data.pop("applied_on")
    data.pop("opened_on")
    response = api("cangshuipu").post("/api/v1/workshops/", data, format="json")
    assert response.status_code == 400
    assert not Workshop.objects.filter(name="越权车间").exists()


def test_township_officer_cannot_register_an_enterprise_in_another_township(world, login, api):
    data = {
        "name": "越权企业",
        "uscc": f.uscc(),
        "legal_representative": "赵六",
        "industry": "food",
        "region": f.LL_VILLAGE,
        "is_active": "on",
    }
    response = login("cangshuipu").post("/workshops/enterprises/new/", data)
    assert response.status_code == 200 and "region" in response.context["form"].errors
    data["is_active"] = True
    assert api("cangshuipu").post("/api/v1/enterprises/", data, format="json").status_code == 400
    assert not Enterprise.objects.filter(name="越权企业").exists()


def test_township_officer_cannot_add_a_position_to_a_foreign_workshop(world, login, api):
    data = {"workshop": world["ll"]["workshop"].pk, "title": "越权岗位", "headcount": 3}
    response = login("cangshuipu").post(
        "/workshops/positions/new/", {**data, "posted_on": "2024-05-01"}
    )
    assert response.status_code == 200 and "workshop" in response.context["form"].errors
    response = api("cangshuipu").post(
        "/api/v1/positions/", {**data, "posted_on": "2024-05-01"}, format="json"
    )
    assert response.status_code == 400
    own = world["csp"]["position"]
    response = api("cangshuipu").patch(
        f"/api/v1/positions/{own.pk}/", {"workshop": world["ll"]["workshop"].pk}, format="json"
    )
    assert response.status_code == 400
    assert not Position.objects.filter(title="越权岗位").exists()
    assert Position.objects.get(pk=own.pk).workshop == world["csp"]["workshop"]


def test_foreign_objects_cannot_be_edited_by_url_tampering(world, login, api):
    client, api_client = login("cangshuipu"), api("cangshuipu")
    foreign = world["ll"]
    assert client.get(f"/workshops/{foreign['workshop'].pk}/edit/").status_code == 404
    response = client.post(
        f"/workshops/{foreign['workshop'].pk}/edit/", workshop_form(world, "ll", name="改名")
    )
    assert response.status_code == 404
    assert client.post(f"/workshops/enterprises/{foreign['enterprise'].pk}/edit/").status_code == (
        404
    )
    assert client.post(f"/workshops/positions/{foreign['position'].pk}/edit/").status_code == 404
    for url in (
        f"/api/v1/workshops/{foreign['workshop'].pk}/",
        f"/api/v1/enterprises/{foreign['enterprise'].pk}/",
        f"/api/v1/positions/{foreign['position'].pk}/",
    ):
        assert api_client.patch(
            url, {"name": "改名", "title": "改名"}, format="json"
        ).status_code == (404)
    district = login("district")  # a reviewing officer of the district can, the officer not
    assert district.get(f"/workshops/{foreign['workshop'].pk}/edit/").status_code == 200
    assert Workshop.objects.get(pk=foreign["workshop"].pk).name == "龙岭车间"
    assert Enterprise.objects.get(pk=foreign["enterprise"].pk).name == "龙岭企业"
    assert Position.objects.get(pk=foreign["position"].pk).title == "龙岭岗位"


def test_read_only_roles_cannot_write(world, login, api):
    for username in ("leader", "auditor"):
        client = login(username)
        assert client.get("/workshops/new/").status_code == 403
        assert client.post("/workshops/new/", workshop_form(world, "csp")).status_code == 403
        assert client.get("/workshops/positions/new/").status_code == 403
        assert client.get("/workshops/enterprises/new/").status_code == 403
        data = workshop_form(world, "csp")
        data.pop("applied_on")
        data.pop("opened_on")
        assert api(username).post("/api/v1/workshops/", data, format="json").status_code == 403
        pk = world["csp"]["position"].pk
        response = api(username).patch(f"/api/v1/positions/{pk}/", {"title": "x"}, format="json")
        assert response.status_code in (403, 404)
    assert not Workshop.objects.filter(name="越权车间").exists()


# --- workshop operators -----------------------------------------------------------------------


@pytest.fixture
def operated(users, world):
    """Two workshops in the same village; the operator runs only the first."""
    district = users["district"]
    own = world["csp"]
    other_workshop = f.make_workshop(district, f.CSP_VILLAGE, name="邻居车间")
    other_position = f.make_position(district, other_workshop, title="邻居岗位")
    operator = f.make_operator(district, "op_xiangyang", f.CSP_VILLAGE, [own["workshop"]])
    return {
        "operator": operator,
        "own": own,
        "other_workshop": other_workshop,
        "other_position": other_position,
    }


def test_operator_sees_only_their_workshop_its_enterprise_and_positions(operated, client, api):
    operator, own = operated["operator"], operated["own"]
    client.force_login(operator)
    api_client = api()
    api_client.force_authenticate(operator)
    assert page_pks(client, "/workshops/") == {own["workshop"].pk}
    assert page_pks(client, "/workshops/positions/") == {own["position"].pk}
    assert page_pks(client, "/workshops/enterprises/") == {own["enterprise"].pk}
    assert api_ids(api_client, "/api/v1/workshops/") == {own["workshop"].pk}
    assert api_ids(api_client, "/api/v1/positions/") == {own["position"].pk}
    assert api_ids(api_client, "/api/v1/enterprises/") == {own["enterprise"].pk}
    rows = export_rows(client, "/workshops/")
    assert len(rows) == 2 and "邻居车间" not in str(rows)
    rows = export_rows(client, "/workshops/positions/")
    assert len(rows) == 2 and "邻居岗位" not in str(rows)
    other = operated["other_workshop"]
    assert client.get(f"/workshops/{other.pk}/").status_code == 404
    assert client.get(f"/workshops/positions/{operated['other_position'].pk}/").status_code == 404
    assert api_client.get(f"/api/v1/workshops/{other.pk}/").status_code == 404
    assert client.get(f"/workshops/{own['workshop'].pk}/").status_code == 200


def test_operator_maintains_positions_of_their_own_workshop_only(operated, client, api):
    operator, own = operated["operator"], operated["own"]
    client.force_login(operator)
    data = {"title": "包装工", "headcount": 4, "posted_on": "2024-05-01"}
    response = client.post(
        "/workshops/positions/new/", {**data, "workshop": operated["other_workshop"].pk}
    )
    assert response.status_code == 200 and "workshop" in response.context["form"].errors
    api_client = api()
    api_client.force_authenticate(operator)
    response = api_client.post(
        "/api/v1/positions/", {**data, "workshop": operated["other_workshop"].pk}, format="json"
    )
    assert response.status_code == 400
    assert not Position.objects.filter(title="包装工").exists()
    response = client.post("/workshops/positions/new/", {**data, "workshop": own["workshop"].pk})
    assert response.status_code == 302
    assert Position.objects.get(title="包装工").workshop == own["workshop"]
    response = api_client.patch(
        f"/api/v1/positions/{operated['other_position'].pk}/", {"headcount": 1}, format="json"
    )
    assert response.status_code == 404


def test_operator_cannot_edit_or_transition_workshops(operated, client, api):
    operator, own = operated["operator"], operated["own"]
    client.force_login(operator)
    workshop = own["workshop"]
    assert client.get(f"/workshops/{workshop.pk}/edit/").status_code in (403, 404)
    response = client.post(f"/workshops/{workshop.pk}/watch/", {"on": "2024-06-01", "reason": "x"})
    assert response.status_code in (403, 404)
    api_client = api()
    api_client.force_authenticate(operator)
    response = api_client.post(
        f"/api/v1/workshops/{workshop.pk}/watch/", {"on": "2024-06-01", "reason": "x"}
    )
    assert response.status_code in (403, 404)
    assert Workshop.objects.get(pk=workshop.pk).status == Status.RECOGNIZED


def test_enterprise_list_has_a_stable_default_order(users, login):
    """Pages of the enterprise list must not shuffle rows: default order is by name."""
    district = users["district"]
    for name in ("C企业", "A企业", "B企业"):
        f.make_enterprise(district, f.CSP_VILLAGE, name=name)
    response = login("district").get("/workshops/enterprises/")
    names = [row.record.name for row in response.context["table"].paginated_rows]
    assert names == sorted(names)
    assert response.context["table"].data.data.ordered
