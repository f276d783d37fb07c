"""The built-in report formats: ``json``, ``table``, ``csv`` and ``markdown``."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange.enums import Stage
from exchange.plugins import Plugins, default_plugins, get_plugin_manager
from exchange.report import Column, Report, Table
from plugins.formats import (
    csv_safe,
    display_width,
    label,
    render_csv,
    render_json,
    render_markdown,
    render_table,
)
from plugins.formats.table_format import MAX_WIDTH

SCHOOLS = Table(
    name="schools",
    columns=[
        Column(key="name", label="学校名称"),
        Column(key="stage", label="stage"),
        Column(key="rural", label="rural"),
        Column(key="budget", label="budget", type="money"),
    ],
    rows=[
        ("贞丰县第五中学", Stage.JUNIOR, True, Decimal("1234567.5")),
        ("Huiyang Peninsula School", Stage.SENIOR, False, Decimal("-5.00")),
        ("雅礼中学", None, None, 120000),
    ],
    totals=("total", None, None, Decimal("1354562.50")),
)
REPORT = Report(title="Budget 预算", parameters={"year": 2025}, tables=[SCHOOLS])
EMPTY = Table(name="pairings", columns=[Column(key="school", label="学校")], rows=[])


def render(renderer: Callable[[Report, IO[str]], None], report: Report) -> str:
    out = io.StringIO(newline="")
    renderer(report, out)
    return out.getvalue()


def lines_of(text: str) -> list[str]:
    assert text.endswith("\n")
    return text[:-1].split("\n")


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# -- registration ------------------------------------------------------------------


def test_the_four_builtin_formats_are_registered_by_plugins_formats() -> None:
    formats = default_plugins().formats
    assert {"json", "table", "csv", "markdown"} <= {spec.name for spec in formats}
    fresh = Plugins(get_plugin_manager()).formats
    for name, extension in (("json", "json"), ("table", "txt"), ("csv", "csv"), ("markdown", "md")):
        assert fresh.owner(name) == "plugins.formats"
        assert fresh.get(name).extension == extension
        assert not fresh.get(name).binary and fresh.get(name).description


def test_report_render_finds_each_format_by_name() -> None:
    for name in ("json", "table", "csv", "markdown"):
        out = io.StringIO()
        REPORT.render(name, out)
        assert "贞丰县第五中学" in out.getvalue()
    out = io.StringIO()
    REPORT.render("json", out)
    assert json.loads(out.getvalue())["tables"][0]["rows"][0] == [
        "贞丰县第五中学",
        "junior",
        True,
        "1234567.5",
    ]


# -- label: the --lang seam --------------------------------------------------------


def test_label_shows_enum_values_and_booleans_as_words() -> None:
    class Colour(enum.Enum):
        RED = 1

    assert label(Stage.NINE_YEAR) == "nine-year"
    assert (label(True), label(False)) == ("yes", "no")
    assert label(Colour.RED) == "1"
    assert label("贞丰") == "贞丰"


# -- table ---------------------------------------------------------------------------


def test_table_lines_up_chinese_text_and_right_aligns_money() -> None:
    assert render(render_table, REPORT) == (
        "学校名称                  stage   rural        budget\n"
        "------------------------  ------  -----  ------------\n"
        "贞丰县第五中学            junior  yes    1,234,567.50\n"
        "Huiyang Peninsula School  senior  no            -5.00\n"
        "雅礼中学                                   120,000.00\n"
        "------------------------  ------  -----  ------------\n"
        "total                                    1,354,562.50\n"
    )


def test_every_table_line_has_the_same_display_width() -> None:
    widths = {display_width(line) for line in lines_of(render(render_table, REPORT))}
    assert widths == {53}


def test_several_tables_are_named_and_a_blank_line_apart() -> None:
    report = Report(title="t", tables=[SCHOOLS, EMPTY])
    text = render(render_table, report)
    assert text.startswith("schools\n学校名称")
    assert text.endswith("\n\npairings\n学校     \n---------\n(no rows)\n")


def test_an_empty_table_shows_its_header_and_no_rows() -> None:
    table = Table(
        name="t", columns=[Column(key="a", label="学校"), Column(key="b", label="n")], rows=[]
    )
    assert render(render_table, Report(title="t", tables=[table])) == (
        "学校  n  \n----  ---\n(no rows)\n"  # the last column widened to fit
    )


def test_long_cells_are_cut_without_splitting_a_wide_character() -> None:
    table = Table(
        name="t",
        columns=[Column(key="a", label="a"), Column(key="b", label="b")],
        rows=[("长" * 100, "x" + "长" * 100), ("ok", "ok")],
    )
    first, rule, wide, _ = lines_of(render(render_table, Report(title="t", tables=[table])))
    left, right = wide[: len("长" * 29) + 1], wide[len("长" * 29) + 1 :]
    assert left == "长" * 29 + "…"  # 58 columns + the ellipsis: a 30th 长 would need 61
    assert display_width(left) == MAX_WIDTH - 1
    assert right == "  " + "x" + "长" * 29 + "…"
    assert display_width(wide) == display_width(first) == display_width(rule) == 59 + 2 + 60


def test_line_breaks_and_tabs_in_a_cell_become_spaces() -> None:
    table = Table(
        name="t", columns=[Column(key="a", label="a")], rows=[("一\r\n二\t三\n\x1b[31m",)]
    )
    assert lines_of(render(render_table, Report(title="t", tables=[table])))[2] == "一 二 三  [31m"


def test_table_shows_dates_iso_percent_and_none_as_empty() -> None:
    table = Table(
        name="t",
        columns=[
            Column(key="d", label="day", type="date"),
            Column(key="p", label="share", type="percent"),
            Column(key="n", label="n", type="int"),
        ],
        rows=[(dt.date(2016, 9, 1), Decimal("12.5"), 3), (None, None, None)],
    )
    assert lines_of(render(render_table, Report(title="t", tables=[table]))) == [
        "day         share  n",
        "----------  -----  -",
        "2016-09-01  12.5%  3",
        "                    ",
    ]


# -- csv ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1", "@x", "\t=1", "\r=1", "=1+2|cmd"])
def test_csv_neutralises_text_that_starts_like_a_formula(text: str) -> None:
    table = Table(name="t", columns=[Column(key="a", label="a")], rows=[(text,)])
    rows = parse_csv(render(render_csv, Report(title="t", tables=[table])))
    assert rows == [["a"], ["'" + text]]
    assert csv_safe(text) == "'" + text


def test_csv_writes_real_numbers_as_they_are_even_when_negative() -> None:
    table = Table(
        name="t",
        columns=[
            Column(key="n", label="n", type="int"),
            Column(key="m", label="m", type="money"),
            Column(key="p", label="p", type="percent"),
            Column(key="x", label="=x"),
        ],
        rows=[(-1, Decimal("-5.00"), Decimal("-12.5"), -3), (0, Decimal("1234.5"), 7, "-3")],
    )
    assert render(render_csv, Report(title="t", tables=[table])) == (
        "n,m,p,'=x\r\n-1,-5.00,-12.5,-3\r\n0,1234.50,7,'-3\r\n"
    )


def test_csv_leaves_harmless_text_alone() -> None:
    for text in ("贞丰县第五中学", "1-2", " =x", "", "'quoted"):
        assert csv_safe(text) == text


def test_csv_parses_back_to_the_same_cells() -> None:
    assert parse_csv(render(render_csv, REPORT)) == [
        ["学校名称", "stage", "rural", "budget"],
        ["贞丰县第五中学", "junior", "yes", "1234567.50"],
        ["Huiyang Peninsula School", "senior", "no", "-5.00"],
        ["雅礼中学", "", "", "120000.00"],
        ["total", "", "", "1354562.50"],
    ]


def test_csv_writes_several_tables_each_after_its_name() -> None:
    small = Table(name="=n", columns=[Column(key="a", label="a")], rows=[("x,y",)])
    text = render(render_csv, Report(title="t", tables=[small, EMPTY]))
    assert text == '\'=n\r\na\r\n"x,y"\r\n\r\npairings\r\n学校\r\n'


# -- markdown ------------------------------------------------------------------------


def test_markdown_has_headings_parameters_and_a_pipe_table() -> None:
    assert render(render_markdown, REPORT) == (
        "# Budget 预算\n"
        "\n"
        "- year: 2025\n"
        "\n"
        "## schools\n"
        "\n"
        "| 学校名称 | stage | rural | budget |\n"
        "| --- | --- | --- | ---: |\n"
        "| 贞丰县第五中学 | junior | yes | 1,234,567.50 |\n"
        "| Huiyang Peninsula School | senior | no | -5.00 |\n"
        "| 雅礼中学 |  |  | 120,000.00 |\n"
        "| **total** |  |  | **1,354,562.50** |\n"
    )


def test_markdown_escapes_pipes_and_line_breaks_in_cells() -> None:
    table = Table(name="a|b", columns=[Column(key="a", label="a|b")], rows=[("x|y\n*z*_<b>",)])
    text = render(render_markdown, Report(title="t\nu", tables=[table]))
    assert text == ("# t u\n\n## a\\|b\n\n| a\\|b |\n| --- |\n| x\\|y<br>\\*z\\*\\_\\<b\\> |\n")


def test_markdown_says_when_a_table_has_no_rows() -> None:
    text = render(render_markdown, Report(title="t", tables=[EMPTY]))
    assert text == "# t\n\n## pairings\n\n| 学校 |\n| --- |\n\n(no rows)\n"


# -- properties ------------------------------------------------------------------------

TRICKY = "=+-@\t\r\n|,\"'\\*_<>` 学校贞丰县五中é\u0301😀👩‍🏫\u200b"
TEXT = st.one_of(st.text(max_size=80), st.text(alphabet=TRICKY, max_size=80))
CELLS: dict[str, st.SearchStrategy[Any]] = {
    "text": TEXT,
    "int": st.integers(-(10**12), 10**12),
    "money": st.decimals(-(10**9), 10**9, places=2),
    "percent": st.decimals(0, 100, places=1),
    "date": st.dates(),
}


@st.composite
def tables(draw: st.DrawFn) -> Table:
    types = draw(st.lists(st.sampled_from(sorted(CELLS)), min_size=1, max_size=4))
    columns = [Column(key=f"c{i}", label=draw(TEXT), type=kind) for i, kind in enumerate(types)]
    row = st.tuples(*(st.one_of(st.none(), CELLS[kind]) for kind in types))
    return Table(
        name=draw(TEXT),
        columns=columns,
        rows=draw(st.lists(row, max_size=5)),
        totals=draw(st.one_of(st.none(), row)),
    )


def _csv_value(value: Any, text: str) -> None:
    if value is None:
        assert text == ""
    elif isinstance(value, str):
        assert text == csv_safe(value)
        assert (text[1:] if text != value else text) == value  # the guard removed
    elif isinstance(value, dt.date):
        assert dt.date.fromisoformat(text) == value
    elif isinstance(value, Decimal):
        assert Decimal(text) == value
    else:
        assert int(text) == value


@given(tables())
def test_csv_round_trips_every_cell(table: Table) -> None:
    rows = parse_csv(render(render_csv, Report(title="t", tables=[table])))
    assert rows[0] == [csv_safe(column.label) for column in table.columns]
    expected = [*table.rows, *([table.totals] if table.totals is not None else [])]
    assert len(rows) == 1 + len(expected)
    for values, texts in zip(expected, rows[1:], strict=True):
        for value, text in zip(values, texts, strict=True):
            _csv_value(value, text)


@given(tables())
def test_table_lines_all_have_the_same_display_width(table: Table) -> None:
    lines = lines_of(render(render_table, Report(title="t", tables=[table])))
    assert len({display_width(line) for line in lines}) == 1
    assert display_width(lines[0]) <= len(table.columns) * (MAX_WIDTH + 2)


def _unescaped_pipes(line: str) -> int:
    count, chars = 0, iter(line)
    for char in chars:
        if char == "\\":
            next(chars, None)  # a backslash escapes the next character
        elif char == "|":
            count += 1
    return count


@given(st.lists(tables(), max_size=3), st.dictionaries(TEXT, st.one_of(TEXT, st.integers())))
def test_no_format_raises_and_markdown_rows_keep_their_columns(
    several: list[Table], parameters: dict[str, Any]
) -> None:
    report = Report(title="报告", parameters=parameters, tables=several)
    for renderer in (render_json, render_table, render_csv, render_markdown):
        render(renderer, report)
    rows = [line for line in lines_of(render(render_markdown, report)) if line.startswith("| ")]
    assert len(rows) == sum(2 + len(t.rows) + (t.totals is not None) for t in several)
    counts = iter(
        len(t.columns) for t in several for _ in range(2 + len(t.rows) + (t.totals is not None))
    )
    for line in rows:
        assert _unescaped_pipes(line) == next(counts) + 1


def test_odd_shapes_render_without_error() -> None:
    bare = Table(name="bare", columns=[], rows=[])
    assert render(render_table, Report(title="t", tables=[bare])) == "(no rows)\n"
    assert render(render_table, Report(title="t")) == ""
    assert (
        render(render_markdown, Report(title="t", tables=[bare])) == "# t\n\n## bare\n\n(no rows)\n"
    )


def test_a_row_must_fill_every_column() -> None:
    columns = [Column(key="a", label="a"), Column(key="b", label="b")]
    with pytest.raises(ValueError, match="row 1 has 1 cells for 2 columns"):
        Table(name="short", columns=columns, rows=[("x",)])
    with pytest.raises(ValueError, match="totals have 3 cells"):
        Table(name="long", columns=columns, rows=[], totals=(1, 2, 3))
    with pytest.raises(ValueError, match="unknown type"):
        Column(key="a", label="a", type="float")


def test_a_label_wider_than_its_column_wraps_at_its_spaces() -> None:
    table = Table(
        name="t",
        columns=[
            Column(key="a", label="teacher-days served", type="int"),
            Column(key="b", label="year"),
        ],
        rows=[[12, 2025]],
    )
    stream = io.StringIO()
    Report(title="t", tables=[table]).render("table", stream)
    lines = stream.getvalue().splitlines()
    assert lines[:4] == [
        "teacher-days  year",
        "      served      ",
        "------------  ----",
        "          12  2025",
    ]
