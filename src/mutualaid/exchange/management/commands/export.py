"""`mutualaid export --group SLUG [--format csv|json] [--personal] [--output FILE]`

Personal fields (names, phones, e-mails, addresses, private notes) are left out unless --personal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.exchange import exporting
from mutualaid.groups.models import Group


class Command(BaseCommand):
    help = "Export a group's needs and offers to CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--group", required=True)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--personal", action="store_true", help="include personal fields")
        parser.add_argument("--output", default="", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        group = Group.objects.filter(slug=options["group"]).first()
        if group is None:
            raise CommandError(f"No group with the short name {options['group']!r}.")
        render = exporting.to_json if options["format"] == "json" else exporting.to_csv
        text = render(group, personal=options["personal"])
        if options["personal"]:
            exporting.audit_export(reader=None, group=group, personal=True)  # type: ignore[arg-type]
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
