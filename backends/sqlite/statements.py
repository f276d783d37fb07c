"""The SQL text for each stored type, built once from :func:`exchange.codec.columns`."""

from __future__ import annotations

import attrs

from exchange.codec import columns, per_type
from exchange.models import Stored

from ..sql import Table, quote


@attrs.frozen
class Statements(Table):
    """Prepared SQL for one stored type."""

    select: str
    """``SELECT <every column> FROM <table>``."""
    get: str
    insert: str
    """Takes every column, ``id`` first (``NULL`` to assign the next id)."""
    update: str
    """Takes every column but ``id``, then ``id``, then (for records) the revision read."""
    delete: str


@per_type
def statements(cls: type[Stored]) -> Statements:
    """The SQL for ``cls`` (built on first use)."""
    cols = columns(cls)
    table = quote(cls.table)
    names = ", ".join(quote(c.name) for c in cols)
    marks = ", ".join("?" for _ in cols)
    sets = ", ".join(f"{quote(c.name)} = ?" for c in cols[1:])
    return Statements(
        name=cls.__name__.lower(),
        table=table,
        columns=cols,
        select=f"SELECT {names} FROM {table}",
        get=f'SELECT {names} FROM {table} WHERE "id" = ?',
        insert=f"INSERT INTO {table} ({names}) VALUES ({marks})",
        update=f'UPDATE {table} SET {sets} WHERE "id" = ?'
        + (' AND "revision" = ?' if any(c.name == "revision" for c in cols) else ""),
        delete=f'DELETE FROM {table} WHERE "id" = ?',
    )
