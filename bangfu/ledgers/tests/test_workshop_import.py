"""Importing the workshop ledger (enterprises + workshops) and the positions ledger: the expected
outcome for every messy row, idempotence, updates, both write modes, scope and permissions."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bangfu.labor.models import Employment
from bangfu.ledgers.reader import read
from bangfu.ledgers.templates import write_template
from bangfu.ledgers.workshops import (
    POSITION_COLUMNS,
    WORKSHOP_COLUMNS,
    PositionLedger,
    WorkshopLedger,
)
from bangfu.stats.models import DirtyYear
from bangfu.workshops.models import (
    CreationMode,
    Enterprise,
    Position,
    SiteType,
    Status,
    StatusChange,
    Workshop,
    WorkshopType,
)
from bangfu.workshops.tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
U1, U2, U3, U4 = (f.uscc(900_001 + n) for n in range(4))
BAD_USCC = U4[:-1] + ("0" if U4[-1] != "0" else "1")

WORKSHOP_HEADER = [
    "企业名称",
    "信用代码",  # aliases of the template headers
    "法人",
    "联系人",
    "联系电话",
    "车间名称",
    "村",
    "场地类型",
    "创办模式",
    "车间类型",
    "行业",
    "地址",
    "场地面积",
    "开办日期",
    "备注",
]


def book(title, header, rows):
    workbook = openpyxl.Workbook()
    for values in ([title], header, *rows):
        workbook.active.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workshops_file(rows, header=WORKSHOP_HEADER):
    return read(book("赫山区就业帮扶车间台账", header, rows), "车间台账.xlsx", WORKSHOP_COLUMNS)


def wrow(name="向阳车间", code=U1, enterprise="向阳食品有限公司", **extra):
    values = {
        "legal": "李四",
        "contact": "王五",
        "phone": "138 0000 0001",
        "village": "向阳村",
        "site": "村级/脱贫村",
        "mode": "打造提升",
        "type": "厂房式",
        "industry": "食品加工",
        "address": "向阳村一组",
        "area": 150,
        "opened": "2023-05-01",
        **extra,
    }
    return [
        enterprise,
        code,
        values["legal"],
        values["contact"],
        values["phone"],
        name,
        values["village"],
        values["site"],
        values["mode"],
        values["type"],
        values["industry"],
        values["address"],
        values["area"],
        values["opened"],
        "备注",
    ]


SECOND = {  # the second workshop of the same enterprise, with codes and synonyms
    "village": "430903105202",
    "site": "安置点",
    "mode": "joint",
    "type": "home",
    "industry": "handicraft",
    "area": "80.5㎡",
    "opened": datetime.datetime(2022, 3, 1),
}
MESSY_WORKSHOPS = [
    wrow(),  # 3 valid: new enterprise, village by name
    wrow("富民车间", **SECOND),  # 4 valid: same enterprise, codes and synonyms
    wrow("坏码车间", code=BAD_USCC),  # 5 credit code mistyped
    wrow("无村车间", village="不存在村"),  # 6 unknown village
    wrow("龙岭车间", village=f.LL_VILLAGE),  # 7 village outside the township
    wrow("山上车间", site="山上"),  # 8 not a site type
    wrow("兴隆车间", code=U2, enterprise="兴隆公司"),  # 9 same workshop as row 10
    wrow("兴隆车间", code=U2, enterprise="兴隆公司"),  # 10
    wrow("甲车间", code=U3, enterprise="甲公司"),  # 11 same credit code, another name in 12
    wrow("乙车间", code=U3, enterprise="乙公司"),  # 12
    wrow("大棚车间", type="大棚式"),  # 13 unknown workshop type
    wrow("无面积车间", area="很大"),  # 14 not a number
    [None] * 15,  # blank row: skipped
    ["合计", None, None, None, None, "12个车间"],  # total row: skipped
]
EXPECTED_WORKSHOPS = {
    5: "统一社会信用代码",
    6: "所在村（社区）",
    7: "所在村（社区）",
    8: "场地类型",
    9: "车间名称",
    10: "车间名称",
    11: "企业名称",
    12: "企业名称",
    13: "车间类型",
    14: "场地面积（㎡）",
}


def outside_scope(message):
    return "outside your data scope" in message or "数据范围" in message


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Enterprise, Workshop, StatusChange, Position)
    ]


def test_every_messy_workshop_row_has_its_expected_outcome(users):
    plan = WorkshopLedger(users["cangshuipu"]).plan(workshops_file(MESSY_WORKSHOPS))
    assert {(e.row, e.column) for e in plan.errors} == set(EXPECTED_WORKSHOPS.items())
    assert {number for number, _a, _d in plan.rows} == {3, 4}
    assert plan.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 10}
    messages = {e.row: e.message for e in plan.errors}
    assert "9" in messages[10] and "10" in messages[10]  # both duplicate rows named
    assert "11" in messages[12] and "甲公司" in messages[12] and "乙公司" in messages[12]
    assert "厂房式" in messages[13]  # the allowed types are listed


def test_valid_rows_become_applications_with_their_enterprise(users):
    ledger = WorkshopLedger(users["cangshuipu"])
    result = ledger.apply(ledger.plan(workshops_file(MESSY_WORKSHOPS)), mode="valid")
    assert result["written"] and result["created"] == 2
    enterprise = Enterprise.objects.get(uscc=U1)
    assert enterprise.name == "向阳食品有限公司" and enterprise.region_id == "430903105201"
    assert enterprise.contact_phone == "13800000001"
    first, second = (enterprise.workshops.get(name=n) for n in ("向阳车间", "富民车间"))
    assert first.status == Status.APPLYING and first.status_since == TODAY
    assert first.floor_area == Decimal("150") and first.opened_on == datetime.date(2023, 5, 1)
    assert second.region_id == "430903105202" and second.site_type == SiteType.RELOCATION
    assert second.creation_mode == CreationMode.JOINT and second.workshop_type.code == "home"
    assert second.floor_area == Decimal("80.5") and second.opened_on == datetime.date(2022, 3, 1)
    history = StatusChange.objects.get(workshop=first)
    assert (history.from_status, history.to_status, history.on) == ("", Status.APPLYING, TODAY)
    assert history.actor == users["cangshuipu"]
    assert not Enterprise.objects.filter(uscc__in=[U2, U3]).exists()


def test_reimporting_workshops_changes_nothing_and_edits_are_updates(users):
    rows = [wrow(), wrow("富民车间", **SECOND)]
    WorkshopLedger(users["cangshuipu"]).apply(
        WorkshopLedger(users["cangshuipu"]).plan(workshops_file(rows))
    )
    before = snapshot()
    DirtyYear.objects.all().delete()
    again = WorkshopLedger(users["cangshuipu"]).plan(workshops_file(rows))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    WorkshopLedger(users["cangshuipu"]).apply(again)
    assert snapshot() == before and not DirtyYear.objects.exists()

    edited = [wrow(area="180", contact="赵六"), wrow("富民车间", contact="赵六", **SECOND)]
    plan = WorkshopLedger(users["cangshuipu"]).plan(workshops_file(edited))
    assert plan.counts == {"created": 0, "updated": 2, "unchanged": 0, "rejected": 0}
    WorkshopLedger(users["cangshuipu"]).apply(plan)
    assert Workshop.objects.get(name="向阳车间").floor_area == Decimal("180")
    assert Enterprise.objects.get(uscc=U1).contact_person == "赵六"
    assert StatusChange.objects.count() == len(before[2])  # no status moves by the ledger
    assert not DirtyYear.objects.exists()  # area and contact do not feed statistics


def test_absent_optional_columns_keep_registered_values(users):
    WorkshopLedger(users["cangshuipu"]).apply(
        WorkshopLedger(users["cangshuipu"]).plan(workshops_file([wrow()]))
    )
    keep = [i for i, h in enumerate(WORKSHOP_HEADER) if h not in ("地址", "开办日期", "联系人")]
    table = workshops_file([[wrow()[i] for i in keep]], [WORKSHOP_HEADER[i] for i in keep])
    plan = WorkshopLedger(users["cangshuipu"]).plan(table)
    assert plan.counts["unchanged"] == 1


def test_moving_a_workshop_moves_its_records_and_marks_statistics(users):
    district = users["district"]
    enterprise = f.make_enterprise(district, f.CSP_VILLAGE, name="搬迁公司")
    workshop = f.make_workshop(district, f.CSP_VILLAGE, enterprise=enterprise, name="搬迁车间")
    position = f.make_position(district, workshop)
    laborer = f.make_laborer(district, f.CSP_VILLAGE)
    employment = f.hire(district, laborer, position)
    wage = f.wage(district, employment)
    DirtyYear.objects.all().delete()
    row = wrow(
        "搬迁车间",
        code=enterprise.uscc,
        enterprise="搬迁公司",
        legal="李四",
        contact="",
        phone="",
        village=f.CSP_VILLAGE_2,
        site=workshop.site_type,
        mode=workshop.creation_mode,
        type="factory",
        industry=workshop.industry,
        address="",
        area=150,
        opened=None,
    )
    plan = WorkshopLedger(users["cangshuipu"]).plan(workshops_file([row]))
    assert plan.counts["updated"] == 1, plan.error_dicts()
    WorkshopLedger(users["cangshuipu"]).apply(plan)
    workshop.refresh_from_db()
    assert workshop.status == Status.RECOGNIZED and workshop.region_id == f.CSP_VILLAGE_2
    assert Position.objects.get(pk=position.pk).region_id == f.CSP_VILLAGE_2
    assert Employment.objects.get(pk=employment.pk).region_id == f.CSP_VILLAGE_2
    wage.refresh_from_db()
    assert wage.region_id == f.CSP_VILLAGE_2
    assert DirtyYear.objects.filter(year=f.APPLIED_ON.year).exists()


def test_all_or_nothing_writes_nothing_when_one_workshop_row_fails(users):
    before = snapshot()
    ledger = WorkshopLedger(users["cangshuipu"])
    plan = ledger.plan(workshops_file([wrow(), wrow("坏码车间", code=BAD_USCC)]))
    assert plan.counts["created"] == 1 and plan.counts["rejected"] == 1
    assert ledger.apply(plan, mode="all")["written"] is False
    assert snapshot() == before


def test_township_officer_cannot_import_workshops_of_another_township(users):
    district = users["district"]
    foreign = f.make_enterprise(district, f.LL_VILLAGE, name="龙岭公司")
    local = f.make_enterprise(district, f.CSP_VILLAGE, name="沧水公司")
    f.apply_workshop(district, f.LL_VILLAGE, enterprise=local, name="外地车间")
    rows = [
        wrow("龙岭车间", village=f.LL_VILLAGE),  # 3 village outside the township
        wrow("新车间", code=foreign.uscc, enterprise="龙岭公司"),  # 4 enterprise outside
        wrow("外地车间", code=local.uscc, enterprise="沧水公司"),  # 5 workshop outside
    ]
    plan = WorkshopLedger(users["cangshuipu"]).plan(workshops_file(rows))
    errors = {e.row: e for e in plan.errors}
    assert errors[3].column == "所在村（社区）"
    assert errors[4].column == "统一社会信用代码" and outside_scope(errors[4].message)
    assert "龙岭公司" in errors[4].message
    assert errors[5].column == "车间名称" and outside_scope(errors[5].message)
    assert not plan.rows
    district_plan = WorkshopLedger(district).plan(workshops_file(rows[1:]))
    assert district_plan.counts["rejected"] == 0  # the district may import both


def test_workshop_operators_cannot_import_workshops(users):
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE)
    operator = f.make_operator(users["district"], "op_ws", f.CSP_VILLAGE, [workshop])
    with pytest.raises(PermissionDenied):
        WorkshopLedger(operator)
    PositionLedger(operator)  # positions they may import


def test_templates_are_workbooks():
    for columns in (WORKSHOP_COLUMNS, POSITION_COLUMNS):
        sheet = openpyxl.load_workbook(io.BytesIO(write_template(columns))).worksheets[0]
        assert [c.value for c in sheet[1]] == [c.header for c in columns]


def test_the_workshop_template_lists_the_workshop_types_in_force(login, users):
    """车间类型 is required and its values come from the dictionary: the template's drop-down
    lists the active types (it had none), and what it lists imports."""
    WorkshopType.objects.create(code="retired", name="旧类型", is_active=False)
    response = login("district").get(reverse("ledgers:template", args=["workshops"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    column = [c.key for c in WORKSHOP_COLUMNS].index("workshop_type")
    letter = openpyxl.utils.get_column_letter(column + 1)
    listed = [c.value for c in book["lists"][letter] if c.value]
    active = list(WorkshopType.objects.filter(is_active=True).values_list("name", flat=True))
    assert listed == active and "厂房式" in listed and "旧类型" not in listed
    validations = book.worksheets[0].data_validations.dataValidation
    assert any(letter + "2" in str(v.sqref) for v in validations)
    ledger = WorkshopLedger(users["district"])
    assert [ledger.workshop_type(name).name for name in listed] == listed


# --- positions --------------------------------------------------------------------------------

POSITION_HEADER = [
    "车间名称",
    "统一社会信用代码",
    "岗位名称",
    "招聘人数",
    "月工资下限（元）",
    "月工资上限（元）",
    "岗位要求",
    "发布日期",
    "截止日期",
]


def positions_file(rows, header=POSITION_HEADER):
    return read(book("岗位台账", header, rows), "岗位台账.xlsx", POSITION_COLUMNS)


def prow(workshop="向阳车间", title="缝纫工", code="", **extra):
    values = {
        "count": 10,
        "min": 2500,
        "max": "3,500元",
        "req": "会使用缝纫机",
        "posted": "2024-03-01",
        "closed": None,
        **extra,
    }
    return [
        workshop,
        code,
        title,
        values["count"],
        values["min"],
        values["max"],
        values["req"],
        values["posted"],
        values["closed"],
    ]


@pytest.fixture
def world(users):
    district = users["district"]
    return {
        "mine": f.make_workshop(district, f.CSP_VILLAGE, name="向阳车间"),
        "same_a": f.make_workshop(district, f.CSP_VILLAGE, name="同名车间"),
        "same_b": f.make_workshop(district, f.CSP_VILLAGE_2, name="同名车间"),
        "foreign": f.make_workshop(district, f.LL_VILLAGE, name="龙岭车间"),
    }


def messy_positions(world):
    same_a = world["same_a"].enterprise.uscc
    return [
        prow(),  # 3 valid
        prow("同名车间", code=same_a),  # 4 valid: the credit code tells the workshops apart
        prow("同名车间"),  # 5 ambiguous name
        prow("龙岭车间"),  # 6 workshop outside the township
        prow(title="包装工", min=4000, max=3000),  # 7 minimum above maximum
        prow(title="质检员", count=0),  # 8 nobody to recruit
        prow(title="搬运工", count="十"),  # 9 not a number
        prow(title="保洁员", closed="2024-02-01"),  # 10 closed before posted
        prow(title="电工"),  # 11 same position as row 12
        prow(title="电工"),  # 12
        prow(title="厨师", posted=None),  # 13 no posting date
        prow("同名车间", code=world["foreign"].enterprise.uscc),  # 14 code of another enterprise
        prow(title="木工", count=99_999_999_999),  # 15 a typo that would swell every figure
    ]


EXPECTED_POSITIONS = {
    5: "车间名称",
    6: "车间名称",
    7: "月工资上限（元）",
    8: "招聘人数",
    9: "招聘人数",
    10: "截止日期",
    11: "岗位名称",
    12: "岗位名称",
    13: "发布日期",
    14: "统一社会信用代码",
    15: "招聘人数",
}


def test_every_messy_position_row_has_its_expected_outcome(users, world):
    plan = PositionLedger(users["cangshuipu"]).plan(positions_file(messy_positions(world)))
    assert {(e.row, e.column) for e in plan.errors} == set(EXPECTED_POSITIONS.items())
    assert {number for number, _a, _d in plan.rows} == {3, 4}
    messages = {e.row: e.message for e in plan.errors}
    assert world["same_a"].enterprise.name in messages[5]  # the candidates are named
    assert world["same_b"].enterprise.name in messages[5]
    assert "11" in messages[12] and "12" in messages[12]
    assert "Constraint" not in messages[7] and "约束" not in messages[7]  # a readable message


def test_positions_are_created_once_and_edits_are_updates(users, world):
    ledger = PositionLedger(users["cangshuipu"])
    ledger.apply(ledger.plan(positions_file(messy_positions(world))), mode="valid")
    position = Position.objects.get(workshop=world["mine"], title="缝纫工")
    assert position.region_id == world["mine"].region_id and position.headcount == 10
    assert (position.wage_min, position.wage_max) == (Decimal("2500"), Decimal("3500"))
    assert position.posted_on == datetime.date(2024, 3, 1) and position.closed_on is None
    assert Position.objects.filter(workshop=world["same_a"]).count() == 1
    assert not Position.objects.filter(workshop=world["same_b"]).exists()

    rows = [prow(), prow("同名车间", code=world["same_a"].enterprise.uscc)]
    before = snapshot()
    DirtyYear.objects.all().delete()
    again = PositionLedger(users["cangshuipu"]).plan(positions_file(rows))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    PositionLedger(users["cangshuipu"]).apply(again)
    assert snapshot() == before and not DirtyYear.objects.exists()

    edited = PositionLedger(users["cangshuipu"]).plan(
        positions_file([prow(count=12, closed="2024-12-31"), rows[1]])
    )
    assert edited.counts == {"created": 0, "updated": 1, "unchanged": 1, "rejected": 0}
    PositionLedger(users["cangshuipu"]).apply(edited)
    position.refresh_from_db()
    assert position.headcount == 12 and position.closed_on == datetime.date(2024, 12, 31)
    assert DirtyYear.objects.filter(year=2024).exists()

    keep = [i for i, header in enumerate(POSITION_HEADER) if "工资" not in header]
    short = [prow(count=12, closed="2024-12-31")[i] for i in keep]
    kept = PositionLedger(users["cangshuipu"]).plan(
        positions_file([short], [POSITION_HEADER[i] for i in keep])
    )
    assert kept.counts["unchanged"] == 1  # wage columns left out: the wages stay


def test_all_or_nothing_writes_no_position_when_one_row_fails(users, world):
    before = snapshot()
    ledger = PositionLedger(users["cangshuipu"])
    plan = ledger.plan(positions_file([prow(), prow(title="包装工", min=4000, max=3000)]))
    assert ledger.apply(plan, mode="all")["written"] is False
    assert snapshot() == before


def test_operators_import_positions_of_their_own_workshops_only(users, world):
    operator = f.make_operator(users["district"], "op_pos", f.CSP_VILLAGE, [world["mine"]])
    rows = [prow(), prow("同名车间", code=world["same_a"].enterprise.uscc)]
    plan = PositionLedger(operator).plan(positions_file(rows))
    assert [number for number, _a, _d in plan.rows] == [3]
    assert [(e.row, e.column) for e in plan.errors] == [(4, "车间名称")]
    PositionLedger(operator).apply(plan, mode="valid")
    assert Position.objects.filter(workshop=world["mine"], title="缝纫工").exists()
    assert not Position.objects.filter(workshop=world["same_a"]).exists()


def test_a_retired_workshop_type_stays_on_its_workshops_and_is_given_to_no_new_one(users):
    """The template lists the types in force; a retired one is refused for a new workshop
    (or a changed type) with the reason, and re-importing a workshop that has it changes
    nothing."""
    WorkshopLedger(users["cangshuipu"]).apply(
        WorkshopLedger(users["cangshuipu"]).plan(workshops_file([wrow()]))
    )
    WorkshopType.objects.filter(name="厂房式").update(is_active=False)
    rows = [wrow(), wrow("新车间"), wrow("富民车间", **{**SECOND, "type": "厂房式"})]
    plan = WorkshopLedger(users["cangshuipu"]).plan(workshops_file(rows))
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 2}
    assert {(e.row, e.column) for e in plan.errors} == {(4, "车间类型"), (5, "车间类型")}
    assert all("厂房式" in e.message for e in plan.errors)
