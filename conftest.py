"""Shared fixtures: the Heshan regions and the demo accounts, loaded once per test database."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from bangfu.accounts.models import User
from bangfu.accounts.services import create_demo_accounts
from bangfu.regions.services import load_bundled

PASSWORD = settings.BANGFU_DEMO_PASSWORD
ROLE_USERS = ("admin", "district", "staff", "cangshuipu", "longling", "leader", "auditor")


def load_reference_data():
    load_bundled("heshan_regions.csv")
    load_bundled("heshan_demo_villages.csv")
    create_demo_accounts(PASSWORD)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the regions and demo accounts (rolled back after each test)."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def bangfu_cli(tmp_path):
    """``bangfu(*args)``: the command in a process of its own, on a fresh SQLite file in
    ``tmp_path`` (its ``env`` attribute: that environment); asserts it succeeded, returns its
    output. ``bangfu.prepare()``: migrated, with the regions, demo villages and accounts."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "BANGFU_VAR_DIR": str(tmp_path),
    }

    def bangfu(*args):
        done = subprocess.run(  # noqa: S603 (fixed argv)
            [sys.executable, "-m", "bangfu.cli", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def prepare():
        bangfu("setup", "--no-demo")
        bangfu(
            "shell",
            "-c",
            "from bangfu.regions.services import load_bundled; "
            "load_bundled('heshan_demo_villages.csv'); "
            "from bangfu.accounts.services import create_demo_accounts; "
            "create_demo_accounts('Bangfu@test2026')",
        )

    bangfu.env, bangfu.prepare = env, prepare
    return bangfu


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    """Background tasks run at once; uploads and job files go to a per-test directory."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def users(db):
    return {u.username: u for u in User.objects.filter(username__in=ROLE_USERS)}


@pytest.fixture
def login(client, users):
    """``login("cangshuipu")`` → a test client logged in as that demo user."""

    def _login(username):
        client.force_login(users[username])
        return client

    return _login


@pytest.fixture
def api(users):
    """``api("district")`` → an API client authenticated as that demo user."""

    def _api(username=None):
        client = APIClient()
        if username:
            client.force_authenticate(users[username])
        return client

    return _api


CHROMIUM = os.environ.get("BANGFU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests: a flush empties every table, including the rows the data
    migrations seeded (policy parameters, workshop types), so put everything back (idempotent)."""
    import importlib

    from django.apps import apps

    from bangfu.regions.models import Region

    if not Region.objects.exists():
        load_reference_data()
    for seed in SEED_MIGRATIONS:
        importlib.import_module(seed).seed(apps, None)


SEED_MIGRATIONS = (
    "bangfu.core.migrations.0002_seed_parameters",
    "bangfu.workshops.migrations.0002_seed_workshop_types",
)


@pytest.fixture(scope="session")
def chromium():
    """A real headless Chromium (Debian's package); missing browser is a failure, not a skip."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} not found: apt-get install chromium"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, reference_data):
    context = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def browser_login(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
