"""Change log, access-log hook, and the auditor's scoped log pages."""

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory

from bangfu.audit.models import AccessAction, AccessLog, LoginLog
from bangfu.audit.services import log_access
from bangfu.regions.models import Region
from bangfu.regions.services import update_region

pytestmark = pytest.mark.django_db


def test_changes_are_logged_with_actor_and_diff(login):
    client = login("district")
    client.post("/regions/430903105201/edit/", {"name": "审计村", "aliases": "", "note": ""})
    entry = LogEntry.objects.get_for_object(Region.objects.get(code="430903105201")).latest(
        "timestamp"
    )
    assert entry.actor.username == "district"
    assert entry.changes_dict["name"][1] == "审计村"


def test_user_changes_are_logged_without_password(login, users):
    from bangfu.accounts.services import set_password

    set_password(users["district"], users["cangshuipu"], "Hs-2026-qwerty!x")
    entries = LogEntry.objects.get_for_object(users["cangshuipu"])
    assert all("password" not in e.changes_dict for e in entries)


def test_access_log_hook_records_who_saw_what(users):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9")
    request.user = users["district"]
    region = Region.objects.get(code="430903105201")
    row = log_access(request, AccessAction.VIEW_FULL_ID, region, detail="full ID shown")
    assert (row.user, row.action, row.region_id, row.ip_address) == (
        users["district"],
        "view_full_id",
        "430903105201",
        "10.0.0.9",
    )


def test_auditor_sees_log_pages_and_others_do_not(login):
    auditor = login("auditor")
    for path in ("/audit/logins/", "/audit/changes/", "/audit/access/"):
        assert auditor.get(path).status_code == 200, path
    for username in ("district", "cangshuipu", "leader", "staff"):
        assert login(username).get("/audit/logins/").status_code == 403, username


def test_log_pages_are_region_scoped(client, users):
    LoginLog.objects.create(
        username="cangshuipu", user=users["cangshuipu"], region_id="430903105000", success=True
    )
    LoginLog.objects.create(
        username="longling", user=users["longling"], region_id="430903402000", success=True
    )
    LoginLog.objects.create(username="ghost", success=False)  # unknown user: no region
    from bangfu.accounts.services import create_user

    township_auditor = create_user(
        users["district"],
        username="tsaudit",
        password="Hs-2026-qwerty!x",
        region=Region.objects.get(code="430903105000"),
        role_codes=["auditor"],
    )
    client.force_login(township_auditor)
    # force_login itself writes a login row for the logged-in user
    assert seen_usernames(client) == {"cangshuipu", "tsaudit"}
    client.force_login(users["auditor"])
    assert seen_usernames(client) == {"cangshuipu", "tsaudit", "longling", "auditor"}
    client.force_login(users["admin"])
    assert "ghost" in seen_usernames(client)  # unknown usernames: superusers only


def seen_usernames(client):
    rows = client.get("/audit/logins/", {"per_page": 100}).context["table"].paginated_rows
    return {row.record.username for row in rows}


def test_change_log_is_scoped_by_the_actor_region(client, users):
    update_region(
        users["district"],
        Region.objects.get(code="430903105202"),
        name="甲",
        aliases="",
        synthetic=True,
        note="",
    )
    from auditlog.context import set_actor

    with set_actor(users["longling"]):
        Region.objects.filter(code="430903402001").update()  # no-op, no entry
        region = Region.objects.get(code="430903402001")
        region.note = "longling edit"
        region.save()
    client.force_login(users["auditor"])
    reprs = {
        row.record.actor.username
        for row in client.get("/audit/changes/").context["table"].paginated_rows
        if row.record.actor
    }
    assert "longling" in reprs
    assert AccessLog.objects.count() == 0
