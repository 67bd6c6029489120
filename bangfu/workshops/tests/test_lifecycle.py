"""Workshop lifecycle: transitions, status history, recognition check, who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from bangfu.core.dates import add_months
from bangfu.core.models import Parameter
from bangfu.labor.models import Category
from bangfu.workshops import services
from bangfu.workshops.models import Enterprise, Status, StatusChange, Workshop, WorkshopType

from . import factories as f
from .scope_helpers import form_data

pytestmark = pytest.mark.django_db

HUNAN_2018 = "湖南省扶贫车间认定标准（2018）"


def step(user, workshop, name, on, **extra):
    """Run one lifecycle step the way the page and the API do."""
    kwargs = {"on": on}
    if name == "recognize":
        kwargs.update(certificate_no=f"C-{f.next_seq()}", override_reason="测试")
    else:
        kwargs["reason"] = "测试原因"
    kwargs.update(extra)
    return getattr(services, name)(user, workshop, **kwargs)


# Business rules of the program (DOMAIN.md, issue): the moves a reviewing officer may make.
ALLOWED = {
    (Status.APPLYING, "recognize"): Status.RECOGNIZED,
    (Status.APPLYING, "reject"): Status.REJECTED,
    (Status.RECOGNIZED, "watch"): Status.WATCH,
    (Status.RECOGNIZED, "remove"): Status.REMOVED,
    (Status.WATCH, "restore"): Status.RECOGNIZED,
    (Status.WATCH, "remove"): Status.REMOVED,
    (Status.REMOVED, "restore"): Status.RECOGNIZED,
    (Status.REJECTED, "resubmit"): Status.APPLYING,
}
FORBIDDEN = [
    (Status.APPLYING, "watch"),
    (Status.APPLYING, "remove"),
    (Status.APPLYING, "restore"),
    (Status.APPLYING, "resubmit"),
    (Status.RECOGNIZED, "recognize"),
    (Status.RECOGNIZED, "reject"),
    (Status.RECOGNIZED, "restore"),
    (Status.RECOGNIZED, "resubmit"),
    (Status.WATCH, "watch"),
    (Status.WATCH, "reject"),
    (Status.WATCH, "resubmit"),
    (Status.REMOVED, "watch"),
    (Status.REMOVED, "remove"),
    (Status.REMOVED, "reject"),
    (Status.REMOVED, "resubmit"),
    (Status.REJECTED, "recognize"),
    (Status.REJECTED, "reject"),
    (Status.REJECTED, "watch"),
    (Status.REJECTED, "remove"),
    (Status.REJECTED, "restore"),
]
LATER = datetime.date(2024, 6, 1)


@pytest.mark.parametrize(("start", "name"), sorted(ALLOWED))
def test_allowed_transitions_move_the_status_and_write_history(users, start, name):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=start)
    history_before = workshop.history.count()
    result = step(district, workshop, name, LATER)
    workshop.refresh_from_db()
    assert workshop.status == result.status == ALLOWED[(start, name)]
    assert workshop.status_since == LATER
    assert workshop.history.count() == history_before + 1
    last = workshop.history.last()
    assert (last.from_status, last.to_status, last.on, last.actor) == (
        start,
        ALLOWED[(start, name)],
        LATER,
        district,
    )


@pytest.mark.parametrize(("start", "name"), FORBIDDEN)
def test_forbidden_transitions_are_refused_and_change_nothing(users, start, name):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=start)
    before = Workshop.objects.get(pk=workshop.pk)
    history_before = workshop.history.count()
    with pytest.raises(ValidationError), transaction.atomic():
        step(district, workshop, name, LATER)
    after = Workshop.objects.get(pk=workshop.pk)
    assert (after.status, after.status_since, after.certificate_no, after.grace_until) == (
        before.status,
        before.status_since,
        before.certificate_no,
        before.grace_until,
    )
    assert after.history.count() == history_before


def test_full_lifecycle_keeps_the_whole_dated_history(users, api):
    district, staff = users["district"], users["staff"]
    workshop = f.apply_workshop(
        users["cangshuipu"], f.CSP_VILLAGE, applied_on=datetime.date(2024, 1, 5)
    )
    services.recognize(
        district,
        workshop,
        certificate_no="赫人社车间〔2024〕1号",
        on=datetime.date(2024, 2, 1),
        override_reason="岗位待补录",
    )
    workshop.refresh_from_db()
    services.watch(staff, workshop, on=datetime.date(2024, 5, 10), reason="季度监测：用工不足")
    services.restore(district, workshop, on=datetime.date(2024, 9, 1), reason="整改到位")
    services.remove(district, workshop, on=datetime.date(2025, 1, 15), reason="停产")
    services.restore(staff, workshop, on=datetime.date(2025, 3, 1), reason="复产")
    rows = list(
        StatusChange.objects.filter(workshop=workshop).values_list(
            "from_status", "to_status", "on", "actor__username", "reason"
        )
    )
    assert rows[0][:4] == ("", Status.APPLYING, datetime.date(2024, 1, 5), "cangshuipu")
    assert rows[1:] == [
        (Status.APPLYING, Status.RECOGNIZED, datetime.date(2024, 2, 1), "district", "岗位待补录"),
        (
            Status.RECOGNIZED,
            Status.WATCH,
            datetime.date(2024, 5, 10),
            "staff",
            "季度监测：用工不足",
        ),
        (Status.WATCH, Status.RECOGNIZED, datetime.date(2024, 9, 1), "district", "整改到位"),
        (Status.RECOGNIZED, Status.REMOVED, datetime.date(2025, 1, 15), "district", "停产"),
        (Status.REMOVED, Status.RECOGNIZED, datetime.date(2025, 3, 1), "staff", "复产"),
    ]
    workshop.refresh_from_db()
    assert workshop.certificate_no == "赫人社车间〔2024〕1号"
    assert workshop.grace_until is None  # the grace period ended with the restore
    history = api("district").get(f"/api/v1/workshops/{workshop.pk}/history/").json()
    assert [(h["to_status"], h["on"], h["reason"]) for h in history[1:]] == [
        (r[1], r[2].isoformat(), r[4]) for r in rows[1:]
    ]
    assert history[2]["actor"] == str(staff)


def test_detail_page_shows_the_history_with_actor_and_reason(users, login):
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE, status=Status.WATCH)
    response = login("district").get(f"/workshops/{workshop.pk}/")
    assert response.status_code == 200
    history = list(response.context["history"])
    assert [h.to_status for h in history] == [
        Status.APPLYING,
        Status.RECOGNIZED,
        Status.WATCH,
    ]
    html = response.content.decode()
    assert "用工人数下降" in html  # the watch reason


def test_a_transition_cannot_be_dated_before_the_current_status(users):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    with pytest.raises(ValidationError) as exc:
        services.watch(
            district, workshop, on=f.RECOGNIZED_ON - datetime.timedelta(days=1), reason="x"
        )
    assert "on" in exc.value.message_dict
    assert Workshop.objects.get(pk=workshop.pk).status == Status.RECOGNIZED


@pytest.mark.parametrize("name", ["reject", "watch", "remove", "restore"])
def test_steps_that_need_a_reason_refuse_an_empty_one(users, name):
    start = {
        "reject": Status.APPLYING,
        "watch": Status.RECOGNIZED,
        "remove": Status.RECOGNIZED,
        "restore": Status.WATCH,
    }[name]
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=start)
    with pytest.raises(ValidationError) as exc:
        step(district, workshop, name, LATER, reason="  ")
    assert "reason" in exc.value.message_dict
    assert Workshop.objects.get(pk=workshop.pk).status == start


# --- watch and its grace period ---------------------------------------------------------------


def test_watch_sets_a_grace_end_six_months_later_by_default(users):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    services.watch(district, workshop, on=datetime.date(2024, 8, 31), reason="监测")
    workshop.refresh_from_db()
    assert workshop.status == Status.WATCH
    assert workshop.grace_until == datetime.date(2025, 2, 28)  # clamped to the month's end


def test_watch_grace_period_follows_the_parameter_in_force(users):
    district = users["district"]
    Parameter.objects.create(
        key="workshop.watch_grace_months",
        value=Decimal("3"),
        region_prefix="430903",
        effective_from=datetime.date(2024, 7, 1),
        source="赫人社发〔2024〕9号",
    )
    early = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    services.watch(district, early, on=datetime.date(2024, 6, 30), reason="监测")
    late = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    services.watch(district, late, on=datetime.date(2024, 7, 1), reason="监测")
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.grace_until == add_months(datetime.date(2024, 6, 30), 6)
    assert late.grace_until == datetime.date(2024, 10, 1)


def test_watch_accepts_an_explicit_grace_end_but_not_one_before_the_watch(users):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    with pytest.raises(ValidationError) as exc:
        services.watch(
            district,
            workshop,
            on=datetime.date(2024, 6, 1),
            reason="监测",
            grace_until=datetime.date(2024, 6, 1),
        )
    assert "grace_until" in exc.value.message_dict
    services.watch(
        district,
        workshop,
        on=datetime.date(2024, 6, 1),
        reason="监测",
        grace_until=datetime.date(2024, 9, 30),
    )
    workshop.refresh_from_db()
    assert workshop.grace_until == datetime.date(2024, 9, 30)


# --- recognition ------------------------------------------------------------------------------


def staff_workshop(district, *, floor_area="120", positions=16, assisted=5, general=0, **kw):
    """A factory-type workshop on 2024-03-01 with the given positions and laborers employed."""
    workshop = f.apply_workshop(district, f.CSP_VILLAGE, floor_area=Decimal(floor_area), **kw)
    position = f.make_position(district, workshop, headcount=max(positions, 1))
    for _ in range(assisted):
        f.hire(district, f.make_laborer(district, f.CSP_VILLAGE), position)
    for _ in range(general):
        laborer = f.make_laborer(district, f.CSP_VILLAGE, category=Category.GENERAL)
        f.hire(district, laborer, position)
    return Workshop.objects.get(pk=workshop.pk)


def by_key(check):
    return {c.key: c for c in check}


def test_recognition_check_explains_each_criterion(users):
    workshop = staff_workshop(users["district"], floor_area="120", positions=16, assisted=5)
    check = by_key(services.recognition_check(workshop, datetime.date(2024, 3, 1)))
    assert set(check) == {"min_floor_area", "min_positions", "min_poor_laborers"}
    area, positions, laborers = (
        check["min_floor_area"],
        check["min_positions"],
        check["min_poor_laborers"],
    )
    assert (area.required, area.actual, area.passed) == (100, 120, True)
    assert (positions.required, positions.actual, positions.passed) == (15, 16, True)
    assert (laborers.required, laborers.actual, laborers.passed) == (5, 5, True)
    assert {c.source for c in check.values()} == {HUNAN_2018}
    assert all(c.label for c in check.values())


def test_recognition_check_counts_only_assisted_laborers_employed_on_the_date(users):
    district = users["district"]
    workshop = staff_workshop(district, floor_area="90", positions=16, assisted=4, general=3)
    check = by_key(services.recognition_check(workshop, datetime.date(2024, 3, 1)))
    assert check["min_floor_area"].passed is False and check["min_floor_area"].actual == 90
    assert check["min_poor_laborers"].actual == 4  # the 3 general-household laborers don't count
    assert check["min_poor_laborers"].passed is False
    before_hiring = by_key(services.recognition_check(workshop, datetime.date(2024, 2, 1)))
    assert before_hiring["min_poor_laborers"].actual == 0
    assert before_hiring["min_positions"].actual == 16


def test_recognition_check_of_a_home_workshop_has_only_the_laborer_criterion(users):
    workshop = staff_workshop(users["district"], positions=2, assisted=5, type_code="home")
    check = services.recognition_check(workshop, datetime.date(2024, 3, 1))
    assert [(c.key, c.required, c.actual, c.passed) for c in check] == [
        ("min_poor_laborers", 5, 5, True)
    ]


def test_a_newer_parameter_version_changes_the_outcome(users):
    district = users["district"]
    workshop = staff_workshop(district, positions=12, assisted=5)
    Parameter.objects.create(
        key="recognition.factory.min_positions",
        value=Decimal("10"),
        region_prefix="43",
        effective_from=datetime.date(2024, 6, 1),
        source="湘人社规〔2024〕新口径",
    )
    old = by_key(services.recognition_check(workshop, datetime.date(2024, 5, 31)))["min_positions"]
    new = by_key(services.recognition_check(workshop, datetime.date(2024, 6, 1)))["min_positions"]
    assert (old.required, old.passed, old.source) == (15, False, HUNAN_2018)
    assert (new.required, new.passed, new.source) == (10, True, "湘人社规〔2024〕新口径")
    with pytest.raises(ValidationError):
        services.recognize(
            district, workshop, certificate_no="C-OLD", on=datetime.date(2024, 5, 31)
        )
    services.recognize(district, workshop, certificate_no="C-NEW", on=datetime.date(2024, 6, 1))
    last = workshop.history.last()
    assert last.to_status == Status.RECOGNIZED and last.overridden is False


def test_an_expired_parameter_no_longer_applies_and_a_region_rule_wins(users):
    district = users["district"]
    workshop = staff_workshop(district, floor_area="80", positions=16, assisted=5)
    Parameter.objects.create(
        key="recognition.factory.min_floor_area",
        value=Decimal("60"),
        region_prefix="430903",
        effective_from=datetime.date(2024, 1, 1),
        effective_to=datetime.date(2024, 4, 30),
        source="赫山区临时口径",
    )
    during = by_key(services.recognition_check(workshop, datetime.date(2024, 4, 30)))
    after = by_key(services.recognition_check(workshop, datetime.date(2024, 5, 1)))
    assert (during["min_floor_area"].required, during["min_floor_area"].passed) == (60, True)
    assert during["min_floor_area"].source == "赫山区临时口径"
    assert (after["min_floor_area"].required, after["min_floor_area"].passed) == (100, False)


def test_recognize_without_a_rule_in_force_fails_the_criterion(users):
    workshop = staff_workshop(users["district"], positions=16, assisted=5)
    check = by_key(services.recognition_check(workshop, datetime.date(2017, 6, 1)))
    assert all(c.required is None and c.passed is False for c in check.values())


def test_recognize_when_criteria_fail_needs_a_written_reason_and_records_the_override(users):
    district = users["district"]
    workshop = staff_workshop(district, floor_area="120", positions=8, assisted=2)
    on = datetime.date(2024, 3, 1)
    with pytest.raises(ValidationError) as exc:
        services.recognize(district, workshop, certificate_no="C-1", on=on, override_reason=" ")
    message = " ".join(exc.value.message_dict["override_reason"])
    assert "8" in message and "15" in message  # actual and required positions are explained
    assert Workshop.objects.get(pk=workshop.pk).status == Status.APPLYING
    services.recognize(
        district, workshop, certificate_no="C-1", on=on, override_reason="区政府专题会议同意"
    )
    workshop.refresh_from_db()
    assert (workshop.status, workshop.certificate_no, workshop.recognized_on) == (
        Status.RECOGNIZED,
        "C-1",
        on,
    )
    change = workshop.history.last()
    assert change.overridden is True and change.reason == "区政府专题会议同意"
    stored = {c["key"]: c for c in change.check_result}
    assert stored["min_positions"]["passed"] is False and stored["min_positions"]["actual"] == 8
    assert stored["min_floor_area"]["passed"] is True
    assert set(stored["min_positions"]) >= {"required", "actual", "passed", "source"}


def test_recognize_when_criteria_pass_is_not_an_override(users):
    district = users["district"]
    workshop = staff_workshop(district)
    services.recognize(district, workshop, certificate_no="C-2", on=datetime.date(2024, 3, 1))
    change = workshop.history.last()
    assert change.overridden is False and len(change.check_result) == 3


def test_certificate_number_is_required_and_unique(users):
    district = users["district"]
    first = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    second = f.apply_workshop(district, f.CSP_VILLAGE)
    on = datetime.date(2024, 3, 1)
    with pytest.raises(ValidationError) as exc:
        services.recognize(district, second, certificate_no="  ", on=on, override_reason="x")
    assert "certificate_no" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.recognize(
            district,
            second,
            certificate_no=f" {first.certificate_no} ",
            on=on,
            override_reason="x",
        )
    assert "certificate_no" in exc.value.message_dict
    assert Workshop.objects.get(pk=second.pk).status == Status.APPLYING
    with pytest.raises(IntegrityError), transaction.atomic():
        Workshop.objects.filter(pk=second.pk).update(certificate_no=first.certificate_no)


def test_recognition_check_api_explains_each_criterion(users, api):
    workshop = staff_workshop(users["district"])
    response = api("cangshuipu").get(f"/api/v1/workshops/{workshop.pk}/recognition-check/")
    assert response.status_code == 200
    rows = {c["key"]: c for c in response.json()}
    assert set(rows) == {"min_floor_area", "min_positions", "min_poor_laborers"}
    assert rows["min_floor_area"]["required"] == 100 and rows["min_floor_area"]["actual"] == 120
    assert all(set(c) >= {"required", "actual", "passed", "source", "label"} for c in rows.values())


# --- who may change a status ------------------------------------------------------------------


@pytest.mark.parametrize("username", ["cangshuipu", "longling"])
def test_township_officers_cannot_transition(users, username):
    district = users["district"]
    village = f.CSP_VILLAGE if username == "cangshuipu" else f.LL_VILLAGE
    workshop = f.apply_workshop(district, village)
    officer = users[username]
    assert not officer.has_perm("workshops.review_workshop")
    with pytest.raises(PermissionDenied):
        services.recognize(
            officer, workshop, certificate_no="C-9", on=LATER, override_reason="我来认定"
        )
    with pytest.raises(PermissionDenied):
        services.reject(officer, workshop, on=LATER, reason="x")
    assert Workshop.objects.get(pk=workshop.pk).status == Status.APPLYING


def test_pages_and_api_refuse_transitions_without_the_review_permission(users, login, api):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    data = {"on": "2024-06-01", "reason": "x"}
    for username, page_status in (("cangshuipu", 403), ("leader", 404), ("auditor", 404)):
        assert login(username).post(f"/workshops/{workshop.pk}/watch/", data).status_code in (
            page_status,
            403,
        )
        response = api(username).post(f"/api/v1/workshops/{workshop.pk}/watch/", data)
        assert response.status_code in (403, 404)
    workshop.refresh_from_db()
    assert workshop.status == Status.RECOGNIZED and workshop.history.count() == 2


def test_an_unknown_step_is_not_found_and_a_closed_one_forbidden(users, login):
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE, status=Status.RECOGNIZED)
    client = login("district")
    assert client.get(f"/workshops/{workshop.pk}/bogus/").status_code == 404
    assert client.get(f"/workshops/{workshop.pk}/resubmit/").status_code == 403  # not now


def test_reviewing_officer_recognizes_through_the_page(users, login):
    district = users["district"]
    workshop = staff_workshop(district)
    client = login("staff")
    page = client.get(f"/workshops/{workshop.pk}/recognize/")
    assert page.status_code == 200
    response = client.post(
        f"/workshops/{workshop.pk}/recognize/",
        {"on": "2024-03-01", "certificate_no": "HS-PAGE-1", "override_reason": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/workshops/{workshop.pk}/"
    workshop.refresh_from_db()
    assert (workshop.status, workshop.certificate_no) == (Status.RECOGNIZED, "HS-PAGE-1")
    assert workshop.history.last().actor == users["staff"]


def test_page_confirms_the_new_status_after_recognizing(users, login):
    workshop = staff_workshop(users["district"])
    response = login("district").post(
        f"/workshops/{workshop.pk}/recognize/",
        {"on": "2024-03-01", "certificate_no": "HS-PAGE-3", "override_reason": ""},
        follow=True,
    )
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        recognized_label = str(Status.RECOGNIZED.label)
    messages = [str(m) for m in response.context["messages"]]
    assert any(recognized_label in m for m in messages), messages


def test_page_shows_the_failed_criteria_and_requires_the_override_reason(users, login):
    district = users["district"]
    workshop = staff_workshop(district, positions=3, assisted=0)
    client = login("district")
    response = client.post(
        f"/workshops/{workshop.pk}/recognize/",
        {"on": "2024-03-01", "certificate_no": "HS-PAGE-2", "override_reason": ""},
    )
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    assert Workshop.objects.get(pk=workshop.pk).status == Status.APPLYING
    response = client.post(
        f"/workshops/{workshop.pk}/recognize/",
        {"on": "2024-03-01", "certificate_no": "HS-PAGE-2", "override_reason": "特批"},
    )
    assert response.status_code == 302
    assert workshop.history.last().overridden is True


def test_page_refuses_a_step_not_available_from_the_current_status(users, login):
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE, status=Status.APPLYING)
    client = login("district")
    for name in ("watch", "remove", "restore", "resubmit", "nonsense"):
        response = client.post(f"/workshops/{workshop.pk}/{name}/", {"on": "2024-06-01"})
        assert response.status_code in (403, 404), name
    assert Workshop.objects.get(pk=workshop.pk).status == Status.APPLYING


def test_api_restore_cannot_recognize_an_application(users, api):
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE, status=Status.APPLYING)
    response = api("staff").post(
        f"/api/v1/workshops/{workshop.pk}/restore/", {"on": "2024-06-01", "reason": "x"}
    )
    assert response.status_code == 400
    workshop.refresh_from_db()
    assert workshop.status == Status.APPLYING and workshop.certificate_no == ""


def test_api_transition_and_its_errors(users, api):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE, status=Status.RECOGNIZED)
    client = api("staff")
    response = client.post(
        f"/api/v1/workshops/{workshop.pk}/restore/", {"on": "2024-06-01", "reason": "x"}
    )
    assert response.status_code == 400
    response = client.post(
        f"/api/v1/workshops/{workshop.pk}/watch/", {"on": "2024-06-01", "reason": "季度监测"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.WATCH
    assert response.json()["grace_until"] == "2024-12-01"
    response = client.patch(
        f"/api/v1/workshops/{workshop.pk}/", {"status": Status.REMOVED}, format="json"
    )
    assert Workshop.objects.get(pk=workshop.pk).status == Status.WATCH  # status is read-only


# --- applications -----------------------------------------------------------------------------


def test_township_officer_records_an_application_on_the_page(users, login):
    officer = users["cangshuipu"]
    enterprise = f.make_enterprise(officer, f.CSP_VILLAGE)
    response = login("cangshuipu").post(
        "/workshops/new/",
        {
            "enterprise": enterprise.pk,
            "name": "向阳村手工车间",
            "region": f.CSP_VILLAGE,
            "site_type": "village",
            "creation_mode": "joint",
            "workshop_type": f.workshop_type("home").pk,
            "industry": "handicraft",
            "address": "",
            "floor_area": "60",
            "opened_on": "",
            "applied_on": "2024-04-01",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    workshop = Workshop.objects.get(name="向阳村手工车间")
    assert (workshop.status, workshop.status_since) == (Status.APPLYING, datetime.date(2024, 4, 1))
    change = workshop.history.get()
    assert (change.from_status, change.to_status, change.actor) == ("", Status.APPLYING, officer)


@pytest.mark.parametrize("applied_on", ["0204-04-01", "2999-04-01"])
def test_an_application_date_mistyped_or_to_come_is_refused_at_its_field(users, login, applied_on):
    enterprise = f.make_enterprise(users["cangshuipu"], f.CSP_VILLAGE)
    data = {
        "enterprise": enterprise.pk,
        "name": "错日期车间",
        "region": f.CSP_VILLAGE,
        "site_type": "village",
        "creation_mode": "joint",
        "workshop_type": f.workshop_type("home").pk,
        "industry": "handicraft",
        "floor_area": "60",
        "applied_on": applied_on,
        "opened_on": "",
    }
    with translation.override("zh-hans"):
        response = login("cangshuipu").post("/workshops/new/", data)
    errors = response.context["form"].errors
    assert response.status_code == 200 and set(errors) == {"applied_on"}
    assert not Workshop.objects.filter(name="错日期车间").exists()
    with translation.override("zh-hans"):
        response = login("cangshuipu").post(
            "/workshops/new/", {**data, "applied_on": "2024-04-01", "opened_on": "0203-01-01"}
        )
    assert "opened_on" in response.context["form"].errors
    assert "检查年份" in " ".join(response.context["form"].errors["opened_on"])


def test_a_stored_date_the_form_does_not_show_is_named_when_it_stops_an_edit(users, login):
    """Data from before the date rule: the edit is refused with the field named, not with a
    message about a date the page does not show."""
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE)
    Workshop.objects.filter(pk=workshop.pk).update(recognized_on=datetime.date(1900, 1, 1))
    client = login("cangshuipu")
    data = form_data(client, f"/workshops/{workshop.pk}/edit/")
    with translation.override("zh-hans"):
        response = client.post(f"/workshops/{workshop.pk}/edit/", data)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any(error.startswith("认定日期：1900-01-01") for error in errors)


def test_township_officer_records_an_application_through_the_api(users, api):
    officer = users["longling"]
    enterprise = f.make_enterprise(officer, f.LL_VILLAGE)
    response = api("longling").post(
        "/api/v1/workshops/",
        {
            "enterprise": enterprise.pk,
            "name": "园区电子车间",
            "region": f.LL_VILLAGE,
            "site_type": "industrial_park",
            "creation_mode": "order",
            "workshop_type": f.workshop_type("factory").pk,
            "industry": "electronics",
            "floor_area": "300",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == Status.APPLYING
    workshop = Workshop.objects.get(pk=response.json()["id"])
    assert workshop.history.get().actor == officer


def test_a_rejected_application_can_be_resubmitted_by_the_township_officer(users):
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE, status=Status.REJECTED)
    services.resubmit(users["cangshuipu"], workshop, on=LATER, reason="补齐材料")
    workshop.refresh_from_db()
    assert workshop.status == Status.APPLYING
    assert workshop.history.last().actor == users["cangshuipu"]


def test_enterprise_credit_code_is_validated_and_unique(users, login):
    district = users["district"]
    good = f.uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    client = login("district")
    base = {
        "name": "湘益食品有限公司",
        "legal_representative": "王五",
        "industry": "food",
        "region": f.CSP_VILLAGE,
        "is_active": "on",
    }
    response = client.post("/workshops/enterprises/new/", {**base, "uscc": bad})
    assert response.status_code == 200 and "uscc" in response.context["form"].errors
    incomplete = client.post(  # told at once with the other missing fields, not after them
        "/workshops/enterprises/new/", {"uscc": bad, "region": f.CSP_VILLAGE}
    )
    assert {"uscc", "name"} <= set(incomplete.context["form"].errors)
    assert not Enterprise.objects.filter(name="湘益食品有限公司").exists()
    spaced = f"{good[:6]} {good[6:12]} {good[12:]}".lower()  # 20 characters as typed
    response = client.post("/workshops/enterprises/new/", {**base, "uscc": spaced})
    assert response.status_code == 302
    assert Enterprise.objects.get(name="湘益食品有限公司").uscc == good
    with pytest.raises(ValidationError) as exc:
        f.make_enterprise(district, f.LL_VILLAGE, uscc=f" {good} ")
    assert "湘益食品有限公司" in " ".join(exc.value.message_dict["uscc"])
    with pytest.raises(ValidationError) as exc:  # a township officer of another township
        f.make_enterprise(users["longling"], f.LL_VILLAGE, uscc=good)
    message = " ".join(exc.value.message_dict["uscc"])
    assert "湘益食品有限公司" not in message and "数据范围之外" in message


def test_the_position_form_explains_a_broken_rule(users, login):
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE)
    response = login("district").post(
        "/workshops/positions/new/",
        {
            "workshop": workshop.pk,
            "title": "缝纫工",
            "headcount": 5,
            "wage_min": "3000",
            "wage_max": "2000",
            "posted_on": "2024-03-01",
        },
    )
    with translation.override("en"):
        expected = "The maximum monthly wage is below the minimum"
    page = response.content.decode()
    assert response.status_code == 200
    assert "月工资上限低于下限" in page or expected in page
    assert "约束" not in page and "Constraint" not in page


def test_an_enterprise_cannot_have_two_workshops_of_one_name(users, login, api):
    """The ledgers name a workshop by its enterprise and name: a second one of that name (in
    full-width letters or with spaces too) is refused in forms and API, on create and rename."""
    officer = users["cangshuipu"]
    enterprise = f.make_enterprise(officer, f.CSP_VILLAGE)
    first = f.apply_workshop(officer, f.CSP_VILLAGE, enterprise=enterprise, name="API车间")
    body = {
        "enterprise": enterprise.pk,
        "name": "ＡＰＩ 车间",
        "region": f.CSP_VILLAGE,
        "site_type": "village",
        "creation_mode": "order",
        "workshop_type": f.workshop_type("factory").pk,
        "industry": "electronics",
        "floor_area": "300",
    }
    response = api("cangshuipu").post("/api/v1/workshops/", body, format="json")
    assert response.status_code == 400 and set(response.json()) == {"name"}
    response = api("cangshuipu").post("/api/v1/workshops/", {**body, "name": "三车间"})
    assert response.status_code == 201, response.json()
    other = f.apply_workshop(officer, f.CSP_VILLAGE, enterprise=enterprise, name="二车间")
    client = login("cangshuipu")
    data = form_data(client, f"/workshops/{other.pk}/edit/")
    response = client.post(f"/workshops/{other.pk}/edit/", {**data, "name": "API车间"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert Workshop.objects.filter(enterprise=enterprise).count() == 3
    response = api("cangshuipu").patch(
        f"/api/v1/workshops/{other.pk}/", {"name": " API车间 "}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"name"}
    elsewhere = f.make_enterprise(officer, f.CSP_VILLAGE)
    assert f.apply_workshop(officer, f.CSP_VILLAGE, enterprise=elsewhere, name="API车间")
    first.refresh_from_db()
    assert first.name == "API车间" and Workshop.objects.get(pk=other.pk).name == "二车间"


def test_workshops_sharing_a_name_from_before_the_rule_can_still_be_edited(users, login):
    """Two workshops of one enterprise named alike before names had to differ: editing one
    without renaming it (its address, its village) is not refused for the old clash."""
    officer = users["cangshuipu"]
    enterprise = f.make_enterprise(officer, f.CSP_VILLAGE)
    first = f.apply_workshop(officer, f.CSP_VILLAGE, enterprise=enterprise, name="老车间")
    second = f.apply_workshop(officer, f.CSP_VILLAGE, enterprise=enterprise, name="新车间")
    Workshop.objects.filter(pk=second.pk).update(name="老车间")  # stored before the rule
    client = login("cangshuipu")
    url = f"/workshops/{second.pk}/edit/"
    response = client.post(url, {**form_data(client, url), "address": "新地址"})
    assert response.status_code == 302, response.context["form"].errors
    assert Workshop.objects.get(pk=second.pk).address == "新地址"
    response = client.post(
        f"/workshops/{first.pk}/edit/", form_data(client, f"/workshops/{first.pk}/edit/")
    )
    assert response.status_code == 302


def test_a_retired_workshop_type_is_given_to_no_new_workshop(users, login, api):
    """Retired from the dictionary, a type stays on the workshops that have it (they can
    still be edited) but is refused for a new one or a change of type, in forms and API."""
    officer = users["cangshuipu"]
    enterprise = f.make_enterprise(officer, f.CSP_VILLAGE)
    workshop = f.apply_workshop(officer, f.CSP_VILLAGE, enterprise=enterprise, name="老车间")
    old_type = workshop.workshop_type
    WorkshopType.objects.filter(pk=old_type.pk).update(is_active=False)
    client = login("cangshuipu")
    url = f"/workshops/{workshop.pk}/edit/"
    response = client.post(url, {**form_data(client, url), "address": "新地址"})
    assert response.status_code == 302, response.context["form"].errors
    other = f.apply_workshop(
        officer, f.CSP_VILLAGE, enterprise=enterprise, name="二车间",
        workshop_type=f.workshop_type("home"),
    )  # fmt: skip
    url = f"/workshops/{other.pk}/edit/"
    response = client.post(url, {**form_data(client, url), "workshop_type": old_type.pk})
    assert response.status_code == 200 and "workshop_type" in response.context["form"].errors
    body = {
        "enterprise": enterprise.pk,
        "name": "三车间",
        "region": f.CSP_VILLAGE,
        "site_type": "village",
        "creation_mode": "order",
        "workshop_type": old_type.pk,
        "industry": "electronics",
        "floor_area": "300",
    }
    response = api("cangshuipu").post("/api/v1/workshops/", body, format="json")
    assert response.status_code == 400 and set(response.json()) == {"workshop_type"}
    assert not Workshop.objects.filter(name="三车间").exists()
