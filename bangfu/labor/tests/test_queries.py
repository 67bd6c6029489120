"""List pages and API lists run a constant number of queries as rows grow (no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangfu.labor.models import Category
from bangfu.workshops.tests import factories as f
from bangfu.workshops.tests.scope_helpers import export

pytestmark = pytest.mark.django_db

PAGES = (
    "/workshops/",
    "/workshops/enterprises/",
    "/workshops/positions/",
    "/labor/households/",
    "/labor/laborers/",
    "/labor/employment/",
    "/labor/wages/",
)
API_LISTS = (
    "/api/v1/workshops/",
    "/api/v1/enterprises/",
    "/api/v1/positions/",
    "/api/v1/households/",
    "/api/v1/laborers/",
    "/api/v1/employments/",
    "/api/v1/wages/",
)
VILLAGES = (f.CSP_VILLAGE, f.CSP_VILLAGE_2, f.LL_VILLAGE, f.LL_VILLAGE_2)


def add_rows(user, count):
    """``count`` more of everything: each row with its own enterprise, workshop, position,
    household, laborer, employment and wage (distinct related rows, as N+1 needs)."""
    for i in range(count):
        village = VILLAGES[i % len(VILLAGES)]
        workshop = f.make_workshop(user, village)
        position = f.make_position(user, workshop)
        category = Category.MONITORED if i % 2 else Category.LIFTED_ENJOYING
        household = f.make_household(user, village, laborers=2, category=category)
        for laborer in household.laborers.all():
            employment = f.hire(user, laborer, position)
            f.wage(user, employment, datetime.date(2024, 3, 1))


def count_queries(fetch):
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200
    return len(queries), response


def rows_shown(response):
    if hasattr(response, "data"):
        return len(response.data["results"])
    return len(list(response.context["table"].paginated_rows))


def measure(urls, fetch_for, users):
    """Query counts per URL with 3 and with 15 rows (after a warm-up request)."""
    district = users["district"]
    add_rows(district, 3)
    counts = {}
    for url in urls:
        fetch_for(url)()  # warm-up: content types, session, caches
        counts[url] = [count_queries(fetch_for(url))]
    add_rows(district, 12)
    for url in urls:
        counts[url].append(count_queries(fetch_for(url)))
    return counts


@pytest.mark.parametrize("username", ["district", "cangshuipu"])
def test_list_pages_run_a_constant_number_of_queries(users, login, username):
    client = login(username)
    counts = measure(PAGES, lambda url: lambda: client.get(url, {"per_page": 100}), users)
    for url, ((small, small_response), (large, large_response)) in counts.items():
        assert rows_shown(large_response) > rows_shown(small_response), url
        assert small == large, f"{url}: {small} queries for few rows, {large} for more"


@pytest.mark.parametrize("username", ["district", "cangshuipu"])
def test_list_exports_run_a_constant_number_of_queries(users, login, username):
    client = login(username)
    counts = measure(PAGES, lambda url: lambda: export(client, url), users)
    for url, ((small, _r1), (large, _r2)) in counts.items():
        assert small == large, f"{url} export: {small} queries for few rows, {large} for more"


@pytest.mark.parametrize("username", ["district", "cangshuipu"])
def test_api_lists_run_a_constant_number_of_queries(users, api, username):
    client = api(username)
    counts = measure(API_LISTS, lambda url: lambda: client.get(url, {"page_size": 100}), users)
    for url, ((small, small_response), (large, large_response)) in counts.items():
        assert rows_shown(large_response) > rows_shown(small_response), url
        assert small == large, f"{url}: {small} queries for few rows, {large} for more"


def test_operator_lists_run_a_constant_number_of_queries(users, client, api):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE)
    position = f.make_position(district, workshop)
    operator = f.make_operator(district, "op_queries", f.CSP_VILLAGE, [workshop])
    client.force_login(operator)
    api_client = api()
    api_client.force_authenticate(operator)

    def grow(count):
        household = f.make_household(district, f.CSP_VILLAGE, laborers=count)
        for laborer in household.laborers.all():
            f.wage(district, f.hire(district, laborer, position), datetime.date(2024, 3, 1))

    urls = ("/labor/laborers/", "/labor/employment/", "/labor/wages/")
    apis = ("/api/v1/laborers/", "/api/v1/employments/", "/api/v1/wages/")
    grow(3)
    small = {}
    for url in urls:
        client.get(url)
        small[url] = count_queries(lambda url=url: client.get(url))[0]
    for url in apis:
        api_client.get(url)
        small[url] = count_queries(lambda url=url: api_client.get(url))[0]
    grow(12)
    for url in urls:
        assert count_queries(lambda url=url: client.get(url))[0] == small[url], url
    for url in apis:
        assert count_queries(lambda url=url: api_client.get(url))[0] == small[url], url
