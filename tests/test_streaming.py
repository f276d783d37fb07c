"""Reports stream: rows are read once, as the format writes them, never all held;
HTML shows the first rows of a long table and says how many were left out;
totals computed as the rows stream equal the sum of the rows."""

from __future__ import annotations

import datetime as dt
import io
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exchange import Tracker
from exchange.demo import build_demo
from exchange.exporting import export_report
from exchange.report import Chart, Column, Report, Table
from exchange.rows import Rows, Tally
from plugins.formats import html_format, values
from plugins.formats.html_format import html_page

COLUMNS = [
    Column(key="teacher", label="teacher"),
    Column(key="kind", label="kind"),
    Column(key="starts_on", label="starts", type="date"),
    Column(key="ends_on", label="ends", type="date"),
    Column(key="days", label="days", type="int"),
]
TIMELINE = Chart(
    title="timeline", kind="timeline", table="roster", x="teacher", y=("starts_on", "ends_on")
)
FORMATS = ["csv", "json", "markdown", "table", "html", "xlsx"]


def roster(count: int) -> Iterator[tuple[Any, ...]]:
    """``count`` rows made as they are asked for, each with fresh strings."""
    first = dt.date(2020, 1, 1)
    for number in range(count):
        start = first + dt.timedelta(days=number % 1500)
        end = start + dt.timedelta(days=90 + number % 200)
        yield (f"teacher number {number:08d}", ["support", "shadow"][number % 2], start, end, 91)


def long_report(count: int, chart: bool = True) -> Report:
    tally = Tally(lambda: roster(count), [4], ["", "", None, None, 0])
    table = Table(name="roster", columns=COLUMNS, rows=tally.rows, totals=tally.totals)
    return Report(title="roster", tables=[table], charts=[TIMELINE] if chart else [])


class Sink(io.StringIO):
    """A text stream that counts what it is given and keeps nothing."""

    written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


def peak(fmt: str, count: int, tmp_path: Path) -> int:
    """Peak traced memory while rendering a ``count``-row report in ``fmt``."""
    report = long_report(count)
    tracemalloc.start()
    try:
        if fmt == "xlsx":
            with open(tmp_path / "out.xlsx", "wb") as stream:
                report.render(fmt, stream)
        else:
            report.render(fmt, Sink())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_a_long_table_without_holding_its_rows(
    fmt: str, tmp_path: Path
) -> None:
    # Holding 20,000 of these rows takes about 7 MB; the formats stay far below,
    # and four times the rows take no more memory than a quarter of them (+1 MB).
    small, large = peak(fmt, 5_000, tmp_path), peak(fmt, 20_000, tmp_path)
    assert large < 3_000_000, f"{fmt}: {large:,} bytes at the peak"
    assert large < small + 1_000_000, f"{fmt}: {small:,} bytes at 5k, {large:,} at 20k"


def test_held_rows_take_the_memory_the_formats_do_not() -> None:
    """The bound above can fail: holding the same rows goes past it."""
    tracemalloc.start()
    try:
        held = list(roster(20_000))
        size = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(held) == 20_000 and size > 3_000_000


def test_rows_are_read_as_the_format_writes_them() -> None:
    asked = 0

    def counted() -> Iterator[tuple[Any, ...]]:
        nonlocal asked
        for row in roster(5000):
            asked += 1
            yield row

    seen: list[int] = []

    class Watch(Sink):
        def write(self, text: str) -> int:
            seen.append(asked)
            return super().write(text)

    table = Table(name="roster", columns=COLUMNS, rows=counted())
    Report(title="roster", tables=[table]).render("csv", Watch())
    assert asked == 5000
    assert seen[1] < 100, "the first rows were written before the last was made"


def test_a_stream_is_read_once_and_a_source_each_time() -> None:
    once = Rows(iter([(1,), (2,)]))
    assert list(once) == [(1,), (2,)]
    with pytest.raises(ValueError, match="read already"):
        list(once)
    again = Rows(lambda: iter([(1,), (2,)]))
    assert list(again) == list(again) == [(1,), (2,)]
    with pytest.raises(TypeError, match="streamed rows have no length"):
        len(again)
    assert again == ((1,), (2,)) and len(again) == 2 and again[1] == (2,)


