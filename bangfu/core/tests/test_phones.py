"""Phone numbers: what people write is stored one way; what is no number is refused, with the
same message in the forms, the API and the ledgers."""

import pytest
from django.core.exceptions import ValidationError

from bangfu.core.phones import normalize
from bangfu.labor.models import Laborer
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
        ("0737-4221234转分机", "phone"),
        ("电话", "phone"),
        ("13800000001/13900000002", "several"),
        ("13800000001、0737-4221234", "several"),
        ("13800000001或13900000002", "several"),
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
    response = client.post(f"/labor/laborers/{laborer.pk}/edit/", {**data, "phone": "1380000"})
    assert response.status_code == 200
    assert "11 位手机号" in " ".join(response.context["form"].errors["phone"])
    response = client.post(
        f"/labor/laborers/{laborer.pk}/edit/", {**data, "phone": "138-0000-0077"}
    )
    assert response.status_code == 302
    assert Laborer.objects.get(pk=laborer.pk).phone == "13800000077"


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
