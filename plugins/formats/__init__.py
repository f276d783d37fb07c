"""Built-in report formats: ``json``, ``table``, ``csv``, ``markdown``, ``html`` and ``xlsx``.

Each format is a pure function ``render_X(report, stream)`` in a module of its
own, registered by name and imported when it first renders; :mod:`.values` holds
the cell rules the formats share, among them :func:`label`, where enum members
and booleans become words. ``xlsx`` writes bytes and imports openpyxl (the
``xlsx`` extra) only when it renders. ``html`` writes one self-contained page;
its markup helpers are in :mod:`.markup` and its SVG charts in :mod:`.charts`
and :mod:`.svg`. Every format but ``csv`` shows the change-log head a report
carries (:func:`head_line`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exchange import hookimpl
from exchange.deferred import deferred, lazy_exports
from exchange.registry import FormatSpec, Registry

if TYPE_CHECKING:
    from .csv_format import csv_safe, render_csv
    from .html_format import render_html
    from .json_format import render_json, render_json_lines
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
    "render_json_lines",
    "render_markdown",
    "render_table",
    "render_xlsx",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "cell_text": "values",
        "csv_safe": "csv_format",
        "display_width": "values",
        "head_line": "values",
        "label": "values",
        "render_csv": "csv_format",
        "render_html": "html_format",
        "render_json": "json_format",
        "render_json_lines": "json_format",
        "render_markdown": "markdown_format",
        "render_table": "table_format",
        "render_xlsx": "xlsx_format",
    },
)
"""The functions above, each imported from its module when first read: registering the
formats imports none of them (see :mod:`exchange.deferred`)."""


BUILTIN_FORMATS = (
    FormatSpec(
        name="json",
        render=deferred("plugins.formats.json_format:render_json"),
        extension="json",
        description="one JSON object",
    ),
    FormatSpec(
        name="jsonl",
        render=deferred("plugins.formats.json_format:render_json_lines"),
        extension="jsonl",
        description="JSON lines: one object per row, keyed by column",
    ),
    FormatSpec(
        name="table",
        render=deferred("plugins.formats.table_format:render_table"),
        extension="txt",
        description="aligned text columns for a terminal",
    ),
    FormatSpec(
        name="csv",
        render=deferred("plugins.formats.csv_format:render_csv"),
        extension="csv",
        description="comma-separated values, safe to open in a spreadsheet",
    ),
    FormatSpec(
        name="markdown",
        render=deferred("plugins.formats.markdown_format:render_markdown"),
        extension="md",
        description="GitHub Markdown: headings and pipe tables",
    ),
    FormatSpec(
        name="html",
        render=deferred("plugins.formats.html_format:render_html"),
        extension="html",
        description="one self-contained HTML page: tables and SVG charts, no network",
    ),
    FormatSpec(
        name="xlsx",
        render=deferred("plugins.formats.xlsx_format:render_xlsx"),
        extension="xlsx",
        binary=True,
        description="Excel workbook: one worksheet per table, typed cells (needs openpyxl)",
    ),
)
"""The built-in formats, registered in this order by :func:`register_formats`."""


@hookimpl(trylast=True)
def register_formats(registry: Registry[FormatSpec]) -> None:
    """``json`` (one object), ``jsonl`` (an object per row), ``table`` (aligned text), ``csv``
    (RFC 4180, formula-injection safe), ``markdown`` (GitHub pipe tables),
    ``html`` (one self-contained page with SVG charts) and ``xlsx`` (an Excel
    workbook, one typed worksheet per table). Each module is imported when its format
    first renders."""
    for spec in BUILTIN_FORMATS:
        registry.add(spec)
