import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """What a request asks and where it stands now live on its board post; the request keeps the SMS side."""

    dependencies = [("channels", "0003_intake_requests_to_board_posts")]

    operations = [
        *[
            migrations.RemoveField(model_name="intakerequest", name=name)
            for name in ("kind", "category", "area", "urgency", "details", "status", "last_activity_at", "closed_at")
        ],
        migrations.AlterField(
            model_name="intakerequest",
            name="post",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="sms_intake", to="exchange.post"),
        ),
    ]
