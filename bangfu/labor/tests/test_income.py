"""Household annual per-capita income: recorded by year, corrected, scoped."""

import pytest

from bangfu.labor.models import HouseholdIncome
from bangfu.workshops.tests import factories as f

pytestmark = pytest.mark.django_db


def test_officer_records_and_corrects_income_on_the_household_page(users, login):
    household = f.make_household(users["cangshuipu"], f.CSP_VILLAGE)
    client = login("cangshuipu")
    url = f"/labor/households/{household.pk}/income/"
    assert client.post(url, {"year": 2023, "per_capita_income": "9100.50"}).status_code == 302
    assert client.post(url, {"year": 2023, "per_capita_income": "9300"}).status_code == 302
    incomes = HouseholdIncome.objects.filter(household=household)
    assert [(i.year, str(i.per_capita_income)) for i in incomes] == [(2023, "9300.00")]
    client.post(url, {"year": 1990, "per_capita_income": "1"})  # refused with a message
    assert incomes.count() == 1
    assert "9300.00" in client.get(household.get_absolute_url()).content.decode()


def test_income_outside_scope_is_404(users, login):
    household = f.make_household(users["district"], f.LL_VILLAGE)
    response = login("cangshuipu").post(
        f"/labor/households/{household.pk}/income/", {"year": 2023, "per_capita_income": "1"}
    )
    assert response.status_code == 404
    assert not HouseholdIncome.objects.exists()
