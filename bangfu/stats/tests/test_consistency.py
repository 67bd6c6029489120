"""Property: after any sequence of hires, leavings, status changes and deletions, the summary
tables equal the plain SQL definitions (the refresh job runs after each commit)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.accounts.models import User
from bangfu.core.identity import check_character
from bangfu.labor import services as labor
from bangfu.labor.models import Employment, Household, Laborer
from bangfu.regions.models import Region
from bangfu.stats import selectors
from bangfu.stats.periods import parse
from bangfu.workshops import services as workshops
from bangfu.workshops.models import Enterprise, Position, Status, Workshop, WorkshopType

from .raw_sql import figure

pytestmark = pytest.mark.django_db
YEAR_START = datetime.date(2023, 1, 1)
dates = st.integers(min_value=0, max_value=500).map(
    lambda d: YEAR_START + datetime.timedelta(days=d)
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("hire"), st.integers(0, 5), st.integers(0, 2), dates),
        st.tuples(st.just("leave"), st.integers(0, 5), dates),
        st.tuples(st.just("delete"), st.integers(0, 5)),
        st.tuples(
            st.just("status"),
            st.integers(0, 2),
            st.sampled_from(["recognize", "watch", "remove", "restore"]),
            dates,
        ),
        st.tuples(
            st.just("category"), st.integers(0, 5), st.sampled_from(["lifted_enjoying", "general"])
        ),
    ),
    max_size=8,
)


def build_world(actor):
    villages = [
        Region.objects.get(code=c) for c in ("430903105201", "430903105202", "430903402001")
    ]
    enterprise = Enterprise.objects.create(
        name="测试企业",
        uscc="91430903MA4L000009",
        legal_representative="甲",
        industry="food",
        region=villages[0],
    )
    shops = []
    for i, village in enumerate(villages):
        shop = workshops.apply(
            actor,
            enterprise=enterprise,
            name=f"车间{i}",
            region=village,
            site_type="village",
            creation_mode="joint",
            workshop_type=WorkshopType.objects.get(code="factory"),
            industry="food",
            floor_area=200,
            applied_on=datetime.date(2022, 6, 1),
        )
        workshops.save_position(
            actor, workshop=shop, title="普工", headcount=5 + i, posted_on=datetime.date(2022, 6, 1)
        )
        shops.append(shop)
    laborers = []
    for i in range(6):
        household = labor.register_household(
            actor,
            {
                "head_name": f"户{i}",
                "region": villages[i % 3],
                "category": "lifted_enjoying",
                "members_count": 3,
            },
            [
                {
                    "name": f"人{i}",
                    "id_number": id_number(i),
                    "labor_ability": "full",
                    "work_status": "03",
                }
            ],
        )
        laborers.append(household.laborers.get())
    return shops, laborers


def id_number(i):
    body = f"43090319850101{i:03d}"
    return body + check_character(body)


def apply(actor, shops, laborers, op):
    """Run one operation through the services; refused operations are simply refused."""
    from django.core.exceptions import ValidationError

    kind = op[0]
    try:
        with transaction.atomic():
            if kind == "hire":
                laborer, shop = laborers[op[1]], Workshop.objects.get(pk=shops[op[2]].pk)
                labor.hire(
                    actor,
                    laborer=laborer,
                    position=Position.objects.filter(workshop=shop).first(),
                    start_date=op[3],
                    contract_type="labor_contract",
                    monthly_wage=2000,
                )
            elif kind == "leave":
                job = Employment.objects.filter(
                    laborer=laborers[op[1]], end_date__isnull=True
                ).first()
                if job:
                    labor.leave(actor, job, end_date=max(op[2], job.start_date))
            elif kind == "delete":
                job = Employment.objects.filter(laborer=laborers[op[1]]).order_by("-id").first()
                if job:
                    labor.delete_employment(actor, job)
            elif kind == "status":
                shop = Workshop.objects.get(pk=shops[op[1]].pk)
                on = max(op[3], shop.status_since)
                steps = {
                    "recognize": lambda: workshops.recognize(
                        actor,
                        shop,
                        certificate_no=f"C{shop.pk}-{on}",
                        on=on,
                        override_reason="测试",
                    ),
                    "watch": lambda: workshops.watch(actor, shop, on=on, reason="测试"),
                    "remove": lambda: workshops.remove(actor, shop, on=on, reason="测试"),
                    "restore": lambda: workshops.restore(actor, shop, on=on, reason="测试"),
                }
                steps[op[2]]()
            else:
                household = Household.objects.get(pk=laborers[op[1]].household_id)
                fields = {
                    f: getattr(household, f)
                    for f in (
                        "head_name",
                        "region",
                        "members_count",
                        "address",
                        "is_active",
                        "monitor_type",
                        "risk_status",
                    )
                }
                labor.update_household(actor, household, **{**fields, "category": op[2]})
    except ValidationError:
        pass


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_summary_equals_sql_after_any_operations(django_capture_on_commit_callbacks, users, ops):
    actor = User.objects.get(username="district")
    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            shops, laborers = build_world(actor)
        for op in ops:
            with django_capture_on_commit_callbacks(execute=True):
                apply(actor, shops, laborers, op)
        console = User(is_superuser=True, is_active=True)
        for code in ("430903000000", "430903105000", "430903402000"):
            region = Region.objects.get(code=code)
            for key in ("2023", "2024", "2023Q4", "2024-03"):
                period = parse(key)
                summary = selectors.summary(console, key, region)
                for name in ("workshops", "laborers_employed", "laborers_on_payroll", "positions"):
                    expected = figure(name, region.scope_prefix, period.start, period.end)
                    assert summary[name] == expected, (ops, code, key, name)
        transaction.set_rollback(True)


def test_refresh_runs_after_commit_and_consumes_dirty_years(
    django_capture_on_commit_callbacks, users
):
    from bangfu.stats.models import DirtyYear, Figure

    actor = users["district"]
    with django_capture_on_commit_callbacks(execute=True):
        shops, laborers = build_world(actor)
        workshops.recognize(
            actor, shops[0], certificate_no="X1", on=datetime.date(2023, 2, 1), override_reason="t"
        )
    assert not DirtyYear.objects.exists()
    assert (
        Figure.objects.get(period="2023", region_id="430903105000", metric="workshops").value == 1
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        labor.hire(
            actor,
            laborer=laborers[0],
            position=Position.objects.filter(workshop=shops[0]).first(),
            start_date=datetime.date(2023, 3, 1),
            contract_type="piecework",
            monthly_wage=1800,
        )
    assert DirtyYear.objects.filter(year=2023).exists() and len(callbacks) == 1
    assert Laborer.objects.count() == 6 and Status.RECOGNIZED
