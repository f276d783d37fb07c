"""Reports as data: a title, parameters and tables with typed columns.

A report is built by a ``ReportSpec`` and rendered by a ``FormatSpec``; both
come from plugins (``register_reports``, ``register_formats``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

import attrs


@attrs.frozen(kw_only=True)
class Column:
    """A column of a report table: a key, a heading and a type name
    (``text``, ``int``, ``money``, ``date``, ``percent``)."""

    key: str
    label: str
    type: str = "text"


def _columns(items: Iterable[Column]) -> tuple[Column, ...]:
    return tuple(items)


def _rows(items: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(row) for row in items)


@attrs.frozen(kw_only=True)
class Table:
    """Rows of values, one per column, plus optional totals."""

    name: str
    columns: tuple[Column, ...] = attrs.field(converter=_columns)
    rows: tuple[tuple[Any, ...], ...] = attrs.field(converter=_rows)
    totals: tuple[Any, ...] | None = None


def _tables(items: Iterable[Table]) -> tuple[Table, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class Report:
    """What a report computed; render it with :meth:`render`."""

    title: str
    parameters: dict[str, Any] = attrs.field(factory=dict)
    tables: tuple[Table, ...] = attrs.field(default=(), converter=_tables)

    def render(self, format: str, stream: IO[Any], *, plugins: Any = None) -> None:
        """Write the report to ``stream`` in a registered format (``json``, …)."""
        from .plugins import default_plugins

        (plugins or default_plugins()).formats.get(format).render(self, stream)

    def table(self, name: str) -> Table:
        """The table called ``name``."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)
