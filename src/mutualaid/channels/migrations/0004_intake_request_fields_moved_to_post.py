import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """What a request asks and where it stands now live on its board post; the request keeps the SMS side."""

    dependencies = [("channels", "0003_intake_requests_to_board_posts")]

    operations = [
        # A default only so that reversing this migration can re-add the column to existing rows;
        # reversing 0003 then copies each request's real category back from its post.
        migrations.AlterField(
            model_name="intakerequest",
            name="category",
            field=models.CharField(
                choices=[
                    ("food", "Food"),
                    ("housing", "Housing & eviction defense"),
                    ("legal", "Bail & legal support"),
                    ("disaster", "Disaster relief"),
                    ("defense", "Community defense"),
                    ("childcare", "Childcare"),
                    ("health", "Health care"),
                    ("transport", "Transportation"),
                    ("skills", "Skills & labour"),
                    ("supplies", "Supplies & goods"),
                    ("money", "Money"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=16,
            ),
        ),
        *[
            migrations.RemoveField(model_name="intakerequest", name=name)
            for name in (
                "kind",
                "category",
                "area",
                "urgency",
                "details",
                "status",
                "last_activity_at",
                "closed_at",
            )
        ],
        migrations.AlterField(
            model_name="intakerequest",
            name="post",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE, related_name="sms_intake", to="exchange.post"
            ),
        ),
    ]
