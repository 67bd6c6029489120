"""Importing the employment roster with wages (车间用工花名册): the expected outcome for every
messy row, idempotence, updates, all-or-nothing, valid-rows-only, the operator's scope, the
rules of hire/leave/record_wage and the statistics after an import."""

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from bangfu.labor.models import Employment, Laborer, WageRecord, WorkStatus
from bangfu.ledgers.cleaning import EXCEL_EPOCH
from bangfu.ledgers.reader import read
from bangfu.ledgers.roster import ROSTER, RosterLedger
from bangfu.ledgers.templates import write_template
from bangfu.stats.models import Figure
from bangfu.stats.periods import parse
from bangfu.stats.services import rebuild_all
from bangfu.stats.tests.raw_sql import figure
from bangfu.workshops.tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = (
    ["向阳食品车间用工花名册（2025年）"],
    [
        "车间",  # alias of 车间名称
        "统一社会信用代码",
        "姓名",
        "公民身份号码",  # alias of 身份证号
        "岗位",
        "入职日期",
        "离职日期",
        "离职原因",
        "用工形式",  # alias of 合同类型
        "月工资（元）",
        "工资月份",
        "实发工资",
        "备注",  # unknown: ignored
    ],
)
PEOPLE = ("张一", "王二", "赵三", "钱四", "孙五", "周六", "吴七", "郑八", "冯九", "陈十")
PEOPLE += ("褚十一", "卫十二")


@pytest.fixture
def world(users):
    district = users["district"]
    shop = f.make_workshop(district, f.CSP_VILLAGE, name="向阳食品车间")
    f.make_position(district, shop, title="包装工")
    f.make_position(district, shop, title="分拣工")
    bamboo = f.make_workshop(district, f.CSP_VILLAGE_2, name="竹艺车间")
    f.make_position(district, bamboo, title="编织工")
    twins = [
        f.make_workshop(district, f.CSP_VILLAGE, name="同名车间"),
        f.make_workshop(district, f.CSP_VILLAGE_2, name="同名车间"),
    ]
    for twin in twins:
        f.make_position(district, twin, title="普工")
    longling = f.make_workshop(district, f.LL_VILLAGE, name="龙岭车间")
    f.make_position(district, longling, title="普工")
    numbers = {name: f.id_number() for name in PEOPLE}
    people = {
        name: f.make_laborer(district, f.CSP_VILLAGE, name, number=numbers[name]) for name in PEOPLE
    }
    return {
        "shop": shop,
        "bamboo": bamboo,
        "twins": twins,
        "longling": longling,
        "numbers": numbers,
        "people": people,
        "unregistered": f.id_number(),
    }


def row(world, name, **values):
    values = {
        "workshop": "向阳食品车间",
        "uscc": "",
        "number": world["numbers"].get(name),
        "position": "包装工",
        "start": "2025-03-01",
        "end": "",
        "reason": "",
        "contract": "劳动合同",
        "wage": 2500,
        "month": "",
        "amount": "",
        **values,
    }
    return [
        values["workshop"],
        values["uscc"],
        name,
        values["number"],
        values["position"],
        values["start"],
        values["end"],
        values["reason"],
        values["contract"],
        values["wage"],
        values["month"],
        values["amount"],
        "备注",
    ]


def ledger(rows):
    book = openpyxl.Workbook()
    for values in (*HEADER, *rows):
        book.active.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return read(buffer.getvalue(), "用工花名册.xlsx", ROSTER)


def serial(day):
    return (day - EXCEL_EPOCH).days


