"""At most one open employment per laborer, also under simultaneous hires."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction

from bangfu.accounts.models import User
from bangfu.labor import services
from bangfu.labor.models import ContractType, Employment, Laborer
from bangfu.workshops.models import Position
from bangfu.workshops.tests import factories as f


def _setup():
    district = User.objects.get(username="district")
    positions = []
    for village in (f.CSP_VILLAGE, f.LL_VILLAGE):
        workshop = f.make_workshop(district, village)
        positions.append(f.make_position(district, workshop))
    laborer = f.make_laborer(district, f.CSP_VILLAGE, name="抢手工人")
    return laborer.pk, [p.pk for p in positions]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_hires_of_one_laborer_give_one_open_employment(reference_data):
    laborer_pk, position_pks = _setup()
    barrier = threading.Barrier(2)
    outcomes = []

    def hire(position_pk):
        try:
            user = User.objects.get(username="district")
            laborer = Laborer.objects.get(pk=laborer_pk)
            position = Position.objects.select_related("workshop").get(pk=position_pk)
            barrier.wait(timeout=10)
            services.hire(
                user,
                laborer=laborer,
                position=position,
                start_date=datetime.date(2024, 6, 1),
                contract_type=ContractType.LABOR_CONTRACT,
                monthly_wage=Decimal("2500"),
            )
            outcomes.append("hired")
        except ValidationError as exc:
            outcomes.append(("refused", exc))
        except OperationalError as exc:  # SQLite: "database is locked" for the loser
            outcomes.append(("locked", exc))
        except Exception as exc:  # noqa: BLE001  (reported below, never swallowed)
            outcomes.append(("error", exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=hire, args=(pk,)) for pk in position_pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert outcomes.count("hired") == 1, outcomes
    losers = [o for o in outcomes if o != "hired"]
    assert len(losers) == 1 and losers[0][0] in ("refused", "locked"), outcomes
    assert Employment.objects.filter(laborer_id=laborer_pk, end_date__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_open_employment(reference_data):
    laborer_pk, position_pks = _setup()
    district = User.objects.get(username="district")
    laborer = Laborer.objects.get(pk=laborer_pk)
    first = f.hire(district, laborer, Position.objects.get(pk=position_pks[0]))
    second_position = Position.objects.select_related("workshop").get(pk=position_pks[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        Employment.objects.create(
            laborer=laborer,
            workshop=second_position.workshop,
            position=second_position,
            region_id=second_position.region_id,
            laborer_region_id=laborer.region_id,
            start_date=datetime.date(2024, 7, 1),
            contract_type=ContractType.PIECEWORK,
            monthly_wage=Decimal("1"),
        )
    # a closed employment next to the open one is fine
    Employment.objects.create(
        laborer=laborer,
        workshop=second_position.workshop,
        position=second_position,
        region_id=second_position.region_id,
        laborer_region_id=laborer.region_id,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 6, 30),
        contract_type=ContractType.PIECEWORK,
        monthly_wage=Decimal("1"),
    )
    assert Employment.objects.filter(laborer=laborer, end_date__isnull=True).get() == first
