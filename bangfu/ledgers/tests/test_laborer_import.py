"""Importing the households + laborers ledger: the expected outcome for every messy row,
all-or-nothing, valid-rows-only, idempotence and scope."""

import datetime
import io
import json
from collections import defaultdict

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from bangfu.core import bulk
from bangfu.core.identity import check_character
from bangfu.labor.models import Household, Laborer
from bangfu.ledgers import services
from bangfu.ledgers.base import write_error_workbook
from bangfu.ledgers.columns import LABORERS
from bangfu.ledgers.laborers import LaborerLedger
from bangfu.ledgers.reader import read
from bangfu.regions.models import Region
from bangfu.workshops.tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = (
    ["赫山区脱贫劳动力花名册"],
    [
        "村",
        "户主",
        "户类别",
        "监测类型",
        "风险状态",
        "姓名",
        "公民身份号码",
        "手机号",
        "劳动能力",
        "就业状态",
        "其他",
    ],
)


def ident(body17):
    return body17 + check_character(body17)


GOOD = ident("43090319800101001")
SPOUSE = ident("43090319820202002")
X_ID = "11010519491231002x"  # lowercase x: valid
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in ident("43090319900303003"))


def ledger(rows):
    book = openpyxl.Workbook()
    for row in (*HEADER, *rows):
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return read(buffer.getvalue(), "花名册.xlsx", LABORERS)


def row(
    village="向阳村",
    head="张三",
    category="脱贫户（继续享受政策）",
    name="张三",
    number=GOOD,
    **extra,
):
    values = {
        "monitor": "",
        "risk": "",
        "phone": "138 0000 0001",
        "ability": "全劳动力",
        "status": "返乡未就业",
        **extra,
    }
    return [
        village,
        head,
        category,
        values["monitor"],
        values["risk"],
        name,
        number,
        values["phone"],
        values["ability"],
        values["status"],
        "备注",
    ]


MESSY = [
    row(),  # 3 valid, village by name
    row(village="430903105201", name="李四", number=SPOUSE),  # 4 same household, village by code
    row(name="王五", number=X_ID, category="lifted_enjoying", phone="无"),  # 5 lowercase x, code
    row(name="赵六", number=FULL_WIDTH, phone="＋86 138-0000-0006"),  # 6 full-width digits
    row(name="钱七", number=4.30903199001011e17),  # 7 ID stored as a number
    row(name="孙八", number=GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")),  # 8 bad check character
    row(name="周九", number=SPOUSE),  # 9 same person as row 4
    row(village="430903402001", name="吴十", number=ident("43090319700404004")),  # 10 outside scope
    row(village="不存在村", name="郑一", number=ident("43090319700505005")),  # 11 unknown village
    row(
        name="冯二", number=ident("43090319700606006"), category="监测户"
    ),  # 12 monitored without type
    row(name="陈三", number=ident("43090319700707007"), ability="很强"),  # 13 value not in the list
    row(name="褚四", number=ident("43090319700808008"), phone="13800000014/13900000014"),  # 14
    row(name="卫五", number=ident("43090319700909009"), phone="1380000"),  # 15 digits missing
    [None] * 11,  # blank row: skipped
    ["合计", None, None, None, None, "10人"],  # total row: skipped
]
EXPECTED = {  # row → column with the error; absent rows are valid
    7: "身份证号",
    8: "身份证号",
    9: "身份证号",
    4: "身份证号",
    10: "所在村（社区）",
    11: "所在村（社区）",
    12: "监测类型",
    13: "劳动能力",
    14: "联系电话",
    15: "联系电话",
}


def test_every_messy_row_has_its_expected_outcome(users):
    with translation.override("zh-hans"):
        plan = LaborerLedger(users["cangshuipu"]).plan(ledger(MESSY))
    errors = {(e.row, e.column) for e in plan.errors}
    assert errors == set(EXPECTED.items())
    assert {number for number, _a, _d in plan.rows} == {3, 5, 6}
    assert plan.counts == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 10}
    phones = {data["name"]: data["phone"] for _n, _a, data in plan.rows}
    assert phones == {"张三": "13800000001", "王五": "", "赵六": "13800000006"}  # as forms store
    messages = {e.row: e.message for e in plan.errors}
    assert "只保留一个" in messages[14] and "11 位手机号" in messages[15]
    assert "4" in messages[9] and "9" in messages[9]  # both duplicate rows named
    assert GOOD not in json.dumps(plan.error_dicts(), ensure_ascii=False, default=str)


