"""What the SVG charts share: the ``<svg>`` element, colours, text size,
clipped labels, a legend, series labels.

Text is measured by estimate (no font metrics are available when the file is
written): :data:`CHARACTER` pixels per terminal column of
:func:`.values.display_width`, so a Chinese character counts about one em.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exchange.report import Chart, Table

from .markup import element, empty, escape
from .values import cell_text, clip, display_width, one_line

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
"""One colour per series value (Tableau 10), reused in turn past ten."""

FONT_SIZE = 12
"""Pixels, as set for ``svg text`` by the page's style sheet."""

CHARACTER = 0.55 * FONT_SIZE
"""Estimated width of one terminal column of text, in pixels."""

LABEL_COLUMNS = 24
"""Longest label drawn, in terminal columns; longer ones end in ``…``."""

SWATCH = 12
LEGEND_GAP = 18
LEGEND_ROW = 20
MARGIN = 10
"""Pixels around a drawing."""


def colour(index: int) -> str:
    """The colour of the ``index``-th series value."""
    return PALETTE[index % len(PALETTE)]


def label_text(text: str, columns: int = LABEL_COLUMNS) -> str:
    """``text`` on one line, cut to ``columns`` terminal columns."""
    return clip(one_line(text), columns)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated width of ``text`` in pixels at font size ``size``."""
    return display_width(text) * CHARACTER * size / FONT_SIZE


def tooltip(text: str) -> str:
    """An SVG ``<title>``: what a browser shows when the pointer rests on its parent."""
    return element("title", escape(text))


def label(text: str, x: float, y: float, **attributes: str | float | None) -> str:
    """A ``<text>`` with ``text`` clipped to :data:`LABEL_COLUMNS`; when clipped,
    the whole text is its tooltip."""
    shown = label_text(text)
    hint = tooltip(text) if shown != text else ""
    return element("text", hint + escape(shown), x=x, y=y, **attributes)


def legend(names: Sequence[str], x: float, y: float, width: float) -> tuple[str, float]:
    """A legend of one swatch per name, in rows that fit ``width``, starting at
    (``x``, ``y``); returns the markup and the height it takes (0 when no names)."""
    if not names:
        return "", 0
    items, left, top = [], x, y
    for index, name in enumerate(names):
        size = SWATCH + 4 + text_width(label_text(name)) + LEGEND_GAP
        if left > x and left + size > x + width:
            left, top = x, top + LEGEND_ROW
        swatch = empty("rect", x=left, y=top, width=SWATCH, height=SWATCH, fill=colour(index), rx=2)
        items.append(
            element(
                "g",
                swatch,
                label(name, left + SWATCH + 4, top + SWATCH - 1),
                class_="legend-item",
            )
        )
        left += size
    return element("g", *items, class_="legend"), top - y + LEGEND_ROW


def svg_root(width: float, height: float, title: str, *content: str) -> str:
    """An ``<svg>`` drawing of ``width`` by ``height`` pixels, titled ``title``
    for screen readers."""
    return element(
        "svg",
        *content,
        width=width,
        height=height,
        viewBox=f"0 0 {width:.0f} {height:.0f}",
        role="img",
        aria_label=title,
    )


def series_label(chart: Chart, table: Table, row: Sequence[Any]) -> str | None:
    """The label of ``row``'s series: ``""`` for a chart without series,
    ``None`` (leave the row out) when the cell is empty."""
    if chart.series is None:
        return ""
    index = table.column(chart.series)
    value = row[index]
    return None if value is None else cell_text(value, table.columns[index].type)


def positions(items: Sequence[str]) -> dict[str, int]:
    """Each distinct item and its position, in order of first appearance."""
    return {item: index for index, item in enumerate(dict.fromkeys(items))}
