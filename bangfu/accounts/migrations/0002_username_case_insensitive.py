import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_case_duplicates(apps, schema_editor):
    """Name the usernames that differ only in case, which the new constraint cannot hold."""
    User = apps.get_model("accounts", "User")
    clashes = (
        User.objects.annotate(folded=Lower("username"))
        .values("folded")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("folded", flat=True)
    )
    if clashes:
        names = User.objects.annotate(folded=Lower("username")).filter(folded__in=list(clashes))
        raise RuntimeError(
            "Usernames differing only in case must be renamed before this migration: "
            + ", ".join(sorted(names.values_list("username", flat=True)))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("regions", "0002_alter_region_region_code_12_digits"),
    ]

    operations = [
        migrations.RunPython(refuse_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="A user with that username already exists.",
            ),
        ),
    ]
