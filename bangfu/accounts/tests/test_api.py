import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_token_auth_round_trip():
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "cangshuipu", "password": settings.BANGFU_DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "cangshuipu"
    assert me["scope"] == {"code": "430903105000", "name": "沧水铺镇", "prefix": "430903105"}
    assert [r["code"] for r in me["roles"]] == ["township_officer"]


def test_bad_credentials_get_no_token():
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "cangshuipu", "password": "nope"}, format="json"
    )
    assert response.status_code == 400 and "token" not in response.json()


@pytest.mark.parametrize(
    "path", ["/api/v1/me/", "/api/v1/regions/", "/api/v1/regions/430903105000/"]
)
def test_unauthenticated_requests_are_refused(path):
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_invalid_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/regions/").status_code == 401


def test_the_schema_and_its_docs_are_only_for_signed_in_users(client):
    assert client.get("/api/schema/").status_code == 401
    docs = client.get("/api/docs/")  # a page: to the sign-in form first
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")


def test_openapi_schema_is_valid_openapi_3(login):
    client = login("cangshuipu")
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/regions/", "/api/v1/me/", "/api/v1/auth/token/"} <= set(schema["paths"])
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


def test_swagger_ui_is_served_offline(login):
    html = login("cangshuipu").get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_the_password_length_rule_is_told_in_chinese():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_password("Ab1!")
    assert "密码长度太短。密码必须包含至少 10 个字符。" in error.value.messages