def test_all_or_nothing_writes_nothing_when_any_row_fails(users):
    before = (Household.objects.count(), Laborer.objects.count())
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row(), row(name="坏", number="123")]))
    result = LaborerLedger(users["cangshuipu"]).apply(plan, mode="all")
    assert result["written"] is False
    assert (Household.objects.count(), Laborer.objects.count()) == before


def test_valid_rows_mode_writes_the_valid_rows_grouped_in_households(users):
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger(MESSY))
    LaborerLedger(users["cangshuipu"]).apply(plan, mode="valid")
    zhang = Laborer.objects.get(name="张三")
    assert zhang.household.head_name == "张三" and zhang.region_id == "430903105201"
    assert zhang.phone == "13800000001" and zhang.gender == "M"
    assert Laborer.objects.get(name="王五").household == zhang.household
    assert Laborer.objects.filter(name__in=["赵六"]).exists()


def test_reimporting_the_same_file_changes_nothing_and_edits_are_updates(users):
    rows = [row(), row(name="李四", number=SPOUSE)]
    planner = LaborerLedger(users["cangshuipu"])
    LaborerLedger(users["cangshuipu"]).apply(planner.plan(ledger(rows)))
    snapshot = list(Laborer.objects.order_by("pk").values())
    again = planner.plan(ledger(rows))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    LaborerLedger(users["cangshuipu"]).apply(again)
    assert list(Laborer.objects.order_by("pk").values()) == snapshot
    changed = planner.plan(ledger([row(phone="13800000099"), row(name="李四", number=SPOUSE)]))
    assert changed.counts["updated"] == 1
    LaborerLedger(users["cangshuipu"]).apply(changed)
    assert Laborer.objects.get(name="张三").phone == "13800000099"


def test_rows_giving_one_household_different_categories_are_all_rejected(users):
    monitored = {"category": "监测户", "monitor": "边缘易致贫户", "risk": "风险未消除"}
    rows = [
        row(**monitored),
        row(name="李四", number=SPOUSE, category="一般户"),
        row(head="王五", name="王五", number=X_ID),  # another household: valid
        row(name="赵六", number=FULL_WIDTH, **monitored),
    ]
    with translation.override("en"):
        plan = LaborerLedger(users["cangshuipu"]).plan(ledger(rows))
    assert {number for number, _a, _d in plan.rows} == {5}
    assert plan.counts["rejected"] == 3
    by_row = defaultdict(dict)
    for error in plan.errors:
        by_row[error.row][error.column] = error
    assert set(by_row) == {3, 4, 6}
    assert set(by_row[4]) == {"户类别", "监测类型", "风险状态"}  # each column that differs
    category = by_row[4]["户类别"]
    assert category.value == "General household"
    assert "Rows 3、4、6 of the household of 张三" in category.message
    assert "General household、Monitored household" in category.message
    assert "(blank)" in by_row[3]["监测类型"].message
    # nothing of the household is written in "valid rows" mode, and a re-import is stable
    LaborerLedger(users["cangshuipu"]).apply(plan, mode="valid")
    assert not Household.objects.filter(head_name="张三").exists()
    assert LaborerLedger(users["cangshuipu"]).plan(ledger(rows)).counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "rejected": 3,
    }


@pytest.mark.parametrize(
    "village", ["沧水铺镇向阳村", "赫山区沧水铺镇向阳村", "向阳", "沧水铺镇 向阳村"]
)
def test_a_village_may_be_named_after_its_township_or_without_cun(users, village):
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row(village=village)]))
    assert plan.errors == []
    assert plan.rows[0][2]["village"].code == "430903105201"


def test_a_village_named_exactly_wins_over_another_named_without_cun(users):
    Region.objects.create(
        code="430903105291", name="向阳", level="village", parent_id="430903105000"
    )
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row(village="向阳")]))
    assert plan.errors == [] and plan.rows[0][2]["village"].code == "430903105291"
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row(village="向阳村")]))
    assert plan.rows[0][2]["village"].code == "430903105201"


