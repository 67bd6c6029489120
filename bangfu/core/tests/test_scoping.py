"""The choke point: ``restrict(user, action)`` rules, independent of any page."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bangfu.accounts.models import User
from bangfu.accounts.services import _set_roles
from bangfu.regions.models import Region

pytestmark = pytest.mark.django_db

HESHAN_TOTAL = 87  # 1 district + 17 townships/subdistricts + 69 synthetic villages


def make_user(username, role, region_code):
    user = User.objects.create(username=username, region_id=region_code)
    _set_roles(user, [role] if role else [])
    return User.objects.get(pk=user.pk)  # fresh permission cache


def test_anonymous_and_inactive_users_see_nothing(users):
    assert not Region.objects.restrict(AnonymousUser()).exists()
    district = users["district"]
    district.is_active = False
    assert not Region.objects.restrict(district).exists()
    assert Region.objects.restrict(None).count() == 0


def test_a_user_without_scope_sees_nothing_never_everything():
    user = make_user("noscope", "district_admin", None)
    assert user.has_perm("regions.view_region")
    assert Region.objects.restrict(user).count() == 0


def test_a_user_without_the_permission_sees_nothing():
    user = make_user("norole", None, "430903000000")
    assert Region.objects.restrict(user).count() == 0


def test_superuser_sees_everything(users):
    assert Region.objects.restrict(users["admin"]).count() == HESHAN_TOTAL


@pytest.mark.parametrize(
    ("username", "expected"),
    [("district", HESHAN_TOTAL), ("leader", HESHAN_TOTAL), ("cangshuipu", 5), ("longling", 3)],
)
def test_scope_is_the_region_subtree(users, username, expected):
    visible = Region.objects.restrict(users[username])
    assert visible.count() == expected
    scope = users[username].region
    assert all(r.code.startswith(scope.scope_prefix) for r in visible)


def test_village_scope_is_the_village_alone():
    user = make_user("informant", "village_informant", "430903105201")
    assert list(Region.objects.restrict(user).values_list("code", flat=True)) == ["430903105201"]


def test_write_actions_need_the_write_permission(users):
    # A township officer reads regions but may not change them.
    assert Region.objects.restrict(users["cangshuipu"], "view").exists()
    assert not Region.objects.restrict(users["cangshuipu"], "change").exists()
    assert Region.objects.restrict(users["district"], "change").count() == HESHAN_TOTAL


def test_unknown_action_is_a_programming_error(users):
    with pytest.raises(ValueError):
        Region.objects.restrict(users["district"], "export")


def test_prefix_match_does_not_leak_into_sibling_codes(users):
    """A scope prefix of 9 digits must not match a neighbour that shares the first 6."""
    codes = set(Region.objects.restrict(users["cangshuipu"]).values_list("code", flat=True))
    assert "430903105201" in codes
    assert not any(c.startswith("430903104") for c in codes)


def test_visible_tells_which_objects_a_user_may_open_one_query_per_model(
    users, django_assert_num_queries
):
    """What links to related pages rely on (tables and detail pages): objects of several
    models at once, through each one's ``restrict``; other values and unscoped models never."""
    from django.contrib.contenttypes.models import ContentType

    from bangfu.core.scoping import visible
    from bangfu.workshops.tests import factories as f

    laborers = [
        f.make_laborer(users["district"], f.CSP_VILLAGE, "沧水甲"),
        f.make_laborer(users["district"], f.LL_VILLAGE, "龙岭甲"),
    ]
    csp, district = Region.objects.get(pk="430903105000"), Region.objects.get(pk="430903000000")
    unscoped = ContentType.objects.get_for_model(Region)  # no restrict(): no page either
    objects = [*laborers, csp, district, None, "text", unscoped]
    officer = users["cangshuipu"]
    visible(officer, objects)  # permissions, scope and roles cached, as during a request
    with django_assert_num_queries(2):  # laborers, regions; nothing for the rest
        seen = visible(officer, objects)
    assert seen == {(type(laborers[0]), laborers[0].pk), (Region, csp.pk)}
    assert visible(None, objects) == set()
    assert len(visible(users["district"], objects)) == 4
