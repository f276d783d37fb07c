"""Grouped bar charts as inline SVG.

One group per distinct ``x`` label, in the order of first appearance, and
within it one bar per ``series`` label, each series in its own colour (the
legend at the top). Rows with the same ``x`` and series are added up; a row
with an empty ``x`` or series, or a ``y`` that is not a number, is left out,
and so is a sum past :data:`LARGEST`. The value axis starts at 0 (or below,
for negative values) and has a few round ticks; every bar carries a tooltip
with its value, and the value is printed above the bar when it fits. The
groups share :data:`PLOT_WIDTH`; many groups make the drawing wider, never the
bars narrower than :data:`BAR`, and the page scrolls it sideways. Group labels
too wide for their group are slanted; any label is cut to
:data:`.svg.LABEL_COLUMNS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

from exchange.report import Chart, Table

from .markup import element, empty, escape
from .svg import (
    FONT_SIZE,
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
from .values import cell_text, is_number

PLOT_HEIGHT = 240
"""Height of the plot area, in pixels."""

PLOT_WIDTH = 640
"""Least width of the plot area, in pixels."""

BAR = 14
"""Narrowest a bar gets, in pixels."""

WIDEST_BAR = 48
"""Widest a bar gets, in pixels."""

GROUP_GAP = 12
"""Pixels between two groups of bars."""

LARGEST = 1e300
"""Bars whose value is larger than this (or infinite) are left out: no scale holds them."""

SLANT = 40
"""Degrees group labels turn when they are too wide for their group."""

SLANT_SIN, SLANT_COS = math.sin(math.radians(SLANT)), math.cos(math.radians(SLANT))


class Bars(NamedTuple):
    """What a bar chart shows: group and series labels and each bar's total."""

    groups: dict[str, int]
    series: dict[str, int]
    values: dict[tuple[str, str], float]
    texts: dict[tuple[str, str], str]


def bar_data(chart: Chart, table: Table) -> Bars:
    """The bars of ``chart``: per (``x`` label, series label) the sum of ``y``."""
    x, y = table.column(chart.x), table.column(chart.y[0])
    x_type, y_type = table.columns[x].type, table.columns[y].type
    sums: dict[tuple[str, str], Any] = {}
    for row in table.rows:
        series = series_label(chart, table, row)
        if row[x] is None or series is None or not is_number(row[y]):
            continue
        key = (cell_text(row[x], x_type), series)
        sums[key] = add_numbers(sums.get(key, 0), row[y])
    sums = {key: total for key, total in sums.items() if abs(float(total)) <= LARGEST}
    return Bars(
        groups=positions([group for group, _ in sums]),
        series=positions([series for _, series in sums]),
        values={key: float(total) for key, total in sums.items()},
        texts={key: cell_text(total, y_type) for key, total in sums.items()},
    )


def add_numbers(total: Any, value: Any) -> Any:
    """``total + value``, in floats when either is one (a ``Decimal`` and a
    ``float`` do not add up)."""
    if isinstance(total, float) or isinstance(value, float):
        return float(total) + float(value)
    return total + value


class Frame(NamedTuple):
    """Where a bar chart's plot goes: its left and top edge, the width of a
    group and of a bar, the bars' offset in their group, the value range."""

    left: float
    top: float
    group: float
    bar: float
    offset: float
    low: float
    high: float
    groups: int

    @property
    def right(self) -> float:
        """The right edge of the plot."""
        return self.left + self.groups * self.group

    def level(self, value: float) -> float:
        """The height of ``value``, in pixels from the top of the drawing."""
        return self.top + PLOT_HEIGHT * (self.high - value) / (self.high - self.low)


def bar_svg(chart: Chart, table: Table) -> str | None:
    """A grouped bar chart of ``chart``, or ``None`` without numbers to draw."""
    bars = bar_data(chart, table)
    if not bars.values:
        return None
    y_type = table.columns[table.column(chart.y[0])].type
    ticks = value_ticks(min(bars.values.values()), max(bars.values.values()))
    tick_labels = [tick_text(tick, ticks[1] - ticks[0], y_type) for tick in ticks]
    frame = _frame(bars, ticks, tick_labels)
    names = list(bars.series) if chart.series is not None else []
    key, key_height = legend(names, frame.left, MARGIN, frame.right - frame.left)
    frame = frame._replace(top=MARGIN + key_height + FONT_SIZE + 4)
    labels, bottom = _group_labels(list(bars.groups), frame)
    zero = frame.level(0.0)
    return svg_root(
        frame.right + MARGIN,
        bottom + MARGIN,
        chart.title,
        key,
        _value_axis(frame, ticks, tick_labels),
        element("g", *_bar_marks(bars, frame), class_="bars"),
        empty("line", class_="axis", x1=frame.left, x2=frame.right, y1=zero, y2=zero),
        labels,
    )


