"""The SQL text for each stored type, built once from :func:`exchange.codec.columns`.

Rows are written with the values :func:`exchange.codec.to_row` gives (ISO text
for dates, cast in the statement), except flags, which PostgreSQL wants as
``boolean`` (:func:`params`); ``json`` columns are read back as their exact text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from exchange.backend import STORED_TYPES, too_large
from exchange.codec import Column, columns, per_type
from exchange.models import Stored

from ..sql import Table, quote

IDS_TABLE = "_exchange_ids"
"""The table holding the last id given out per table (see :mod:`.migrations`)."""

INT64 = range(-(2**63), 2**63)
"""What a ``bigint`` holds."""


def literal(text: str) -> str:
    """``text`` as a quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def nullable(column: Column) -> bool:
    """Whether the column may hold NULL (ids never do)."""
    return not column.required and column.kind != "id"


_TYPES = {
    "id": "bigint",
    "int": "bigint",
    "link": "bigint",
    "money": "bigint",
    "text": "text",
    "enum": "text",
    "bool": "boolean",
    "date": "date",
    "datetime": "timestamptz",
    "json": "json",
}
"""The SQL type each kind of field is stored as."""


@attrs.frozen
class Statements(Table):
    """Prepared SQL for one stored type.

    ``insert``, ``update`` and ``delete`` check links, refs and linking records
    in the statement itself and simply write nothing when a rule forbids it
    (the store then asks :mod:`.diagnose` why), so a refused write never aborts
    the transaction around it. Their parameters are named: ``c0`` (the id),
    ``c1`` … for the columns in order (see :func:`params`).
    """

    select: str
    """``SELECT <every column> FROM <table>``."""
    get: str
    insert: str
    """Gives the next id of the table; returns it, or no row if a link or the ref is refused."""
    update: str
    """Changes no row if the id is missing, the stored revision is not ``%(read)s`` (the
    one the record was read at), a link is refused or the ref is taken."""
    delete: str
    """Deletes no row if the id is missing or another record links to it."""
    copy: str
    """``COPY <table> (<every column>) FROM STDIN``."""
    flags: tuple[int, ...]
    """Positions of the ``boolean`` columns."""


def _read(column: Column) -> str:
    name = quote(column.name)
    return f"{name}::text" if column.kind == "json" else name


def _param(i: int, column: Column) -> str:
    return f"%(c{i})s::{_TYPES[column.kind]}"


def _allowed(cls: type[Stored], cols: tuple[Column, ...], *, updating: bool) -> list[str]:
    """Conditions a new row of ``cls`` must meet: its links exist and its ref is free."""
    out = []
    for i, column in enumerate(cols):
        value = _param(i, column)
        if column.kind == "link":
            found = f'EXISTS (SELECT 1 FROM {quote(column.table or "")} WHERE "id" = {value})'
            out.append(found if column.required else f"({value} IS NULL OR {found})")
        elif column.name == "ref":
            other = ' AND "id" <> %(c0)s::bigint' if updating else ""
            taken = f'SELECT 1 FROM {quote(cls.table)} WHERE "ref" = {value}{other}'
            out.append(f"({value} IS NULL OR NOT EXISTS ({taken}))")
    return out


def _unlinked(cls: type[Stored]) -> list[str]:
    """Conditions for deleting a ``cls`` record: no record of any type links to it."""
    return [
        f"NOT EXISTS (SELECT 1 FROM {quote(other.table)} "
        f"WHERE {quote(column.name)} = %(c0)s::bigint)"
        for other in STORED_TYPES
        for column in columns(other)
        if column.kind == "link" and column.table == cls.table
    ]


@per_type
def statements(cls: type[Stored]) -> Statements:
    """The SQL for ``cls`` (built on first use)."""
    cols = columns(cls)
    table = quote(cls.table)
    names = ", ".join(quote(c.name) for c in cols)
    read = ", ".join(_read(c) for c in cols)
    values = ", ".join(_param(i, c) for i, c in enumerate(cols) if i)
    sets = ", ".join(f"{quote(c.name)} = {_param(i, c)}" for i, c in enumerate(cols) if i)
    counter = (
        f'UPDATE {quote(IDS_TABLE)} SET "last_id" = "last_id" + 1 '
        f'WHERE "table_name" = {literal(cls.table)}'
    )
    return Statements(
        name=cls.__name__.lower(),
        table=table,
        columns=cols,
        select=f"SELECT {read} FROM {table}",
        get=f'SELECT {read} FROM {table} WHERE "id" = %s',
        insert=(
            f'WITH "next" AS ({" AND ".join([counter, *_allowed(cls, cols, updating=False)])} '
            f'RETURNING "last_id") INSERT INTO {table} ({names}) '
            f'SELECT "last_id", {values} FROM "next" RETURNING "id"'
        ),
        update=" AND ".join(
            [
                f'UPDATE {table} SET {sets} WHERE "id" = %(c0)s::bigint',
                *(
                    ['"revision" = %(read)s::bigint']
                    if "revision" in (c.name for c in cols)
                    else []
                ),
                *_allowed(cls, cols, updating=True),
            ]
        ),
        delete=" AND ".join([f'DELETE FROM {table} WHERE "id" = %(c0)s::bigint', *_unlinked(cls)]),
        copy=f"COPY {table} ({names}) FROM STDIN",
        flags=tuple(i for i, c in enumerate(cols) if c.kind == "bool"),
    )


def params(cls: type[Stored], row: Sequence[Any], where: str) -> dict[str, Any]:
    """A stored row as named statement parameters (``c0`` the id, ``c1`` …), flags as
    booleans, numbers checked to fit.

    A number beyond 64 bits is a :class:`BackendError` before anything is sent,
    as ``sqlite:`` refuses it.
    """
    out = list(row)
    for i in statements(cls).flags:
        if out[i] is not None:
            out[i] = bool(out[i])
    for value in out:
        if type(value) is int and value not in INT64:
            raise too_large(where)
    return {f"c{i}": value for i, value in enumerate(out)}
