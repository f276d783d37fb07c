"""Records fetched by id in batches, and the names shown beside links in lists."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .models import Record, record_type
from .query import one_of
from .report import Column, Table

if TYPE_CHECKING:
    from .tracker import Tracker

R = TypeVar("R", bound="Record")
T = TypeVar("T")

BATCH = 500
"""How many ids one ``find`` asks for (or rows one chunk names) at a time."""


def chunks(items: Iterable[T]) -> Iterator[list[T]]:
    """``items`` read :data:`BATCH` at a time, so each chunk's links are looked up at once
    while the whole still streams."""
    source = iter(items)
    while chunk := list(itertools.islice(source, BATCH)):
        yield chunk


def batches(ids: Iterable[int | None]) -> Iterator[list[int]]:
    """The distinct ids given (``None`` left out), in order, :data:`BATCH` at a time."""
    wanted = sorted({i for i in ids if i is not None})
    for start in range(0, len(wanted), BATCH):
        yield wanted[start : start + BATCH]


def lookup(tracker: Tracker, cls: type[R], ids: Iterable[int | None]) -> dict[int, R]:
    """The records of type ``cls`` with these ids, fetched in batches (archived included)."""
    found: dict[int, R] = {}
    for batch in batches(ids):
        for record in tracker.find(cls, include_archived=True, id=one_of(*batch)):
            found[record.id or 0] = record
    return found


def display_name(record: Any) -> str:
    """What people call a record: its name, else its title, else its ref ('' if none)."""
    if record is None:
        return ""
    return str(getattr(record, "name", None) or getattr(record, "title", None) or record.ref or "")


def name_key(link: str) -> str:
    """The column naming what the link ``link`` points at: ``teacher_id`` → ``teacher``,
    ``confirmed_by`` → ``confirmed_by_name``."""
    return link.removesuffix("_id") if link.endswith("_id") else f"{link}_name"


def with_names(tracker: Tracker, cls: type[Any], table: Table) -> Table:
    """``table`` (one row per record of ``cls``) with, after each link column, a column
    holding the name of the record it links to; the names are fetched a chunk of rows
    at a time, so the rows still stream."""
    fields = attrs.fields_dict(cls)
    links = {
        i: record_type(fields[column.key].metadata["table"])
        for i, column in enumerate(table.columns)
        if column.key in fields and fields[column.key].metadata["kind"] == "link"
    }
    columns: list[Column] = []
    for i, column in enumerate(table.columns):
        columns.append(column)
        if i in links:
            columns.append(Column(key=name_key(column.key), label=name_key(column.key)))

    def rows() -> Iterator[list[Any]]:
        for chunk in chunks(table.rows):
            found = {
                i: lookup(tracker, kind, (row[i] for row in chunk)) for i, kind in links.items()
            }
            for row in chunk:
                yield _named(row, found)

    return Table(name=table.name, columns=columns, rows=rows)


def _named(row: Sequence[Any], found: dict[int, dict[int, Any]]) -> list[Any]:
    out: list[Any] = []
    for i, value in enumerate(row):
        out.append(value)
        if i in found:
            out.append(display_name(found[i].get(value)))
    return out
