"""Records of one type as a report table, for export to CSV, JSON, XLSX or any format.

Every stored field becomes a column under its field name (so the file imports
back), except the fields declared personal (:func:`exchange.fields.is_personal`: a
teacher's phone and notes, the reason a secondment or pair ended, and the notes on a
mentee's goals and meetings and on an assessment): an export leaves them out unless
asked ``with_personal``, and then the change log records who read them out. Lists of
terms or words become one cell joined by ``, ``; nested values (extensions,
milestones, criteria) become JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .fields import is_personal
from .models import Record, record_type
from .report import Column, Report, Table

if TYPE_CHECKING:
    from .tracker import Tracker

_TYPES = {"money": "money", "date": "date", "int": "int", "id": "int", "link": "int"}


def exported_fields(cls: type[Record], *, with_personal: bool = True) -> list[attrs.Attribute[Any]]:
    """The fields an export of ``cls`` writes, in order: the personal ones only
    ``with_personal``."""
    return [f for f in attrs.fields(cls) if with_personal or not is_personal(f)]


def _cell(field: attrs.Attribute[Any], value: Any) -> Any:
    if field.metadata["kind"] != "json":
        return value
    if "encode" in field.metadata:
        return json.dumps(field.metadata["encode"](value), ensure_ascii=False)
    return tuple(str(getattr(v, "value", v)) for v in value)  # text joins it, JSON lists it


def records_table(
    cls: type[Record], records: Iterable[Record], fields: Sequence[str] | None = None
) -> Table:
    """A report table of ``records``, one column per field (every stored field by default)."""
    chosen = exported_fields(cls) if fields is None else [attrs.fields_dict(cls)[f] for f in fields]
    return _table(cls, records, chosen)


def _table(
    cls: type[Record],
    records: Iterable[Record] | Callable[[], Iterable[Record]],
    chosen: list[attrs.Attribute[Any]],
) -> Table:
    """``records`` as a table; given a function that finds them, the rows are found
    anew each time they are read, streaming."""
    columns = [
        Column(key=f.name, label=f.name, type=_TYPES.get(f.metadata["kind"], "text"))
        for f in chosen
    ]

    def rows(found: Iterable[Record]) -> Iterator[list[Any]]:
        return ([_cell(f, getattr(record, f.name)) for f in chosen] for record in found)

    if callable(records):
        source = records
        return Table(name=cls.table, columns=columns, rows=lambda: rows(source()))
    return Table(name=cls.table, columns=columns, rows=rows(records))


def export_report(
    tracker: Tracker, kind: type[Record] | str, *, with_personal: bool = False, **filters: Any
) -> Report:
    """Every record of ``kind`` matching ``filters`` (archived ones included), one row
    each, without the personal fields unless ``with_personal`` (which the change log
    records, with the tracker's actor); the report carries the change-log head read
    before the records."""
    cls = record_type(kind)
    chosen = exported_fields(cls, with_personal=with_personal)
    personal = [f.name for f in chosen if is_personal(f)]
    if personal:
        tracker.log_disclosure(cls, personal, filters)
    head = tracker.head()
    table = _table(cls, lambda: tracker.find(cls, include_archived=True, **filters), chosen)
    parameters = {"record type": cls.table, "redacted": not with_personal}
    return Report(title=cls.table, parameters=parameters, tables=[table], head=head)