def _frame(bars: Bars, ticks: list[float], tick_labels: list[str]) -> Frame:
    """The plot's frame, its top still to be set: room on the left for the tick
    labels and for the first slanted group label."""
    count = max(1, len(bars.series))
    group = max(count * BAR + GROUP_GAP, 3 * BAR, PLOT_WIDTH / len(bars.groups))
    bar = min((group - GROUP_GAP) / count, WIDEST_BAR)
    left = MARGIN + max(text_width(text, 11) for text in tick_labels) + 6
    widest = _widest(bars.groups)
    if widest > group - 4:  # slanted: the first label reaches left of its group
        left = max(left, MARGIN + widest * SLANT_COS - group / 2)
    return Frame(
        left, 0.0, group, bar, (group - count * bar) / 2, ticks[0], ticks[-1], len(bars.groups)
    )


def _value_axis(frame: Frame, ticks: list[float], texts: list[str]) -> str:
    """Grid lines and labels at the value ticks."""
    return element(
        "g",
        *(
            element(
                "g",
                empty("line", x1=frame.left, x2=frame.right, y1=frame.level(t), y2=frame.level(t)),
                element(
                    "text", escape(text), x=frame.left - 6, y=frame.level(t) + 4, text_anchor="end"
                ),
                class_="tick",
            )
            for t, text in zip(ticks, texts, strict=True)
        ),
        class_="axis-y",
    )


def _bar_marks(bars: Bars, frame: Frame) -> list[str]:
    """One ``rect.bar`` per bar with its tooltip, and its value where it fits."""
    marks = []
    for (name, series), value in bars.values.items():
        x = frame.left + bars.groups[name] * frame.group + frame.offset
        x += bars.series[series] * frame.bar
        top, bottom = sorted((frame.level(value), frame.level(0.0)))
        text = bars.texts[(name, series)]
        hint = f"{name} · {series}: {text}" if series else f"{name}: {text}"
        marks.append(
            element(
                "rect",
                tooltip(hint),
                class_="bar",
                x=x,
                y=top,
                width=frame.bar - 1,
                height=bottom - top,
                fill=colour(bars.series[series]),
            )
        )
        if text_width(text, 10) <= frame.bar + 2:
            y = top - 3 if value >= 0 else bottom + 11
            marks.append(
                element(
                    "text",
                    escape(text),
                    class_="value",
                    x=x + frame.bar / 2,
                    y=y,
                    text_anchor="middle",
                )
            )
    return marks


def _widest(names: Iterable[str]) -> float:
    return max(text_width(label_text(name)) for name in names)


def _group_labels(names: list[str], frame: Frame) -> tuple[str, float]:
    """The group labels under the plot, slanted when one is wider than a group;
    returns the markup and where it ends."""
    widest = _widest(names)
    slanted = widest > frame.group - 4
    texts = []
    y = frame.top + PLOT_HEIGHT + FONT_SIZE + 6
    for index, name in enumerate(names):
        x = frame.left + (index + 0.5) * frame.group
        texts.append(
            label(
                name,
                x,
                y,
                text_anchor="end" if slanted else "middle",
                transform=f"rotate(-{SLANT} {x:.1f} {y:.1f})" if slanted else None,
            )
        )
    depth = widest * SLANT_SIN + FONT_SIZE if slanted else 0.0
    return element("g", *texts, class_="axis-x"), y + depth


# -- value axis ------------------------------------------------------------------------


def nice_step(span: float, count: int = 5) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``count`` steps over ``span``."""
    raw = span / count if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop ends at 10


def value_ticks(low: float, high: float) -> list[float]:
    """Evenly spaced round values from at most ``low`` to at least ``high``,
    0 among them when it lies between; ``[0, 1]`` when both are 0."""
    low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        return [0.0, 1.0]
    step = nice_step(high - low)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [k * step for k in range(first, last + 1)]


def tick_text(value: float, step: float, type: str) -> str:
    """A tick's label: thousands separators, as many decimals as ``step`` needs,
    ``%`` for a ``percent`` column."""
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    text = f"{value + 0.0:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text + ("%" if type == "percent" else "")
