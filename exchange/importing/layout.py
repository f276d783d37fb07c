"""How the rows under one header are read into record fields.

A :class:`Layout` is worked out once per header (a CSV file has one; JSON
records may differ) and then reads each row: the plain cells through their
cell readers, the linked records through a :class:`~exchange.importing.links.Resolver`.
Problems are collected as ``(header, message)`` pairs, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import InvalidRecord, NotFound
from ..i18n import message, table_noun
from ..models import Record
from . import EXTRA_CELLS, cells
from .columns import IGNORED, by_header, describe, label, normal, required
from .links import Link, Resolver
from .problems import said

Found = list[tuple[str | None, str]]
"""Problems of one row: the header at fault (or ``None``) and a message."""


class Layout:
    """The columns of one header: which field each fills and how its cells are read."""

    def __init__(self, kind: type[Record], keys: Iterable[str]) -> None:
        self.kind = kind
        self.problems: Found = []
        """What is wrong with the header itself."""
        self.usable = True
        """False when rows cannot be read at all (a required column is missing or doubled)."""
        self.plain: list[tuple[str, str, cells.Read | None, bool]] = []
        """Header, field, cell reader (``None`` for text kept as written), required."""
        self.linked: list[tuple[str, str, Link, bool]] = []
        self.headers: dict[str, str] = {}
        """Field → the header that fills it."""
        self.extra = False
        self._finders: tuple[Resolver | None, list[Callable[[Any], int]]] = (None, [])
        self._compile(keys)
        self.ref_key = self.headers.get("ref")
        names = sorted(self.headers, key=len, reverse=True)
        self._fields = re.compile(r"\b(" + "|".join(names) + r")\b") if names else None

    def _compile(self, keys: Iterable[str]) -> None:
        table, need, unknown = by_header(self.kind), set(required(self.kind)), []
        for key in keys:
            if key == EXTRA_CELLS:
                self.extra = True
                continue
            header = normal(key)
            if not header or header in IGNORED:
                continue
            column = table.get(header)
            if column is None:
                unknown.append(key)
            elif column.field in self.headers:
                other = self.headers[column.field]
                self.problems.append(
                    (
                        key,
                        message(
                            "fills {field} like column {other}; keep one",
                            field=column.field,
                            other=other,
                        ),
                    )
                )
                self.usable = False
            else:
                self.headers[column.field] = key
                needed = column.field in need
                if isinstance(column.read, Link):
                    self.linked.append((key, column.field, column.read, needed))
                else:
                    read = None if column.read is cells.text else column.read
                    self.plain.append((key, column.field, read, needed))
        for key in unknown:
            self.problems.append(
                (key, message("unknown column for {table}", table=table_noun(self.kind.table)))
            )
        if unknown:
            self.problems.append(
                (
                    None,
                    message(
                        "the {table} columns are: {columns}",
                        table=table_noun(self.kind.table),
                        columns=describe(self.kind),
                    ),
                )
            )
        for field in need - set(self.headers):
            self.problems.append(
                (None, message("the column {column} is missing", column=label(self.kind, field)))
            )
            self.usable = False

    @property
    def link_fields(self) -> list[str]:
        """The link fields this header fills."""
        return [field for _, field, _, _ in self.linked]

    def read(self, row: Mapping[str, Any], found: Found) -> dict[str, Any]:
        """The row's plain fields (links left out); blank cells are not given."""
        fields: dict[str, Any] = {}
        for key, field, read, need in self.plain:
            value = row.get(key)
            if value is None or (value.__class__ is str and (not value or value.isspace())):
                if need:
                    found.append((key, "is empty; a value is required"))
            elif read is None:  # text, kept as written
                fields[field] = value if value.__class__ is str else str(value)
            else:
                try:
                    fields[field] = read(value)
                except InvalidRecord as error:
                    found.append((key, said(error)))
        if self.extra and not cells.is_blank(row.get(EXTRA_CELLS)):
            found.append((None, message("cells with no header: {cells}", cells=row[EXTRA_CELLS])))
        return fields

    def resolve(
        self, row: Mapping[str, Any], resolver: Resolver, fields: dict[str, Any], found: Found
    ) -> None:
        """Add the ids of the records the row's link cells name to ``fields``."""
        if self._finders[0] is not resolver:
            self._finders = (resolver, [resolver.finder(link) for _, _, link, _ in self.linked])
        for (key, field, _, need), find in zip(self.linked, self._finders[1], strict=True):
            value = row.get(key)
            if value is None or (value.__class__ is str and (not value or value.isspace())):
                if need:
                    found.append((key, "is empty; a value is required"))
                continue
            try:
                fields[field] = find(value)
            except (InvalidRecord, NotFound) as error:
                found.append((key, said(error)))

    def blame(self, message: str) -> str | None:
        """The header of the first field a record's error message names, if any."""
        named = self._fields.search(message) if self._fields else None
        return self.headers[named.group(1)] if named else None


class Layouts:
    """The layout of each header met so far."""

    LIMIT = 100
    """Headers remembered (JSON records may each have their own)."""

    def __init__(self, kind: type[Record]) -> None:
        self.kind = kind
        self._known: dict[tuple[str, ...], Layout] = {}

    def of(self, row: Mapping[str, Any]) -> tuple[Layout, bool]:
        """The layout of the row's header, and whether it is met for the first time."""
        keys = tuple(row)
        layout = self._known.get(keys)
        if layout is not None:
            return layout, False
        if len(self._known) >= self.LIMIT:
            self._known.clear()
        layout = self._known[keys] = Layout(self.kind, keys)
        return layout, True
