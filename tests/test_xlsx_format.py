"""The ``xlsx`` format, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import sys
import zipfile
from decimal import Decimal
from typing import Any

import pytest

openpyxl = pytest.importorskip("openpyxl")

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from openpyxl.utils.escape import unescape  # noqa: E402

from exchange.enums import Stage  # noqa: E402
from exchange.errors import ConfigurationError  # noqa: E402
from exchange.plugins import Plugins, get_plugin_manager  # noqa: E402
from exchange.report import Column, Report, Table  # noqa: E402
from plugins.formats import render_xlsx  # noqa: E402
from plugins.formats.xlsx_format import (  # noqa: E402
    MAX_WIDTH,
    MIN_WIDTH,
    MISSING_OPENPYXL,
    SHEET_TITLE_LENGTH,
    sheet_title,
)

SCHOOLS = Table(
    name="学校",
    columns=[
        Column(key="name", label="学校名称"),
        Column(key="stage", label="stage"),
        Column(key="rural", label="rural"),
        Column(key="teachers", label="teachers", type="int"),
        Column(key="budget", label="budget", type="money"),
        Column(key="share", label="share", type="percent"),
        Column(key="since", label="since", type="date"),
    ],
    rows=[
        (
            "贞丰县第五中学",
            Stage.JUNIOR,
            True,
            12,
            Decimal("1234567.5"),
            Decimal("12.5"),
            dt.date(2016, 9, 1),
        ),
        (
            "Huiyang Peninsula School",
            Stage.SENIOR,
            False,
            -3,
            Decimal("-5.00"),
            7,
            dt.date(1900, 1, 1),
        ),
        ("雅礼中学", None, None, None, 120000, None, None),
    ],
    totals=("total", None, None, 9, Decimal("1354562.50"), None, None),
)
REPORT = Report(title="Budget 预算", parameters={"year": 2025, "region": "贵州"}, tables=[SCHOOLS])
FORMULA_LIKE = ["=SUM(A1)", "+1", "-1", "-1 text", "@x", "\t=1", "=1+2|cmd", "#N/A", "=", "-"]


def xlsx_bytes(report: Report) -> bytes:
    out = io.BytesIO()
    render_xlsx(report, out)
    return out.getvalue()


def book(report: Report) -> Any:
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(report)))


def values(sheet: Any) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def shown(value: Any) -> Any:
    """What Excel shows for a cell value openpyxl read: it decodes ``_xHHHH_``."""
    return unescape(value) if isinstance(value, str) else value


def one_column(*cells: Any, type: str = "text", label: str = "text") -> Report:
    column = Column(key="c", label=label, type=type)
    return Report(title="t", tables=[Table(name="t", columns=[column], rows=[(c,) for c in cells])])


# -- registration ------------------------------------------------------------------


def test_xlsx_is_registered_as_a_binary_format_by_plugins_formats() -> None:
    formats = Plugins(get_plugin_manager()).formats
    spec = formats.get("xlsx")
    assert formats.owner("xlsx") == "plugins.formats"
    assert (spec.extension, spec.binary, inspect.unwrap(spec.render)) == ("xlsx", True, render_xlsx)
    assert spec.description
    out = io.BytesIO()
    REPORT.render("xlsx", out)
    assert out.getvalue().startswith(b"PK")


def test_without_openpyxl_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    with pytest.raises(ConfigurationError) as error:
        render_xlsx(REPORT, io.BytesIO())
    assert str(error.value) == MISSING_OPENPYXL
    assert "pip install openpyxl" in MISSING_OPENPYXL


# -- layout and types ----------------------------------------------------------------


def test_one_sheet_with_a_bold_frozen_header_rows_and_bold_totals() -> None:
    workbook = book(REPORT)
    assert workbook.sheetnames == ["学校"]
    sheet = workbook["学校"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == [c.label for c in SCHOOLS.columns]
    assert len(rows) == 1 + len(SCHOOLS.rows) + 1
    assert all(cell.font.b for cell in rows[0] + rows[-1])
    assert not any(cell.font.b for row in rows[1:-1] for cell in row)
    assert [cell.value for cell in rows[-1]] == ["total", None, None, 9, 1354562.5, None, None]


def test_title_and_parameters_are_workbook_properties_not_cells() -> None:
    workbook = book(REPORT)
    assert workbook.properties.title == "Budget 预算"
    assert workbook.properties.description == "year: 2025; region: 贵州"
    assert workbook.properties.creator == "teacher-exchange"


def test_cells_keep_their_types_and_number_formats() -> None:
    row = next(book(REPORT)["学校"].iter_rows(min_row=2, max_row=2))
    name, stage, rural, teachers, budget, share, since = row
    assert (name.value, name.data_type) == ("贞丰县第五中学", "s")
    assert (stage.value, stage.data_type) == ("junior", "s")
    assert (rural.value, rural.data_type) == ("yes", "s")
    assert (teachers.value, teachers.data_type, teachers.number_format) == (12, "n", "General")
    assert (budget.value, budget.data_type, budget.number_format) == (1234567.5, "n", "#,##0.00")
    assert (share.value, share.data_type, share.number_format) == (0.125, "n", "0.00%")
    assert (since.value, since.data_type, since.number_format) == (
        dt.datetime(2016, 9, 1),
        "d",
        "yyyy-mm-dd",
    )
    second, third = list(book(REPORT)["学校"].iter_rows(min_row=3, max_row=4, values_only=True))
    assert second == (
        "Huiyang Peninsula School",
        "senior",
        "no",
        -3,
        -5,
        0.07,
        dt.datetime(1900, 1, 1),
    )
    assert third == ("雅礼中学", None, None, None, 120000, None, None)


def test_numbers_are_written_with_their_exact_digits() -> None:
    data = xlsx_bytes(one_column(Decimal("9.30"), Decimal("0.07"), Decimal("1E+3"), type="money"))
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    for digits in ("9.30", "0.07", "1000"):
        assert f"<v>{digits}</v>" in sheet_xml
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert [row[0] for row in values(workbook.active)[1:]] == [9.3, 0.07, 1000]


def test_what_excel_cannot_hold_as_a_number_or_date_is_written_as_text() -> None:
    aware = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
    report = one_column(
        10**15 - 1,
        2**60,
        Decimal("1234567890123.4567"),
        dt.date(1899, 12, 31),
        aware,
        dt.datetime(2025, 3, 1, 8, 30, 15),
    )
    cells = [row[0] for row in list(book(report).active.iter_rows())[1:]]
    assert [(c.value, c.data_type) for c in cells[:5]] == [
        (10**15 - 1, "n"),
        (str(2**60), "s"),
        ("1234567890123.4567", "s"),
        ("1899-12-31", "s"),
        ("2025-03-01T08:30:00+00:00", "s"),
    ]
    assert cells[5].value == dt.datetime(2025, 3, 1, 8, 30, 15)
    assert cells[5].number_format == "yyyy-mm-dd hh:mm:ss"


def test_chinese_text_and_column_widths_count_wide_characters_twice() -> None:
    sheet = book(REPORT)["学校"]
    widths = {key: sheet.column_dimensions[key].width for key in "ABCDEFG"}
    assert widths["A"] == len("Huiyang Peninsula School") + 2
    report = one_column("贞丰县第五中学贞丰县第五中学", label="学")
    assert book(report).active.column_dimensions["A"].width == 2 * 14 + 2
    assert book(one_column("x", label="x")).active.column_dimensions["A"].width == MIN_WIDTH
    assert book(one_column("长" * 100)).active.column_dimensions["A"].width == MAX_WIDTH
    money = Decimal("1234567.5")  # shown 1,234,567.50
    assert widths["E"] == len("1,234,567.50") + 2 == len(f"{money:,.2f}") + 2


# -- text that must stay text ------------------------------------------------------


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_looking_text_is_stored_as_text_unchanged(text: str) -> None:
    data = xlsx_bytes(one_column(text, label=text))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    for cell in (sheet["A1"], sheet["A2"]):
        assert (cell.value, cell.data_type) == (text, "s")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_a_carriage_return_becomes_the_line_break_excel_uses() -> None:
    report = one_column("\r=1", "a\r\nb", "a\rb\nc")
    cells = [row[0] for row in list(book(report).active.iter_rows())[1:]]
    assert [(c.value, c.data_type) for c in cells] == [
        ("\n=1", "s"),
        ("a\nb", "s"),
        ("a\nb\nc", "s"),
    ]


def test_control_characters_xml_forbids_become_spaces() -> None:
    report = one_column("a\x00b\x07c\x1bd\x0be\x0cf\ufffeg\uffffh\ud800i", "tab\tand\nline")
    assert values(book(report).active)[1:] == [["a b c d e f g h i"], ["tab\tand\nline"]]
    titled = Report(
        title="t\x00itle",
        parameters={"k\x07": "v\x1b"},
        tables=[Table(name="na\x00me", columns=[Column(key="k", label="la\x01bel")], rows=[])],
    )
    workbook = book(titled)
    assert workbook.sheetnames == ["na me"]
    assert workbook.properties.title == "t itle"
    assert workbook.properties.description == "k : v"
    assert workbook.active["A1"].value == "la bel"


def test_text_that_looks_like_an_ooxml_escape_is_shown_as_typed() -> None:
    texts = ["_x0041_", "a_x000D_b", "_x0041_x0042_", "_x00zz_", "_x"]
    read = [row[0] for row in values(book(one_column(*texts)).active)[1:]]
    assert read[0] == "_x005F_x0041_"  # the escaped form openpyxl hands back
    assert [shown(value) for value in read] == texts


# -- sheets --------------------------------------------------------------------------


def test_several_tables_become_sheets_with_safe_unique_titles() -> None:
    names = [
        "2016/17 [draft]: a*b?c\\d",
        "A" * 40,
        "a" * 40,
        "History",
        "'quoted'",
        "",
        "Sheet",
        "长" * 40,
        "😀" * 20,
    ]
    column = Column(key="k", label="k")
    report = Report(title="t", tables=[Table(name=n, columns=[column], rows=[(n,)]) for n in names])
    workbook = book(report)
    assert workbook.sheetnames == [
        "2016_17 _draft__ a_b_c_d",
        "A" * 31,
        "a" * 27 + " (2)",
        "History_",
        "quoted",
        "Sheet",
        "Sheet (2)",
        "长" * 31,
        "😀" * 15,
    ]
    for sheet, name in zip(workbook.worksheets, names, strict=True):
        assert sheet["A2"].value == (name or None)


def test_an_empty_table_has_only_its_header() -> None:
    empty = Table(name="pairings", columns=[Column(key="school", label="学校")], rows=[])
    bare = Table(name="bare", columns=[], rows=[()])
    workbook = book(Report(title="t", tables=[empty, bare]))
    assert values(workbook["pairings"]) == [["学校"]]
    assert workbook["pairings"].freeze_panes == "A2"
    assert workbook["bare"].max_row == 1 and workbook["bare"]["A1"].value is None


def test_a_report_without_tables_is_still_a_valid_workbook() -> None:
    workbook = book(Report(title="Nothing [yet]"))
    assert workbook.sheetnames == ["Nothing _yet_"]
    assert workbook.properties.title == "Nothing [yet]"


# -- properties ----------------------------------------------------------------------

_LEGAL = st.characters(
    exclude_categories=("Cs",),
    exclude_characters="\r\ufffe\uffff" + "".join(map(chr, [*range(9), 11, 12, *range(14, 32)])),
)
TEXT = st.lists(
    st.one_of(
        st.sampled_from(["=", "+", "-", "@", "\t", "#N/A", "=SUM(A1)", "_x0041_", " ", "\n"]),
        st.sampled_from(["贞丰县第五中学", "雅礼中学", "😀", "👩‍🏫", "ｆｕｌｌ"]),
        st.text(_LEGAL, max_size=8),
    ),
    max_size=4,
).map("".join)
CELLS = {
    "text": TEXT,
    "int": st.integers(-(10**15) + 1, 10**15 - 1),
    "money": st.decimals(-(10**12), 10**12, places=2, allow_nan=False, allow_infinity=False),
    "percent": st.decimals(-1000, 1000, places=3, allow_nan=False, allow_infinity=False),
    "date": st.dates(min_value=dt.date(1900, 1, 1)),
}


@st.composite
def tables(draw: st.DrawFn) -> Table:
    types = draw(st.lists(st.sampled_from(sorted(CELLS)), min_size=1, max_size=5))
    columns = [Column(key=f"c{i}", label=draw(TEXT), type=t) for i, t in enumerate(types)]
    rows = draw(st.lists(st.tuples(*(st.none() | CELLS[t] for t in types)), max_size=6))
    return Table(name=draw(TEXT), columns=columns, rows=rows)


def _same(expected: Any, cell: Any, type: str) -> None:
    if expected is None or expected == "":
        assert cell.value is None
    elif isinstance(expected, str):
        assert cell.data_type == "s"
        assert shown(cell.value) == expected
    elif isinstance(expected, dt.date):
        assert cell.value == dt.datetime.combine(expected, dt.time())
        assert cell.number_format == "yyyy-mm-dd"
    else:
        assert cell.data_type == "n"
        read = Decimal(repr(cell.value))
        assert (read.scaleb(2) if type == "percent" else read) == expected


@given(st.lists(tables(), min_size=1, max_size=3))
def test_cells_round_trip_exactly(several: list[Table]) -> None:
    workbook = book(Report(title="t", tables=several))
    assert len(workbook.worksheets) == len(several)
    for sheet, table in zip(workbook.worksheets, several, strict=True):
        # Rows of empty cells hold nothing to read back: ask for every row.
        rows = sheet.iter_rows(max_row=1 + len(table.rows), max_col=len(table.columns))
        header = tuple(column.label for column in table.columns)
        for expected, row in zip([header, *table.rows], rows, strict=True):
            for value, cell, column in zip(expected, row, table.columns, strict=True):
                _same(value, cell, column.type)


@given(st.lists(st.text(max_size=40), max_size=8))
def test_sheet_titles_are_valid_and_unique(names: list[str]) -> None:
    taken: set[str] = set()
    titles = [sheet_title(name, taken) for name in names]
    assert len({title.casefold() for title in titles}) == len(titles)
    for title in titles:
        assert title and title == title.strip() and title[0] != "'" != title[-1]
        assert len(title.encode("utf-16-le")) // 2 <= SHEET_TITLE_LENGTH
        assert not set(title) & set("[]:*?/\\")
    workbook = openpyxl.Workbook(write_only=True)
    for title in titles:
        assert workbook.create_sheet(title=title).title == title
