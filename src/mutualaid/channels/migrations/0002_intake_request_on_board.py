import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0001_sms_email_notifications_broadcasts"),
        ("exchange", "0004_post_search_sqlite_fts5"),
    ]

    operations = [
        migrations.AddField(
            model_name="intakerequest",
            name="post",
            # Nullable only until 0003 has put every existing request on the board; 0004 tightens it.
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sms_intake",
                to="exchange.post",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="sms_contacts",
                to="exchange.contact",
            ),
        ),
    ]
