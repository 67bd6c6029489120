"""Registering households and laborers, finding them again, employment and wages, full IDs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bangfu.audit.models import AccessAction, AccessLog
from bangfu.core import pii
from bangfu.labor import selectors, services
from bangfu.labor.models import Employment, Household, Laborer, WorkStatus
from bangfu.workshops import services as ws
from bangfu.workshops.models import Status
from bangfu.workshops.tests import factories as f
from bangfu.workshops.tests.scope_helpers import export_rows, export_text, page_pks

pytestmark = pytest.mark.django_db

FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}


def row(index, name, number, **extra):
    data = {
        "name": name,
        "id_number": number,
        "phone": f"1380000{index:04d}",
        "labor_ability": "full",
        "education": "junior",
        "skills": "缝纫, 包装",
        "work_status": "02",
        "work_intention": "就近务工",
        **extra,
    }
    return {f"laborers-{index}-{k}": v for k, v in data.items()}


def registration(head_name, *rows, region=f.CSP_VILLAGE, **extra):
    data = {
        "head_name": head_name,
        "region": region,
        "category": "monitored",
        "monitor_type": "marginal",
        "risk_status": "not_cleared",
        "members_count": "4",
        "address": "向阳村3组",
        "is_active": "on",
        "laborers-TOTAL_FORMS": str(max(len(rows), 2)),
        "laborers-INITIAL_FORMS": "0",
        "laborers-MIN_NUM_FORMS": "0",
        "laborers-MAX_NUM_FORMS": "20",
        **extra,
    }
    for r in rows:
        data.update(r)
    return data


def nothing_saved(head_name):
    return not Household.objects.filter(head_name=head_name).exists()


# --- registration -----------------------------------------------------------------------------


def test_officer_registers_a_household_with_its_laborers(users, login):
    man = f.id_number(birth="19800512", male=True)
    woman = f.id_number(birth="19850630", male=False)
    response = login("cangshuipu").post(
        "/labor/households/new/",
        registration("张大山", row(0, "张大山", man), row(1, "刘小梅", woman)),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    household = Household.objects.get(head_name="张大山")
    assert response["Location"] == f"/labor/households/{household.pk}/"
    assert (household.region_id, household.category, household.monitor_type) == (
        f.CSP_VILLAGE,
        "monitored",
        "marginal",
    )
    laborers = {lab.name: lab for lab in household.laborers.all()}
    assert set(laborers) == {"张大山", "刘小梅"}
    zhang, liu = laborers["张大山"], laborers["刘小梅"]
    assert (zhang.gender, zhang.birth_date) == ("M", datetime.date(1980, 5, 12))
    assert (liu.gender, liu.birth_date) == ("F", datetime.date(1985, 6, 30))
    assert zhang.id_masked == f"{man[:6]}********{man[-4:]}"
    assert pii.decrypt(zhang.id_cipher) == man
    assert zhang.region_id == f.CSP_VILLAGE and zhang.skills == "缝纫, 包装"


def test_an_invalid_id_in_row_two_is_shown_on_that_row_and_nothing_is_saved(login):
    good = f.id_number()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    response = login("cangshuipu").post(
        "/labor/households/new/",
        registration("王错号", row(0, "王一", f.id_number()), row(1, "王二", bad)),
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "id_number" in formset.forms[1].errors
    assert not formset.forms[0].errors
    assert bad not in str(formset.forms[1].errors)  # messages never repeat the number
    assert nothing_saved("王错号")
    assert not Laborer.objects.filter(name__in=["王一", "王二"]).exists()


def test_a_monitored_household_without_its_type_is_told_so_in_plain_words(login):
    response = login("cangshuipu").post(
        "/labor/households/new/",
        registration("监测户", row(0, "监测", f.id_number()), monitor_type=""),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "监测户须填写监测类型和风险状态" in text and "约束" not in text
    assert nothing_saved("监测户")


def test_full_width_digits_and_lowercase_x_are_accepted(login):
    number = f.id_number_ending_in_x()
    typed = number[:-1].translate(FULL_WIDTH) + " x"
    response = login("cangshuipu").post(
        "/labor/households/new/", registration("全角户", row(0, "全角", typed))
    )
    assert response.status_code == 302
    laborer = Laborer.objects.get(name="全角")
    assert pii.decrypt(laborer.id_cipher) == number
    assert laborer.id_masked.endswith(number[-4:]) and laborer.id_masked.endswith("X")
    assert services.find_by_id_number(number.lower()) == laborer


def test_the_same_id_twice_in_one_registration_is_refused(login):
    number = f.id_number()
    response = login("cangshuipu").post(
        "/labor/households/new/",
        registration("重复户", row(0, "甲", number), row(1, "乙", number)),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["id_number"]
    assert nothing_saved("重复户")
    assert not Laborer.objects.filter(name__in=["甲", "乙"]).exists()


def test_the_same_id_twice_names_both_rows(login):
    number = f.id_number()
    response = login("cangshuipu").post(
        "/labor/households/new/",
        registration("重复户", row(0, "甲", number), row(1, "乙", number)),
    )
    errors = " ".join(response.context["formset"].forms[1].errors["id_number"])
    assert "1" in errors and "2" in errors


def test_an_id_already_registered_is_refused_with_a_clear_message(users, login):
    district = users["district"]
    existing = f.make_laborer(district, f.CSP_VILLAGE_2, name="老登记")
    number = pii.decrypt(existing.id_cipher)
    response = login("cangshuipu").post(
        "/labor/households/new/", registration("再登记户", row(0, "再登记", number))
    )
    assert response.status_code == 200
    message = " ".join(response.context["formset"].forms[0].errors["id_number"])
    assert "老登记" in message  # names the person already registered (inside the scope)
    assert nothing_saved("再登记户")


def test_an_id_registered_in_another_township_is_refused_without_revealing_the_person(users, login):
    other = f.make_laborer(users["district"], f.LL_VILLAGE, name="龙岭某人")
    number = pii.decrypt(other.id_cipher)
    response = login("cangshuipu").post(
        "/labor/households/new/", registration("外镇户", row(0, "外镇", number))
    )
    assert response.status_code == 200
    message = " ".join(response.context["formset"].forms[0].errors["id_number"])
    assert message and "龙岭某人" not in message
    assert nothing_saved("外镇户")


def test_an_empty_row_is_skipped_and_a_household_without_village_level_is_refused(login):
    client = login("cangshuipu")
    response = client.post(
        "/labor/households/new/", registration("空行户", row(0, "单人", f.id_number()))
    )
    assert response.status_code == 302
    assert Household.objects.get(head_name="空行户").laborers.count() == 1
    response = client.post(
        "/labor/households/new/",
        registration("镇级户", row(0, "镇级", f.id_number()), region="430903105000"),
    )
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert nothing_saved("镇级户")


def test_api_registers_a_laborer_and_never_returns_the_full_id(users, api):
    household = f.make_household(users["district"], f.CSP_VILLAGE, laborers=0)
    number = f.id_number(male=False)
    response = api("cangshuipu").post(
        "/api/v1/laborers/",
        {
            "household": household.pk,
            "name": "接口登记",
            "id_number": number,
            "phone": "13800000009",
            "labor_ability": "partial",
            "work_status": "99",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert number not in str(body) and body["gender"] == "F"
    assert body["phone_masked"] == "138****0009" and "phone" not in body
    response = api("cangshuipu").post(
        "/api/v1/laborers/",
        {
            "household": household.pk,
            "name": "重号",
            "id_number": number,
            "labor_ability": "full",
            "work_status": "99",
        },
        format="json",
    )
    assert response.status_code == 400 and "id_number" in response.json()


# --- finding people again ---------------------------------------------------------------------


@pytest.fixture
def people(users):
    district = users["district"]
    return {
        "zhangsan": f.make_laborer(district, f.CSP_VILLAGE, name="张三"),
        "zhaosi": f.make_laborer(district, f.CSP_VILLAGE, name="赵四"),
        "wangwu": f.make_laborer(district, f.CSP_VILLAGE_2, name="王五"),
        "longling": f.make_laborer(district, f.LL_VILLAGE, name="张三丰"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张", {"zhangsan"}),
        ("张三", {"zhangsan"}),
        ("zhangsan", {"zhangsan"}),
        ("ZhangSan", {"zhangsan"}),
        ("ＺＨＡＮＧ ｓａｎ", {"zhangsan"}),  # full-width, as a Chinese input method types
        ("zhao", {"zhaosi"}),
        ("zs", {"zhangsan", "zhaosi"}),
        ("ww", {"wangwu"}),
        ("李", set()),
    ],
)
def test_page_search_by_name_pinyin_and_initials(people, login, query, expected):
    found = page_pks(login("cangshuipu"), "/labor/laborers/", q=query)
    assert found == {people[key].pk for key in expected}


def test_page_and_api_search_by_exact_id_number(people, login, api):
    target = people["zhaosi"]
    number = pii.decrypt(target.id_cipher)
    client = login("cangshuipu")
    assert page_pks(client, "/labor/laborers/", q=number) == {target.pk}
    assert page_pks(client, "/labor/laborers/", q=number.translate(FULL_WIDTH)) == {target.pk}
    assert page_pks(client, "/labor/laborers/", q=number[:17]) == set()  # exact only
    response = api("cangshuipu").get("/api/v1/laborers/", {"id_number": number})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [target.pk]
    response = api("cangshuipu").get("/api/v1/laborers/", {"id_number": number[:-1] + "?"})
    assert response.status_code == 400 and "id_number" in response.json()


def test_search_by_id_stays_inside_the_scope(people, login, api):
    number = pii.decrypt(people["longling"].id_cipher)
    assert page_pks(login("cangshuipu"), "/labor/laborers/", q=number) == set()
    response = api("cangshuipu").get("/api/v1/laborers/", {"id_number": number})
    assert response.json()["results"] == []
    response = api("longling").get("/api/v1/laborers/", {"id_number": number})
    assert [r["id"] for r in response.json()["results"]] == [people["longling"].pk]


def test_api_search_by_name_and_pinyin(people, api):
    response = api("cangshuipu").get("/api/v1/laborers/", {"q": "zhangsan"})
    assert [r["id"] for r in response.json()["results"]] == [people["zhangsan"].pk]


# --- employment and wages ---------------------------------------------------------------------


@pytest.fixture
def shop(users):
    district = users["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE)
    return {
        "district": district,
        "workshop": workshop,
        "position": f.make_position(district, workshop, title="缝纫工"),
        "laborer": f.make_laborer(district, f.CSP_VILLAGE, name="吴工"),
    }


def test_hire_sets_the_work_status_and_a_second_open_employment_is_refused(shop):
    district, laborer = shop["district"], shop["laborer"]
    employment = f.hire(district, laborer, shop["position"])
    assert Laborer.objects.get(pk=laborer.pk).work_status == WorkStatus.WORKSHOP
    assert (employment.region_id, employment.laborer_region_id) == (f.CSP_VILLAGE, f.CSP_VILLAGE)
    other_workshop = f.make_workshop(district, f.LL_VILLAGE)
    other = f.make_position(district, other_workshop)
    with pytest.raises(ValidationError) as exc:
        f.hire(district, laborer, other, start_date=datetime.date(2024, 6, 1))
    assert shop["workshop"].name in " ".join(exc.value.message_dict["laborer"])
    assert Employment.objects.filter(laborer=laborer).count() == 1


def test_after_leaving_the_laborer_can_be_hired_again(shop):
    district, laborer = shop["district"], shop["laborer"]
    employment = f.hire(district, laborer, shop["position"])
    services.leave(
        district,
        employment,
        end_date=datetime.date(2024, 5, 31),
        reason="返乡务农",
        work_status=WorkStatus.FARMING,
    )
    assert Laborer.objects.get(pk=laborer.pk).work_status == WorkStatus.FARMING
    with pytest.raises(ValidationError):
        services.leave(district, employment, end_date=datetime.date(2024, 6, 30))
    again = f.hire(district, laborer, shop["position"], start_date=datetime.date(2024, 7, 1))
    assert again.end_date is None
    assert Employment.objects.filter(laborer=laborer, end_date__isnull=True).get() == again


@pytest.mark.parametrize(
    ("posted_on", "closed_on", "start_date"),
    [
        (datetime.date(2024, 1, 2), datetime.date(2024, 2, 28), datetime.date(2024, 3, 1)),
        (datetime.date(2024, 4, 1), None, datetime.date(2024, 3, 1)),
    ],
)
def test_hire_requires_the_position_open_on_the_start_date(shop, posted_on, closed_on, start_date):
    position = f.make_position(
        shop["district"], shop["workshop"], posted_on=posted_on, closed_on=closed_on
    )
    with pytest.raises(ValidationError) as exc:
        f.hire(shop["district"], shop["laborer"], position, start_date=start_date)
    assert "start_date" in exc.value.message_dict
    assert not Employment.objects.filter(laborer=shop["laborer"]).exists()


@pytest.mark.parametrize(
    ("status", "can_hire"),
    [
        (Status.REMOVED, False),
        (Status.REJECTED, False),
        (Status.RECOGNIZED, True),
        (Status.WATCH, True),
    ],
)
def test_removed_or_rejected_workshops_cannot_hire(shop, status, can_hire):
    district = shop["district"]
    workshop = f.make_workshop(district, f.CSP_VILLAGE)
    position = f.make_position(district, workshop)
    if status == Status.REMOVED:
        ws.remove(district, workshop, on=f.REMOVED_ON, reason="停产")
    elif status == Status.WATCH:
        ws.watch(district, workshop, on=f.WATCHED_ON, reason="监测")
    elif status == Status.REJECTED:
        workshop = f.make_workshop(district, f.CSP_VILLAGE, status=Status.REJECTED)
        position = f.make_position(district, workshop)
    position.refresh_from_db()
    start = datetime.date(2024, 6, 1)
    if can_hire:
        assert f.hire(district, shop["laborer"], position, start_date=start).pk
    else:
        with pytest.raises(ValidationError) as exc:
            f.hire(district, shop["laborer"], position, start_date=start)
        assert "position" in exc.value.message_dict
        assert not Employment.objects.filter(laborer=shop["laborer"]).exists()


def test_leave_date_before_the_start_is_refused(shop):
    employment = f.hire(shop["district"], shop["laborer"], shop["position"])
    with pytest.raises(ValidationError) as exc:
        services.leave(shop["district"], employment, end_date=datetime.date(2024, 2, 28))
    assert "end_date" in exc.value.message_dict
    assert Employment.objects.get(pk=employment.pk).end_date is None


def test_wages_only_inside_the_employment_period_and_not_in_the_future(shop):
    district = shop["district"]
    employment = f.hire(
        district, shop["laborer"], shop["position"], start_date=datetime.date(2024, 3, 15)
    )
    f.wage(district, employment, datetime.date(2024, 3, 31), Decimal("1200"))
    f.wage(district, employment, datetime.date(2024, 4, 1), Decimal("2500"))
    with pytest.raises(ValidationError) as exc:
        f.wage(district, employment, datetime.date(2024, 2, 1))
    assert "month" in exc.value.message_dict
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        f.wage(district, employment, datetime.date(202, 1, 1))  # 0202-01 typed for 2024-02
    assert "检查年份" in exc.value.message_dict["month"][0]
    next_month = (datetime.date.today().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    with pytest.raises(ValidationError):
        f.wage(district, employment, next_month)
    with pytest.raises(ValidationError):
        f.wage(district, employment, datetime.date(2024, 5, 1), Decimal("-1"))
    services.leave(district, employment, end_date=datetime.date(2024, 4, 20))
    with pytest.raises(ValidationError):
        f.wage(district, employment, datetime.date(2024, 5, 1))
    f.wage(district, employment, datetime.date(2024, 4, 15), Decimal("2000"))  # a correction
    assert list(employment.wages.order_by("month").values_list("month", "amount")) == [
        (datetime.date(2024, 3, 1), Decimal("1200")),
        (datetime.date(2024, 4, 1), Decimal("2000")),
    ]


def test_leaving_before_recorded_wages_is_refused(shop):
    district = shop["district"]
    employment = f.hire(district, shop["laborer"], shop["position"])
    f.wage(district, employment, datetime.date(2024, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.leave(district, employment, end_date=datetime.date(2024, 4, 30))
    assert "end_date" in exc.value.message_dict


def test_hire_leave_and_wage_through_pages(shop, login):
    client = login("cangshuipu")
    number = pii.decrypt(shop["laborer"].id_cipher)
    response = client.post(
        "/labor/employment/hire/",
        {
            "id_number": number.lower(),
            "position": shop["position"].pk,
            "start_date": "2024-03-01",
            "contract_type": "labor_contract",
            "monthly_wage": "2600",
        },
    )
    assert response.status_code == 302
    employment = Employment.objects.get(laborer=shop["laborer"])
    response = client.post(
        f"/labor/employment/{employment.pk}/wages/", {"month": "2024-03", "amount": "2600"}
    )
    assert response.status_code == 302
    assert employment.wages.get().month == datetime.date(2024, 3, 1)
    response = client.post(
        f"/labor/employment/{employment.pk}/leave/",
        {"end_date": "2024-02-01", "reason": "", "work_status": "03"},
        follow=True,
    )
    assert Employment.objects.get(pk=employment.pk).end_date is None
    assert any(m.level_tag == "error" for m in response.context["messages"])
    client.post(
        f"/labor/employment/{employment.pk}/leave/",
        {"end_date": "2024-03-31", "reason": "外出务工", "work_status": "04"},
    )
    employment.refresh_from_db()
    assert (employment.end_date, employment.leave_reason) == (
        datetime.date(2024, 3, 31),
        "外出务工",
    )
    response = client.post(
        "/labor/employment/hire/",
        {
            "id_number": f.id_number(),  # valid but not registered
            "position": shop["position"].pk,
            "start_date": "2024-05-01",
            "contract_type": "labor_contract",
            "monthly_wage": "2600",
        },
    )
    assert response.status_code == 200 and "id_number" in response.context["form"].errors


def test_the_wage_list_filters_by_months_typed_as_months(shop, login):
    employment = f.hire(shop["district"], shop["laborer"], shop["position"])
    for month in (datetime.date(2024, 3, 1), datetime.date(2024, 4, 1), datetime.date(2024, 5, 1)):
        f.wage(shop["district"], employment, month=month)
    response = login("cangshuipu").get(
        "/labor/wages/", {"month_from": "2024-04", "month_to": "2024-05"}
    )
    assert response.status_code == 200 and not response.context["filter"].errors
    shown = {row.record.month for row in response.context["table"].page.object_list}
    assert shown == {datetime.date(2024, 4, 1), datetime.date(2024, 5, 1)}
    assert 'value="2024-04"' in response.content.decode()  # the month picker shows it
    response = login("cangshuipu").get("/labor/wages/", {"month_from": "2024-03-15"})  # a date
    shown = {row.record.month for row in response.context["table"].page.object_list}
    assert datetime.date(2024, 3, 1) in shown  # read as its month: March is not left out


def test_api_hire_leave_and_wage(shop, api):
    client = api("cangshuipu")
    response = client.post(
        "/api/v1/employments/",
        {
            "laborer": shop["laborer"].pk,
            "position": shop["position"].pk,
            "start_date": "2024-03-01",
            "contract_type": "service_agreement",
            "monthly_wage": "2400",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["workshop"] == shop["workshop"].pk
    response = client.post(
        "/api/v1/wages/", {"employment": pk, "month": "2024-03-01", "amount": "2400"}, format="json"
    )
    assert response.status_code == 201
    response = client.post(
        "/api/v1/wages/", {"employment": pk, "month": "2023-12-01", "amount": "1"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(  # a month as a month
        "/api/v1/wages/", {"employment": pk, "month": "2024-04", "amount": "2500"}, format="json"
    )
    assert response.status_code == 201 and response.json()["month"] == "2024-04-01"
    response = client.post(f"/api/v1/employments/{pk}/leave/", {"end_date": "2024-01-01"})
    assert response.status_code == 400
    response = client.post(f"/api/v1/employments/{pk}/leave/", {"end_date": "2024-04-30"})
    assert response.status_code == 200 and response.json()["end_date"] == "2024-04-30"


# --- work summary -----------------------------------------------------------------------------


def test_work_summary_splits_an_employment_across_years(shop):
    district, laborer = shop["district"], shop["laborer"]
    employment = f.hire(district, laborer, shop["position"], start_date=datetime.date(2024, 10, 15))
    amounts = {
        datetime.date(2024, 10, 1): Decimal("1300"),
        datetime.date(2024, 11, 1): Decimal("2600"),
        datetime.date(2024, 12, 1): Decimal("2700"),
        datetime.date(2025, 1, 1): Decimal("2800"),
        datetime.date(2025, 2, 1): Decimal("2100"),
        datetime.date(2025, 3, 1): Decimal("900"),
    }
    for month, amount in amounts.items():
        f.wage(district, employment, month, amount)
    services.leave(district, employment, end_date=datetime.date(2025, 3, 10))
    other_laborer = f.make_laborer(district, f.CSP_VILLAGE)  # wages of others never count
    f.wage(district, f.hire(district, other_laborer, shop["position"]), datetime.date(2024, 10, 1))
    first = selectors.work_summary(laborer, 2024)
    second = selectors.work_summary(laborer, 2025)
    assert (first["months"], first["wage_income"]) == (3, Decimal("6600"))
    assert (second["months"], second["wage_income"]) == (3, Decimal("5800"))
    assert selectors.work_summary(laborer, 2023)["months"] == 0
    assert selectors.years_worked(laborer) == [2025, 2024]


def test_work_summary_counts_overlapping_employment_months_once(shop):
    district, laborer = shop["district"], shop["laborer"]
    first = f.hire(district, laborer, shop["position"], start_date=datetime.date(2024, 3, 1))
    services.leave(district, first, end_date=datetime.date(2024, 5, 10))
    f.hire(district, laborer, shop["position"], start_date=datetime.date(2024, 5, 20))
    services.leave(
        district,
        Employment.objects.get(laborer=laborer, end_date__isnull=True),
        end_date=datetime.date(2024, 6, 30),
    )
    assert selectors.work_summary(laborer, 2024)["months"] == 4  # March to June


def test_work_summary_does_not_count_future_months(users):
    district = users["district"]
    today = datetime.date.today()
    workshop = f.make_workshop(district, f.CSP_VILLAGE)
    position = f.make_position(district, workshop, posted_on=today.replace(month=1, day=1))
    laborer = f.make_laborer(district, f.CSP_VILLAGE)
    f.hire(district, laborer, position, start_date=today.replace(month=1, day=1))
    assert selectors.work_summary(laborer, today.year)["months"] == today.month


# --- full ID numbers --------------------------------------------------------------------------


def test_full_id_reveal_for_permission_holders_is_logged(shop, login, users):
    laborer = shop["laborer"]
    number = pii.decrypt(laborer.id_cipher)
    client = login("district")
    assert number not in client.get(f"/labor/laborers/{laborer.pk}/").content.decode()
    assert client.get(f"/labor/laborers/{laborer.pk}/full-id/").status_code == 405
    assert not AccessLog.objects.exists()
    response = client.post(f"/labor/laborers/{laborer.pk}/full-id/")
    assert response.status_code == 200 and number in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id, log.object_type, log.region_id) == (
        users["district"],
        AccessAction.VIEW_FULL_ID,
        str(laborer.pk),
        "labor.Laborer",
        f.CSP_VILLAGE,
    )
    assert number not in log.detail + log.object_repr
    assert log in AccessLog.objects.restrict(users["auditor"])  # auditors see the reveal


def test_full_id_reveal_is_refused_without_the_permission_or_outside_the_scope(shop, login, users):
    laborer = shop["laborer"]
    assert not users["cangshuipu"].has_perm("labor.view_full_id")
    assert login("cangshuipu").post(f"/labor/laborers/{laborer.pk}/full-id/").status_code == 403
    assert login("leader").post(f"/labor/laborers/{laborer.pk}/full-id/").status_code == 403
    staff_ll = f.make_user(users["district"], "staff_ll", "430903402000", "district_staff")
    assert staff_ll.has_perm("labor.view_full_id")
    client = login("district")
    client.force_login(staff_ll)
    assert client.post(f"/labor/laborers/{laborer.pk}/full-id/").status_code == 404
    assert not AccessLog.objects.exists()


def test_export_is_masked_by_default_and_logged_as_masked(shop, login):
    laborer = shop["laborer"]
    number = pii.decrypt(laborer.id_cipher)
    text = export_text(export_rows(login("district"), "/labor/laborers/"))
    assert laborer.id_masked in text and number not in text
    assert laborer.phone not in text and "138****" in text
    log = AccessLog.objects.get()  # names and birth dates are personal data too
    assert log.action == AccessAction.EXPORT_PERSONAL and number not in log.detail


def test_full_export_for_permission_holders_is_logged(shop, login, users):
    laborer = shop["laborer"]
    number = pii.decrypt(laborer.id_cipher)
    rows = export_rows(login("district"), "/labor/laborers/", full_id="1")
    assert number in export_text(rows)
    log = AccessLog.objects.get()
    assert (log.user, log.action) == (users["district"], AccessAction.EXPORT_PERSONAL)
    assert number not in log.detail


def test_full_export_without_the_permission_stays_masked(shop, login):
    number = pii.decrypt(shop["laborer"].id_cipher)
    text = export_text(export_rows(login("cangshuipu"), "/labor/laborers/", full_id="1"))
    assert number not in text and shop["laborer"].id_masked in text
    assert "full ID" not in AccessLog.objects.get().detail  # logged as a masked export


def test_auditors_see_the_logged_personal_export(shop, login, users):
    export_rows(login("district"), "/labor/laborers/", full_id="1")
    log = AccessLog.objects.get(action=AccessAction.EXPORT_PERSONAL)
    assert log in AccessLog.objects.restrict(users["auditor"])


def test_formula_like_text_is_escaped_in_exports(users, login):
    district = users["district"]
    household = f.make_household(
        district,
        f.CSP_VILLAGE,
        head_name="+SUM(A1:A9)",
        laborers=[f.laborer_data("=cmd|' /C calc'!A0", work_intention='=HYPERLINK("x")')],
    )
    client = login("district")
    cells = {c for r in export_rows(client, "/labor/laborers/") for c in r}
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    cells = {c for r in export_rows(client, "/labor/households/") for c in r}
    assert "'+SUM(A1:A9)" in cells
    employment = f.hire(
        district,
        household.laborers.get(),
        f.make_position(district, f.make_workshop(district, f.CSP_VILLAGE, name="@车间")),
    )
    assert employment.pk
    for url in ("/labor/employment/", "/workshops/", "/labor/wages/"):
        cells = {c for r in export_rows(client, url) for c in r}
        assert not any(isinstance(c, str) and c[:1] in "=+-@" for c in cells), url


def test_recording_the_same_wage_again_writes_and_logs_nothing(shop):
    from auditlog.models import LogEntry

    from bangfu.labor import services

    district = shop["district"]
    employment = f.hire(district, shop["laborer"], shop["position"])
    month = datetime.date(2024, 3, 1)
    record = services.record_wage(district, employment, month=month, amount=Decimal("2000.00"))
    logged = LogEntry.objects.get_for_object(record).count()
    services.record_wage(district, employment, month=month, amount=Decimal("2000"))
    assert LogEntry.objects.get_for_object(record).count() == logged
    services.record_wage(district, employment, month=month, amount=Decimal("2100"))  # a fix
    assert LogEntry.objects.get_for_object(record).count() == logged + 1
    record.refresh_from_db()
    assert record.amount == Decimal("2100")
