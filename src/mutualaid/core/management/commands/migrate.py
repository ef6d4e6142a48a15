from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DatabaseError

from mutualaid.core.operations import explain_database_error


class Command(DjangoMigrate):
    help = "Create or update the database tables, including the shared cache table."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            super().handle(*args, **options)
            call_command("createcachetable", database=options["database"], verbosity=0)
        except DatabaseError as exc:
            explained = explain_database_error(exc)
            if explained is None:
                raise
            raise CommandError(explained) from None
