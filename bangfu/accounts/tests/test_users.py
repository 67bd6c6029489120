"""User management: nobody escalates a role or widens a scope."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from bangfu.accounts.models import User
from bangfu.accounts.roles import ROLES_BY_CODE
from bangfu.accounts.services import create_user, grantable_roles, update_user
from bangfu.regions.models import Region

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Hs-2026-qwerty!x"


def region(code):
    return Region.objects.get(code=code)


def test_demo_accounts_have_their_roles_and_scopes(users):
    assert users["admin"].is_superuser
    assert users["district"].role_codes == ["district_admin"]
    assert users["cangshuipu"].region.name == "沧水铺镇"
    assert users["longling"].region_id == "430903402000"
    assert users["leader"].role_codes == ["leader"] and not users["leader"].has_perm(
        "accounts.view_user"
    )
    assert users["auditor"].has_perm("audit.view_loginlog")


def test_passwords_are_hashed_with_argon2(users):
    assert users["district"].password.startswith("argon2")


def test_roles_grantable_are_strictly_below_own_rank(users):
    district = {r.code for r in grantable_roles(users["district"])}
    assert "district_admin" not in district and "township_officer" in district
    township = {r.code for r in grantable_roles(users["cangshuipu"])}
    assert township == {"village_informant", "workshop_operator"}
    assert grantable_roles(users["leader"]) == []  # no user-management permission


def test_township_officer_creates_a_village_informant_in_own_township(users):
    user = create_user(
        users["cangshuipu"],
        username="xiangyang",
        password=GOOD_PASSWORD,
        region=region("430903105201"),
        role_codes=["village_informant"],
    )
    assert user.role_codes == ["village_informant"]
    assert user.check_password(GOOD_PASSWORD)


@pytest.mark.parametrize("username", ["CangShuiPu", "ＣＡＮＧＳＨＵＩＰＵ"])  # full-width too
def test_a_username_differing_only_in_case_is_refused(users, username):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        create_user(
            users["cangshuipu"],
            username=username,
            password=GOOD_PASSWORD,
            region=region("430903105201"),
            role_codes=["village_informant"],
        )
    assert error.value.message_dict["username"] == [
        "A user with that username already exists (usernames are not case-sensitive)."
    ]


def test_the_database_refuses_a_username_differing_only_in_case(users):
    """Two creations at once both pass the service's check; the constraint stops the second."""
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="CANGSHUIPU", region=region("430903105000"))
    twin = User(username="Cangshuipu", region=region("430903105000"))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert error.value.message_dict["__all__"] == [
        "已存在使用该用户名的用户（用户名不区分大小写）。"
    ]


def test_the_constraint_migration_names_the_usernames_it_cannot_hold(users):
    """Databases made before the constraint may hold such pairs: the migration says which."""
    migration = importlib.import_module("bangfu.accounts.migrations.0002_username_case_insensitive")
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute('DROP INDEX "accounts_user_username_ci_unique"')
    User.objects.create(username="Longling", region=region("430903402000"))
    with pytest.raises(RuntimeError, match="Longling, longling"):
        migration.refuse_case_duplicates(django_apps, None)


@pytest.mark.parametrize(
    ("actor", "scope", "roles", "error"),
    [
        ("cangshuipu", "430903402001", ["village_informant"], PermissionDenied),  # other township
        ("cangshuipu", "430903000000", ["village_informant"], PermissionDenied),  # wider scope
        ("cangshuipu", "430903105201", ["township_officer"], PermissionDenied),  # own rank
        ("cangshuipu", "430903105201", ["district_admin"], PermissionDenied),  # higher rank
        ("district", "430903105000", ["district_admin"], PermissionDenied),
        ("leader", "430903105000", ["village_informant"], PermissionDenied),  # no permission
        ("cangshuipu", None, ["village_informant"], ValidationError),  # scope required
    ],
)
def test_user_creation_cannot_escalate(users, actor, scope, roles, error):
    with pytest.raises(error):
        create_user(
            users[actor],
            username="intruder",
            password=GOOD_PASSWORD,
            region=region(scope) if scope else None,
            role_codes=roles,
        )
    assert not User.objects.filter(username="intruder").exists()


