import bangfu.core.phones
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_alter_position_headcount_alter_position_wage_max_and_more"),
    ]

    # the same varchar(20) column: only the model's state changes (no table rebuild on SQLite)
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="contact_phone",
                    field=bangfu.core.phones.PhoneField(
                        blank=True, max_length=20, verbose_name="contact phone"
                    ),
                ),
            ]
        ),
    ]
