"""The ``json`` format: the report as one JSON object, values kept as data."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from typing import IO, Any

from exchange.report import Report


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    return value


def render_json(report: Report, stream: IO[str]) -> None:
    """The report as one JSON object: ``title``, ``lang``, ``head`` (the change-log
    head, ``null`` for a report not made from a store), ``parameters``, ``tables``
    (each with ``name``, ``title``, ``columns``, ``rows``, ``totals``) and ``charts``.
    See docs/reports.md for the schema."""
    data = {
        "title": report.title,
        "lang": report.lang,
        "head": report.head,
        "parameters": {k: _plain(v) for k, v in report.parameters.items()},
        "tables": [
            {
                "name": t.name,
                "title": t.heading,
                "columns": [{"key": c.key, "label": c.label, "type": c.type} for c in t.columns],
                "rows": [[_plain(v) for v in row] for row in t.rows],
                "totals": None if t.totals is None else [_plain(v) for v in t.totals],
            }
            for t in report.tables
        ],
        "charts": [
            {"title": c.title, "kind": c.kind, "table": c.table, "x": c.x, "y": list(c.y)}
            | {"series": c.series}
            for c in report.charts
        ],
    }
    json.dump(data, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
