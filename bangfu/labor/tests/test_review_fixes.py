"""Regression tests for the findings of the independent review (scope, bad input, privacy)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bangfu.accounts.services import create_user
from bangfu.audit.models import AccessLog
from bangfu.labor.models import Employment, WageRecord
from bangfu.stats.models import DirtyYear
from bangfu.workshops import services as workshop_services
from bangfu.workshops.tests import factories as f
from bangfu.workshops.tests.scope_helpers import export, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def commuter(users):
    """A 沧水铺 laborer employed at a 龙岭 workshop."""
    district = users["district"]
    workshop = f.make_workshop(district, f.LL_VILLAGE)
    position = f.make_position(district, workshop)
    laborer = f.make_laborer(district, f.CSP_VILLAGE, name="通勤工")
    return f.hire(district, laborer, position)


def test_home_township_sees_but_cannot_change_employment_elsewhere(users, login, commuter):
    client = login("cangshuipu")
    assert client.get(f"/labor/employment/{commuter.pk}/").status_code == 200
    assert (
        client.post(
            f"/labor/employment/{commuter.pk}/wages/", {"month": "2024-03", "amount": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/labor/employment/{commuter.pk}/leave/", {"end_date": "2024-05-01"}
        ).status_code
        == 404
    )
    assert not WageRecord.objects.filter(employment=commuter).exists()
    assert Employment.objects.get(pk=commuter.pk).end_date is None


def test_hiring_someone_employed_outside_scope_names_nobody(users, commuter):
    from bangfu.labor.services import hire

    own = f.make_workshop(users["district"], f.CSP_VILLAGE)
    position = f.make_position(users["district"], own)
    operator = f.make_operator(users["district"], "op_hiring", f.CSP_VILLAGE, [own])
    with pytest.raises(ValidationError) as info:
        hire(
            operator,
            laborer=commuter.laborer,
            position=position,
            start_date=datetime.date(2024, 6, 1),
            contract_type="piecework",
            monthly_wage=2000,
        )
    message = " ".join(info.value.messages)
    assert "通勤工" not in message and commuter.workshop.name not in message


def test_future_dates_are_refused_not_crashing(users, login, commuter):
    client = login("district")
    assert (
        client.post(
            f"/labor/employment/{commuter.pk}/leave/", {"end_date": "9999-12-31"}
        ).status_code
        == 302
    )
    assert Employment.objects.get(pk=commuter.pk).end_date is None
    workshop = commuter.workshop
    response = client.post(f"/workshops/{workshop.pk}/watch/", {"on": "9999-12-01", "reason": "x"})
    assert response.status_code == 200 and response.context["form"].errors


def test_recognize_without_certificate_is_a_form_error(users, login):
    workshop = f.apply_workshop(users["district"], f.CSP_VILLAGE)
    response = login("district").post(
        f"/workshops/{workshop.pk}/recognize/", {"on": "2024-01-10", "override_reason": "x"}
    )
    assert response.status_code == 200 and "certificate_no" in response.context["form"].errors
    response = login("district").post(
        f"/api/v1/workshops/{workshop.pk}/recognize/",
        {},
        format="json",
        content_type="application/json",
    )
    assert response.status_code == 400


def test_wages_mark_the_statistics_dirty_and_can_be_corrected_through_the_api(users, api, commuter):
    DirtyYear.objects.all().delete()
    client = api("district")
    body = {"employment": commuter.pk, "month": "2024-04-01", "amount": "2500"}
    assert client.post("/api/v1/wages/", body, format="json").status_code == 201
    assert DirtyYear.objects.filter(year=2024).exists()
    assert (
        client.post("/api/v1/wages/", {**body, "amount": "2600"}, format="json").status_code == 201
    )
    assert WageRecord.objects.get(employment=commuter, month="2024-04-01").amount == 2600


def test_laborer_api_partial_update(api, commuter):
    response = api("district").patch(
        f"/api/v1/laborers/{commuter.laborer_id}/", {"skills": "缝纫"}, format="json"
    )
    assert response.status_code == 200 and response.json()["skills"] == "缝纫"


@pytest.mark.parametrize(
    "path",
    [
        "/labor/employment/hire/?workshop=abc",
        "/labor/laborers/new/?household=abc",
        "/accounts/users/?region=430903105",
    ],
)
def test_odd_query_strings_do_not_crash(login, path):
    assert login("district").get(path).status_code in (200, 404)


def test_laborer_page_masks_the_phone_without_the_permission(users, login, commuter):
    phone = commuter.laborer.phone
    assert (
        phone
        not in login("cangshuipu").get(f"/labor/laborers/{commuter.laborer_id}/").content.decode()
    )
    assert (
        phone in login("district").get(f"/labor/laborers/{commuter.laborer_id}/").content.decode()
    )


def test_every_personal_data_export_is_logged_for_the_region_auditors(users, login, commuter):
    export(login("cangshuipu"), "/labor/laborers/", q=commuter.laborer.name)
    row = AccessLog.objects.get(user=users["cangshuipu"])
    assert row.region_id == "430903105000" and commuter.laborer.name not in row.detail
    rows = login("auditor").get("/audit/access/").context["table"].paginated_rows
    assert [r.record.pk for r in rows] == [row.pk]


def test_staff_editing_a_workshop_keeps_its_operators_and_region_moves_cascade(
    users, login, commuter
):
    workshop = commuter.workshop
    operator = f.make_operator(users["district"], "op_review", f.LL_VILLAGE, [workshop])
    workshop_services.update_workshop(users["staff"], workshop, region=f.region(f.CSP_VILLAGE))
    assert list(workshop.operators.all()) == [operator]
    commuter.refresh_from_db()
    assert commuter.region_id == f.CSP_VILLAGE
    assert all(p.region_id == f.CSP_VILLAGE for p in workshop.positions.all())


def test_a_workshop_moved_on_its_edit_page_takes_its_records_along(users, login, commuter):
    """The edit form has set the new region on the workshop before the service runs: the
    positions, employment and wages still follow it, and each township sees them all or
    none (they stayed behind before)."""
    workshop = commuter.workshop
    wage = f.wage(users["district"], commuter)
    district = login("district")
    data = form_data(district, f"/workshops/{workshop.pk}/edit/")
    response = district.post(f"/workshops/{workshop.pk}/edit/", {**data, "region": f.CSP_VILLAGE})
    assert response.status_code == 302, response.context["form"].errors
    position = workshop.positions.get()
    commuter.refresh_from_db()
    wage.refresh_from_db()
    assert (position.region_id, commuter.region_id, wage.region_id) == (f.CSP_VILLAGE,) * 3
    for username, status in (("cangshuipu", 200), ("longling", 404)):
        client = login(username)
        for url in (workshop.get_absolute_url(), position.get_absolute_url()):
            assert client.get(url).status_code == status, (username, url)
        assert client.get(commuter.get_absolute_url()).status_code == status, username


def test_a_position_edited_later_marks_the_figures_from_its_old_date(users, login):
    """Posted on in 2019, moved to 2024 on its edit page: the years from 2019 are recomputed
    (the form had set the new date on the position before the service looked)."""
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE)
    position = f.make_position(
        users["district"], workshop, posted_on=datetime.date(2019, 3, 1), headcount=3
    )
    DirtyYear.objects.all().delete()
    client = login("cangshuipu")
    data = form_data(client, f"/workshops/positions/{position.pk}/edit/")
    assert data["workshop"] == workshop.pk  # the page shows its workshop (it showed none)
    response = client.post(
        f"/workshops/positions/{position.pk}/edit/", {**data, "posted_on": "2024-06-01"}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert min(DirtyYear.objects.values_list("year", flat=True)) == 2019


def test_a_position_people_were_hired_into_stays_at_its_workshop(users, login, commuter):
    """Moving it would leave its employment records at the old workshop."""
    position = commuter.position
    other = f.make_workshop(users["district"], f.LL_VILLAGE_2)
    client = login("district")
    data = form_data(client, f"/workshops/positions/{position.pk}/edit/")
    response = client.post(
        f"/workshops/positions/{position.pk}/edit/", {**data, "workshop": other.pk}
    )
    assert response.status_code == 200 and "workshop" in response.context["form"].errors
    position.refresh_from_db()
    assert position.workshop_id == commuter.workshop_id
    empty = f.make_position(users["district"], commuter.workshop, title="空岗位")
    data = form_data(client, f"/workshops/positions/{empty.pk}/edit/")
    response = client.post(f"/workshops/positions/{empty.pk}/edit/", {**data, "workshop": other.pk})
    assert response.status_code == 302  # nobody hired into it: it may move


def test_an_operator_gets_no_second_role(users):
    with pytest.raises(ValidationError):
        create_user(
            users["district"],
            username="two_hats",
            password=f.GOOD_PASSWORD,
            region=f.region(f.CSP_VILLAGE),
            role_codes=["workshop_operator", "village_informant"],
        )


def test_change_log_page_shows_role_changes(users, login):
    create_user(
        users["district"],
        username="logged",
        password=f.GOOD_PASSWORD,
        region=f.region(f.CSP_VILLAGE),
        role_codes=["village_informant"],
    )
    assert login("admin").get("/audit/changes/").status_code == 200
    assert export(login("auditor"), "/audit/changes/").status_code == 200


@pytest.mark.parametrize("year", ["0001", "0001Q1", "3000"])
def test_stats_pages_refuse_odd_periods_without_crashing(login, api, year):
    assert login("district").get("/", {"year": year}).status_code == 200  # falls back to last year
    assert api("district").get("/api/v1/stats/summary/", {"year": year}).status_code == 400


@pytest.mark.parametrize("members", ["0", "100", "99999999999"])
def test_a_household_size_nobody_has_is_refused_in_form_and_api(users, login, api, members):
    """SQLite stores any integer: the field's own range says what a household may be."""
    household = f.make_household(users["district"], f.CSP_VILLAGE)
    size = household.members_count
    client = login("cangshuipu")
    url = f"/labor/households/{household.pk}/edit/"
    response = client.post(url, {**form_data(client, url), "members_count": members})
    assert response.status_code == 200 and "members_count" in response.context["form"].errors
    response = api("cangshuipu").patch(
        f"/api/v1/households/{household.pk}/", {"members_count": members}, format="json"
    )
    assert response.status_code == 400 and "members_count" in response.json()
    household.refresh_from_db()
    assert household.members_count == size


def test_the_api_refuses_to_move_a_laborer_rather_than_ignoring_it(users, api):
    """``household`` in a PATCH or PUT was accepted and silently ignored."""
    laborer = f.make_laborer(users["district"], f.CSP_VILLAGE, name="不动")
    other = f.make_household(users["district"], f.CSP_VILLAGE_2)
    client = api("cangshuipu")
    url = f"/api/v1/laborers/{laborer.pk}/"
    response = client.patch(url, {"household": other.pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"household"}
    same = client.patch(url, {"household": laborer.household_id, "name": "不动了"}, format="json")
    assert same.status_code == 200, same.json()
    home = laborer.household_id
    laborer.refresh_from_db()
    assert (laborer.household_id, laborer.name) == (home, "不动了")
    put = {**client.get(url).json(), "name": "不动", "id_number": None}
    put = {key: value for key, value in put.items() if value is not None}
    assert client.put(url, put, format="json").status_code == 200  # its own household: fine
