"""Rows by written-out queries, for the lookups every page makes.

Django builds and compiles the same small queries on every request (the member's user, their membership
and its group, the post a page shows): about 0.3 ms of CPU each for a lookup by an index
(bench/RESULTS-throughput.md). Here the SQL is written from the models' own field lists; every value goes
through the same converters as the ORM's (sealed fields decrypt, dates and booleans parse) and the
instances are built by `Model.from_db`, as the ORM builds them. Nothing is cached but the column lists:
every call reads the database, so a change made by any app server is seen at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]

_PLANS: dict[
    tuple[str, int, type[models.Model], str], tuple[str, list[str], list[tuple[Any, list[Converter]]], int]
] = {}
_PLANS_MAX = 1024


def _plan(
    db: str, model: type[models.Model], alias: str
) -> tuple[str, list[str], list[tuple[Any, list[Converter]]], int]:
    """The select list of `model`'s concrete columns under `alias`, their attribute names, each column's
    converters (the backend's, then the field's, in the order the ORM's compiler applies them) and the
    position of the primary key. Kept per connection object (a thread's own): the backend's converters
    are methods of that connection's operations."""
    connection = connections[db]
    key = (db, id(connection), model, alias)
    found = _PLANS.get(key)
    if found is None:
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        columns = ", ".join(f"{quote(alias)}.{quote(str(f.column))}" for f in fields)
        converters = []
        for f in fields:
            col = f.get_col(alias)
            converters.append(
                (col, [*connection.ops.get_db_converters(col), *f.get_db_converters(connection)])
            )
        pk = next(n for n, f in enumerate(fields) if f.primary_key)
        found = (columns, [f.attname for f in fields], converters, pk)
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        _PLANS[key] = found
    return found


def one_row(
    parts: Sequence[tuple[type[models.Model], str]], tail: str, params: Sequence[Any]
) -> list[Any] | None:
    """``SELECT <every column of each model under its alias> <tail>``: the first row as one instance per
    model (None for a model whose primary key came out NULL, as from a LEFT JOIN that found nothing), or
    None when there is no row. ``tail`` is SQL of ours (FROM, JOIN, WHERE, with %s parameters), never input."""
    found = _select(parts, tail, params, one=True)
    return found[0] if found else None


def many(
    parts: Sequence[tuple[type[models.Model], str]], tail: str, params: Sequence[Any]
) -> list[list[Any]]:
    """Every row of ``SELECT <every column of each model under its alias> <tail>``, each as in `one_row`."""
    return _select(parts, tail, params, one=False)


def _select(
    parts: Sequence[tuple[type[models.Model], str]], tail: str, params: Sequence[Any], *, one: bool
) -> list[list[Any]]:
    db = router.db_for_read(parts[0][0])
    connection = connections[db]
    plans = [_plan(db, model, alias) for model, alias in parts]
    sql = f"SELECT {', '.join(plan[0] for plan in plans)} {tail}"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        found = [row for row in [cursor.fetchone()] if row is not None] if one else cursor.fetchall()
    out: list[list[Any]] = []
    for row in found:
        instances: list[Any] = []
        at = 0
        for (model, _alias), (_columns, attnames, converters, pk) in zip(parts, plans, strict=True):
            values = list(row[at : at + len(attnames)])
            at += len(attnames)
            if values[pk] is None:
                instances.append(None)
                continue
            for n, (col, functions) in enumerate(converters):
                value = values[n]
                for function in functions:
                    value = function(value, col, connection)
                values[n] = value
            instances.append(model.from_db(db, attnames, values))
        out.append(instances)
    return out


def table(model: type[models.Model], alias: str) -> str:
    """``"table" "alias"`` for a FROM or JOIN clause."""
    quote = connections[router.db_for_read(model)].ops.quote_name
    return f"{quote(model._meta.db_table)} {quote(alias)}"


def first(model: type[M], where: dict[str, Any]) -> M | None:
    """The model's row whose columns equal ``where`` (column name → value), or None; at most one row read.

    Only for lookups by a unique key (as ``.filter(...).first()`` on it). Column names come from code."""
    quote = connections[router.db_for_read(model)].ops.quote_name
    condition = " AND ".join(f"{quote('t')}.{quote(column)} = %s" for column in where)
    found = one_row(
        [(model, "t")], f"FROM {table(model, 't')} WHERE {condition} LIMIT 1", list(where.values())
    )
    return None if found is None else found[0]


def exists(model: type[models.Model], where: dict[str, Any]) -> bool:
    """Whether a row of the model has these column values (column name → value)."""
    db = router.db_for_read(model)
    connection = connections[db]
    quote = connection.ops.quote_name
    condition = " AND ".join(f"{quote(column)} = %s" for column in where)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {quote(model._meta.db_table)} WHERE {condition} LIMIT 1",  # noqa: S608 - identifiers are ours; values are parameters
            list(where.values()),
        )
        return cursor.fetchone() is not None
