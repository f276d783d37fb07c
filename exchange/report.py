"""Reports as data: a title, parameters, tables with typed columns and chart specs.

A report is built by a ``ReportSpec`` and rendered by a ``FormatSpec``; both
come from plugins (``register_reports``, ``register_formats``). Builders write
English; :meth:`Report.localized` gives the same report in another language
(titles, headings and vocabulary values through the gettext catalogues of
:mod:`exchange.i18n`), so a format never translates anything itself.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any, Literal

import attrs

from . import i18n
from .rows import Rows, Source

COLUMN_TYPES = frozenset({"text", "int", "number", "money", "date", "percent"})
"""Column types a format knows how to show."""

CHART_KINDS = frozenset({"bar", "timeline"})
"""Chart kinds a format that draws charts knows."""


@attrs.frozen(kw_only=True)
class Column:
    """A column of a report table: a key, a heading and a type name
    (``text``, ``int``, ``number`` — a score, say —, ``money``, ``date``, ``percent``)."""

    key: str
    label: str
    type: str = attrs.field(default="text")

    @type.validator
    def _known(self, _: Any, value: str) -> None:
        if value not in COLUMN_TYPES:
            raise ValueError(f"column {self.key!r}: unknown type {value!r}")


def _columns(items: Iterable[Column]) -> tuple[Column, ...]:
    return tuple(items)


def _rows(items: Rows | Source) -> Rows:
    return items if isinstance(items, Rows) else Rows(items)


TotalsSource = Sequence[Any] | Callable[[], Sequence[Any] | None] | None
"""A totals row, or a function that gives it when asked (after the rows are read)."""


def _totals(items: TotalsSource) -> TotalsSource:
    return items if items is None or callable(items) else tuple(items)


@attrs.frozen(kw_only=True)
class Table:
    """Rows of values, one per column, plus optional totals.

    ``name`` is the table's identifier (a JSON key, a chart's reference);
    ``title`` is its heading for readers, ``name`` when empty. ``rows`` is a
    list of rows, or a source a format reads once, row by row (see
    :class:`~exchange.rows.Rows`): a report of a million rows is never held in
    memory. ``totals`` may be a function, asked only after the rows have been
    read (a :meth:`~exchange.rows.Tally.totals`, say).
    """

    name: str
    columns: tuple[Column, ...] = attrs.field(converter=_columns)
    rows: Rows = attrs.field(converter=_rows)
    _totals: TotalsSource = attrs.field(default=None, converter=_totals, alias="totals")
    title: str = ""

    def __attrs_post_init__(self) -> None:
        self.rows.name, self.rows.width = self.name, len(self.columns)
        if not self.rows.streamed:
            for number, row in enumerate(self.rows, 1):
                self.rows.check(number, row)
        if not callable(self._totals):
            self._check_totals(self._totals)

    def _check_totals(self, totals: Sequence[Any] | None) -> tuple[Any, ...] | None:
        if totals is None:
            return None
        if len(totals) != len(self.columns):
            raise ValueError(
                f"table {self.name!r}: totals have {len(totals)} cells for "
                f"{len(self.columns)} columns"
            )
        return tuple(totals)

    @property
    def totals(self) -> tuple[Any, ...] | None:
        """The totals row, or ``None``; for a table whose totals are computed as its
        rows stream, read it after the rows."""
        found = self._totals() if callable(self._totals) else self._totals
        return self._check_totals(found)

    @property
    def totals_deferred(self) -> bool:
        """Whether the totals are computed as the rows stream (read them after the rows)."""
        return callable(self._totals)

    def materialized(self) -> Table:
        """This table with its rows read into memory, to be read more than once
        (for small tables and tests; a format reads :attr:`rows` once)."""
        return attrs.evolve(self, rows=self.rows.materialize(), totals=self.totals)

    @property
    def heading(self) -> str:
        """What a reader sees above the table."""
        return self.title or self.name

    def column(self, key: str) -> int:
        """The position of the column ``key``."""
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        raise KeyError(f"table {self.name!r} has no column {key!r}")


def _keys(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class Chart:
    """How to draw one table.

    ``bar``: one group of bars per distinct value of column ``x``, the height
    the number in column ``y[0]``; with ``series``, one bar per value of that
    column within each group. ``timeline``: one row per table row labelled by
    ``x``, a span from the date in ``y[0]`` to the date in ``y[1]``, coloured
    by ``series``.
    """

    title: str
    kind: Literal["bar", "timeline"]
    table: str
    x: str
    y: tuple[str, ...] = attrs.field(converter=_keys)
    series: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart {self.title!r}: unknown kind {self.kind!r}")
        wanted = 2 if self.kind == "timeline" else 1
        if len(self.y) != wanted:
            raise ValueError(f"chart {self.title!r}: a {self.kind} takes {wanted} y column(s)")


def _tables(items: Iterable[Table]) -> tuple[Table, ...]:
    return tuple(items)


def _charts(items: Iterable[Chart]) -> tuple[Chart, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class Report:
    """What a report computed; render it with :meth:`render`."""

    title: str
    parameters: dict[str, Any] = attrs.field(factory=dict)
    tables: tuple[Table, ...] = attrs.field(default=(), converter=_tables)
    charts: tuple[Chart, ...] = attrs.field(default=(), converter=_charts)
    lang: str = "en"
    """The language of the titles, headings and vocabulary values."""
    head: str | None = None
    """The change-log head the report was computed at (:meth:`Tracker.head
    <exchange.tracker.Tracker.head>`, read before the data), which the formats
    print so that a printed report commits to the data behind it; ``None`` for a
    report not made from a store's data (a list of formats, say).
    :meth:`Tracker.report <exchange.tracker.Tracker.report>` sets it."""

    def __attrs_post_init__(self) -> None:
        for chart in self.charts:
            table = self.table(chart.table)
            for key in (chart.x, *chart.y, *([chart.series] if chart.series else [])):
                table.column(key)

    def render(
        self, format: str, stream: IO[Any], *, lang: str | None = None, plugins: Any = None
    ) -> None:
        """Write the report to ``stream`` in a registered format (``json``, …),
        in ``lang`` (``en`` or ``zh``) when given."""
        from .plugins import default_plugins

        report = self if lang is None else self.localized(lang)
        (plugins or default_plugins()).formats.get(format).render(report, stream)

    def materialized(self) -> Report:
        """This report with every table's rows read into memory
        (:meth:`Table.materialized`): a report whose rows stream from a store
        reads them when rendered, so keep this instead to render it more than
        once cheaply or after the tracker is closed (small reports, tests)."""
        return attrs.evolve(self, tables=[table.materialized() for table in self.tables])

    def table(self, name: str) -> Table:
        """The table called ``name``."""
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"report {self.title!r} has no table {name!r}")

    def localized(self, lang: str) -> Report:
        """This report in ``lang``: titles, headings, parameter names,
        vocabulary values (enum members, yes/no) and :class:`~exchange.i18n.Phrase`
        cells translated; numbers, dates and names unchanged. Column keys and
        table names stay as they are."""
        code = i18n.language(lang)
        if code == self.lang:
            return self

        def say(label: str) -> str:
            return i18n.translated(label, code)

        def cell(value: Any) -> Any:
            if isinstance(value, i18n.Message):
                return i18n.localize(value, code)
            if isinstance(value, bool | enum.Enum | i18n.Phrase):
                return i18n.word(value, code)
            return value

        tables = [
            attrs.evolve(
                t,
                title=say(t.heading),
                columns=[attrs.evolve(c, label=say(c.label)) for c in t.columns],
                rows=t.rows.map(lambda row: [cell(v) for v in row]),
                totals=_localized_totals(t, cell),
            )
            for t in self.tables
        ]
        return attrs.evolve(
            self,
            title=say(self.title),
            parameters={say(k): cell(v) for k, v in self.parameters.items()},
            tables=tables,
            charts=[attrs.evolve(c, title=say(c.title)) for c in self.charts],
            lang=code,
        )


def _localized_totals(table: Table, cell: Callable[[Any], Any]) -> TotalsSource:
    """The totals of ``table`` through ``cell``, asked for as late as the original."""

    def later() -> list[Any] | None:
        totals = table.totals
        return None if totals is None else [cell(v) for v in totals]

    return later if table.totals_deferred else later()
