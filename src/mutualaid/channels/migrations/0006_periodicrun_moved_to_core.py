"""PeriodicRun belongs to core now (the job machinery is infrastructure every app uses). The table
stays where it is; only Django's idea of which app owns the model changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0005_outbound_sending_since_and_gateway_id"),
        ("core", "0005_periodicrun_from_channels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PeriodicRun")],
            database_operations=[],
        ),
    ]
