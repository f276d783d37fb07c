"""Built-in report formats: ``json``, ``table``, ``csv``, ``markdown``, ``html`` and ``xlsx``.

Each format is a pure function ``render_X(report, stream)`` in a module of its
own; :mod:`.values` holds the cell rules the formats share, among them
:func:`label`, where enum members and booleans become words. ``xlsx`` writes
bytes and imports openpyxl (the ``xlsx`` extra) only when it renders. ``html``
writes one self-contained page; its markup helpers are in :mod:`.markup` and
its SVG charts in :mod:`.charts` and :mod:`.svg`. Every format but ``csv``
shows the change-log head a report carries (:func:`head_line`).
"""

from __future__ import annotations

from exchange import hookimpl
from exchange.registry import FormatSpec, Registry

from .csv_format import csv_safe, render_csv
from .html_format import render_html
from .json_format import render_json
from .markdown_format import render_markdown
from .table_format import render_table
from .values import cell_text, display_width, head_line, label
from .xlsx_format import render_xlsx

__all__ = [
    "cell_text",
    "csv_safe",
    "display_width",
    "head_line",
    "label",
    "register_formats",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_table",
    "render_xlsx",
]


@hookimpl(trylast=True)
def register_formats(registry: Registry[FormatSpec]) -> None:
    """``json`` (one object), ``table`` (aligned text for a terminal), ``csv``
    (RFC 4180, formula-injection safe), ``markdown`` (GitHub pipe tables),
    ``html`` (one self-contained page with SVG charts) and ``xlsx`` (an Excel
    workbook, one typed worksheet per table)."""
    for spec in (
        FormatSpec(
            name="json", render=render_json, extension="json", description="one JSON object"
        ),
        FormatSpec(
            name="table",
            render=render_table,
            extension="txt",
            description="aligned text columns for a terminal",
        ),
        FormatSpec(
            name="csv",
            render=render_csv,
            extension="csv",
            description="comma-separated values, safe to open in a spreadsheet",
        ),
        FormatSpec(
            name="markdown",
            render=render_markdown,
            extension="md",
            description="GitHub Markdown: headings and pipe tables",
        ),
        FormatSpec(
            name="html",
            render=render_html,
            extension="html",
            description="one self-contained HTML page: tables and SVG charts, no network",
        ),
        FormatSpec(
            name="xlsx",
            render=render_xlsx,
            extension="xlsx",
            binary=True,
            description="Excel workbook: one worksheet per table, typed cells (needs openpyxl)",
        ),
    ):
        registry.add(spec)