def test_a_person_in_another_household_is_reported(users):
    LaborerLedger(users["cangshuipu"]).apply(
        LaborerLedger(users["cangshuipu"]).plan(ledger([row()]))
    )
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row(head="别家户主")]))
    assert [e.message for e in plan.errors][0].count("张三") == 1


def test_operators_cannot_import_and_foreign_people_stay_hidden(users):
    operator = f.make_operator(users["district"], "op_import", f.CSP_VILLAGE)
    with pytest.raises(PermissionDenied):
        LaborerLedger(operator)
    f.make_laborer(users["district"], f.LL_VILLAGE, number=GOOD)
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row()]))
    assert (
        "outside your data scope" in plan.errors[0].message or "数据范围" in plan.errors[0].message
    )


def test_cli_import_json_and_dry_run(users, tmp_path, capsys):
    path = tmp_path / "ledger.xlsx"
    book = openpyxl.Workbook()
    for values in (*HEADER, row(), row(name="坏", number="123")):
        book.active.append(list(values))
    book.save(path)
    call_command("import", "laborers", str(path), "--user", "cangshuipu", "--dry-run", "--json")
    body = json.loads(capsys.readouterr().out)
    assert body["created"] == 1 and body["rejected"] == 1 and body["errors"][0]["row"] == 4
    with pytest.raises(CommandError):
        call_command("import", "laborers", str(path), "--user", "cangshuipu", "--json")
    assert not Laborer.objects.filter(name="张三").exists()
    call_command(
        "import", "laborers", str(path), "--user", "cangshuipu", "--mode", "valid", "--json"
    )
    assert Laborer.objects.filter(name="张三").exists()
    assert Region.objects.get(code="430903105201")


def test_error_workbook_lists_rejected_rows_with_their_errors(users, tmp_path):
    table = ledger(MESSY)
    plan = LaborerLedger(users["cangshuipu"]).plan(table)
    path = tmp_path / "errors.xlsx"
    assert write_error_workbook(str(path), LaborerLedger(users["cangshuipu"]), table, plan) == len(
        EXPECTED
    )
    rows = list(openpyxl.load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == sorted(EXPECTED)
    assert all(r[-1] for r in rows)


def test_cli_export_is_masked_escaped_and_logged(users, tmp_path):
    from bangfu.audit.models import AccessLog
    from bangfu.core import pii

    laborer = f.make_laborer(users["district"], f.CSP_VILLAGE, name="=HYPERLINK(1)")
    path = tmp_path / "laborers.xlsx"
    call_command("export", "laborers", "-o", str(path), "--user", "cangshuipu")
    values = [
        v
        for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)
        for v in row
        if v
    ]
    number = pii.decrypt(laborer.id_cipher)
    assert laborer.id_masked in values and number not in values
    assert "'=HYPERLINK(1)" in values  # formula text neutralized
    assert AccessLog.objects.get(user=users["cangshuipu"]).region_id == "430903105000"
    with pytest.raises(CommandError):
        call_command("export", "laborers", "-o", str(path), "--user", "cangshuipu", "--full-id")
    call_command("export", "laborers", "-o", str(path), "--user", "district", "--full-id")
    values = [
        v
        for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)
        for v in row
        if v
    ]
    assert number in values


def test_columns_missing_from_the_file_keep_the_registered_values(users):
    importer = LaborerLedger(users["cangshuipu"])
    importer.apply(importer.plan(ledger([row(phone="13800000077")])))
    header = [h for h in HEADER[1] if h != "手机号"]  # a ledger without the phone column
    values = [v for h, v in zip(HEADER[1], row(), strict=True) if h != "手机号"]
    book = openpyxl.Workbook()
    for values_row in (HEADER[0], header, values):
        book.active.append(list(values_row))
    buffer = io.BytesIO()
    book.save(buffer)
    plan = importer.plan(read(buffer.getvalue(), "花名册.xlsx", LABORERS))
    assert plan.counts == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    importer.apply(plan)
    assert Laborer.objects.get().phone == "13800000077"


