"""The ``json`` format: the report as one JSON object, values kept as data; and
``jsonl``: one object per row.

The object is written as it is read: each table's rows one per line, inside
the indented object, so a table of any length takes the same memory.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import re
import secrets
from typing import IO, Any

from exchange.report import Report, Table

_SLOT = "\x00{token} {number}\x00"
"""Stands in the skeleton where a table's rows or totals go, written later; the
token, new for each rendering, keeps a report's own text from matching it."""


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _line(values: Any) -> str:
    return json.dumps([_plain(v) for v in values], ensure_ascii=False)


def render_json(report: Report, stream: IO[str]) -> None:
    """The report as one JSON object: ``title``, ``lang``, ``head`` (the change-log
    head, ``null`` for a report not made from a store), ``parameters``, ``tables``
    (each with ``name``, ``title``, ``columns``, ``rows``, ``totals``) and ``charts``.
    See docs/reports.md for the schema."""
    token = secrets.token_hex(8)
    text = json.dumps(skeleton(report, token), ensure_ascii=False, indent=2)
    start, end = json.dumps(_SLOT.format(token=token, number=0)).split(" 0")
    slot = re.escape(start + " ") + r"\d+" + re.escape(end)
    parts = re.split(slot, text)
    stream.write(parts[0])
    for number, table in enumerate(report.tables):
        _write_rows(table, stream, indent=" " * 8)
        stream.write(parts[2 * number + 1])
        totals = table.totals
        stream.write("null" if totals is None else _line(totals))
        stream.write(parts[2 * number + 2])
    stream.write("\n")


def render_json_lines(report: Report, stream: IO[str]) -> None:
    """Every row as one JSON object on a line of its own, keyed by column (``jq`` and
    pandas read it a line at a time); with several tables, each object also names its
    table under ``"table"``. Totals, titles and charts are left out."""
    several = len(report.tables) > 1
    for table in report.tables:
        keys = [column.key for column in table.columns]
        named = {"table": table.name} if several else {}
        for row in table.rows:
            item = named | {key: _plain(value) for key, value in zip(keys, row, strict=True)}
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")


def _write_rows(table: Table, stream: IO[str], *, indent: str) -> None:
    first = True
    for row in table.rows:
        stream.write(("[\n" if first else ",\n") + indent + _line(row))
        first = False
    stream.write("[]" if first else "\n" + indent[:-2] + "]")


def skeleton(report: Report, token: str) -> dict[str, Any]:
    """The report object with a placeholder where each table's rows and totals go."""
    return {
        "title": report.title,
        "lang": report.lang,
        "head": report.head,
        "parameters": {k: _plain(v) for k, v in report.parameters.items()},
        "tables": [
            {
                "name": t.name,
                "title": t.heading,
                "columns": [{"key": c.key, "label": c.label, "type": c.type} for c in t.columns],
                "rows": _SLOT.format(token=token, number=2 * number),
                "totals": _SLOT.format(token=token, number=2 * number + 1),
            }
            for number, t in enumerate(report.tables)
        ],
        "charts": [
            {"title": c.title, "kind": c.kind, "table": c.table, "x": c.x, "y": list(c.y)}
            | {"series": c.series}
            for c in report.charts
        ],
    }
