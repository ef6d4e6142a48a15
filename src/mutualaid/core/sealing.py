"""Sealing columns that used to hold clear text, for data migrations (`RunPython(seal(...), unseal(...))`).

Values already sealed (`v1:` prefix) are left alone, so a migration interrupted and run again is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mutualaid.core import encryption

BATCH = 500


def _rewrite(schema_editor: Any, table: str, column: str, change: Callable[[str], str]) -> None:
    quote = schema_editor.connection.ops.quote_name
    t, c = quote(table), quote(column)
    last: Any = None
    with schema_editor.connection.cursor() as cursor:
        while True:
            where = "WHERE id > %s " if last is not None else ""
            cursor.execute(
                f"SELECT id, {c} FROM {t} {where}ORDER BY id LIMIT %s",  # noqa: S608 - names from the models
                [*([last] if last is not None else []), BATCH],
            )
            rows = cursor.fetchall()
            for pk, value in rows:
                last = pk
                new = change(value or "")
                if new != (value or ""):
                    cursor.execute(f"UPDATE {t} SET {c} = %s WHERE id = %s", [new, pk])  # noqa: S608
            if len(rows) < BATCH:
                return


def _each_column(
    table: str, columns: tuple[str, ...], change: Callable[[str, str], str]
) -> Callable[[Any, Any], None]:
    """A RunPython function rewriting every value of `columns` as ``change(value, context)``."""

    def run(apps: Any, schema_editor: Any) -> None:
        for column in columns:
            context = f"{table}.{column}"
            _rewrite(schema_editor, table, column, lambda v, context=context: change(v, context))  # type: ignore[misc]

    return run


def seal(table: str, *columns: str) -> Callable[[Any, Any], None]:
    return _each_column(
        table,
        columns,
        lambda v, context: (
            v if not v or v.startswith(f"{encryption.PREFIX}:") else encryption.encrypt(v, context=context)
        ),
    )


def unseal(table: str, *columns: str) -> Callable[[Any, Any], None]:
    return _each_column(
        table,
        columns,
        lambda v, context: (
            (encryption.decrypt(v, context=context) or "") if v.startswith(f"{encryption.PREFIX}:") else v
        ),
    )