def test_a_person_at_a_workshop_keeps_that_work_status_until_the_roster_ends_it(users):
    from bangfu.labor.models import WorkStatus
    from bangfu.labor.services import leave

    importer = LaborerLedger(users["cangshuipu"])
    importer.apply(importer.plan(ledger([row(), row(name="李四", number=SPOUSE)])))
    zhang = Laborer.objects.get(name="张三")
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE)
    employment = f.hire(users["district"], zhang, f.make_position(users["district"], workshop))
    assert Laborer.objects.get(pk=zhang.pk).work_status == WorkStatus.WORKSHOP
    # the same ledger again: its old status (返乡未就业) does not undo the employment
    with translation.override("en"):
        again = importer.plan(ledger([row(), row(name="李四", number=SPOUSE)]))
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert again.notes == [  # said on the preview, not silently
        "Row 3 gives another work status to a person employed at a workshop now: it stays "
        "“Employed at an assistance workshop” until the roster records the leaving."
    ]
    importer.apply(importer.plan(ledger([row(phone="13800000055")])))
    zhang.refresh_from_db()
    assert (zhang.phone, zhang.work_status) == ("13800000055", WorkStatus.WORKSHOP)
    # once the roster (here: leave) ends the employment, the ledger sets the status again
    leave(users["district"], employment, end_date=datetime.date.today())
    importer.apply(importer.plan(ledger([row(status="外出务工")])))
    assert Laborer.objects.get(pk=zhang.pk).work_status == WorkStatus.MIGRANT


def test_over_long_values_are_rejected_with_the_model_limit(users):
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row(name="张" * 51)]))
    assert plan.counts["rejected"] == 1
    assert plan.errors[0].column == "姓名" and "50" in plan.errors[0].message


def test_rejected_id_numbers_are_masked_in_the_row_errors(users):
    wrong = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
    plan = LaborerLedger(users["cangshuipu"]).plan(ledger([row(number=wrong)]))
    assert plan.errors[0].value == wrong[:6] + "********" + wrong[-4:]  # as lists mask IDs
    short = LaborerLedger(users["cangshuipu"]).plan(ledger([row(number="430903198001")]))
    assert short.errors[0].value == "4309****8001"


def test_a_category_change_marks_the_figures_of_employed_household_members(users):
    from bangfu.stats.models import DirtyYear

    importer = LaborerLedger(users["cangshuipu"])
    importer.apply(importer.plan(ledger([row(), row(name="李四", number=SPOUSE)])))
    workshop = f.make_workshop(users["district"], f.CSP_VILLAGE)
    position = f.make_position(users["district"], workshop)
    from bangfu.labor.models import Employment

    spouse = Laborer.objects.get(name="李四")
    Employment.objects.create(
        laborer=spouse,
        workshop=workshop,
        position=position,
        region_id=workshop.region_id,
        laborer_region_id=spouse.region_id,
        start_date=datetime.date(2023, 3, 1),
        contract_type="labor_contract",
        monthly_wage=2500,
    )
    DirtyYear.objects.all().delete()
    # only the head is in the file, but the household's category changes for both
    importer.apply(
        importer.plan(ledger([row(category="监测户", monitor="脱贫不稳定户", risk="风险未消除")]))
    )
    assert DirtyYear.objects.filter(year=2023).exists()


def test_a_head_name_shared_by_two_households_of_a_village_is_refused(users):
    for _ in range(2):
        Household.objects.create(
            region_id="430903105201", head_name="张三", category="lifted_enjoying"
        )
    plan = LaborerLedger(users["cangshuipu"]).plan(
        ledger([row(), row(head="李四", name="李四", number=SPOUSE)])
    )
    assert plan.counts["rejected"] == 1 and plan.counts["created"] == 1
    assert plan.errors[0].row == 3 and plan.errors[0].column == "户主姓名"


