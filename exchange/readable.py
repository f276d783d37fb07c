"""The readable form of an export: what a clerk opens in Excel, and what ``import``
reads back.

Its headers are the import columns' own (``教师姓名, 工号, 所在学校`` in Chinese,
``name, ref, school`` in English), a linked record is named by its ref (a school or
partnership without one by its name, anything else by its id), vocabulary by its
word in the language asked for (在岗, 支教), yes/no as 是/否, lists joined with 、,
and money in yuan. There is no id column, and no archived flag: importing the file
into another store adds its records there, and into the same store changes nothing.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .enums import Term
from .fields import is_personal
from .importing.columns import Column as ImportColumn
from .importing.columns import columns, importable
from .importing.links import Link
from .lookups import chunks, display_name, lookup
from .report import Column, Report, Table

if TYPE_CHECKING:
    from .models import Record
    from .tracker import Tracker

_TYPES = {"money": "money", "date": "date", "int": "int"}


def readable_columns(cls: type[Record], *, with_personal: bool = False) -> list[ImportColumn]:
    """The import columns a readable export of ``cls`` writes: each field once (a link
    by ref, not by id), the personal fields only ``with_personal``."""
    fields = attrs.fields_dict(cls)
    return [
        c
        for c in columns(cls)
        if not (isinstance(c.read, Link) and c.read.ids_only)
        and (with_personal or not is_personal(fields[c.field]))
        and c.field != "archived"
    ]


def heading(column: ImportColumn, lang: str) -> str:
    """A column's first header in ``lang`` (import reads every one of them)."""
    return column.chinese[0] if lang == "zh" and column.chinese else column.english[0]


def readable_report(
    tracker: Tracker, kind: type[Record] | str, *, lang: str, with_personal: bool = False
) -> Report:
    """Every record of ``kind`` (archived included) in the readable form, in ``lang``;
    the personal fields only ``with_personal``, which the change log records as
    :func:`~exchange.exporting.export_report` does."""
    cls = importable(kind)
    chosen = readable_columns(cls, with_personal=with_personal)
    fields = attrs.fields_dict(cls)
    personal = [c.field for c in chosen if is_personal(fields[c.field])]
    if personal:
        tracker.log_disclosure(cls, personal, {})
    table = Table(
        name=cls.table,
        columns=[
            Column(
                key=c.field,
                label=heading(c, lang),
                type=_TYPES.get(fields[c.field].metadata["kind"], "text"),
            )
            for c in chosen
        ],
        rows=lambda: _rows(tracker, cls, chosen, lang),
    )
    parameters = {"record type": cls.table, "redacted": not with_personal, "form": "readable"}
    return Report(title=cls.table, parameters=parameters, tables=[table], head=tracker.head())


def _rows(
    tracker: Tracker, cls: type[Record], chosen: list[ImportColumn], lang: str
) -> Iterator[list[Any]]:
    for chunk in chunks(tracker.find(cls, include_archived=True)):
        named = {
            c.field: lookup(tracker, c.read.target, (getattr(r, c.field) for r in chunk))
            for c in chosen
            if isinstance(c.read, Link)
        }
        for record in chunk:
            yield [
                _linked(c.read, getattr(record, c.field), named[c.field])
                if isinstance(c.read, Link)
                else _cell(getattr(record, c.field), lang)
                for c in chosen
            ]


def _linked(link: Link, value: int | None, found: dict[int, Any]) -> Any:
    """How import names the linked record: its ref, else (if import takes names) its
    name, else its id."""
    target = None if value is None else found.get(value)
    if target is None:
        return "" if value is None else value
    return target.ref or (link.names and display_name(target)) or value


def _cell(value: Any, lang: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, Term):
        return value.zh if lang == "zh" else value.value
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, tuple | list):
        return "、".join(str(_cell(part, lang)) for part in value)
    if isinstance(value, decimal.Decimal | dt.date | int | str):
        return value
    return str(value)
