"""The ``html`` format: structure, escaping and charts read back with
``html.parser`` (the browser test is in ``test_html_browser``)."""

from __future__ import annotations

import datetime as dt
import inspect
import io
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from attrs import Factory, define, evolve
from hypothesis import given
from hypothesis import strategies as st

from exchange.plugins import Plugins, default_plugins, get_plugin_manager
from exchange.report import Chart, Column, Report, Table
from plugins.formats import render_html
from plugins.formats.bar_chart import BAR, value_ticks
from plugins.formats.markup import html_text
from plugins.formats.svg import LABEL_COLUMNS
from plugins.formats.timeline_chart import date_ticks
from plugins.formats.values import cell_text, display_width

# -- reading the page back ---------------------------------------------------------

VOID = frozenset({"meta", "link", "br", "img", "hr", "input", "source", "wbr", "col", "area"})


@define
class Node:
    """An element of the parsed page: tag, attributes, children (nodes and text)."""

    tag: str
    attrs: dict[str, str] = Factory(dict)
    children: list[Node | str] = Factory(list)

    @property
    def text(self) -> str:
        """All the text inside, as a reader gets it."""
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> set[str]:
        """The element's classes."""
        return set(self.attrs.get("class", "").split())

    def elements(self) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.elements()

    def all(self, tag: str, cls: str | None = None) -> list[Node]:
        """The elements named ``tag`` (with class ``cls``) inside, in order."""
        return [
            node
            for node in self.elements()
            if node.tag == tag and (cls is None or cls in node.classes)
        ]

    def one(self, tag: str, cls: str | None = None) -> Node:
        """The only element named ``tag`` (with class ``cls``) inside."""
        found = self.all(tag, cls)
        assert len(found) == 1, f"{len(found)} <{tag} class={cls}>"
        return found[0]

    def kids(self) -> list[Node]:
        """The child elements."""
        return [c for c in self.children if isinstance(c, Node)]


