"""PeriodicRun moves from channels to core: state only, the table `channels_periodicrun` is kept."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_rate_counter"),
        ("channels", "0005_outbound_sending_since_and_gateway_id"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PeriodicRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=64)),
                        ("slot", models.CharField(max_length=32)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "channels_periodicrun",
                        "constraints": [
                            models.UniqueConstraint(
                                models.F("name"), models.F("slot"), name="periodic_once_per_slot"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