def messy(world):
    twin_b_uscc = world["twins"][1].enterprise.uscc
    return [
        row(world, "张一", month="2025-04", amount=2400),  # 3 valid
        row(world, "张一", month="2025年5月", amount="2,450元"),  # 4 valid, same employment
        row(world, "无名", number=world["unregistered"]),  # 5 not in the 花名册
        row(world, "李四", number=world["numbers"]["王二"]),  # 6 name differs
        row(world, "赵三", start="2025-06-01", end="2025-05-31"),  # 7 leaves before starting
        row(world, "钱四", end="2025-06-30", reason="返乡", month="2025-08", amount=2000),  # 8
        row(world, "孙五", workshop="不存在车间"),  # 9 unknown workshop
        row(world, "周六", workshop="同名车间", position="普工"),  # 10 ambiguous workshop
        row(world, "吴七", contract="口头约定"),  # 11 not a contract type
        row(world, "郑八", month="2025-04", amount=2500),  # 12 repeated by row 13
        row(world, "郑八", month="2025-04", amount=2500),  # 13
        row(world, "冯九", month="2025-04"),  # 14 wage month without the amount
        row(world, "陈十", workshop="同名车间", uscc=twin_b_uscc, position="普工"),  # 15 valid
        row(world, "褚十一", workshop="龙岭车间", position="普工"),  # 16 outside the scope
        row(  # 17 valid: Excel serial date, Chinese date, a piecework contract, ￥
            world,
            "卫十二",
            start=serial(datetime.date(2025, 3, 1)),
            end="2025年9月30日",
            reason="返乡照顾老人",
            contract="计件承揽",
            wage="￥3000",
        ),
        [None] * 13,  # blank: skipped
        ["合计", None, "11人"],  # total: skipped
    ]


EXPECTED = {  # row → column with the error; absent rows are valid
    5: "身份证号",
    6: "姓名",
    7: "离职日期",
    8: "工资月份",
    9: "车间名称",
    10: "车间名称",
    11: "合同类型",
    12: "身份证号",
    13: "身份证号",
    14: "实发工资（元）",
    16: "车间名称",
}
VALID = (3, 4, 15, 17)


def plan_of(user, rows):
    return RosterLedger(user).plan(ledger(rows))


def import_rows(user, rows, mode="all"):
    ledger_ = RosterLedger(user)
    plan = ledger_.plan(ledger(rows))
    return plan, ledger_.apply(plan, mode=mode)


def snapshot():
    return (
        list(Employment.objects.order_by("pk").values()),
        list(WageRecord.objects.order_by("pk").values()),
        list(Laborer.objects.order_by("pk").values("pk", "work_status")),
    )


def test_every_messy_row_has_its_expected_outcome(users, world):
    plan = plan_of(users["cangshuipu"], messy(world))
    assert {(e.row, e.column) for e in plan.errors} == set(EXPECTED.items())
    assert [number for number, _a, _d in plan.rows] == list(VALID)
    assert plan.counts == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 11}
    messages = {e.row: e.message for e in plan.errors}
    assert "花名册" in messages[5]
    assert "王二" in messages[6]  # the registered name, visible to this officer
    assert "2025-05-31" in messages[7] and "2025-06-01" in messages[7]
    assert "2025-08" in messages[8]
    assert "统一社会信用代码" in messages[10]
    assert world["twins"][0].enterprise.uscc in messages[10]
    assert "12" in messages[12] and "13" in messages[12]
    dumped = json.dumps(plan.error_dicts(), ensure_ascii=False, default=str)
    assert all(number not in dumped for number in world["numbers"].values())
    assert world["unregistered"] not in dumped
    data = {number: d for number, _a, d in plan.rows}
    assert data[15]["workshop"]["id"] == world["twins"][1].pk
    assert data[17]["start_date"] == datetime.date(2025, 3, 1)
    assert data[17]["end_date"] == datetime.date(2025, 9, 30)
    assert data[17]["monthly_wage"] == Decimal("3000.00")
    assert data[4]["amount"] == Decimal("2450.00") and data[4]["month"] == datetime.date(2025, 5, 1)


