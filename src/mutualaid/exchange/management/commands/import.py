"""`mutualaid import FILE --group SLUG [--kind needs|offers] [--dry-run]`

Prints the column mapping, what would be created, and every row's problems with its line number.
Exits non-zero and writes nothing when any row has a problem; `--dry-run` never writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutualaid.exchange import importing
from mutualaid.groups.models import Group
from mutualaid.members.models import Membership, Role


class Command(BaseCommand):
    help = "Import needs or offers from a CSV or XLSX export (Google Forms, Sheets, Airtable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--group", required=True, help="the group's short name (slug)")
        parser.add_argument(
            "--kind",
            choices=["needs", "offers"],
            default=None,
            help="what the rows are (default: read from the headers, e.g. 'What can you offer?')",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be imported; write nothing"
        )
        parser.add_argument(
            "--visibility",
            choices=["coordinators", "group"],
            default="coordinators",
            help="who sees the imported posts (default: coordinators, who publish them one by one)",
        )
        parser.add_argument(
            "--as", dest="actor", default="", help="username of the coordinator recorded as importer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        group = Group.objects.filter(slug=options["group"]).first()
        if group is None:
            raise CommandError(f"No group with the short name {options['group']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            sheet = importing.read(path.read_bytes())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        kind = {"offers": "offer", "needs": "need"}.get(options["kind"] or "", "auto")
        plan = importing.plan_import(
            sheet, kind=kind, visibility=options["visibility"], filename=path.name, group=group
        )
        out = self.stdout
        out.write(f"{path.name}: {len(sheet.rows)} rows under the header on line {sheet.header_line}")
        out.write("Columns:")
        for header, target in zip(plan.headers, plan.mapping, strict=True):
            out.write(f"  {header or '(empty)'} -> {target}")
        for row in plan.rows:
            if row.skipped:
                out.write(f"  line {row.line}: skipped. {' '.join(row.notes)}")
                continue
            status = "PROBLEM" if row.problems else "ok"
            title = row.title or ", ".join(row.categories)
            quantity = (
                f" x{row.quantity}{' ' + row.unit if row.unit else ''}"
                if row.quantity > 1 or row.unit
                else ""
            )
            out.write(
                f"  line {row.line}: {status} {row.kind} [{', '.join(row.categories)}] "
                f"{' | '.join(row.titles) or title}{quantity}"
            )
            for note in row.notes:
                out.write(f"      note: {note}")
        for line, problem in plan.problems:
            self.stderr.write(f"line {line}: {problem}")
        out.write(f"Would create {plan.post_count} posts and {plan.contact_count} private contacts.")
        if plan.problems:
            raise CommandError(f"{len(plan.problems)} problem(s); nothing was imported.")
        if options["dry_run"]:
            out.write("Dry run: nothing was written.")
            return
        actor = self._actor(group, options["actor"])
        try:
            posts, contacts = importing.import_commit(group=group, actor=actor, plan=plan)
        except importing.ImportFlood as exc:
            raise CommandError(str(exc.args[0])) from None
        out.write(self.style.SUCCESS(f"Imported {posts} posts and {contacts} contacts into {group.slug}."))

    def _actor(self, group: Group, username: str) -> Any:
        coordinators = Membership.objects.filter(group=group, role=Role.COORDINATOR).select_related("user")
        if username:
            coordinators = coordinators.filter(user__username__iexact=username)
        membership = coordinators.order_by("pk").first()
        if membership is None:
            raise CommandError("The group has no such coordinator to record as the importer.")
        return membership.user
