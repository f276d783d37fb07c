"""The SQL text for each stored type, built once from :func:`exchange.codec.columns`."""

from __future__ import annotations

import attrs

from exchange.backend import no_field
from exchange.codec import Column, columns
from exchange.errors import InvalidRecord
from exchange.models import Stored


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@attrs.frozen
class Statements:
    """Prepared SQL for one stored type."""

    name: str
    """The type's name for messages, e.g. ``school``."""
    table: str
    """The quoted table name."""
    columns: tuple[Column, ...]
    select: str
    """``SELECT <every column> FROM <table>``."""
    get: str
    insert: str
    """Takes every column, ``id`` first (``NULL`` to assign the next id)."""
    update: str
    """Takes every column but ``id``, then ``id``, then (for records) the revision read."""
    delete: str

    def column(self, name: str) -> Column:
        """The column called ``name``; an unknown name is an InvalidRecord."""
        for column in self.columns:
            if column.name == name:
                return column
        raise InvalidRecord(no_field(self.name, name, (c.name for c in self.columns)))


_BUILT: dict[type[Stored], Statements] = {}


def statements(cls: type[Stored]) -> Statements:
    """The SQL for ``cls`` (built on first use)."""
    built = _BUILT.get(cls)
    if built is None:
        built = _BUILT[cls] = _build(cls)
    return built


def _build(cls: type[Stored]) -> Statements:
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
