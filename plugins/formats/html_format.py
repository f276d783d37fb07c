"""The ``html`` format: one self-contained HTML5 page with tables and SVG charts.

The page needs nothing but itself: the style sheet is inline, charts are
inline ``<svg>`` (see :mod:`.charts`), there is no script, image, font or
link to load, and a Content-Security-Policy forbids loading any. It is
``<html lang="zh-CN">`` for a report in Chinese (``lang="en"`` otherwise),
so a browser picks Simplified Chinese glyphs, and its fonts start with
common CJK families (:data:`FONT_STACK`).

The report title is the page title and its ``<h1>``; the parameters follow as
a ``<dl>``. Each table is a ``<section>`` with its heading as ``<h2>``, the
charts drawn from it as ``<figure>`` elements (titled by ``<figcaption>``),
then the ``<table>``: column labels in ``<thead>``, rows in ``<tbody>``, the
totals row in ``<tfoot>``. Cells read as in the text formats
(:func:`.values.cell_text`); number columns (:func:`.values.right_aligned`)
have the class ``num`` and align right. A table without rows, or a chart
without anything to draw, says "No data" (the one phrase of the format's own,
through the report language's catalogue) instead.

A report that carries a change-log head says so last, in a ``<footer>``
(``change log head: HASH``, :func:`.values.head_line`), and names it in
``<meta name="change-log-head" content="HASH">`` for programs.

Every text from the report is escaped (:func:`.markup.escape`), so a name
such as ``<script>`` is shown as typed and never becomes markup; line breaks
inside a cell are kept (``white-space: pre-wrap``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from exchange import i18n
from exchange.report import Report, Table

from .charts import chart_svg
from .markup import element, escape
from .values import cell_text, head_line, right_aligned

NO_DATA = "No data"
"""Said where a table has no rows or a chart nothing to draw (translated)."""

FONT_STACK = (
    '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", sans-serif'
)
"""CSS ``font-family``: CJK families first, so Chinese text never falls back to boxes."""

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""Nothing may be loaded, nothing run; only the inline style sheet applies."""

STYLE = f"""
body {{ font-family: {FONT_STACK}; color: #1f2328; background: #fff;
  margin: 2rem; line-height: 1.5; }}
h1 {{ font-size: 1.6rem; margin: 0 0 .75rem; }}
h2 {{ font-size: 1.25rem; margin: 2rem 0 .5rem; }}
h1, h2, figcaption {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
.parameters {{ display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem;
  margin: 0 0 1rem; }}
.parameters dt {{ font-weight: bold; }}
.parameters dd {{ margin: 0; }}
table {{ border-collapse: collapse; margin: .5rem 0 1rem; }}
th, td {{ border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left;
  vertical-align: top; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 40em; }}
thead th {{ background: #f6f8fa; }}
tfoot td {{ font-weight: bold; background: #f6f8fa; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.no-data {{ color: #656d76; font-style: italic; }}
footer {{ margin-top: 2rem; color: #656d76; font-family: monospace; overflow-wrap: anywhere; }}
figure {{ margin: 1rem 0; max-width: 100%; overflow-x: auto; }}
figcaption {{ font-weight: bold; margin-bottom: .25rem; }}
svg {{ display: block; }}
svg text {{ font-size: 12px; fill: #1f2328; }}
svg .tick text {{ font-size: 11px; fill: #656d76; }}
svg .tick line {{ stroke: #eaeef2; }}
svg .axis {{ stroke: #8c959f; }}
svg .value {{ font-size: 10px; }}
@media print {{ figure {{ overflow: visible; }} body {{ margin: 0; }} }}
"""


def render_html(report: Report, stream: IO[str]) -> None:
    """Write ``report`` as one HTML page."""
    stream.write(html_page(report))


def html_page(report: Report) -> str:
    """``report`` as the text of an HTML5 document."""
    head = "\n".join(
        [
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            element("title", escape(report.title)),
            element("style", STYLE),
            *head_meta(report),
        ]
    )
    header = element("header", element("h1", escape(report.title)), parameters(report))
    main = element("main", *(table_section(report, table) for table in report.tables))
    body = "\n".join([header, main, *footer(report)])
    language = "zh-CN" if report.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n{head}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def head_meta(report: Report) -> list[str]:
    """``<meta name="change-log-head">`` when the report carries a head."""
    if report.head is None:
        return []
    return [f'<meta name="change-log-head" content="{escape(report.head)}">']


def footer(report: Report) -> list[str]:
    """A ``<footer>`` saying the change-log head, when the report carries one."""
    line = head_line(report)
    if line is None:
        return []
    return [element("footer", element("p", escape(line), class_="change-log-head"))]


def parameters(report: Report) -> str:
    """The report's parameters as a ``<dl>``; nothing when there are none."""
    if not report.parameters:
        return ""
    return element(
        "dl",
        *(
            element("dt", escape(str(key))) + element("dd", escape(cell_text(value)))
            for key, value in report.parameters.items()
        ),
        class_="parameters",
    )


def _no_data(report: Report) -> str:
    return escape(i18n.translator(report.lang)(NO_DATA))


def table_section(report: Report, table: Table) -> str:
    """A ``<section>`` for ``table``: its heading, its charts, the table itself."""
    figures = [
        element(
            "figure",
            element("figcaption", escape(chart.title)),
            chart_svg(chart, table) or element("p", _no_data(report), class_="no-data"),
            class_=f"chart chart-{chart.kind}",
        )
        for chart in report.charts
        if report.table(chart.table) is table
    ]
    return "\n" + element(
        "section",
        element("h2", escape(table.heading)),
        *figures,
        table_element(table, _no_data(report)),
        class_="report-table",
    )


def table_element(table: Table, no_data: str) -> str:
    """``table`` as a ``<table>``; a table without columns as a "no data" paragraph."""
    count = len(table.columns)
    if not count:
        return element("p", no_data, class_="no-data")
    right = right_aligned(table)

    def row(values: Sequence[Any]) -> str:
        cells = zip(values, table.columns, right, strict=True)
        return element(
            "tr",
            *(
                element("td", escape(cell_text(value, column.type)), class_="num" if r else None)
                for value, column, r in cells
            ),
        )

    head = element(
        "tr",
        *(
            element("th", escape(column.label), scope="col", class_="num" if r else None)
            for column, r in zip(table.columns, right, strict=True)
        ),
    )
    body = [row(values) for values in table.rows] or [
        element("tr", element("td", no_data, colspan=count, class_="no-data"))
    ]
    parts = [element("thead", head), element("tbody", *body)]
    if table.totals is not None:
        parts.append(element("tfoot", row(table.totals)))
    return element("table", *parts)