def test_weak_passwords_are_refused(users):
    with pytest.raises(ValidationError):
        create_user(
            users["district"],
            username="weak",
            password="12345678",
            region=region("430903105000"),
            role_codes=["township_officer"],
        )


def test_update_cannot_widen_scope_touch_peers_or_self(users):
    informant = create_user(
        users["cangshuipu"],
        username="inf",
        password=GOOD_PASSWORD,
        region=region("430903105202"),
        role_codes=["village_informant"],
    )
    with pytest.raises(PermissionDenied):  # widen the informant to the whole district
        update_user(
            users["cangshuipu"],
            informant,
            region=region("430903000000"),
            role_codes=["village_informant"],
        )
    with pytest.raises(PermissionDenied):  # a peer township officer of the same rank
        update_user(
            users["cangshuipu"], users["longling"], region=region("430903105000"), role_codes=[]
        )
    with pytest.raises(PermissionDenied):  # self-promotion
        update_user(
            users["district"],
            users["district"],
            region=region("430903000000"),
            role_codes=["auditor"],
        )
    updated = update_user(
        users["cangshuipu"],
        informant,
        region=region("430903105203"),
        role_codes=["workshop_operator"],
        is_active=False,
    )
    assert updated.region_id == "430903105203" and not updated.is_active


def test_user_pages_are_scoped(login):
    client = login("cangshuipu")
    usernames = {
        row.record.username
        for row in client.get("/accounts/users/").context["table"].paginated_rows
    }
    assert usernames == {"cangshuipu"}
    district = User.objects.get(username="district")
    assert client.get(f"/accounts/users/{district.pk}/").status_code == 404
    assert client.get(f"/accounts/users/{district.pk}/edit/").status_code == 404
    all_users = login("district").get("/accounts/users/").context["table"].paginator.count
    assert all_users == 7
    assert login("leader").get("/accounts/users/").status_code == 403


def test_user_form_offers_only_grantable_roles_and_scopes(login):
    form = login("cangshuipu").get("/accounts/users/new/").context["form"]
    assert {code for code, _ in form.fields["roles"].choices} == {
        "village_informant",
        "workshop_operator",
    }
    assert {r.code for r in form.fields["region"].queryset} <= {
        r.code for r in Region.objects.filter(code__startswith="430903105")
    }


def test_create_user_in_the_ui_with_tampered_role_is_refused(login):
    client = login("cangshuipu")
    data = {
        "username": "sneaky",
        "password": GOOD_PASSWORD,
        "region": "430903105201",
        "roles": ["district_admin"],
        "is_active": "on",
    }
    response = client.post("/accounts/users/new/", data)
    assert response.status_code == 200 and "roles" in response.context["form"].errors
    data["roles"] = ["village_informant"]
    data["region"] = "430903402001"  # outside the township
    response = client.post("/accounts/users/new/", data)
    assert "region" in response.context["form"].errors
    assert not User.objects.filter(username="sneaky").exists()
    data["region"] = "430903105201"
    response = client.post("/accounts/users/new/", data)
    assert response.status_code == 302
    assert User.objects.get(username="sneaky").role_codes == ["village_informant"]


def test_password_reset_by_admin(login, users):
    client = login("district")
    target = users["cangshuipu"]
    response = client.post(f"/accounts/users/{target.pk}/password/", {"password": GOOD_PASSWORD})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(GOOD_PASSWORD)
    assert (
        login("cangshuipu")
        .post(f"/accounts/users/{users['district'].pk}/password/", {"password": GOOD_PASSWORD})
        .status_code
        == 404
    )


def test_profile_shows_role_and_scope(login):
    html = login("cangshuipu").get("/accounts/profile/").content.decode()
    assert "沧水铺镇" in html and "430903105000" in html
    assert str(ROLES_BY_CODE["township_officer"].label) in html


def test_every_role_label_and_permission_exists():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES_BY_CODE)


@pytest.mark.parametrize("username", ["admin", "ADMIN"])
def test_a_taken_username_gets_one_message_at_its_field(login, username):
    data = {
        "username": username,
        "password": GOOD_PASSWORD,
        "region": "430903105000",
        "roles": ["village_informant"],
    }
    with translation.override("zh-hans"):
        response = login("district").post("/accounts/users/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": ["已存在使用该用户名的用户（用户名不区分大小写）。"]
    }