def test_create_then_reimport_is_unchanged_and_changes_nothing(users, world):
    rows = [messy(world)[i - 3] for i in VALID]
    _plan, result = import_rows(users["cangshuipu"], rows)
    assert result == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "written": True,
    }
    zhang = world["people"]["张一"]
    employment = Employment.objects.get(laborer=zhang)
    assert employment.workshop == world["shop"] and employment.position.title == "包装工"
    assert employment.region_id == f.CSP_VILLAGE and employment.laborer_region_id == f.CSP_VILLAGE
    assert employment.end_date is None and employment.monthly_wage == Decimal("2500")
    wages = dict(employment.wages.values_list("month", "amount"))
    assert wages == {datetime.date(2025, 4, 1): Decimal("2400"), datetime.date(2025, 5, 1): 2450}
    assert set(employment.wages.values_list("region_id", flat=True)) == {f.CSP_VILLAGE}
    chen = Employment.objects.get(laborer=world["people"]["陈十"])
    assert chen.workshop == world["twins"][1] and chen.region_id == f.CSP_VILLAGE_2
    wei = Employment.objects.get(laborer=world["people"]["卫十二"])
    assert wei.contract_type == "piecework" and wei.leave_reason == "返乡照顾老人"
    assert Laborer.objects.get(pk=zhang.pk).work_status == WorkStatus.WORKSHOP
    # an employment recorded as already ended leaves an unrelated work status alone
    assert Laborer.objects.get(pk=wei.laborer_id).work_status == WorkStatus.FARMING

    before = snapshot()
    plan, result = import_rows(users["cangshuipu"], rows)
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": 4, "rejected": 0}
    assert result["written"] is True
    assert snapshot() == before


def test_a_changed_wage_or_leaving_date_is_an_update(users, world):
    rows = [
        row(world, "张一", month="2025-04", amount=2400),
        row(world, "张一", month="2025-05", amount=2450),
    ]
    import_rows(users["cangshuipu"], rows)
    changed = [
        row(world, "张一", end="2025-06-30", reason="外出务工", month="2025-04", amount=2600),
        row(world, "张一", end="2025-06-30", reason="外出务工", month="2025-05", amount=2450),
        row(world, "张一", end="2025-06-30", reason="外出务工", month="2025-06", amount=1200),
    ]
    plan, result = import_rows(users["cangshuipu"], changed)
    assert [action for _n, action, _d in plan.rows] == ["update", "update", "create"]
    assert result["written"] is True
    employment = Employment.objects.get(laborer=world["people"]["张一"])
    assert employment.end_date == datetime.date(2025, 6, 30)
    assert employment.leave_reason == "外出务工"
    assert employment.wages.get(month=datetime.date(2025, 4, 1)).amount == Decimal("2600")
    assert employment.wages.count() == 3
    # leaving sets the work status as ``leave`` does
    assert (
        Laborer.objects.get(pk=employment.laborer_id).work_status == WorkStatus.RETURNED_UNEMPLOYED
    )
    # a leaving date before a recorded wage is refused, like ``leave``
    plan = plan_of(users["cangshuipu"], [row(world, "张一", end="2025-04-30")])
    assert [(e.row, e.column) for e in plan.errors] == [(3, "离职日期")]
    assert "2025-06" in plan.errors[0].message
    # an ended employment is not reopened by an older roster
    plan = plan_of(users["cangshuipu"], [row(world, "张一")])
    assert [(e.row, e.column) for e in plan.errors] == [(3, "离职日期")]


def test_all_or_nothing_writes_nothing_when_the_last_row_is_bad(users, world):
    before = snapshot()
    rows = [
        row(world, "张一", month="2025-04", amount=2400),
        row(world, "陈十", position="分拣工"),
        row(world, "无名", number=world["unregistered"]),
    ]
    plan, result = import_rows(users["cangshuipu"], rows, mode="all")
    assert result["written"] is False and result["created"] == 0 and result["rejected"] == 1
    assert snapshot() == before


def test_valid_mode_writes_only_the_valid_rows(users, world):
    plan, result = import_rows(users["cangshuipu"], messy(world), mode="valid")
    assert result["written"] is True and result["created"] == 4 and result["rejected"] == 11
    employed = set(Employment.objects.values_list("laborer__name", flat=True))
    assert employed == {"张一", "陈十", "卫十二"}
    assert WageRecord.objects.count() == 2


