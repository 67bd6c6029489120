"""Site-wide guarantees: every page needs a login, health check, security headers."""

import re
import sys

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {"healthz", "set_language", "accounts:login"}
SAMPLES = {"str": "430903105000", "int": "1", "slug": "recognize"}


def page_patterns(resolver=None, prefix="", namespace=None):
    """Every (name, path) of the site outside the API, which answers 401/403 itself."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from page_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            path = prefix + str(entry.pattern)
            if not path.startswith("api/"):
                yield name, path


def concrete(path):
    return "/" + re.sub(r"<(\w+):\w+>", lambda m: SAMPLES[m.group(1)], path)


def test_every_page_except_login_and_health_requires_login(client):
    seen = 0
    for name, path in page_patterns():
        if name in PUBLIC:
            continue
        response = client.get(concrete(path))
        assert response.status_code == 302, (name, path, response.status_code)
        assert response["Location"].startswith("/accounts/login/"), name
        seen += 1
    assert seen >= 10


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_carry_a_strict_content_security_policy(login):
    response = login("district").get("/regions/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_and_no_cdn(login):
    client = login("district")
    for path in ("/", "/regions/", "/accounts/users/", "/accounts/profile/", "/audit/logins/"):
        html = client.get(path).content.decode()
        assert "<script>" not in html and "<script type" not in html, path
        # no third-party URL at all (a bare "cdn" could be part of a random CSRF token)
        assert not re.search(r"(https?:)?//[^\"'\s]*cdn", html, re.I), path
        assert "https://" not in html and 'src="//' not in html, path


def test_home_shows_navigation_by_permission(login):
    html = login("cangshuipu").get("/").content.decode()
    assert 'href="/regions/"' in html
    assert 'href="/audit/' not in html  # only auditors read logs
    assert 'href="/audit/' in login("auditor").get("/").content.decode()


def test_the_access_log_never_records_query_strings_or_referers():
    """A search by ID number (``?q=<ID>``) must not land in the server's access log."""
    from bangfu.core.management.commands.run import ACCESS_LOG_FORMAT

    assert "%(U)s" in ACCESS_LOG_FORMAT
    assert not any(field in ACCESS_LOG_FORMAT for field in ("%(r)s", "%(q)s", "%(f)s", "%(i)s"))


@pytest.mark.parametrize(
    ("per_page", "rows"),
    [("-5", 1), ("0", 1), ("abc", 25), ("7", 7), ("--5", 25), ("²", 25), ("9" * 5000, 25)],
)
def test_a_list_page_size_is_kept_within_bounds(login, per_page, rows):
    response = login("district").get("/regions/", {"per_page": per_page})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == rows


def test_a_list_page_never_holds_more_than_the_maximum(login, monkeypatch):
    monkeypatch.setattr("bangfu.core.views.MAX_PER_PAGE", 10)
    response = login("district").get("/regions/", {"per_page": "100000"})
    assert len(response.context["table"].page.object_list) == 10


def test_a_filtered_table_brings_export_links_for_its_filters(login):
    """The filters swap only the table (htmx); the export links above it come along out of
    band, so "Export" exports what is shown, not what the page first loaded."""
    fragment = (
        login("district")
        .get(
            "/regions/",
            {"level": "township"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="object-table",
        )
        .content.decode()
    )
    assert 'id="export-actions"' in fragment and 'hx-swap-oob="true"' in fragment
    assert 'method="post" action="?level=township"' in fragment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name"), [("zh-hans", "表格分页"), ("en", "Pages of the table")]
)
def test_the_page_links_of_a_table_are_named_in_the_users_language(login, language, name):
    client = login("district")
    client.post("/i18n/setlang/", {"language": language})
    html = client.get("/regions/", {"page": "2"}).content.decode()  # 87 regions: four pages
    assert f'<nav aria-label="{name}">' in html and "Table navigation" not in html
    assert 'class="previous page-item"' in html and 'class="next page-item"' in html
    assert '<li class="page-item active">' in html  # the page numbers too


def test_a_table_rendered_without_a_request_links_no_related_object():
    from django.test import RequestFactory

    from bangfu.regions.models import Region
    from bangfu.regions.tables import RegionTable

    table = RegionTable(list(Region.objects.filter(level="township").order_by("code")[:2]))
    html = table.as_html(RequestFactory().get("/"))  # no user: nothing is known visible
    assert "赫山区" in html and 'href="/regions/430903000000/"' not in html


@pytest.mark.parametrize(
    ("referer", "cancel"),
    [
        ("http://testserver/labor/laborers/?page=2", "http://testserver/labor/laborers/?page=2"),
        ("https://evil.example/phish", "/"),
        ("javascript:alert(1)", "/"),
        (None, "/"),
    ],
)
def test_cancel_leads_back_only_to_a_page_of_this_site(login, referer, cancel):
    """The hire and new-record forms' “cancel” follows the page the user came from."""
    client = login("district")
    headers = {"HTTP_REFERER": referer} if referer else {}
    for url in ("/labor/employment/hire/", "/workshops/enterprises/new/"):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert response.context["cancel_url"] == cancel, url


def test_a_refused_request_is_logged_in_one_line_a_server_error_with_its_traceback(login, caplog):
    """Every 403 of a page out of scope wrote a whole traceback to the log (2,700 in an hour
    of exploring), drowning the errors that matter."""
    import logging

    from bangfu.core.logs import NoClientErrorTraceback

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert login("cangshuipu").get("/parameters/new/").status_code == 403
    (refused,) = [r for r in caplog.records if r.name == "django.request"]
    assert refused.exc_info is None and "Forbidden" in refused.getMessage()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("django.request", 40, "", 0, "Internal", (), sys.exc_info())
    record.status_code = 500
    assert NoClientErrorTraceback().filter(record) and record.exc_info is not None
