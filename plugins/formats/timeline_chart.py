"""Timelines as inline SVG.

One horizontal bar per row, labelled by ``x`` on the left, from the date in
``y[0]`` to the date in ``y[1]`` (both days included), coloured by ``series``
(the legend at the top), on an axis of years, months or days, whichever gives
about :data:`DATE_TICKS` ticks or fewer. A row without both dates, ending
before it starts, or with an empty ``x`` or series is left out. A bar is at
least two pixels wide, so a one-day span shows. Labels are cut to
:data:`.svg.LABEL_COLUMNS`, the whole text as a tooltip.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from exchange.report import Chart, Table

from .markup import element, empty, escape
from .svg import (
    MARGIN,
    colour,
    label,
    label_text,
    legend,
    positions,
    series_label,
    svg_root,
    text_width,
    tooltip,
)
from .values import cell_text

PLOT_WIDTH = 640
"""Width of the time axis, in pixels."""

LABELS_WIDTH = 240
"""Most room the row labels take on the left, in pixels."""

ROW_HEIGHT = 22
SPAN_HEIGHT = 14
"""Pixels per row, and the height of a bar in it."""

DATE_TICKS = 8
"""About the most ticks on the axis."""


class Span(NamedTuple):
    """One bar of a timeline: a label, first and last day, series label."""

    name: str
    start: dt.date
    end: dt.date
    series: str


def day_of(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def timeline_data(chart: Chart, table: Table) -> list[Span]:
    """The rows of ``table`` a timeline can draw, in order."""
    x, start, end = (table.column(key) for key in (chart.x, *chart.y))
    x_type = table.columns[x].type
    spans = []
    for row in table.rows:
        first, last, series = day_of(row[start]), day_of(row[end]), series_label(chart, table, row)
        if row[x] is None or first is None or last is None or series is None or last < first:
            continue
        spans.append(Span(cell_text(row[x], x_type), first, last, series))
    return spans


_UNITS = (
    ("day", 1, 1),
    ("day", 7, 1),
    ("month", 1, 30.44),
    ("month", 3, 30.44),
    ("month", 6, 30.44),
    *(("year", step, 365.25) for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)),
)
"""Tick units: name, step and about how many days one step takes."""


def date_ticks(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """Axis ticks from ``first`` to ``last``: the first days of years, months or
    days, evenly spaced, about :data:`DATE_TICKS` of them or fewer, each with its label."""
    days = (last - first).days
    unit, step = next((u, s) for u, s, length in _UNITS if days / (s * length) <= DATE_TICKS)
    if unit == "day":
        days_on = (first + dt.timedelta(days=k * step) for k in range(days // step + 1))
        return [(day, day.isoformat()) for day in days_on]
    ticks = []
    month = first.year * 12 + first.month - 1
    month += -month % (step * (12 if unit == "year" else 1))
    while month // 12 <= dt.MAXYEAR:
        day = dt.date(month // 12, month % 12 + 1, 1)
        if day > last:
            break
        if day >= first:
            ticks.append((day, f"{day.year}" if unit == "year" else f"{day:%Y-%m}"))
        month += step * (12 if unit == "year" else 1)
    return ticks


class Scale(NamedTuple):
    """Where days go: the axis starts at pixel ``left`` on day ``first`` and
    gives :data:`PLOT_WIDTH` pixels to ``days`` days."""

    left: float
    first: dt.date
    days: int

    def at(self, day: dt.date) -> float:
        """The pixel where ``day`` starts."""
        return self.left + PLOT_WIDTH * (day - self.first).days / self.days

    def end(self, day: dt.date) -> float:
        """The pixel where ``day`` ends."""
        return self.at(day) + PLOT_WIDTH / self.days


def timeline_svg(chart: Chart, table: Table) -> str | None:
    """A timeline of ``chart``, or ``None`` without a row to draw."""
    spans = timeline_data(chart, table)
    if not spans:
        return None
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    widest = max(text_width(label_text(span.name)) for span in spans)
    scale = Scale(MARGIN + min(widest, LABELS_WIDTH) + 8, first, (last - first).days + 1)
    colours = positions([span.series for span in spans])
    key, key_height = legend(
        list(colours) if chart.series is not None else [], scale.left, MARGIN, PLOT_WIDTH
    )
    top = MARGIN + key_height + 4
    bottom = top + len(spans) * ROW_HEIGHT
    right = scale.left + PLOT_WIDTH
    return svg_root(
        right + MARGIN,
        bottom + 16 + MARGIN,
        chart.title,
        key,
        _date_axis(scale, date_ticks(first, last), top, bottom),
        *_span_marks(spans, scale, top, colours),
        empty("line", class_="axis", x1=scale.left, x2=right, y1=bottom, y2=bottom),
    )


def _date_axis(scale: Scale, ticks: list[tuple[dt.date, str]], top: float, bottom: float) -> str:
    """A grid line from ``top`` to ``bottom`` at each tick, its label below."""
    return element(
        "g",
        *(
            element(
                "g",
                empty("line", x1=scale.at(day), x2=scale.at(day), y1=top, y2=bottom),
                element("text", escape(text), x=scale.at(day), y=bottom + 16, text_anchor="middle"),
                class_="tick",
            )
            for day, text in ticks
        ),
        class_="axis-x",
    )


def _span_marks(spans: list[Span], scale: Scale, top: float, colours: dict[str, int]) -> list[str]:
    """The row labels and one ``rect.span`` per row, with its tooltip."""
    names, bars = [], []
    for index, span in enumerate(spans):
        y = top + index * ROW_HEIGHT + (ROW_HEIGHT - SPAN_HEIGHT) / 2
        x = scale.at(span.start)
        hint = f"{span.name}: {span.start.isoformat()} – {span.end.isoformat()}"
        bars.append(
            element(
                "rect",
                tooltip(f"{hint} ({span.series})" if span.series else hint),
                class_="span",
                x=x,
                y=y,
                width=max(2.0, scale.end(span.end) - x),
                height=SPAN_HEIGHT,
                rx=2,
                fill=colour(colours[span.series]),
            )
        )
        names.append(label(span.name, scale.left - 6, y + SPAN_HEIGHT - 3, text_anchor="end"))
    return [element("g", *names, class_="labels"), element("g", *bars, class_="spans")]
