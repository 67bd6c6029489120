from django.db import migrations

TYPES = [
    ("factory", "厂房式", "factory", 10),
    ("home", "居家式", "home", 20),
    ("farming", "种养殖", "factory", 30),
    ("commerce", "商贸", "factory", 40),
    ("tourism", "旅游", "factory", 50),
]


def seed(apps, schema_editor):
    WorkshopType = apps.get_model("workshops", "WorkshopType")
    for code, name, group, sort in TYPES:
        WorkshopType.objects.get_or_create(code=code, defaults={"name": name, "criteria_group": group, "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