@pytest.mark.parametrize("whole_table", [True, False])
def test_the_registry_is_merged_correctly_across_many_chunks(users, monkeypatch, whole_table):
    from bangfu.ledgers import laborers

    monkeypatch.setattr(laborers, "CHUNK", 2)  # five rows: three chunks, keys sorted across
    # the registry read whole (a small table) or through the file's staged keys
    monkeypatch.setattr(bulk, "WHOLE_TABLE_FACTOR", 100 if whole_table else 0)
    people = [
        row(name=f"人{i}", number=ident(f"430903198001{i:02d}00{i}"), head=f"户{i}")
        for i in range(1, 6)
    ]
    importer = LaborerLedger(users["cangshuipu"])
    importer.apply(importer.plan(ledger(people)))
    assert importer.plan(ledger(people)).counts["unchanged"] == 5
    people[3] = row(name="人4", number=ident("43090319800104004"), head="户4", phone="13900000004")
    f.make_laborer(users["district"], f.LL_VILLAGE, number=ident("43090319800106006"))
    outside = row(name="外", number=ident("43090319800106006"), head="户6")
    plan = importer.plan(ledger([*people, outside]))
    assert plan.counts == {"created": 0, "updated": 1, "unchanged": 4, "rejected": 1}
    assert "data scope" in plan.errors[0].message or "数据范围" in plan.errors[0].message


def test_a_first_large_load_builds_the_indexes_after_the_rows(users, settings):
    # "large": the tables are empty, the file has 3 people (rebuilt) of 2 households (not)
    settings.BANGFU_IMPORT_REBUILD_ROWS = 3
    with connection.cursor() as cursor:
        before = connection.introspection.get_constraints(cursor, "labor_laborer")
    people = [
        row(name=f"人{i}", number=ident(f"430903198001{i:02d}00{i}"), head=f"户{min(i, 2)}")
        for i in (1, 2, 3)
    ]
    importer = LaborerLedger(users["cangshuipu"])
    assert importer.apply(importer.plan(ledger(people)))["created"] == 3
    with connection.cursor() as cursor:
        assert connection.introspection.get_constraints(cursor, "labor_laborer") == before
    assert set(Household.objects.get(head_name="户2").laborers.values_list("name", flat=True)) == {
        "人2",
        "人3",
    }
    assert importer.plan(ledger(people)).counts["unchanged"] == 3


def test_a_person_registered_between_check_and_import_fails_the_job_and_writes_nothing(
    users, tmp_path, monkeypatch
):
    path = tmp_path / "ledger.xlsx"
    book = openpyxl.Workbook()
    for values in (*HEADER, row(), row(name="李四", number=SPOUSE)):
        book.active.append(list(values))
    book.save(path)
    checked, counts = LaborerLedger.plan, {}

    def check_then_someone_registers_him(self, table):
        plan = checked(self, table)
        f.make_laborer(users["district"], f.CSP_VILLAGE, number=GOOD)
        counts.update(households=Household.objects.count(), laborers=Laborer.objects.count())
        return plan

    monkeypatch.setattr(LaborerLedger, "plan", check_then_someone_registers_him)
    job = services.import_file(users["cangshuipu"], "laborers", path, mode="valid")
    assert job.status == "failed" and not job.written
    assert "registered by someone else" in job.message or "被他人登记" in job.message
    assert counts == {"households": Household.objects.count(), "laborers": 1}
    assert Laborer.objects.count() == 1  # nothing of the file was written


def test_imports_of_a_ledger_write_one_at_a_time(users, monkeypatch):
    """Households are found by village and head when written: a second import waits for the
    first and reuses the households it created instead of creating them twice."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite transactions already write one at a time")
    held = []
    households = LaborerLedger.households

    def observed(self, rows):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid()"
            )
            held.append(cursor.fetchone()[0])
        return households(self, rows)

    monkeypatch.setattr(LaborerLedger, "households", observed)
    planner = LaborerLedger(users["cangshuipu"])
    first, second = (
        planner.plan(ledger([row()])),
        planner.plan(ledger([row(name="李四", number=SPOUSE)])),
    )
    planner.apply(first)
    planner.apply(second)  # planned before the first was written: its household was "new"
    assert held == [1, 1]
    assert Household.objects.filter(head_name="张三").count() == 1
    assert set(Household.objects.get(head_name="张三").laborers.values_list("name", flat=True)) == {
        "张三",
        "李四",
    }


def test_the_errors_of_a_row_are_listed_in_the_order_of_its_columns(users):
    importer = LaborerLedger(users["cangshuipu"])
    plan = importer.plan(ledger([row(village="不存在村", ability="很强")]))
    columns = [e["column"] for e in plan.error_dicts(importer.headers.values())]
    assert columns == ["所在村（社区）", "劳动能力"]  # as in the sheet, not as sorted text