def test_a_streamed_row_of_the_wrong_width_is_refused_when_read() -> None:
    table = Table(name="t", columns=COLUMNS[:1], rows=iter([("a",), ("b", "c")]))
    with pytest.raises(ValueError, match="row 2 has 2 cells for 1 columns"):
        list(table.rows)


def test_totals_asked_before_the_rows_read_them() -> None:
    report = long_report(300)
    table = report.tables[0]
    assert table.totals_deferred
    assert table.totals == ("", "", None, None, 300 * 91)
    assert Tally(lambda: iter([]), [0], [0]).totals() is None


def test_table_widths_come_from_the_first_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "SAMPLE_ROWS", 2)
    table = Table(
        name="t",
        columns=[Column(key="name", label="name"), Column(key="n", label="n", type="int")],
        rows=[("ab", 1), ("cd", 2), ("a much longer name", 123456)],
    )
    stream = io.StringIO()
    Report(title="t", tables=[table]).render("table", stream)
    assert stream.getvalue().splitlines() == [
        "name  n",
        "----  -",
        "ab    1",
        "cd    2",
        "a m…  123456",
    ]


# -- HTML: the first rows, a note of the rest, charts from sums --------------------


def left_out_note(page: str) -> str:
    found = re.search(r'<p class="rows-left-out">(.*?)</p>', page)
    assert found is not None
    return found.group(1)


def test_html_shows_the_first_rows_and_says_how_many_were_left_out() -> None:
    page = html_page(long_report(1500))
    assert page.count("<tr>") == 1 + html_format.ROW_LIMIT + 1  # header, rows, totals
    assert left_out_note(page) == (
        "1,500 rows: the first 1,000 are shown, 500 are left out. For every row, "
        "render this report as csv or xlsx (exchange report … --format csv, or -o FILE.xlsx)."
    )
    assert f'<td class="num">{1500 * 91}</td>' in page, "totals of every row"


def test_html_says_it_in_chinese_too() -> None:
    page = html_page(long_report(1500).localized("zh"))
    assert left_out_note(page).startswith("共 1,500 行：此处显示前 1,000 行，其余 500 行未列出。")
    assert "每月进行中的记录数" in page or "每年进行中的记录数" in page


def test_html_of_a_table_within_the_limit_has_no_note() -> None:
    page = html_page(long_report(1000))
    assert 'class="rows-left-out"' not in page
    assert page.count("<tr>") == 1 + 1000 + 1
    smaller = html_page(long_report(1000), row_limit=10)
    assert smaller.count("<tr>") == 1 + 10 + 1 and "990 are left out" in smaller


def test_a_long_timeline_becomes_rows_running_per_period() -> None:
    page = html_page(long_report(20_000))
    assert "timeline: rows running per" in page
    assert page.count("<rect") < 400, "bars per period, not one mark per row"
    assert len(page.encode()) < 1_000_000


# -- totals of the built-in reports, computed as the rows stream -------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    path = tmp_path_factory.mktemp("streaming") / "demo.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        build_demo(tracker)
        yield tracker


def test_secondment_totals_equal_the_sum_of_their_rows(demo: Tracker) -> None:
    for filters in ({}, {"year": 2025}, {"since": "2024-03-01", "until": "2024-12-31"}):
        report = demo.report("secondments", as_of=dt.date(2025, 9, 10), **filters)
        table = report.tables[0]
        rows = list(table.rows)
        served = sum(row[table.column("days_served")] for row in rows)
        assert rows, filters
        assert table.totals == ("", "", "", "", None, None, served, ""), filters
        again = demo.report("secondments", as_of=dt.date(2025, 9, 10), **filters)
        assert again.tables[0].totals == table.totals, "asked before the rows are read"


def test_an_export_reads_the_store_each_time_it_is_rendered(demo: Tracker) -> None:
    report = export_report(demo, "teachers")
    first, second = io.StringIO(), io.StringIO()
    report.render("csv", first)
    report.render("csv", second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().count("\n") == 1 + demo.count("teachers", include_archived=True)
