"""A request that finds the database locked (SQLite during a large import) gets a clear
"busy, try again" answer, not a server error."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from bangfu.labor import api as labor_api
from bangfu.labor import selectors

pytestmark = pytest.mark.django_db


def raising(message):
    def fail(*args, **kwargs):
        raise OperationalError(message)

    return fail


def test_a_page_that_finds_the_database_locked_says_busy_try_again(login, monkeypatch):
    monkeypatch.setattr(selectors, "laborer_list", raising("database is locked"))
    response = login("district").get(reverse("labor:laborer-list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "数据库正忙" in response.content.decode()


def test_the_api_answers_503_with_a_detail(api, monkeypatch):
    monkeypatch.setattr(labor_api.LaborerViewSet, "get_queryset", raising("database is locked"))
    response = api("district").get("/api/v1/laborers/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "busy" in response.json()["detail"]


def test_other_database_errors_stay_server_errors(login, monkeypatch):
    monkeypatch.setattr(selectors, "laborer_list", raising("no such table: labor_laborer"))
    with pytest.raises(OperationalError):
        login("district").get(reverse("labor:laborer-list"))
