import bangfu.core.phones
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_username_case_insensitive"),
    ]

    # the same varchar(20) column: only the model's state changes (no table rebuild on SQLite)
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="user",
                    name="phone",
                    field=bangfu.core.phones.PhoneField(
                        blank=True, max_length=20, verbose_name="phone"
                    ),
                ),
            ]
        ),
    ]