def test_an_operator_imports_only_their_own_workshops_roster(users, world):
    operator = f.make_operator(users["district"], "op_roster", f.CSP_VILLAGE, [world["shop"]])
    rows = [
        row(world, "张一", month="2025-04", amount=2400),
        row(world, "王二", workshop="竹艺车间", position="编织工"),  # same township, not theirs
    ]
    plan, result = import_rows(operator, rows, mode="all")
    assert [(e.row, e.column) for e in plan.errors] == [(4, "车间名称")]
    assert result["written"] is False and not Employment.objects.exists()
    plan, result = import_rows(operator, rows, mode="valid")
    assert result["created"] == 1 and result["rejected"] == 1
    assert list(Employment.objects.values_list("workshop", flat=True)) == [world["shop"].pk]
    assert not Employment.objects.filter(workshop=world["bamboo"]).exists()
    # the laborer is not visible to the operator before the hire: a wrong name is reported
    # without revealing the registered one
    plan = plan_of(operator, [row(world, "别人", number=world["numbers"]["王二"])])
    assert "王二" not in plan.errors[0].message
    informant = f.make_user(users["district"], "vi_roster", f.CSP_VILLAGE, "village_informant")
    with pytest.raises(PermissionDenied):
        RosterLedger(informant)


def test_overlapping_and_simultaneous_employment_is_refused(users, world):
    district = users["district"]
    wang = world["people"]["王二"]
    position = world["shop"].positions.get(title="包装工")
    f.hire(district, wang, position, start_date=datetime.date(2024, 3, 1))
    plan = plan_of(
        users["cangshuipu"],
        [
            row(world, "王二", start="2025-01-01"),  # 3 overlaps the open one at the same shop
            row(world, "王二", workshop="竹艺车间", position="编织工"),  # 4 still employed
            row(world, "赵三", start="2025-01-01", end="2025-03-31"),  # 5 overlaps row 6
            row(world, "赵三", start="2025-03-01"),  # 6
            row(world, "钱四", workshop="竹艺车间", position="", start="2025-01-01"),  # 7 valid
            row(world, "钱四", position="分拣工", start="2025-02-01"),  # 8 two open at once
            row(world, "孙五", position=""),  # 9 two positions open: which one?
            row(world, "周六", start="2024-01-01"),  # 10 position not open yet
        ],
    )
    errors = {(e.row, e.column) for e in plan.errors}
    assert errors == {
        (3, "入职日期"),
        (4, "离职日期"),
        (5, "入职日期"),
        (6, "入职日期"),
        (7, "离职日期"),
        (8, "离职日期"),
        (9, "岗位名称"),
        (10, "岗位名称"),
    }
    messages = {e.row: e.message for e in plan.errors}
    assert "向阳食品车间" in messages[4] and "2024-03-01" in messages[3]

    # leaving the first workshop and starting at the next one in the same file is fine
    plan, result = import_rows(
        users["cangshuipu"],
        [
            row(world, "王二", start="2024-03-01", end="2025-01-31", reason="换车间"),
            row(world, "王二", workshop="竹艺车间", position="", start="2025-02-01"),
        ],
    )
    assert [a for _n, a, _d in plan.rows] == ["update", "create"] and result["written"]
    assert Laborer.objects.get(pk=wang.pk).work_status == WorkStatus.WORKSHOP
    assert Employment.objects.get(laborer=wang, end_date__isnull=True).workshop == world["bamboo"]


def test_statistics_after_an_import_equal_a_fresh_rebuild(
    django_capture_on_commit_callbacks, users, world
):
    rows = [messy(world)[i - 3] for i in VALID]
    with django_capture_on_commit_callbacks(execute=True):
        import_rows(users["cangshuipu"], rows)

    def figures():
        return sorted(Figure.objects.values_list("period", "region_id", "metric", "value"))

    after_import = figures()
    township = "430903105000"
    employed = Figure.objects.get(period="2025", region_id=township, metric="laborers_employed")
    period = parse("2025")
    assert employed.value == figure("laborers_employed", "430903105", period.start, period.end)
    assert employed.value == 3
    paid = Figure.objects.get(period="2025", region_id=township, metric="wage_paid")
    assert paid.value == Decimal("4850")
    rebuild_all()
    assert figures() == after_import


def test_template_has_the_roster_columns():
    book = openpyxl.load_workbook(io.BytesIO(write_template(RosterLedger.columns)))
    sheet, notes = book.worksheets[0], book.worksheets[1]
    assert [c.value for c in sheet[1]] == [column.header for column in ROSTER]
    assert "劳动合同" in [c.value for c in book["lists"]["I"]]
    assert [c.value for c in notes["A"]][1:] == [column.header for column in ROSTER]
