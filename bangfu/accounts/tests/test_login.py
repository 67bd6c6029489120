"""Login: lockout, login log, language."""

import pytest
from django.conf import settings

from bangfu.audit.models import LoginLog

pytestmark = pytest.mark.django_db

PASSWORD = settings.BANGFU_DEMO_PASSWORD


def test_successful_login_is_logged_with_ip_and_agent(client):
    response = client.post(
        "/accounts/login/",
        {"username": "cangshuipu", "password": PASSWORD},
        HTTP_USER_AGENT="pytest-agent",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    row = LoginLog.objects.get(username="cangshuipu")
    assert row.success and row.ip_address == "10.1.2.3" and row.user_agent == "pytest-agent"
    assert row.region_id == "430903105000"


def test_failed_login_is_logged_and_shows_an_error(client):
    response = client.post("/accounts/login/", {"username": "cangshuipu", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert LoginLog.objects.filter(username="cangshuipu", success=False).count() == 1


def test_lockout_after_repeated_failures_even_with_the_right_password(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "longling", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "longling", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # another account from the same address is not locked
    assert (
        client.post(
            "/accounts/login/", {"username": "cangshuipu", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_logout_needs_post_and_ends_the_session(login):
    client = login("district")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/regions/").status_code == 302


def test_chinese_by_default_english_on_request(client):
    assert "用户名" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Username" in client.get("/accounts/login/").content.decode()
