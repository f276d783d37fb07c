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

A page shows at most :data:`ROW_LIMIT` rows of a table (1,000; the
``row_limit`` argument of :func:`render_html` changes it): a longer table
shows its first rows, then says, in the report's language, how many were left
out and that the ``csv`` and ``xlsx`` formats have them all; its charts are
drawn from sums over every row instead of one mark per row (a timeline
becomes rows running per month or year, :mod:`.chart_sums`). Totals stay
those of the whole table. So the page stays small, and the rows are read
once, never held, whatever the data.

Every text from the report is escaped (:func:`.markup.escape`), so a name
such as ``<script>`` is shown as typed and never becomes markup; line breaks
inside a cell are kept (``white-space: pre-wrap``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import IO, Any

import attrs

from exchange import i18n
from exchange.i18n import localize, message
from exchange.report import Chart, Report, Table

from .chart_sums import BarSums, TimelineSums, chart_sums
from .charts import chart_svg
from .markup import element, escape
from .values import cell_text, head_line, right_aligned

ROW_LIMIT = 1000
"""Most rows of a table a page shows; past it the page says how many were left
out and how to get them all, and the charts are drawn from sums over every row
(:mod:`.chart_sums`), so the page stays small whatever the data."""

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
.no-data, .rows-left-out {{ color: #656d76; font-style: italic; }}
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


def render_html(report: Report, stream: IO[str], *, row_limit: int = ROW_LIMIT) -> None:
    """Write ``report`` as one HTML page, at most ``row_limit`` rows per table."""
    stream.write(html_page(report, row_limit=row_limit))


def html_page(report: Report, *, row_limit: int = ROW_LIMIT) -> str:
    """``report`` as the text of an HTML5 document (see the module docstring)."""
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
    sections = (table_section(report, table, row_limit) for table in report.tables)
    main = element("main", *sections)
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


def table_section(report: Report, table: Table, row_limit: int = ROW_LIMIT) -> str:
    """A ``<section>`` for ``table``: its heading, its charts, the table itself
    (its first ``row_limit`` rows, and a note of how many were left out)."""
    charts = [chart for chart in report.charts if report.table(chart.table) is table]
    reading = Reading(table, charts, report.lang, row_limit)
    shown = attrs.evolve(table, rows=reading.shown)
    figures = [
        element(
            "figure",
            element("figcaption", escape(title)),
            drawn or element("p", _no_data(report), class_="no-data"),
            class_=f"chart chart-{kind}",
        )
        for kind, title, drawn in reading.figures(shown)
    ]
    return "\n" + element(
        "section",
        element("h2", escape(table.heading)),
        *figures,
        table_element(shown, _no_data(report)),
        *left_out(reading, report.lang),
        class_="report-table",
    )


def left_out(reading: Reading, lang: str) -> list[str]:
    """A note of the rows not shown and how to get them; nothing when all are shown."""
    if reading.count <= len(reading.shown):
        return []
    note = message(
        "{count} rows: the first {shown} are shown, {left} are left out. "
        "For every row, render this report as csv or xlsx "
        "(exchange report … --format csv, or -o FILE.xlsx).",
        count=f"{reading.count:,}",
        shown=f"{len(reading.shown):,}",
        left=f"{reading.count - len(reading.shown):,}",
    )
    return [element("p", escape(localize(note, lang)), class_="rows-left-out")]


class Reading:
    """One pass over a table's rows: the first ``row_limit`` kept to show, the rest
    counted and, for the charts, summed (:mod:`.chart_sums`)."""

    def __init__(self, table: Table, charts: list[Chart], lang: str, row_limit: int) -> None:
        self.charts = charts
        rows = iter(table.rows)
        self.shown = list(itertools.islice(rows, row_limit))
        self.count = len(self.shown)
        self.sums: list[TimelineSums | BarSums] | None = None
        more = next(rows, None)
        if more is not None:
            self.sums = [chart_sums(chart, table, lang) for chart in charts]
            for row in itertools.chain(self.shown, [more], rows):
                self.count += 1
                for summing in self.sums:
                    summing.add(row)
            self.count -= len(self.shown)

    def figures(self, shown: Table) -> Iterator[tuple[str, str, str | None]]:
        """Per chart: its kind, its title and its SVG (``None`` when nothing to draw)."""
        if self.sums is None:
            for chart in self.charts:
                yield chart.kind, chart.title, chart_svg(chart, shown)
            return
        for chart, summing in zip(self.charts, self.sums, strict=True):
            summary = summing.summary()
            if summary is None:
                yield chart.kind, chart.title, None
            else:
                yield chart.kind, summary[1].title, chart_svg(summary[1], summary[0])


def table_element(table: Table, no_data: str) -> str:
    """``table`` as a ``<table>``; a table without columns as a "no data" paragraph."""
    count = len(table.columns)
    if not count:
        return element("p", no_data, class_="no-data")
    right = right_aligned(table, table.rows)

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
