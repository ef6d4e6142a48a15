"""Every summary row has its month once 0005 has rebuilt them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("insights", "0005_rebuild_figures_by_month")]

    operations = [
        migrations.AlterField(model_name="durationfigure", name="month", field=models.DateField()),
        migrations.AlterField(model_name="postfigure", name="month", field=models.DateField()),
    ]
