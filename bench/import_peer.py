"""The peer reference: the same laborer ledger through django-import-export (a bench-only
dependency), with a ModelResource that does what the ledger importer does per row — resolve
the village, find or create the household, validate/encrypt/index the ID number, pinyin keys —
using its default row-by-row import in one transaction.

    python bench/import_peer.py LEDGER.xlsx   (DATABASE_URL / BANGFU_VAR_DIR as for bangfu)
"""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bangfu.settings")
django.setup()

import tablib  # noqa: E402
from import_export import fields, resources  # noqa: E402

from bangfu.core import pii  # noqa: E402
from bangfu.core.identity import validate_id_number  # noqa: E402
from bangfu.labor.models import Household, Laborer  # noqa: E402
from bangfu.labor.services import pinyin_keys, prepare_identity  # noqa: E402

CATEGORIES = {"监测户": "monitored", "脱贫户（继续享受政策）": "lifted_enjoying"}
MONITOR = {"脱贫不稳定户": "unstable", "": ""}
RISK = {"风险未消除": "not_cleared", "": ""}


class LaborerResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名")
    phone = fields.Field(attribute="phone", column_name="联系电话")
    skills = fields.Field(attribute="skills", column_name="技能")
    work_intention = fields.Field(attribute="work_intention", column_name="就业意愿")
    id_index = fields.Field(attribute="id_index", column_name="id_index")

    class Meta:
        model = Laborer
        fields = ("name", "phone", "skills", "work_intention", "id_index")
        import_id_fields = ("id_index",)

    def before_import_row(self, row, **kwargs):
        number = validate_id_number(row["身份证号"])
        row["id_index"] = pii.blind_index(number)
        row["技能"] = row["技能"] or ""
        self._number = number
        self._household, _created = Household.objects.get_or_create(
            region_id=str(row["所在村（社区）"]),
            head_name=row["户主姓名"],
            defaults={
                "category": CATEGORIES[row["户类别"]],
                "monitor_type": MONITOR[row["监测类型"] or ""],
                "risk_status": RISK[row["风险状态"] or ""],
            },
        )

    def before_save_instance(self, instance, row, **kwargs):
        instance.household = self._household
        instance.region_id = self._household.region_id
        for name, value in prepare_identity(self._number).items():
            setattr(instance, name, value)
        instance.name_pinyin, instance.name_initials = pinyin_keys(instance.name)
        instance.labor_ability, instance.education, instance.work_status = "full", "junior", "03"


def main(path):
    started = time.perf_counter()
    with open(path, "rb") as handle:
        sheet = tablib.Dataset().load(handle.read(), format="xlsx", headers=False)
    dataset = tablib.Dataset(*list(sheet)[2:], headers=list(sheet[1]))
    dataset.append_col([""] * len(dataset), header="id_index")  # filled per row (blind index)
    read = time.perf_counter() - started
    result = LaborerResource().import_data(dataset, dry_run=False, use_transactions=True)
    print(
        json.dumps(
            {
                "read_seconds": round(read, 2),
                "errors": len(result.row_errors()) + len(result.base_errors),
                "created": Laborer.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
