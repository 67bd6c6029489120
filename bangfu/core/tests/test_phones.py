"""Phone numbers: what people write is stored one way; what is no number is refused, with the
same message in the forms, the API and the ledgers."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bangfu.accounts.models import User
from bangfu.core.identity import mask_phone
from bangfu.core.phones import normalize
from bangfu.labor.models import Laborer
from bangfu.ledgers import cleaning
from bangfu.workshops.tests import factories as f


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("13800000001", "13800000001"),
        (" 138 0000 0001 ", "13800000001"),
        ("138-0000-0001", "13800000001"),
        ("+86 138 0000 0001", "13800000001"),
        ("8613800000001", "13800000001"),
        ("１３８０００００００１", "13800000001"),  # full-width
        ("0737-4221234", "0737-4221234"),
        ("07374221234", "0737-4221234"),
        ("(0737)4221234", "0737-4221234"),
        ("（0737）42212345", "0737-42212345"),
        ("010-62345678", "010-62345678"),
        ("0731 8888 8888", "0731-88888888"),
        ("0737-4221234转801", "0737-4221234转801"),
        ("0737-4221234-801", "0737-4221234转801"),  # the extension after a second dash
        ("0737-4221234分机801", "0737-4221234转801"),
        ("0737-4221234 ext 801", "0737-4221234转801"),
        ("0737-4221234#801", "0737-4221234转801"),
        ("手机：138-0000-0001", "13800000001"),  # a label
        ("13800000001（本人）", "13800000001"),  # a remark
        ("13800000001.0", "13800000001"),  # a number cell saved as text
        ("138\u200b00000001", "13800000001"),  # a zero-width space
        ("+86 400 810 1888", "400-810-1888"),
        ("不详", ""),
        ("NA", ""),
        ("+86 737 4221234", "0737-4221234"),  # the international form drops the 0
        ("+86-10-62345678", "010-62345678"),
        ("4001234567", "400-123-4567"),
        ("800-123-4567", "800-123-4567"),
        ("0737/4221234", "0737-4221234"),
        ("13800000001，", "13800000001"),  # a stray separator
        ("   ", ""),
        ("无", ""),
        ("暂无", ""),
        ("/", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_written_forms_are_stored_one_way(written, stored):
    assert normalize(written) == stored


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("1380000", "phone"),  # digits missing
        ("138000000012", "phone"),  # one too many
        ("12800000001", "phone"),  # no mobile starts 12
        ("4221234", "phone"),  # a landline without its area code
        ("010-6234567", "phone"),  # Beijing's numbers have 8 digits
        ("020-1234567", "phone"),
        ("0400-8101888", "phone"),  # no area code ends in 00
        ("0731-8888888/9", "phone"),  # a second line's digits are not glued on
        ("1380000000/1", "phone"),
        ("0737-4221234转分机", "phone"),
        ("见附件", "phone"),
        ("13800000001/13900000002", "several"),
        ("13800000001、0737-4221234", "several"),
        ("13800000001或13900000002", "several"),
        ("13800000001 13900000002", "several"),
        ("13800000001\n0737-4221234", "several"),
    ],
)
def test_what_is_no_single_number_is_refused(written, code):
    with pytest.raises(ValidationError) as error:
        normalize(written)
    assert error.value.code == code


@pytest.mark.django_db
def test_the_form_stores_the_number_normalized_and_refuses_a_bad_one(users, login):
    laborer = f.make_laborer(users["district"], f.CSP_VILLAGE)
    client = login("cangshuipu")
    page = client.get(f"/labor/laborers/{laborer.pk}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    with translation.override("zh-hans"):
        response = client.post(f"/labor/laborers/{laborer.pk}/edit/", {**data, "phone": "1380000"})
    assert response.status_code == 200
    assert "11 位手机号" in " ".join(response.context["form"].errors["phone"])
    typed = "+86 (0737) 4221 2345 转 801"  # longer than the 20 stored characters
    response = client.post(f"/labor/laborers/{laborer.pk}/edit/", {**data, "phone": typed})
    assert response.status_code == 302
    assert Laborer.objects.get(pk=laborer.pk).phone == "0737-42212345转801"


@pytest.mark.django_db
def test_a_number_stored_before_the_rule_does_not_stop_other_saves(users, login):
    """Plain saves (a password change, a bulk update) take the stored value as it is; the
    form that edits the number is where it must be put right."""
    Laborer.objects.filter(pk=f.make_laborer(users["district"], f.CSP_VILLAGE).pk).update(
        phone="7374221"
    )
    laborer = Laborer.objects.get(phone="7374221")  # a query with it works too
    laborer.save()
    User.objects.filter(username="cangshuipu").update(phone="无")
    client = login("cangshuipu")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "Bangfu@demo2026",
            "new_password1": "Hs-2026-qwerty!y",
            "new_password2": "Hs-2026-qwerty!y",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="cangshuipu").phone == "无"  # left for its own form


@pytest.mark.django_db
def test_the_api_refuses_a_bad_number_and_stores_a_good_one_normalized(users, api):
    enterprise = f.make_enterprise(users["district"], f.CSP_VILLAGE)
    url = f"/api/v1/enterprises/{enterprise.pk}/"
    response = api("district").patch(url, {"contact_phone": "0737 4221234"}, format="json")
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "0737-4221234"
    response = api("district").patch(url, {"contact_phone": "无此号"}, format="json")
    assert response.status_code == 400 and "contact_phone" in response.json()


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        (13800000001, "13800000001"),  # a number cell
        (13800000001.0, "13800000001"),
        (7374221234, "0737-4221234"),  # Excel dropped the landline's leading 0
        (1062345678, "010-62345678"),
        (4008101888, "400-810-1888"),  # not a landline of area 0400
        (8008301830, "800-830-1830"),
        ("0737-4221234", "0737-4221234"),
    ],
)
def test_ledger_cells_as_numbers_are_read_as_the_number_typed(cell, stored):
    assert cleaning.phone(cell) == stored


def test_a_masked_landline_shows_the_end_of_the_number_not_of_its_extension():
    assert mask_phone("0737-4221234转801") == "****1234"
    assert mask_phone("13800000001") == "138****0001"
    assert mask_phone("400-810-1888") == "****1888"


@pytest.mark.django_db
def test_the_api_takes_a_number_as_long_as_people_type_it(users, api):
    enterprise = f.make_enterprise(users["district"], f.CSP_VILLAGE)
    typed = "+86 (0737) 4221 2345 转 801"
    response = api("district").patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"contact_phone": typed}, format="json"
    )
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "0737-42212345转801"
