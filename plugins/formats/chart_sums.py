"""Charts of tables too long to draw row by row, summed while the rows stream past.

A page cannot draw a million bars. When a table has more rows than the HTML
page shows (:data:`.html_format.ROW_LIMIT`), each of its charts is drawn from
sums taken over every row instead, in memory that does not grow with the rows:

- a ``timeline`` becomes bars of how many rows were running in each month
  (each year when the spans cover more than :data:`MONTHS` months), one bar
  per series value;
- a ``bar`` chart sums its ``y`` per ``x`` value and series as before, for at
  most :data:`GROUPS` distinct ``x`` values (the first met); rows of later
  values are left out of the chart and its title says so.

:meth:`summary` gives a small table and a bar :class:`~exchange.report.Chart`
over it, which :func:`.bar_chart.bar_svg` draws.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from exchange.i18n import localize, message
from exchange.report import Chart, Column, Table

from .bar_chart import add_numbers
from .timeline_chart import day_of
from .values import is_number

MONTHS = 48
"""Longest period, in months, drawn month by month; longer ones go by year."""

GROUPS = 40
"""Most ``x`` values a summed bar chart draws."""


def chart_sums(chart: Chart, table: Table, lang: str) -> TimelineSums | BarSums:
    """The summing reader for ``chart`` over ``table``."""
    kind = TimelineSums if chart.kind == "timeline" else BarSums
    return kind(chart, table, lang)


def _summary(
    chart: Chart, title: str, columns: list[Column], rows: list[tuple[Any, ...]]
) -> tuple[Table, Chart]:
    table = Table(name="sums", columns=columns, rows=rows)
    series = "series" if chart.series is not None else None
    return table, Chart(title=title, kind="bar", table="sums", x="x", y=("y",), series=series)


class TimelineSums:
    """Rows running per month and per year, by series (see the module docstring)."""

    def __init__(self, chart: Chart, table: Table, lang: str) -> None:
        self.chart, self.lang = chart, lang
        self.x, self.start, self.end = (table.column(key) for key in (chart.x, *chart.y))
        self.series = None if chart.series is None else table.column(chart.series)
        self.series_column = None if self.series is None else table.columns[self.series]
        self.month_steps: Counter[tuple[int, Any]] = Counter()
        self.year_steps: Counter[tuple[int, Any]] = Counter()
        self.count = 0

    def add(self, row: Sequence[Any]) -> None:
        """Count ``row`` from its first month to its last (left out when the timeline
        would leave it out)."""
        first, last = day_of(row[self.start]), day_of(row[self.end])
        series = "" if self.series is None else row[self.series]
        if row[self.x] is None or first is None or last is None or series is None:
            return
        if last < first:
            return
        self.count += 1
        for steps, (a, b) in (
            (self.month_steps, (_month(first), _month(last))),
            (self.year_steps, (first.year, last.year)),
        ):
            steps[a, series] += 1
            steps[b + 1, series] -= 1

    def summary(self) -> tuple[Table, Chart] | None:
        """Bars of rows running per period and series; ``None`` without any row."""
        if not self.count:
            return None
        months = [month for month, _ in self.month_steps]
        by_month = max(months) - min(months) <= MONTHS
        steps = self.month_steps if by_month else self.year_steps
        label = _month_label if by_month else str
        text = "{title}: rows running per month" if by_month else "{title}: rows running per year"
        title = localize(message(text, title=self.chart.title), self.lang)
        series_column = self.series_column or Column(key="series", label="series")
        columns = [
            Column(key="x", label="period"),
            _rekeyed(series_column, "series"),
            Column(key="y", label="rows", type="int"),
        ]
        return _summary(self.chart, title, columns, _running(steps, label))


def _rekeyed(column: Column, key: str) -> Column:
    return Column(key=key, label=column.label, type=column.type)


def _month(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_label(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def _running(steps: Counter[tuple[int, Any]], label: Any) -> list[tuple[Any, ...]]:
    """Per period and series, how many spans run then (the steps added up)."""
    periods = sorted({period for period, _ in steps})
    series = list(dict.fromkeys(name for _, name in steps))
    running: Counter[Any] = Counter()
    rows = []
    for period in range(periods[0], periods[-1]):
        for name in series:
            running[name] += steps.get((period, name), 0)
            if running[name]:
                rows.append((label(period), name, running[name]))
    return rows


class BarSums:
    """Sums of ``y`` per ``x`` value and series, for the first :data:`GROUPS` values."""

    def __init__(self, chart: Chart, table: Table, lang: str) -> None:
        self.chart, self.table, self.lang = chart, table, lang
        self.x, self.y = table.column(chart.x), table.column(chart.y[0])
        self.series = None if chart.series is None else table.column(chart.series)
        self.sums: dict[tuple[Any, Any], Any] = {}
        self.groups: set[Any] = set()
        self.left_out = 0

    def add(self, row: Sequence[Any]) -> None:
        """Add ``row``'s ``y`` to its bar (see the module docstring)."""
        x, value = row[self.x], row[self.y]
        series = "" if self.series is None else row[self.series]
        if x is None or series is None or not is_number(value):
            return
        if x not in self.groups:
            if len(self.groups) >= GROUPS:
                self.left_out += 1
                return
            self.groups.add(x)
        self.sums[x, series] = add_numbers(self.sums.get((x, series), 0), value)

    def summary(self) -> tuple[Table, Chart] | None:
        """The summed bars; ``None`` without any row."""
        if not self.sums:
            return None
        title = self.chart.title
        if self.left_out:
            text = "{title} (the first {groups} values only)"
            title = localize(message(text, title=title, groups=GROUPS), self.lang)
        columns = self.table.columns
        picked = [
            _rekeyed(columns[self.x], "x"),
            _rekeyed(columns[self.series or 0], "series"),
            _rekeyed(columns[self.y], "y"),
        ]
        rows = [(x, series, total) for (x, series), total in self.sums.items()]
        return _summary(self.chart, title, picked, rows)
