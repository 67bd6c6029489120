import bangfu.core.phones
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("labor", "0005_alter_employment_monthly_wage_and_more"),
    ]

    # the same varchar(20) column: only the model's state changes (no table rebuild on SQLite)
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="laborer",
                    name="phone",
                    field=bangfu.core.phones.PhoneField(
                        blank=True, max_length=20, verbose_name="phone"
                    ),
                ),
            ]
        ),
    ]
