"""Region pages and API, for every role: exactly the scope subtree, nothing else."""

import pytest
from django.contrib.auth.models import Permission

from bangfu.accounts.models import User
from bangfu.regions.models import Region

pytestmark = pytest.mark.django_db

EXPECTED = {
    "admin": 87,
    "district": 87,
    "staff": 87,
    "leader": 87,
    "auditor": 87,
    "cangshuipu": 5,
    "longling": 3,
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_region_list_page_shows_exactly_the_scope(login, username):
    response = login(username).get("/regions/", {"per_page": 200})
    assert response.status_code == 200
    assert response.context["table"].paginator.count == EXPECTED[username]
    codes = {row.record.code for row in response.context["table"].paginated_rows}
    if username == "cangshuipu":
        assert codes == {
            "430903105000",
            "430903105201",
            "430903105202",
            "430903105203",
            "430903105204",
        }
    if username == "longling":
        assert all(code.startswith("430903402") for code in codes)


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_region_api_lists_exactly_the_scope(api, username):
    response = api(username).get("/api/v1/regions/", {"page_size": 500})
    assert response.status_code == 200
    assert response.json()["count"] == EXPECTED[username]


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("cangshuipu", "430903105201", 200),
        ("cangshuipu", "430903402001", 404),  # another township's village: URL tampering
        ("cangshuipu", "430903000000", 404),  # the district above the scope
        ("longling", "430903105000", 404),
        ("district", "430903402001", 200),
    ],
)
def test_region_detail_outside_scope_is_404_in_page_and_api(login, api, username, code, status):
    assert login(username).get(f"/regions/{code}/").status_code == status
    assert api(username).get(f"/api/v1/regions/{code}/").status_code == status


def test_region_tree_fragment_lists_children_in_scope(login):
    client = login("cangshuipu")
    html = client.get("/regions/430903105000/tree/").content.decode()
    assert "向阳村" in html
    assert client.get("/regions/430903000000/tree/").status_code == 404


def test_region_list_filters_and_sorts(login):
    client = login("district")
    response = client.get("/regions/", {"level": "township", "sort": "-code"})
    records = [row.record for row in response.context["table"].paginated_rows]
    assert {r.level for r in records} == {"township"}
    assert records[0].code == "430903402000"
    response = client.get("/regions/", {"q": "龙岭工业园"})  # alias search
    assert [row.record.code for row in response.context["table"].paginated_rows] == ["430903402000"]


def test_region_list_answers_htmx_with_the_table_fragment(login):
    response = login("district").get(
        "/regions/", {"level": "township"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table"
    )
    html = response.content.decode()
    assert 'id="object-table"' in html and "<html" not in html


def test_district_admin_creates_and_edits_a_region_in_the_ui(login):
    client = login("district")
    response = client.post(
        "/regions/new/",
        {
            "parent": "430903105000",
            "code": "430903105260",
            "name": "新建演示村",
            "level": "village",
        },
    )
    assert response.status_code == 302
    assert Region.objects.get(code="430903105260").name == "新建演示村"
    response = client.post(
        "/regions/430903105260/edit/", {"name": "更名演示村", "aliases": "", "note": ""}
    )
    assert response.status_code == 302
    assert Region.objects.get(code="430903105260").name == "更名演示村"


def test_region_form_shows_validation_messages_next_to_the_field(login):
    client = login("district")
    response = client.post(
        "/regions/new/",
        {"parent": "430903105000", "code": "430903104261", "name": "错", "level": "village"},
    )
    assert response.status_code == 200
    assert "430903104261" in str(response.context["form"].errors["code"])
    assert not Region.objects.filter(code="430903104261").exists()


def test_township_officer_cannot_create_or_edit_regions(login):
    client = login("cangshuipu")
    assert client.get("/regions/new/").status_code == 403
    assert client.post("/regions/430903105201/edit/", {"name": "x"}).status_code == 404
    assert Region.objects.get(code="430903105201").name != "x"


def test_form_cannot_pick_a_parent_outside_scope(client):
    """A tampered POST naming a parent outside the scope fails like an unknown value."""
    editor = User.objects.create(username="editor", region_id="430903105000")
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="regions", codename__in=["view_region", "add_region"]
        )
    )
    client.force_login(editor)
    response = client.post(
        "/regions/new/",
        {"parent": "430903402000", "code": "430903402099", "name": "x", "level": "village"},
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Region.objects.filter(code="430903402099").exists()


def test_api_create_and_update_go_through_the_services(api):
    client = api("district")
    response = client.post(
        "/api/v1/regions/",
        {"code": "430903105270", "name": "接口村", "level": "village", "parent": "430903105000"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = client.post(
        "/api/v1/regions/",
        {"code": "430903104270", "name": "错村", "level": "village", "parent": "430903105000"},
        format="json",
    )
    assert response.status_code == 400 and "code" in response.json()
    response = client.patch("/api/v1/regions/430903105270/", {"name": "接口新村"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "接口新村"
    officer = api("cangshuipu")
    assert (
        officer.patch("/api/v1/regions/430903105201/", {"name": "x"}, format="json").status_code
        == 403
    )
    assert officer.delete("/api/v1/regions/430903105201/").status_code in (403, 405)


def test_the_api_creates_a_region_without_parent_only_at_the_top_and_keeps_fixed_fields(api):
    """No parent given (it crashed) is a top-level region: refused to a district officer, and
    to a superuser for a code inside a region already registered (an orphan outside the tree
    but inside its scope); a new county is fine. Code, level and parent cannot be patched."""
    village = {"code": "430903105297", "name": "接口村", "level": "village"}
    assert api("district").post("/api/v1/regions/", village, format="json").status_code == 403
    admin = api("admin")
    response = admin.post("/api/v1/regions/", village, format="json")
    assert response.status_code == 400 and set(response.json()) == {"code"}
    assert "沧水铺镇" in str(response.json()) and not Region.objects.filter(pk="430903105297")
    county = {"code": "430902000000", "name": "资阳区", "level": "county"}
    assert admin.post("/api/v1/regions/", county, format="json").status_code == 201
    client = api("district")
    for change in ({"parent": "430903402000"}, {"level": "township"}, {"code": "430903105299"}):
        response = client.patch("/api/v1/regions/430903105201/", change, format="json")
        assert response.status_code == 400 and set(response.json()) == set(change), change
    region = Region.objects.get(pk="430903105201")
    assert (region.parent_id, region.level) == ("430903105000", "village")
    put = {"code": "430903105201", "name": "向阳新村", "level": "village"}  # no parent given
    response = client.put("/api/v1/regions/430903105201/", put, format="json")
    assert response.status_code == 200, response.json()
    region.refresh_from_db()
    assert (region.name, region.parent_id) == ("向阳新村", "430903105000")


def test_a_page_past_the_end_or_not_a_number_shows_a_page_of_the_list(login):
    """A bookmarked ?page=9 after the filters narrowed the list is not a 404 page."""
    client = login("district")
    last = client.get("/regions/", {"page": 999})
    assert last.status_code == 200
    table = last.context["table"]
    assert table.page.number == table.paginator.num_pages == 4  # 87 regions, 25 a page
    assert len(list(table.paginated_rows)) == 87 - 3 * 25
    first = client.get("/regions/", {"page": "abc"})
    assert first.status_code == 200 and first.context["table"].page.number == 1