class TreeBuilder(HTMLParser):
    """Builds :class:`Node` trees; an end tag that does not close the innermost
    open element is recorded in :attr:`errors`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.errors: list[str] = []
        self.doctype = ""

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attributes})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {n: v or "" for n, v in attributes}))

    def handle_endtag(self, tag: str) -> None:
        if self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl


def parse(page: str) -> TreeBuilder:
    """``page`` parsed; asserts every element is closed where it was opened."""
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.errors == []
    assert [node.tag for node in builder.stack] == ["#document"], "unclosed elements"
    return builder


def page_of(report: Report) -> str:
    out = io.StringIO()
    render_html(report, out)
    return out.getvalue()


def tree_of(report: Report) -> Node:
    return parse(page_of(report)).root


def table_texts(node: Node) -> dict[str, list[list[str]]]:
    """The cell texts of a ``<table>`` by part: thead, tbody, tfoot."""
    return {
        part.tag: [[cell.text for cell in row.kids()] for row in part.all("tr")]
        for part in node.kids()
    }


def expected_cells(table: Table) -> dict[str, list[list[str]]]:
    def texts(values: Any) -> list[str]:
        return [html_text(cell_text(v, c.type)) for v, c in zip(values, table.columns, strict=True)]

    parts = {
        "thead": [[html_text(column.label) for column in table.columns]],
        "tbody": [texts(row) for row in table.rows],
    }
    if table.totals is not None:
        parts["tfoot"] = [texts(table.totals)]
    return parts


# -- a sample report ------------------------------------------------------------------

ACTIVITIES = Table(
    name="activities",
    title="按年度和类型统计的活动",
    columns=[
        Column(key="year", label="年度", type="int"),
        Column(key="kind", label="活动类型"),
        Column(key="count", label="次数", type="int"),
        Column(key="budget", label="经费", type="money"),
    ],
    rows=[
        (2023, "示范课", 120, Decimal("12000.5")),
        (2023, "送教", 80, Decimal("8000")),
        (2023, "同课异构", 35, None),
        (2024, "示范课", 160, Decimal("16000")),
        (2024, "送教", 95, Decimal("9500")),
        (2025, "示范课", 0, Decimal("0")),
        (2025, "送教", None, None),  # no value: no bar
    ],
    totals=(None, "合计", 490, Decimal("45500.5")),
)
SECONDMENTS = Table(
    name="secondments",
    title="支教与挂职时间线",
    columns=[
        Column(key="teacher", label="教师"),
        Column(key="kind", label="类型"),
        Column(key="start", label="开始", type="date"),
        Column(key="end", label="结束", type="date"),
    ],
    rows=[
        ("张老师", "支教", dt.date(2023, 9, 1), dt.date(2024, 7, 15)),
        ("李老师", "跟岗", dt.date(2024, 3, 1), dt.date(2024, 6, 30)),
        ("王老师", "挂职", dt.date(2024, 9, 1), dt.date(2025, 8, 31)),
        ("赵老师", "支教", None, dt.date(2025, 1, 1)),  # no start: no span
        ("钱老师", "支教", dt.date(2025, 1, 1), dt.date(2024, 1, 1)),  # ends first: no span
    ],
)
REPORT = Report(
    title="成华区—丹巴县 结对帮扶年度汇总",
    parameters={"年度": "2023–2025", "地区": "丹巴县", "起始": dt.date(2023, 1, 1)},
    tables=[ACTIVITIES, SECONDMENTS],
    charts=[
        Chart(
            title="活动（按类型）",
            kind="bar",
            table="activities",
            x="year",
            y=["count"],
            series="kind",
        ),
        Chart(
            title="人员派出时间线",
            kind="timeline",
            table="secondments",
            x="teacher",
            y=["start", "end"],
            series="kind",
        ),
    ],
    lang="zh",
)


# -- registration and the page ----------------------------------------------------------


def test_html_is_registered_by_plugins_formats() -> None:
    spec = Plugins(get_plugin_manager()).formats.get("html")
    assert (spec.extension, spec.binary, inspect.unwrap(spec.render)) == (
        "html",
        False,
        render_html,
    )
    assert Plugins(get_plugin_manager()).formats.owner("html") == "plugins.formats"
    out = io.StringIO()
    REPORT.render("html", out, plugins=default_plugins())
    assert out.getvalue() == page_of(REPORT)


def test_the_page_is_html5_in_the_reports_language() -> None:
    parsed = parse(page_of(REPORT))
    assert parsed.doctype == "DOCTYPE html"
    html = parsed.root.one("html")
    assert html.attrs["lang"] == "zh-CN"
    assert [k.tag for k in html.kids()] == ["head", "body"]
    head = html.one("head")
    assert head.kids()[0].attrs == {"charset": "utf-8"}
    assert head.one("title").text == REPORT.title
    assert html.one("h1").text == REPORT.title
    english = evolve(REPORT, lang="en")
    assert tree_of(english).one("html").attrs["lang"] == "en"


def test_a_localized_english_report_becomes_a_chinese_page() -> None:
    report = Report(title="Summary", tables=[SECONDMENTS], lang="en").localized("zh")
    assert tree_of(report).one("html").attrs["lang"] == "zh-CN"


def test_the_style_sheet_names_cjk_fonts_and_loads_nothing() -> None:
    page = page_of(REPORT)
    style = parse(page).root.one("style").text
    for family in ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC"):
        assert f'"{family}"' in style
    assert "sans-serif" in style
    for reference in ("url(", "@import", "@font-face"):
        assert reference not in style


def test_parameters_are_a_definition_list() -> None:
    dl = tree_of(REPORT).one("dl", "parameters")
    assert [(n.tag, n.text) for n in dl.kids()] == [
        ("dt", "年度"),
        ("dd", "2023–2025"),
        ("dt", "地区"),
        ("dd", "丹巴县"),
        ("dt", "起始"),
        ("dd", "2023-01-01"),
    ]
    assert tree_of(Report(title="t")).all("dl") == []


def test_each_table_is_a_section_with_heading_charts_and_cells() -> None:
    sections = tree_of(REPORT).all("section")
    assert [s.one("h2").text for s in sections] == [ACTIVITIES.heading, SECONDMENTS.heading]
    for section, table in zip(sections, (ACTIVITIES, SECONDMENTS), strict=True):
        assert [k.tag for k in section.kids()] == ["h2", "figure", "table"]
        assert table_texts(section.one("table")) == expected_cells(table)
    activities = sections[0].one("table")
    numeric = [["num" in cell.classes for cell in row.kids()] for row in activities.all("tr")]
    assert set(map(tuple, numeric)) == {(True, False, True, True)}
    assert activities.one("tfoot").text == "合计49045,500.50"


def test_a_table_without_rows_or_a_chart_without_values_says_so() -> None:
    empty = Table(name="empty", columns=[Column(key="x", label="x")], rows=[])
    report = Report(
        title="t",
        tables=[empty],
        charts=[Chart(title="c", kind="bar", table="empty", x="x", y=["x"])],
    )
    section = tree_of(report).one("section")
    assert section.all("svg") == []
    assert section.one("figure").one("p", "no-data").text == "No data"
    cell = section.one("tbody").one("td")
    assert cell.classes == {"no-data"} and cell.attrs["colspan"] == "1"
    bare = Table(name="bare", columns=[], rows=[])
    assert tree_of(Report(title="t", tables=[bare])).one("p", "no-data").text == "No data"


# -- escaping and self-containment ------------------------------------------------------

NASTY = "<script>alert(\"x\")</script> & 'quoted' <b>bold</b>"


def test_every_text_is_escaped() -> None:
    table = Table(
        name=NASTY,
        columns=[Column(key="a", label=NASTY), Column(key="n", label="n", type="int")],
        rows=[(NASTY, 1), ("</td></tr></table>", 2)],
        totals=(NASTY, 3),
    )
    report = Report(
        title=NASTY,
        parameters={NASTY: NASTY},
        tables=[table],
        charts=[Chart(title=NASTY, kind="bar", table=NASTY, x="a", y=["n"], series="a")],
    )
    page = page_of(report)
    assert "<script" not in page and "<b>" not in page
    root = parse(page).root
    assert {n.tag for n in root.elements()}.isdisjoint({"script", "b"})
    assert {root.one("head").one("title").text, root.one("h1").text, root.one("h2").text} == {NASTY}
    assert root.one("dt").text == root.one("dd").text == NASTY
    assert table_texts(root.one("table")) == expected_cells(table)
    assert root.one("figcaption").text == NASTY
    assert root.one("svg").attrs["aria-label"] == NASTY
    legend = root.one("g", "legend").all("text")
    assert legend[0].one("title").text == NASTY  # cut on the chart, whole in its tooltip


def test_control_characters_and_lone_surrogates_cannot_break_the_page() -> None:
    table = Table(name="t", columns=[Column(key="a", label="a")], rows=[("a\x00b\x1b\r\nc\ud800",)])
    page = page_of(Report(title="t", tables=[table]))
    page.encode("utf-8")  # would raise on a surrogate
    assert parse(page).root.one("tbody").text == "a b \nc\ufffd"


def test_nothing_outside_the_page_is_referenced() -> None:
    page = page_of(REPORT)
    for reference in ("http://", "https://", "src=", "href=", "url(", "<script", "<link"):
        assert reference not in page
    root = parse(page).root
    for node in root.elements():
        assert node.tag not in {"script", "link", "img", "iframe", "object", "embed", "image"}
        assert not {"src", "href", "xlink:href", "srcset", "action"} & set(node.attrs)
    policy = [m for m in root.all("meta") if m.attrs.get("http-equiv")]
    assert policy[0].attrs["content"].startswith("default-src 'none'")


# -- charts -------------------------------------------------------------------------------


def test_a_bar_chart_has_one_bar_per_group_and_series_a_legend_and_ticks() -> None:
    figure = tree_of(REPORT).all("figure")[0]
    assert figure.classes == {"chart", "chart-bar"}
    assert figure.one("figcaption").text == "活动（按类型）"
    svg = figure.one("svg")
    bars = svg.all("rect", "bar")
    assert len(bars) == 6  # 7 rows, one without a value
    assert [bar.one("title").text for bar in bars][:2] == ["2023 · 示范课: 120", "2023 · 送教: 80"]
    assert [t.text for t in svg.one("g", "legend").all("text")] == ["示范课", "送教", "同课异构"]
    assert len({bar.attrs["fill"] for bar in bars}) == 3
    assert [t.text for t in svg.one("g", "axis-x").all("text")] == ["2023", "2024", "2025"]
    ticks = [t.text for t in svg.one("g", "axis-y").all("text")]
    assert ticks[0] == "0" and len(ticks) >= 3
    zero = [bar for bar in bars if bar.one("title").text.endswith(": 0")]
    assert [bar.attrs["height"] for bar in zero] == ["0"]


def test_a_timeline_has_one_span_per_row_with_two_dates() -> None:
    figure = tree_of(REPORT).all("figure")[1]
    assert figure.classes == {"chart", "chart-timeline"}
    spans = figure.one("svg").all("rect", "span")
    assert [span.one("title").text for span in spans] == [
        "张老师: 2023-09-01 – 2024-07-15 (支教)",
        "李老师: 2024-03-01 – 2024-06-30 (跟岗)",
        "王老师: 2024-09-01 – 2025-08-31 (挂职)",
    ]
    assert spans[0].attrs["fill"] != spans[1].attrs["fill"]
    axis = [t.text for t in figure.one("g", "axis-x").all("text")]
    assert "2024-01" in axis and 2 <= len(axis) <= 9


def test_one_day_and_one_row_still_draw() -> None:
    table = Table(
        name="t",
        columns=[
            Column(key="who", label="who"),
            Column(key="a", label="a", type="date"),
            Column(key="b", label="b", type="date"),
        ],
        rows=[("一", dt.date(2024, 5, 1), dt.date(2024, 5, 1))],
    )
    chart = Chart(title="c", kind="timeline", table="t", x="who", y=["a", "b"])
    span = tree_of(Report(title="t", tables=[table], charts=[chart])).one("rect", "span")
    assert float(span.attrs["width"]) >= 2


def test_long_labels_are_cut_and_whole_in_the_tooltip() -> None:
    name = "成华区教育局" * 20
    table = Table(
        name="t",
        columns=[Column(key="who", label="who"), Column(key="n", label="n", type="int")],
        rows=[(name, 1), ("short", 2)],
    )
    chart = Chart(title="c", kind="bar", table="t", x="who", y=["n"])
    axis = tree_of(Report(title="t", tables=[table], charts=[chart])).one("g", "axis-x")
    long, short = axis.all("text")
    assert long.one("title").text == name
    shown = "".join(c for c in long.children if isinstance(c, str))
    assert shown.endswith("…") and display_width(shown) <= LABEL_COLUMNS
    assert short.text == "short" and short.all("title") == []


def test_many_categories_widen_the_chart_not_thin_the_bars() -> None:
    table = Table(
        name="t",
        columns=[Column(key="x", label="x"), Column(key="n", label="n", type="int")],
        rows=[(f"学校{i}", i) for i in range(300)],
    )
    chart = Chart(title="c", kind="bar", table="t", x="x", y=["n"])
    svg = tree_of(Report(title="t", tables=[table], charts=[chart])).one("svg")
    bars = svg.all("rect", "bar")
    assert len(bars) == 300
    assert min(float(bar.attrs["width"]) for bar in bars) >= BAR - 1
    assert float(svg.attrs["width"]) >= 300 * BAR


def test_value_ticks_are_round_and_cover_zero_and_the_values() -> None:
    assert value_ticks(0, 0) == [0.0, 1.0]
    assert value_ticks(3, 160) == [0.0, 50.0, 100.0, 150.0, 200.0]
    ticks = value_ticks(-19999.5, 0.5)
    assert ticks[0] <= -19999.5 and ticks[-1] >= 0.5 and 0.0 in ticks


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        (dt.date(2024, 5, 1), dt.date(2024, 5, 3), ["2024-05-01", "2024-05-02", "2024-05-03"]),
        (dt.date(2024, 1, 15), dt.date(2024, 6, 30), ["2024-02", "2024-03", "2024-04", "2024-05"]),
        (dt.date(2019, 3, 1), dt.date(2025, 8, 31), ["2020", "2021", "2022", "2023", "2024"]),
        (dt.date(1, 1, 1), dt.date(9999, 12, 31), ["2000", "4000", "6000", "8000"]),
    ],
)
def test_date_ticks_pick_days_months_or_years(
    first: dt.date, last: dt.date, labels: list[str]
) -> None:
    ticks = date_ticks(first, last)
    assert all(first <= day <= last for day, _ in ticks)
    assert 1 <= len(ticks) <= 9
    texts = [text for _, text in ticks]
    assert set(labels) <= set(texts), texts


# -- properties -----------------------------------------------------------------------------

TRICKY = "<>&\"'=;/\\`\t\r\n\x00\x1b 学校贞丰县五中é\u0301😀\u200b\ufdd0"
TEXT = st.one_of(st.text(max_size=40), st.text(alphabet=TRICKY, max_size=40))
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
        title=draw(st.one_of(st.just(""), TEXT)),
    )


@given(st.lists(tables(), max_size=3), TEXT, st.dictionaries(TEXT, TEXT, max_size=3))
def test_every_cell_comes_back_in_its_place(
    several: list[Table], title: str, parameters: dict[str, str]
) -> None:
    page = page_of(Report(title=title, parameters=parameters, tables=several))
    page.encode("utf-8")
    root = parse(page).root
    assert root.one("h1").text == html_text(title)
    sections = root.all("section")
    assert len(sections) == len(several)
    for section, table in zip(sections, several, strict=True):
        assert section.one("h2").text == html_text(table.heading)
        found = table_texts(section.one("table"))
        expected = expected_cells(table)
        if not table.rows:
            expected["tbody"] = [["No data"]]
        assert found == expected
    assert {n.tag for n in root.elements()} <= ALLOWED_TAGS


ALLOWED_TAGS = frozenset(
    {"#document", "html", "head", "meta", "title", "style", "body", "header", "h1", "dl", "dt"}
    | {"dd", "main", "section", "h2", "figure", "figcaption", "p", "table", "thead", "tbody"}
    | {"tfoot", "tr", "th", "td", "svg", "g", "rect", "line", "text"}
)

LABELS = st.sampled_from(["示范课", "送教", "<b>", "a&b", "", " ", "x" * 50])
NUMBERS = st.one_of(
    st.none(),
    st.integers(-1000, 10**9),
    st.decimals(-(10**6), 10**6, places=2),
    st.floats(-1e6, 1e6),
    st.just(0),
)


@given(
    st.lists(st.tuples(st.one_of(st.none(), LABELS), NUMBERS, st.one_of(st.none(), LABELS))),
    st.booleans(),
)
def test_a_bar_chart_draws_one_bar_per_filled_group_and_series(
    rows: list[tuple[Any, ...]], with_series: bool
) -> None:
    table = Table(
        name="t",
        columns=[
            Column(key="x", label="x"),
            Column(key="n", label="n", type="money"),
            Column(key="s", label="s"),
        ],
        rows=rows,
    )
    series = "s" if with_series else None
    chart = Chart(title="c", kind="bar", table="t", x="x", y=["n"], series=series)
    figure = tree_of(Report(title="t", tables=[table], charts=[chart])).one("figure")
    filled = [r for r in rows if r[0] is not None and r[1] is not None]
    if with_series:
        filled = [r for r in filled if r[2] is not None]
    pairs = {(r[0], r[2] if with_series else None) for r in filled}
    assert len(figure.all("rect", "bar")) == len(pairs)
    assert len(figure.all("svg")) == (1 if pairs else 0)
    assert len(figure.all("g", "legend-item")) == (len({s for _, s in pairs}) if series else 0)
    for bar in figure.all("rect", "bar"):
        assert float(bar.attrs["height"]) >= 0 and float(bar.attrs["width"]) > 0


DAYS = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.dates())


@given(st.lists(st.tuples(st.one_of(st.none(), LABELS), DAYS, DAYS, LABELS), max_size=30))
def test_a_timeline_draws_one_span_per_row_with_an_ordered_pair_of_dates(
    rows: list[tuple[Any, ...]],
) -> None:
    table = Table(
        name="t",
        columns=[
            Column(key="who", label="who"),
            Column(key="a", label="a", type="date"),
            Column(key="b", label="b", type="date"),
            Column(key="s", label="s"),
        ],
        rows=rows,
    )
    chart = Chart(title="c", kind="timeline", table="t", x="who", y=["a", "b"], series="s")
    figure = tree_of(Report(title="t", tables=[table], charts=[chart])).one("figure")
    drawn = [r for r in rows if r[0] is not None and r[1] and r[2] and r[1] <= r[2]]
    spans = figure.all("rect", "span")
    assert len(spans) == len(drawn)
    if drawn:
        svg = figure.one("svg")
        right = float(svg.attrs["width"])
        for span in spans:
            x, width = float(span.attrs["x"]), float(span.attrs["width"])
            assert x >= 0 and width >= 2 and x + width <= right + 0.01
        assert 1 <= len(svg.one("g", "axis-x").all("text")) <= 9
