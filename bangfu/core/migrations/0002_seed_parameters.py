"""Default policy parameters from the documents in DOMAIN.md (editable data, not constants)."""

import datetime
from decimal import Decimal

from django.db import migrations

HUNAN_2018 = "湖南省扶贫车间认定标准（2018）"
DYNAMIC = "就业帮扶车间动态管理（监测待处置期 6 个月）"

PARAMETERS = [
    ("recognition.factory.min_floor_area", "100", "43", HUNAN_2018, "厂房式车间面积 ≥ 100 m²"),
    ("recognition.factory.min_positions", "15", "43", HUNAN_2018, "厂房式车间岗位 ≥ 15 个"),
    ("recognition.factory.min_poor_laborers", "5", "43", HUNAN_2018, "吸纳脱贫劳动力 ≥ 5 人"),
    ("recognition.home.min_poor_laborers", "5", "43", HUNAN_2018, "居家式吸纳脱贫劳动力 ≥ 5 人"),
    ("workshop.watch_grace_months", "6", "", DYNAMIC, "监测待处置宽限期（月）"),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("core", "Parameter")
    for key, value, prefix, source, note in PARAMETERS:
        Parameter.objects.get_or_create(
            key=key,
            region_prefix=prefix,
            effective_from=datetime.date(2018, 1, 1),
            defaults={"value": Decimal(value), "source": source, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
