"""Inline SVG for a report's charts: grouped bars and timelines.

:func:`chart_svg` draws one :class:`~exchange.report.Chart` from its table, or
returns ``None`` when no row can be drawn, and the page says so instead. The
kinds are drawn by :mod:`.bar_chart` and :mod:`.timeline_chart` with the
shared pieces of :mod:`.svg`.

A row is drawn only when every column the chart uses is filled: a row with
``None`` in ``x``, a ``y`` or ``series`` is left out, as is a bar row whose
value is not a number or a timeline row without two dates or ending before it
starts. Labels are shown as their cells are (:func:`.values.cell_text`), on one
line and cut to :data:`.svg.LABEL_COLUMNS` with the whole text as a tooltip.
"""

from __future__ import annotations

from exchange.report import Chart, Table

from .bar_chart import bar_svg
from .timeline_chart import timeline_svg

__all__ = ["bar_svg", "chart_svg", "timeline_svg"]


def chart_svg(chart: Chart, table: Table) -> str | None:
    """``chart`` drawn from ``table`` as an ``<svg>`` element, or ``None`` when
    no row of ``table`` can be drawn."""
    if chart.kind == "timeline":
        return timeline_svg(chart, table)
    return bar_svg(chart, table)
