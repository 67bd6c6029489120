import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from bangfu.regions.models import Level, Region
from bangfu.regions.services import (
    check_code,
    create_region,
    import_regions,
    read_region_csv,
    update_region,
)

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code,aliases,synthetic,note\n"


def rows(text):
    return read_region_csv(HEADER + text)


def test_bundled_heshan_tree_is_loaded_with_aliases_and_synthetic_flags():
    heshan = Region.objects.get(code="430903000000")
    assert heshan.level == Level.COUNTY and heshan.parent is None
    assert heshan.children.count() == 17
    longling = Region.objects.get(code="430903402000")
    assert longling.alias_list == ["龙岭工业集中区", "龙岭工业园"]
    assert not longling.synthetic
    villages = Region.objects.filter(level=Level.VILLAGE)
    assert villages.count() == 69 and all(v.synthetic for v in villages)


@pytest.mark.parametrize(
    ("code", "level", "ok"),
    [
        ("430903000000", "county", True),
        ("430903105000", "township", True),
        ("430903105201", "village", True),
        ("430903105201", "township", False),  # a village code is not a township
        ("430903000000", "township", False),  # township group all zero
        ("43090310520", "village", False),  # 11 digits
        ("43090310520X", "village", False),
        ("430903105201", "hamlet", False),
    ],
)
def test_check_code_shapes(code, level, ok):
    assert (check_code(code, level) == []) is ok


def test_import_is_idempotent_and_counts_changes():
    text = "430903105299,演示新村,village,430903105000,,1,\n"
    first = import_regions(rows(text))
    assert (first.created, first.updated, first.unchanged) == (1, 0, 0)
    again = import_regions(rows(text))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    renamed = import_regions(rows(text.replace("演示新村", "演示新村二")))
    assert renamed.updated == 1
    assert Region.objects.get(code="430903105299").name == "演示新村二"


def test_import_accepts_children_before_parents_in_the_file():
    text = (
        "430922100201,子村,village,430922100000,,1,\n430922100000,新镇,township,430922000000,,0,\n"
    )
    result = import_regions(rows(text))
    assert result.ok and result.created == 2
    assert Region.objects.get(code="430922100201").parent_id == "430922100000"


def test_a_village_whose_parent_is_missing_is_rejected():
    text = (
        "430903105000,沧水铺镇,township,430903000000,,0,\n"
        "430903106201,孤村,village,430903106000,,1,\n"
    )
    result = import_regions(rows(text))
    assert [line for line, _ in result.errors] == [3]


def test_import_is_all_or_nothing_and_names_the_row():
    text = (
        "430903105298,好村,village,430903105000,,1,\n"
        "4309031052,坏码,village,430903105000,,1,\n"
        "430903104201,错位村,village,430903105000,,1,\n"
    )
    result = import_regions(rows(text))
    assert not result.ok
    lines = sorted({line for line, _ in result.errors})
    assert lines == [3, 4]
    assert any("430903104201" in message for _, message in result.errors)
    assert not Region.objects.filter(code="430903105298").exists()
    assert result.created == 0


def test_import_reports_duplicate_codes_in_one_file():
    text = (
        "430903105297,甲村,village,430903105000,,1,\n430903105297,乙村,village,430903105000,,1,\n"
    )
    result = import_regions(rows(text))
    assert [line for line, _ in result.errors] == [3]


def test_a_file_without_the_required_columns_is_refused():
    with pytest.raises(ValidationError):
        read_region_csv("code,name\n1,2\n")


def test_import_regions_command_loads_another_county(tmp_path, capsys):
    path = tmp_path / "taojiang.csv"
    path.write_text(
        HEADER
        + "430922000000,桃江县,county,430900000000,,0,\n"
        + "430922100000,桃花江镇,township,430922000000,,0,\n",
        encoding="utf-8",
    )
    call_command("import_regions", str(path))
    assert Region.objects.get(code="430922100000").parent_id == "430922000000"


def test_import_regions_command_fails_cleanly_on_bad_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "123,坏,village,,,0,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_regions", str(path))


def test_create_region_only_inside_scope_and_with_permission(users):
    parent = Region.objects.get(code="430903105000")
    region = create_region(
        users["district"], code="430903105250", name="新建村", level="village", parent=parent
    )
    assert region.parent == parent
    with pytest.raises(PermissionDenied):  # township officers have no add permission
        create_region(
            users["cangshuipu"], code="430903105251", name="x", level="village", parent=parent
        )
    with pytest.raises(ValidationError):
        create_region(
            users["district"], code="430903104252", name="x", level="village", parent=parent
        )
    with pytest.raises(ValidationError):
        create_region(
            users["district"], code="430903105250", name="dup", level="village", parent=parent
        )


def test_update_region_changes_only_descriptive_fields(users):
    region = Region.objects.get(code="430903105201")
    update_region(users["district"], region, name="改名村", aliases="旧名", synthetic=True, note="")
    region.refresh_from_db()
    assert (region.name, region.alias_list) == ("改名村", ["旧名"])
    with pytest.raises(PermissionDenied):
        update_region(users["longling"], region, name="x", aliases="", synthetic=True, note="")


def test_a_region_inside_a_registered_one_needs_its_parent(users):
    """Without a parent a region would sit outside the tree yet inside a township's scope;
    only a code no registered region contains may be a top-level one."""
    with pytest.raises(ValidationError) as error:
        create_region(
            users["admin"], code="430903105295", name="孤村", level="village", parent=None
        )
    assert "430903105295" in str(error.value) and not Region.objects.filter(pk="430903105295")
    result = import_regions([{"code": "430903105296", "name": "孤村", "level": "village"}])
    assert not result.ok and not Region.objects.filter(pk="430903105296")
