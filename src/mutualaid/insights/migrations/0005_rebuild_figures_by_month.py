"""Give the summary rows counted by week alone their month (`figures.rebuild`).

Not atomic: each group-week is rebuilt in its own transaction, a batch of weeks at a time, so a large
instance is not locked for the whole rebuild, and a migration that stops halfway (killed, power cut)
goes on from the first week still without a month when it is run again."""

from typing import Any

from django.db import migrations


def rebuild(apps: Any, schema_editor: Any) -> None:
    from mutualaid.insights import figures

    figures.rebuild(apps)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("insights", "0004_figures_by_month"),
        ("exchange", "0011_posttoken_walk"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]
