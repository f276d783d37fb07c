"""The built-in reports: every report in every format and language on the demo, the
``summary`` figures against a brute-force recount over random programmes, each
report's own rules on small hand-built programmes, and bad input on the command line."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import enum
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import attrs
import pytest
from click.testing import CliRunner, Result
from hypothesis import event, given
from hypothesis import strategies as st

from cli.main import cli
from exchange import (
    Activity,
    ActivityKind,
    Criterion,
    Grade,
    MentorshipStatus,
    Pairing,
    Partnership,
    Role,
    School,
    Secondment,
    SecondmentKind,
    SecondmentStatus,
    Stage,
    Teacher,
    Tracker,
    errors,
)
from exchange.demo import build_demo
from exchange.plugins import default_plugins
from exchange.report import Report, Table
from plugins.formats.values import head_line
from plugins.reports.rural import Served

ZHENFENG = "贵州省黔西南州贞丰县"
REPORT_ARGS: dict[str, dict[str, Any]] = {
    "summary": {},
    "coverage": {"region": ZHENFENG},
    "secondments": {},
    "rural-service": {},
    "mentoring": {},
    "assessments": {},
    "budget": {},
    "quotas": {"region": ZHENFENG, "year": 2025},
}
"""Each built-in report and the filters it is built with on the demo."""
REPORTS = list(REPORT_ARGS)
FORMATS = sorted(spec.name for spec in default_plugins().formats)
LANGS = ["en", "zh"]
S = SecondmentStatus
ONE_DAY = dt.timedelta(days=1)


def build(tracker: Tracker, name: str, **filters: Any) -> Report:
    """The report ``name`` as the tracker builds it, head and all."""
    return tracker.report(name, **filters)


def options(filters: dict[str, Any]) -> list[str]:
    """``{"region": "x", "year": 2025}`` → ``["--region", "x", "--year", "2025"]``."""
    return [part for key, value in filters.items() for part in (f"--{key}", str(value))]


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def dump(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("builtins") / "demo.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        build_demo(tracker)
    return path


@pytest.fixture(scope="module")
def demo_reports(demo_db: Path) -> dict[str, Report]:
    with Tracker.open(f"sqlite:///{demo_db}") as tracker:
        return {name: build(tracker, name, **REPORT_ARGS[name]).materialized() for name in REPORTS}


# -- every report, every format, both languages, on the demo -------------------------


def words(value: Any) -> Any:
    """A vocabulary value as the formats show it (an already localized report has words)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return value


def csv_text(value: Any, type: str) -> str:
    """A cell as the csv format documents it: numbers as they are (money to the fen),
    dates ISO, words for vocabulary, a ``'`` before text that starts like a formula."""
    value = words(value)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if type == "money" else format(value, "f")
    if isinstance(value, int | float):
        return f"{Decimal(value):.2f}" if type == "money" else str(value)
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def expected_csv(report: Report) -> list[list[str]]:
    """The rows ``csv.reader`` should read back from the report."""
    rows: list[list[str]] = []
    several = len(report.tables) > 1
    for number, table in enumerate(report.tables):
        if several:
            rows += [[]] * bool(number) + [[csv_text(table.heading, "text")]]
        rows.append([csv_text(c.label, "text") for c in table.columns])
        lines = [*table.rows, *([table.totals] if table.totals is not None else [])]
        rows += [[csv_text(v, c.type) for v, c in zip(line, table.columns, strict=True)]
                 for line in lines]  # fmt: skip
    if several and report.head is not None:
        head = {"en": "change log head: ", "zh": "变更日志头："}[report.lang] + report.head
        rows += [[], [head]]
    return rows


def json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def check_json(report: Report, text: str) -> None:
    data = json.loads(text)
    assert set(data) == {"title", "lang", "head", "parameters", "tables", "charts"}
    assert (data["title"], data["lang"], data["head"]) == (report.title, report.lang, report.head)
    assert data["parameters"] == {k: json_value(v) for k, v in report.parameters.items()}
    assert [t["name"] for t in data["tables"]] == [t.name for t in report.tables]
    for found, table in zip(data["tables"], report.tables, strict=True):
        assert set(found) == {"name", "title", "columns", "rows", "totals"}
        assert found["title"] == table.heading
        assert found["columns"] == [
            {"key": c.key, "label": c.label, "type": c.type} for c in table.columns
        ]
        assert found["rows"] == [[json_value(v) for v in row] for row in table.rows]
        totals = None if table.totals is None else [json_value(v) for v in table.totals]
        assert found["totals"] == totals
    assert data["charts"] == [
        {"title": c.title, "kind": c.kind, "table": c.table, "x": c.x, "y": list(c.y),
         "series": c.series}
        for c in report.charts
    ]  # fmt: skip


def check_xlsx_cell(cell: Any, value: Any, type: str) -> None:
    """One worksheet cell holds ``value`` with the type of its column."""
    value = words(value)
    where = f"{cell.coordinate}: {value!r} ({type})"
    if value is None or value == "":
        assert cell.value in (None, ""), where
    elif isinstance(value, dt.date):
        assert type == "date", where
        assert cell.is_date and isinstance(cell.value, dt.datetime), where
        assert cell.value.date() == value and cell.number_format == "yyyy-mm-dd", where
    elif type == "int":
        assert isinstance(cell.value, int), where
        assert not isinstance(cell.value, bool) and cell.value == value, where
    elif type == "money":
        assert isinstance(cell.value, int | float), where
        assert Decimal(str(cell.value)) == value and cell.number_format == "#,##0.00", where
    elif type == "percent":
        assert isinstance(cell.value, int | float) and cell.number_format == "0.00%", where
        assert Decimal(str(cell.value)) == Decimal(value).scaleb(-2), where
    elif type == "number":
        exact = Decimal(str(cell.value)) if isinstance(value, Decimal) else cell.value
        assert isinstance(cell.value, int | float) and exact == value, where
    else:
        assert cell.value == str(value), where


def check_xlsx(report: Report, data: bytes) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == len(report.tables)
    assert {p.name: p.value for p in book.custom_doc_props.props} == {
        "change log head": report.head
    }
    for sheet, table in zip(book.worksheets, report.tables, strict=True):
        assert sheet.oddFooter.center.text == head_line(report)
        lines = list(sheet.iter_rows())
        assert [c.value for c in lines[0]] == [c.label for c in table.columns]
        assert sheet.freeze_panes == "A2" and all(c.font.b for c in lines[0])
        body = [*table.rows, *([table.totals] if table.totals is not None else [])]
        assert len(lines) == 1 + len(body)
        if table.totals is not None:
            assert all(c.font.b for c in lines[-1])  # the totals row stands out
        for cells, row in zip(lines[1:], body, strict=True):
            for cell, value, column in zip(cells, row, table.columns, strict=True):
                check_xlsx_cell(cell, value, column.type)


SPECIAL = set("\\`*_[]<>|~&\"'")
"""Characters markdown or html would escape."""


def check_text(report: Report, fmt: str, text: str) -> None:
    """table, markdown, html and any plugin text format: every heading is shown."""
    assert text.strip()
    plain = [c.label for t in report.tables for c in t.columns if not set(c.label) & SPECIAL]
    for label in plain:
        # the table format wraps a label wider than its column at its spaces
        parts = label.split(" ") if fmt == "table" else [label]
        assert all(part in text for part in parts), (fmt, label)
    if fmt in ("markdown", "html"):
        assert report.title in text
    assert text.rstrip().endswith(head_line(report)) or fmt == "html"
    assert head_line(report) in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", REPORTS)
def test_each_report_in_each_format_and_language(
    demo_db: Path,
    demo_reports: dict[str, Report],
    tmp_path: Path,
    name: str,
    fmt: str,
    lang: str,
) -> None:
    """``exchange report NAME --format F --lang L -o FILE`` writes what the report holds."""
    spec = default_plugins().formats.get(fmt)
    target = tmp_path / f"{name}.{spec.extension}"
    result = invoke(
        demo_db, "report", name, *options(REPORT_ARGS[name]),
        "--format", fmt, "--lang", lang, "-o", str(target),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    head = demo_reports[name].head
    title = demo_reports[name].title  # the messages speak the root --lang: English here
    assert result.stderr == f"wrote {title} to {target} (change log head {head})\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no partial file
    report = demo_reports[name].localized(lang)
    assert any(t.rows for t in report.tables), "the demo has data for every report"
    if spec.binary:
        assert fmt == "xlsx", f"no check written for the binary format {fmt}"
        check_xlsx(report, target.read_bytes())
        return
    text = target.read_text(encoding="utf-8")
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(text, newline=""))) == expected_csv(report)
    elif fmt == "json":
        check_json(report, text)
    elif fmt == "jsonl":
        check_json_lines(report, text)
    else:
        check_text(report, fmt, text)


def check_json_lines(report: Report, text: str) -> None:
    """One object per row, keyed by column, naming its table when there are several."""
    lines = [json.loads(line) for line in text.splitlines()]
    several = len(report.tables) > 1
    expected = [
        ({"table": t.name} if several else {}) | dict(zip(keys, row, strict=True))
        for t in report.tables
        for keys in [[c.key for c in t.columns]]
        for row in t.rows
    ]
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        assert list(line) == list(want)
        assert line == json.loads(json.dumps(want, ensure_ascii=False, default=plain_json))


def plain_json(value: object) -> object:
    return getattr(value, "value", None) or str(value)


def test_the_demo_reports_use_every_column_type(demo_reports: dict[str, Report]) -> None:
    """So the format checks above meet ints, money, dates, percents, scores and text."""
    used = {c.type for r in demo_reports.values() for t in r.tables for c in t.columns}
    assert used == {"text", "int", "number", "money", "date", "percent"}


@pytest.mark.parametrize("name", REPORTS)
def test_reports_print_to_standard_output_in_chinese(demo_db: Path, name: str) -> None:
    result = invoke(demo_db, "--lang", "zh", "report", name, *options(REPORT_ARGS[name]), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lang"] == "zh"
    assert any("\u4e00" <= ch <= "\u9fff" for t in data["tables"] for ch in t["title"])


# -- summary: the figures equal a brute-force recount --------------------------------

BASE = dt.date(2023, 1, 1)
AS_OF = dt.date(2025, 6, 30)
REGIONS = ["广东省惠州市惠阳区", ZHENFENG, "四川省甘孜州丹巴县"]
PARTNERSHIP_NAMES = ["惠阳—贞丰东西部教育协作", "成华—丹巴教育结对帮扶", "长沙—怀化学校结对帮扶"]
SUPPORTING = ["广东省惠州市惠阳区", "广东省", "四川省甘孜州"]
"""Each partnership's supporting region: a county, a province, a prefecture."""
NO_PARTNERSHIP = "no partnership"
FATES = ["proposed", "approved", "active", "completed", "completed", "withdrawn", "cancelled"]
SERVED = (S.ACTIVE, S.COMPLETED, S.WITHDRAWN)
INDEX = st.integers(0, 9)
DAY = st.integers(0, 3 * 365)  # offsets from BASE: 2023 to 2025
ARCHIVED = st.sampled_from([False, False, False, True])
COUNT = st.integers(0, 50)
LINKS = ["partnership", "pairing", "both", "school", "none"]

PROGRAMMES = st.fixed_dictionaries(
    {
        "schools": st.lists(
            st.tuples(st.sampled_from(REGIONS), st.booleans()), min_size=2, max_size=5
        ),
        "partnerships": st.integers(0, len(PARTNERSHIP_NAMES)),
        "pairings": st.lists(st.tuples(INDEX, INDEX, st.none() | INDEX, DAY, ARCHIVED), max_size=4),
        "teachers": st.lists(INDEX, min_size=1, max_size=5),
        "secondments": st.lists(
            st.tuples(
                INDEX,  # teacher
                st.one_of(st.none(), INDEX, INDEX),  # pairing, mostly
                INDEX,  # host, without a pairing
                st.sampled_from(list(SecondmentKind)),
                DAY,  # start
                st.integers(1, 400),  # planned length in days
                st.sampled_from(FATES),
                st.integers(0, 399),  # days until an early return
                ARCHIVED,
                st.none() | INDEX,  # a partnership of its own, when its pairing has none
            ),
            min_size=1,
            max_size=8,
        ),
        "activities": st.lists(
            st.tuples(
                st.sampled_from(list(ActivityKind)),
                DAY,
                st.sampled_from(LINKS),
                INDEX,  # partnership
                INDEX,  # pairing or school
                COUNT,  # lessons
                COUNT,  # attendees
                COUNT,  # students
                ARCHIVED,
            ),
            max_size=10,
        ),
    }
)


def day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


def store_programme(tracker: Tracker, draw: dict[str, Any]) -> None:
    """Store the drawn programme through the public API; a lifecycle step the rules
    refuse (an overlapping approval) leaves the secondment where it got to."""
    schools = [
        tracker.add(School(name=f"学校{i}", region=region, stage=Stage.JUNIOR, rural=rural))
        for i, (region, rural) in enumerate(draw["schools"])
    ]
    partnerships = [
        tracker.add(Partnership(name=name, supporting_region=side, supported_region=REGIONS[1]))
        for name, side in zip(PARTNERSHIP_NAMES[: draw["partnerships"]], SUPPORTING, strict=False)
    ]
    pairings, archived_pairings = [], []
    for a, b, partnership, signed, archived in draw["pairings"]:
        first, second = a % len(schools), b % len(schools)
        second = (first + 1) % len(schools) if second == first else second
        try:
            pairing = tracker.pair_schools(
                schools[first].id or 0,
                schools[second].id or 0,
                signed_on=day(signed),
                partnership=(
                    partnerships[partnership % len(partnerships)].id
                    if partnership is not None and partnerships
                    else None
                ),
            )
        except errors.RuleViolation:
            continue  # the same two schools, already paired
        pairings.append(pairing)
        archived_pairings.append(archived)
    teachers = [
        tracker.add(Teacher(name=f"教师{i}", school_id=schools[s % len(schools)].id or 0))
        for i, s in enumerate(draw["teachers"])
    ]
    moves = {"approved": 1, "active": 2, "completed": 2, "withdrawn": 2}
    for t, p, h, kind, start, length, fate, back, archived, own in draw["secondments"]:
        pairing = pairings[p % len(pairings)] if p is not None and pairings else None
        attributed = pairing is None or pairing.partnership_id is None
        counted_under = (
            partnerships[own % len(partnerships)].id
            if own is not None and partnerships and attributed
            else None
        )
        sides = (
            [] if pairing is None else [pairing.supporting_school_id, pairing.supported_school_id]
        )
        either = [one for one in teachers if one.school_id in sides] or teachers
        teacher = either[t % len(either)]  # a pairing's secondment is mostly one of its teachers
        if pairing is not None:
            sides = [pairing.supported_school_id, pairing.supporting_school_id]
            host = next(s for s in sides if s != teacher.school_id)
        else:
            host = schools[h % len(schools)].id or 0
            if host == teacher.school_id:
                host = schools[(h + 1) % len(schools)].id or 0
        record = tracker.second(
            teacher.id or 0,
            host,
            kind=kind,
            starts_on=day(start),
            ends_on=day(start + length),
            pairing=None if pairing is None else pairing.id,
            partnership=counted_under,
        )
        steps = [tracker.approve, tracker.start][: moves.get(fate, 0)]
        try:
            if fate == "cancelled":
                record = tracker.cancel(record.id or 0, reason="计划调整")
            for step in steps:
                record = step(record.id or 0)
            if fate == "completed":
                record = tracker.complete(record.id or 0)
            elif fate == "withdrawn":
                record = tracker.withdraw(
                    record.id or 0, reason="病假", returned_on=day(start + min(back, length - 1))
                )
        except errors.ExchangeError:
            pass  # an overlapping approval: it stays proposed
        if archived:
            tracker.archive(Secondment, record.id or 0)
    for kind, held, link, p, q, lessons, attendees, students, archived in draw["activities"]:
        partnership = partnerships[p % len(partnerships)].id if partnerships else None
        pairing = pairings[q % len(pairings)].id if pairings else None
        if link == "both" and pairings and pairings[q % len(pairings)].partnership_id:
            partnership = pairings[q % len(pairings)].partnership_id  # the rules ask it to agree
        activity = tracker.log_activity(
            kind,
            "活动",
            held_on=day(held),
            partnership=partnership if link in ("partnership", "both") else None,
            pairing=pairing if link in ("pairing", "both") else None,
            school=schools[q % len(schools)].id if link == "school" else None,
            lessons=lessons,
            attendees=attendees,
            students=students,
        )
        if archived:
            tracker.archive(Activity, activity.id or 0)
    for pairing, archived in zip(pairings, archived_pairings, strict=True):
        if archived:
            tracker.archive(Pairing, pairing.id or 0)


Recount = dict[str, dict[tuple[Any, ...], list[int]]]


def recount(
    tracker: Tracker,
    since: dt.date | None,
    until: dt.date | None,
    as_of: dt.date,
    places: set[int] | None = None,
) -> Recount:
    """The summary's tables, counted one record (and one day) at a time from every
    stored record, archived ones included (archived records are kept for history).

    The rules, from summary.py's docstring: a pairing counts in the year it was
    signed; a secondment the teacher went on (active, completed, withdrawn) is
    *received* when its host is its pairing's supporting school, else *sent*, in the
    year it started; its teacher-days are its days from the start to the early return
    or planned end, up to ``as_of``, each in its own year; an activity belongs to its
    partnership, else to its pairing's.

    With ``places`` (the schools of a region, or one school; docs/reports.md: "records
    at schools of the region"), only records at those schools count: a pairing with
    either school there, a secondment whose teacher's school or host is there, an
    activity held at one of them or for a pairing with either school there.
    """
    pairings = {p.id: p for p in tracker.find(Pairing, include_archived=True)}
    homes = {t.id: t.school_id for t in tracker.find(Teacher, include_archived=True)}
    regions = {s.id: s.region for s in tracker.find(School, include_archived=True)}
    supporting = {
        p.id: p.supporting_region for p in tracker.find(Partnership, include_archived=True)
    }

    def at(*schools: int | None) -> bool:
        return places is None or bool(places & set(schools))

    def sides(pairing: Pairing | None) -> tuple[int | None, ...]:
        return (
            () if pairing is None else (pairing.supporting_school_id, pairing.supported_school_id)
        )

    names = {p.id: p.name for p in tracker.find(Partnership, include_archived=True)}

    def name(partnership_id: int | None) -> str:
        return NO_PARTNERSHIP if partnership_id is None else names[partnership_id]

    def inside(when: dt.date) -> bool:
        return (since is None or when >= since) and (until is None or when <= until)

    tables: Recount = {
        "overview": defaultdict(lambda: [0] * 10),
        "secondments": defaultdict(lambda: [0] * 3),
        "activities": defaultdict(lambda: [0] * 4),
        "activity_kinds": defaultdict(lambda: [0] * 4),
    }
    overview, moves = tables["overview"], tables["secondments"]
    for signed in pairings.values():
        if inside(signed.signed_on) and at(*sides(signed)):
            overview[name(signed.partnership_id), signed.signed_on.year][0] += 1
    for secondment in tracker.find(Secondment, include_archived=True):
        if secondment.status not in SERVED:
            continue
        if not at(homes[secondment.teacher_id], secondment.host_school_id):
            continue
        pairing = pairings.get(secondment.pairing_id)
        own = secondment.partnership_id
        who = name(own if own is not None else pairing.partnership_id if pairing else None)
        if inside(secondment.starts_on):
            if pairing is not None:
                received = secondment.host_school_id == pairing.supporting_school_id
            else:  # the host in the supporting region, its names written out in full
                received = own is not None and regions[secondment.host_school_id].startswith(
                    supporting[own]
                )
            year = secondment.starts_on.year
            overview[who, year][2 if received else 1] += 1
            moves[who, year, secondment.kind][1 if received else 0] += 1
        when, last = secondment.starts_on, secondment.returned_on or secondment.ends_on
        while when <= last:
            if when <= as_of and inside(when):
                overview[who, when.year][3] += 1
                moves[who, when.year, secondment.kind][2] += 1
            when += ONE_DAY
    for activity in tracker.find(Activity, include_archived=True):
        pairing = pairings.get(activity.pairing_id)
        if not inside(activity.held_on) or not at(activity.school_id, *sides(pairing)):
            continue
        owner = activity.partnership_id
        if owner is None and pairing is not None:
            owner = pairing.partnership_id
        kind, year = activity.kind, activity.held_on.year
        row = overview[name(owner), year]
        row[4] += 1
        row[5] += activity.lessons if kind is ActivityKind.DEMONSTRATION_LESSON else 0
        row[6] += activity.lessons if kind is ActivityKind.LIVE_LESSON else 0
        row[7] += kind is ActivityKind.TRAINING
        row[8] += activity.attendees
        row[9] += activity.students if kind is ActivityKind.STUDY_TRIP else 0
        figures = [1, activity.lessons, activity.attendees, activity.students]
        for key, table in (
            ((name(owner), year, kind), "activities"),
            ((year, kind), "activity_kinds"),
        ):
            tables[table][key] = [a + b for a, b in zip(tables[table][key], figures, strict=True)]
    return {table: dict(rows) for table, rows in tables.items()}


def figures(report: Report) -> Recount:
    """The report's tables as {key columns: figures}, checking each totals row on the way."""
    out: Recount = {}
    for table, keys in (
        ("overview", 2),
        ("secondments", 3),
        ("activities", 3),
        ("activity_kinds", 2),
    ):
        found = report.table(table)
        rows = {tuple(row[:keys]): list(row[keys:]) for row in found.rows}
        assert len(rows) == len(found.rows), f"{table}: a key appears twice"
        out[table] = rows
        if table != "activity_kinds":
            sums = [sum(column) for column in zip(*rows.values(), strict=True)] if rows else None
            assert (None if found.totals is None else list(found.totals[keys:])) == sums, table
    return out


def ordered(keys: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Partnerships by name, the records of no partnership last, then by year."""
    return sorted(keys, key=lambda k: (k[0] == NO_PARTNERSHIP, k[0], k[1]))


@given(
    draw=PROGRAMMES,
    year=st.sampled_from([2023, 2024, 2025]),
    since=DAY,
    span=st.integers(0, 500),
    chosen=INDEX,
)
def test_summary_equals_a_recount_on_memory_and_on_sqlite(
    draw: dict[str, Any], year: int, since: int, span: int, chosen: int
) -> None:
    first, last = day(since), day(since + span)
    with Tracker.open("memory:") as memory, Tracker.open("sqlite:///:memory:") as sqlite:
        store_programme(memory, draw)
        store_programme(sqlite, draw)
        everything = recount(memory, None, None, AS_OF)
        event(f"overview rows: {min(len(everything['overview']), 5)}+")
        event(f"secondment rows: {min(len(everything['secondments']), 3)}+")
        if any(k[0] == NO_PARTNERSHIP for k in everything["overview"]):
            event("a row of no partnership")
        if any(v[1] for v in everything["secondments"].values()):
            event("a teacher received")
        variants: list[tuple[dict[str, Any], Recount]] = [
            ({}, everything),
            ({"year": year}, recount(memory, dt.date(year, 1, 1), dt.date(year, 12, 31), AS_OF)),
            ({"since": first, "until": last}, recount(memory, first, last, AS_OF)),
            ({"since": first}, recount(memory, first, None, AS_OF)),
        ]
        partnerships = list(memory.find(Partnership, order_by=["id"]))
        assert [p.name for p in sqlite.find(Partnership, order_by=["id"])] == [
            p.name for p in partnerships
        ]
        if partnerships:
            wanted = partnerships[chosen % len(partnerships)]
            only = {t: {k: v for k, v in rows.items() if k[0] == wanted.name}
                    for t, rows in everything.items() if t != "activity_kinds"}  # fmt: skip
            only["activity_kinds"] = {k[1:]: v for k, v in only["activities"].items()}
            variants.append(({"partnership": wanted.id}, only))
        schools = list(memory.find(School, order_by=["id"]))
        one = schools[chosen % len(schools)]
        variants.append(({"school": one.id}, recount(memory, None, None, AS_OF, {one.id or 0})))
        region = {s.id or 0 for s in schools if s.region == one.region}
        variants.append(
            ({"region": one.region, "year": year},
             recount(memory, dt.date(year, 1, 1), dt.date(year, 12, 31), AS_OF, region))
        )  # fmt: skip
        for filters, expected in variants:
            on_memory = build(memory, "summary", as_of=AS_OF, **filters)
            on_sqlite = build(sqlite, "summary", as_of=AS_OF, **filters)
            # The same figures; the heads differ, as the two logs' timestamps do.
            assert attrs.evolve(on_sqlite, head=None) == attrs.evolve(on_memory, head=None)
            assert figures(on_memory) == expected, filters
            overview = [tuple(row[:2]) for row in on_memory.table("overview").rows]
            assert overview == ordered(overview), filters


# -- hand-built programmes ------------------------------------------------------------

RA, RB, RC, RD = "广东省惠州市惠阳区", ZHENFENG, "四川省成都市成华区", "四川省甘孜州丹巴县"


@pytest.fixture(params=["memory", "sqlite"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    url = "memory:" if request.param == "memory" else f"sqlite:///{tmp_path / 'hand.db'}"
    with Tracker.open(url) as opened:
        yield opened


def school(
    tracker: Tracker,
    name: str,
    region: str,
    stage: Stage,
    *,
    rural: bool = False,
    ref: str | None = None,
) -> int:
    return tracker.add(School(name=name, region=region, stage=stage, rural=rural, ref=ref)).id or 0


def teacher(tracker: Tracker, name: str, school_id: int) -> int:
    return tracker.add(Teacher(name=name, school_id=school_id)).id or 0


def served(
    tracker: Tracker,
    teacher_id: int,
    host: int,
    start: str,
    end: str,
    *,
    status: SecondmentStatus = S.COMPLETED,
    pairing: int | None = None,
    returned: str | None = None,
) -> Secondment:
    """A secondment recorded as it happened (past ones may overlap; the rules allow that)."""
    return tracker.add(
        Secondment(
            teacher_id=teacher_id,
            host_school_id=host,
            kind=SecondmentKind.SUPPORT,
            starts_on=dt.date.fromisoformat(start),
            ends_on=dt.date.fromisoformat(end),
            status=status,
            pairing_id=pairing,
            returned_on=None if returned is None else dt.date.fromisoformat(returned),
            reason="" if status in (S.PROPOSED, S.APPROVED, S.ACTIVE, S.COMPLETED) else "调整",
        )
    )


def rows(report: Report, table: str | None = None) -> list[list[Any]]:
    found = report.table(table) if table else report.tables[0]
    return [list(row) for row in found.rows]


def column(table: Table, key: str) -> list[Any]:
    index = table.column(key)
    return [row[index] for row in table.rows]


def test_coverage_counts_schools_by_stage_and_lists_the_uncovered(tracker: Tracker) -> None:
    helper = school(tracker, "惠阳区半岛学校", RA, Stage.JUNIOR)
    kindergarten = school(tracker, "双峰街道第一幼儿园", RB, Stage.KINDERGARTEN)
    primary = school(tracker, "龙场中心小学", RB, Stage.PRIMARY, rural=True)
    school(tracker, "贞丰县第二小学", RB, Stage.PRIMARY, rural=True)  # never paired
    junior = school(tracker, "贞丰县第五中学", RB, Stage.JUNIOR)
    senior = school(tracker, "贞丰中学", RB, Stage.SENIOR)
    school(tracker, "丹巴县高级中学", RD, Stage.SENIOR)  # another region: never listed
    partnership = tracker.add(
        Partnership(name="惠阳—贞丰", supporting_region=RA, supported_region=RB, ref="HY-ZF")
    )
    tracker.pair_schools(helper, kindergarten, signed_on="2020-03-01", partnership=partnership)
    tracker.pair_schools(helper, primary, signed_on="2020-03-01")
    ended = tracker.pair_schools(helper, junior, signed_on="2018-03-01")
    tracker.update(attrs.evolve(ended, ended_on=dt.date(2019, 6, 30)))
    tracker.pair_schools(helper, senior, signed_on="2026-01-05")  # after the period

    report = build(tracker, "coverage", region=RB, year=2025)
    assert rows(report, "stages") == [
        [Stage.KINDERGARTEN, 1, 1, 0, Decimal("100.0")],
        [Stage.PRIMARY, 2, 1, 1, Decimal("50.0")],
        [Stage.JUNIOR, 1, 0, 1, Decimal("0.0")],
        [Stage.SENIOR, 1, 0, 1, Decimal("0.0")],
    ]
    assert report.table("stages").totals == ("", 5, 2, 3, Decimal("40.0"))
    assert rows(report, "uncovered") == [
        ["贞丰县第二小学", Stage.PRIMARY, True],
        ["贞丰县第五中学", Stage.JUNIOR, False],
        ["贞丰中学", Stage.SENIOR, False],
    ]
    assert report.parameters == {"region": RB, "year": 2025}
    # With no period, every pairing signed by as_of counts, the ended one too.
    whole = build(tracker, "coverage", region=RB, as_of=dt.date(2025, 12, 31))
    assert column(whole.table("uncovered"), "school") == ["贞丰县第二小学", "贞丰中学"]
    # The partnership filter keeps its own pairings only.
    narrowed = build(tracker, "coverage", region=RB, year=2025, partnership="HY-ZF")
    assert narrowed.table("stages").totals == ("", 5, 1, 4, Decimal("20.0"))
    assert "双峰街道第一幼儿园" not in column(narrowed.table("uncovered"), "school")


def test_coverage_of_a_region_without_pairings_is_zero_not_an_error(tracker: Tracker) -> None:
    school(tracker, "贞丰县第五中学", RB, Stage.JUNIOR)
    report = build(tracker, "coverage", region=RB, year=2025)
    assert rows(report, "stages") == [[Stage.JUNIOR, 1, 0, 1, Decimal("0.0")]]


@pytest.mark.parametrize(
    ("paired", "share"),
    [(1, "6.3"), (3, "18.8"), (5, "31.3"), (15, "93.8")],  # n/16: 6.25, 18.75, 31.25, 93.75
)
def test_coverage_rounds_an_exact_half_up(tracker: Tracker, paired: int, share: str) -> None:
    helper = school(tracker, "惠阳区半岛学校", RA, Stage.JUNIOR)
    schools = [school(tracker, f"贞丰县第{n}中学", RB, Stage.JUNIOR) for n in range(16)]
    for supported in schools[:paired]:
        tracker.pair_schools(helper, supported, signed_on="2020-03-01")
    report = build(tracker, "coverage", region=RB, year=2025)
    assert rows(report, "stages") == [[Stage.JUNIOR, 16, paired, 16 - paired, Decimal(share)]]


def test_rural_service_counts_overlapping_days_once_against_the_threshold(
    tracker: Tracker,
) -> None:
    town = school(tracker, "惠阳区半岛学校", RA, Stage.JUNIOR)
    other_town = school(tracker, "惠阳区第一中学", RA, Stage.SENIOR)
    village = school(tracker, "龙场中心小学", RB, Stage.PRIMARY, rural=True)
    hamlet = school(tracker, "甲居镇小学", RD, Stage.PRIMARY, rural=True)
    chen, lin, wang = (teacher(tracker, n, town) for n in ("陈志强", "林晓雯", "王涛"))
    served(tracker, chen, village, "2024-01-01", "2024-06-30")  # 182 days
    served(tracker, chen, hamlet, "2024-06-01", "2024-12-31")  # 214 days, 30 shared
    served(tracker, chen, other_town, "2025-01-01", "2025-06-30")  # not rural
    served(tracker, lin, village, "2025-03-01", "2025-07-10", status=S.WITHDRAWN,
           returned="2025-03-31")  # fmt: skip
    served(tracker, lin, hamlet, "2025-09-01", "2025-12-31", status=S.CANCELLED)
    served(tracker, wang, hamlet, "2025-09-01", "2026-07-10", status=S.ACTIVE)
    served(tracker, wang, village, "2026-09-01", "2026-12-31", status=S.APPROVED)

    as_of = dt.date(2025, 9, 30)
    report = build(tracker, "rural-service", threshold=31, as_of=as_of)
    assert rows(report) == [
        ["陈志强", "惠阳区半岛学校", 366, True],
        ["林晓雯", "惠阳区半岛学校", 31, True],
        ["王涛", "惠阳区半岛学校", 30, False],
    ]
    assert report.parameters == {"threshold": 31}
    assert rows(build(tracker, "rural-service", as_of=as_of))[0] == [
        "陈志强", "惠阳区半岛学校", 366, True  # the default threshold: 365 days
    ]  # fmt: skip
    assert rows(build(tracker, "rural-service", threshold=367, as_of=as_of))[0][3] is False
    in_2025 = build(tracker, "rural-service", year=2025, threshold=31, as_of=as_of)
    assert [r[:3] for r in rows(in_2025)] == [["林晓雯", "惠阳区半岛学校", 31],
                                              ["王涛", "惠阳区半岛学校", 30]]  # fmt: skip
    june = build(tracker, "rural-service", since="2024-06-15", until="2024-07-14", as_of=as_of)
    assert rows(june) == [["陈志强", "惠阳区半岛学校", 30, False]]


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 120)).map(
            lambda p: (dt.date(2024, 1, 1) + dt.timedelta(days=p[0]), p[1])
        ),
        max_size=8,
    )
)
def test_rural_days_are_the_days_of_the_union_of_the_periods(
    periods: list[tuple[dt.date, int]],
) -> None:
    """Periods counted in order of their first day (as the report reads them) give as many
    days as the set of days they cover, whatever their overlaps and nestings."""
    count = Served("甲", "乙")
    covered: set[dt.date] = set()
    for first, length in sorted(periods, key=lambda p: p[0]):
        last = first + dt.timedelta(days=length)
        count.add(first, last)
        covered |= {first + dt.timedelta(days=d) for d in range(length + 1)}
    assert count.days == len(covered)


def test_rural_service_refuses_a_threshold_below_one_day(tracker: Tracker) -> None:
    for bad in (0, -5, True, "365"):
        with pytest.raises(errors.InvalidRecord, match="threshold"):
            build(tracker, "rural-service", threshold=bad)


def test_the_roster_shows_days_served_and_the_early_return(tracker: Tracker) -> None:
    home = school(tracker, "成华区华西中学", RC, Stage.SENIOR)
    host = school(tracker, "丹巴县高级中学", RD, Stage.SENIOR, rural=True)
    zhao, sun, liu = (teacher(tracker, n, home) for n in ("赵宇航", "孙建国", "刘思雨"))
    served(tracker, zhao, host, "2025-09-01", "2026-01-16", status=S.ACTIVE)
    served(tracker, sun, host, "2025-03-01", "2025-07-10", status=S.WITHDRAWN,
           returned="2025-04-15")  # fmt: skip
    served(tracker, liu, host, "2026-02-24", "2026-07-10", status=S.PROPOSED)
    served(tracker, liu, host, "2024-02-26", "2024-07-12")

    report = build(tracker, "secondments", as_of=dt.date(2025, 9, 10))
    day_ = dt.date.fromisoformat
    expected = [
        ["刘思雨", "成华区华西中学", "丹巴县高级中学", SecondmentKind.SUPPORT,
         day_("2024-02-26"), day_("2024-07-12"), 138, S.COMPLETED],
        ["孙建国", "成华区华西中学", "丹巴县高级中学", SecondmentKind.SUPPORT,
         day_("2025-03-01"), day_("2025-04-15"), 46, S.WITHDRAWN],
        ["赵宇航", "成华区华西中学", "丹巴县高级中学", SecondmentKind.SUPPORT,
         day_("2025-09-01"), day_("2026-01-16"), 10, S.ACTIVE],
        ["刘思雨", "成华区华西中学", "丹巴县高级中学", SecondmentKind.SUPPORT,
         day_("2026-02-24"), day_("2026-07-10"), 0, S.PROPOSED],
    ]  # fmt: skip
    assert rows(report) == expected
    assert report.tables[0].totals == ("", "", "", "", None, None, 194, "")
    # A period keeps the secondments that meet it; the early return ends one sooner.
    spring = build(tracker, "secondments", since="2025-04-16", until="2025-08-31")
    assert rows(spring) == []
    april = build(tracker, "secondments", since="2025-04-15", until="2025-08-31")
    assert column(april.tables[0], "teacher") == ["孙建国"]


def test_mentoring_levels_loads_reach_and_confirmed_minutes(tracker: Tracker) -> None:
    guangzhou = school(tracker, "广州市执信中学", "广东省广州市", Stage.SENIOR)
    qingyuan = school(tracker, "清新区凤霞中学", "广东省清远市", Stage.JUNIOR)
    a = teacher(tracker, "李卫东", guangzhou)
    b, c, d, e, f = (
        teacher(tracker, n, qingyuan) for n in ("何婉清", "梁建华", "朱小燕", "黄俊", "陈丽")
    )
    g = teacher(tracker, "吴秀兰", qingyuan)
    tracker.define_programme("百千万", targets=[1, 2, 3])
    pair = {}
    for mentor, mentee, since in ((a, b, "2017-10-09"), (a, c, "2017-10-09"),
                                  (b, d, "2018-03-01"), (c, e, "2018-03-01"),
                                  (c, f, "2018-03-01")):  # fmt: skip
        pair[mentor, mentee] = tracker.pair_mentor(
            mentor, mentee, programme="百千万", starts_on=since
        )
    tracker.end_mentorship(pair[c, f].id or 0, reason="调离", on="2018-09-01")
    tracker.pair_mentor(g, d, programme="青蓝工程", starts_on="2019-03-04")
    first = tracker.log_meeting(pair[a, b].id or 0, held_on="2017-10-20", minutes=60,
                                kind="observation")  # fmt: skip
    tracker.confirm_meeting(first.id or 0, by=b)
    tracker.log_meeting(pair[a, b].id or 0, held_on="2017-11-20", minutes=30, kind="review")

    report = build(tracker, "mentoring", programme="百千万")
    assert rows(report, "levels") == [[0, 1, 1, True], [1, 2, 2, True], [2, 2, 3, False]]
    assert rows(report, "mentors") == [
        ["李卫东", "广州市执信中学", 0, 2, 4],
        ["何婉清", "清新区凤霞中学", 1, 1, 1],
        ["梁建华", "清新区凤霞中学", 1, 1, 1],
    ]
    assert [(r[0], r[1], r[5], r[6]) for r in rows(report, "pairs")] == [
        ("李卫东", "何婉清", MentorshipStatus.ACTIVE, 60),
        ("李卫东", "梁建华", MentorshipStatus.ACTIVE, 0),
        ("何婉清", "朱小燕", MentorshipStatus.ACTIVE, 0),
        ("梁建华", "黄俊", MentorshipStatus.ACTIVE, 0),
        ("梁建华", "陈丽", MentorshipStatus.ENDED, 0),
    ]
    assert report.parameters == {"programme": "百千万"}
    # Without a programme: every pair, no targets.
    everything = build(tracker, "mentoring")
    assert "吴秀兰" in column(everything.table("mentors"), "mentor")
    assert all(r[2] is None and r[3] is None for r in rows(everything, "levels"))
    # A period keeps the pairs that meet it.
    later = build(tracker, "mentoring", since="2018-09-02")
    assert ("梁建华", "陈丽") not in [(r[0], r[1]) for r in rows(later, "pairs")]
    with pytest.raises(errors.NotFound, match="无此项目"):
        build(tracker, "mentoring", programme="无此项目")


def test_assessments_combine_assessors_by_the_mean_and_tally_grades(tracker: Tracker) -> None:
    xupu = school(tracker, "溆浦一中", "湖南省怀化市溆浦县", Stage.SENIOR)
    xinhuang = school(tracker, "新晃一中", "湖南省怀化市新晃侗族自治县", Stage.SENIOR)
    rubric = tracker.define_rubric(
        "结对学校考核",
        target="school",
        criteria=[
            Criterion(key="teaching", name="教学成果"),
            Criterion(key="team", name="团队建设"),
        ],
        ref="R-1",
    )
    other = tracker.define_rubric(
        "办学质量", target="school", criteria=[Criterion(key="q", name="质量")]
    )

    def assess(target: int, period: str, who: str, on: str, teaching: float, team: float) -> None:
        tracker.assess(rubric.id or 0, target, period=period, assessor=who, assessed_on=on,
                       scores={"teaching": teaching, "team": team})  # fmt: skip

    assess(xupu, "2025", "怀化市教育局", "2026-01-10", 90, 80)  # 85
    assess(xupu, "2025", "长沙市教育局", "2026-01-12", 100, 90)  # 95: combined 90, 优秀
    assess(xinhuang, "2025", "怀化市教育局", "2026-01-10", 70, 60)  # 65: 合格
    assess(xupu, "2024", "怀化市教育局", "2025-01-10", 50, 50)  # 50: 不合格
    tracker.assess(other.id or 0, xupu, period="2025", assessor="局", assessed_on="2026-01-10",
                   scores={"q": 88})  # fmt: skip

    report = build(tracker, "assessments", rubric="R-1")
    table = report.tables[0]
    assert table.title == "结对学校考核 v1"
    assert [c.key for c in table.columns] == [
        "target", "period", "assessors", "teaching", "team", "total", "grade"
    ]  # fmt: skip
    assert sorted(rows(report, table.name)) == sorted([
        ["溆浦一中", "2024", 1, 50.0, 50.0, 50.0, Grade.FAIL],
        ["溆浦一中", "2025", 2, 95.0, 85.0, 90.0, Grade.EXCELLENT],
        ["新晃一中", "2025", 1, 70.0, 60.0, 65.0, Grade.PASS],
    ], key=str)  # fmt: skip
    assert rows(report, "grades") == [
        ["结对学校考核 v1", period, grade, count]
        for period, tally in (("2024", {Grade.FAIL: 1}),
                              ("2025", {Grade.EXCELLENT: 1, Grade.PASS: 1}))
        for grade in Grade
        for count in [tally.get(grade, 0)]
    ]  # fmt: skip
    both = build(tracker, "assessments")
    assert [t.title for t in both.tables] == [
        "办学质量 v1",
        "结对学校考核 v1",
        "grade distribution",
    ]
    only_2025 = build(tracker, "assessments", rubric="R-1", period="2025")
    assert {r[1] for r in only_2025.tables[0].rows} == {"2025"}
    in_2025 = build(tracker, "assessments", rubric="R-1", year=2025)
    assert [r[1] for r in in_2025.tables[0].rows] == ["2024"]  # assessed on 2025-01-10


# -- filters narrow each report ------------------------------------------------------


@pytest.fixture
def two_partnerships(tracker: Tracker) -> Tracker:
    """惠阳→贞丰 (partnership HY-ZF) and 成华→丹巴 (CH-DB), one pairing each, with a
    secondment, an activity and a mentor pair on each side."""
    a1 = school(tracker, "惠阳区半岛学校", RA, Stage.JUNIOR, ref="S-A1")
    b1 = school(tracker, "贞丰县第五中学", RB, Stage.JUNIOR, rural=True, ref="S-B1")
    c1 = school(tracker, "成华区华西中学", RC, Stage.SENIOR, ref="S-C1")
    d1 = school(tracker, "丹巴县高级中学", RD, Stage.SENIOR, rural=True, ref="S-D1")
    hy = tracker.add(Partnership(name="惠阳—贞丰", supporting_region=RA, supported_region=RB,
                                 ref="HY-ZF"))  # fmt: skip
    ch = tracker.add(Partnership(name="成华—丹巴", supporting_region=RC, supported_region=RD,
                                 ref="CH-DB"))  # fmt: skip
    p_hy = tracker.pair_schools(a1, b1, signed_on="2024-03-01", partnership=hy)
    p_ch = tracker.pair_schools(c1, d1, signed_on="2024-04-01", partnership=ch)
    jia, yi = teacher(tracker, "甲老师", a1), teacher(tracker, "乙老师", b1)
    bing, ding = teacher(tracker, "丙老师", c1), teacher(tracker, "丁老师", d1)
    served(tracker, jia, b1, "2024-09-01", "2025-01-10", pairing=p_hy.id)
    served(tracker, yi, a1, "2024-10-08", "2024-10-31", pairing=p_hy.id)
    served(tracker, bing, d1, "2024-09-01", "2025-01-10", pairing=p_ch.id)
    tracker.log_activity("training", "培训", held_on="2024-05-01", partnership=hy, school=b1,
                         attendees=40)  # fmt: skip
    tracker.log_activity("live-lesson", "直播课", held_on="2024-05-02", pairing=p_ch, lessons=12)
    tracker.pair_mentor(jia, yi, programme="惠贞师徒结对", starts_on="2024-09-01")
    tracker.pair_mentor(bing, ding, programme="成丹结对帮带", starts_on="2024-09-01")
    return tracker


AS_OF_FILTERS = dt.date(2025, 6, 30)


def test_summary_of_a_small_programme(two_partnerships: Tracker) -> None:
    report = build(two_partnerships, "summary", as_of=AS_OF_FILTERS)
    assert rows(report, "overview") == [
        ["惠阳—贞丰", 2024, 1, 1, 1, 122 + 24, 1, 0, 0, 1, 40, 0],
        ["惠阳—贞丰", 2025, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0],
        ["成华—丹巴", 2024, 1, 1, 0, 122, 1, 0, 12, 0, 0, 0],
        ["成华—丹巴", 2025, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0],
    ]
    assert report.table("overview").totals == ("", "", 2, 2, 1, 288, 2, 0, 12, 1, 40, 0)
    assert rows(report, "secondments") == [
        ["惠阳—贞丰", 2024, SecondmentKind.SUPPORT, 1, 1, 146],
        ["惠阳—贞丰", 2025, SecondmentKind.SUPPORT, 0, 0, 10],
        ["成华—丹巴", 2024, SecondmentKind.SUPPORT, 1, 0, 122],
        ["成华—丹巴", 2025, SecondmentKind.SUPPORT, 0, 0, 10],
    ]
    in_2025 = build(two_partnerships, "summary", year=2025, as_of=AS_OF_FILTERS)
    assert [r[:6] for r in rows(in_2025, "overview")] == [
        ["惠阳—贞丰", 2025, 0, 0, 0, 10],
        ["成华—丹巴", 2025, 0, 0, 0, 10],
    ]
    zh = report.localized("zh")
    assert zh.table("overview").columns[0].label == "协作关系"
    assert rows(zh, "secondments")[0][2] == SecondmentKind.SUPPORT.zh == "支教"


NARROWING = [
    ("summary", "partnership", "HY-ZF", "partnership", {"惠阳—贞丰"}),
    ("summary", "region", RD, "partnership", {"成华—丹巴"}),
    ("summary", "school", "S-B1", "partnership", {"惠阳—贞丰"}),
    ("secondments", "partnership", "CH-DB", "teacher", {"丙老师"}),
    ("secondments", "region", RB, "teacher", {"甲老师", "乙老师"}),
    ("secondments", "school", "S-C1", "teacher", {"丙老师"}),
    ("rural-service", "partnership", "HY-ZF", "teacher", {"甲老师"}),
    ("rural-service", "region", RD, "teacher", {"丙老师"}),
    ("rural-service", "school", "S-A1", "teacher", {"甲老师"}),
    ("mentoring", "region", RC, "mentor", {"丙老师"}),
    ("mentoring", "school", "S-A1", "mentor", {"甲老师"}),
]


@pytest.mark.parametrize(
    ("name", "key", "value", "shown", "kept"), NARROWING, ids=[f"{n}-{k}" for n, k, *_ in NARROWING]
)
def test_filters_narrow_each_report(
    two_partnerships: Tracker, name: str, key: str, value: str, shown: str, kept: set[str]
) -> None:
    dated = {} if name == "mentoring" else {"as_of": AS_OF_FILTERS}
    whole = build(two_partnerships, name, **dated)
    narrowed = build(two_partnerships, name, **dated, **{key: value})
    table = whole.tables[0] if name != "mentoring" else whole.table("mentors")
    part = narrowed.tables[0] if name != "mentoring" else narrowed.table("mentors")
    assert set(column(part, shown)) == kept
    assert set(column(table, shown)) > kept
    assert narrowed.parameters[key] == value
    if name == "summary":
        assert part.totals is not None and table.totals is not None
        assert part.totals[6] == 1 and table.totals[6] == 2  # activities


def test_a_csv_with_a_byte_order_mark_still_round_trips(
    demo_db: Path, demo_reports: dict[str, Report], tmp_path: Path
) -> None:
    target = tmp_path / "summary.csv"
    result = invoke(
        demo_db, "report", "summary", "--csv", "--bom", "--lang", "zh", "-o", str(target)
    )
    assert result.exit_code == 0, result.stderr
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    with target.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream)) == expected_csv(demo_reports["summary"].localized("zh"))


def test_every_listed_option_is_an_option_of_exchange_report() -> None:
    from cli.reports import report

    taken = {option for param in report.params for option in param.opts}
    result = CliRunner().invoke(cli, ["reports", "--json"])
    for entry in json.loads(result.stdout):
        for option in entry["options"]:
            assert option["option"] in taken, (entry["name"], option)


def test_each_report_names_the_filters_it_takes() -> None:
    """What `exchange reports` lists; the issue asks for partnership, region, year or date
    range and school on each report where they apply."""
    result = CliRunner().invoke(cli, ["reports", "--json"])
    listed = {
        entry["name"]: {
            option["option"] if option["required"] else f"[{option['option']}]"
            for option in entry["options"]
        }
        for entry in json.loads(result.stdout)
    }
    period = {"[--year]", "[--since]", "[--until]"}
    places = {"[--region]", "[--partnership]", "[--school]"}
    for name in ("summary", "secondments", "rural-service"):
        assert period | places | {"[--programme]"} <= listed[name], name
    for name in ("coverage", "budget"):
        assert "[--programme]" in listed[name], name
    assert period | {"--region", "[--partnership]"} <= listed["coverage"]
    assert {"[--year]"} | places <= listed["budget"]
    assert listed["quotas"] == {"--region", "--year", "[--programme]"}


# -- bad input on the command line ----------------------------------------------------

BAD = [
    (["report", "nosuch"], "unknown report 'nosuch'"),
    (["report", "summary", "--format", "pdf"], "unknown format 'pdf'"),
    (["report", "summary", "--rubric", "R-1"], "report 'summary' takes no --rubric"),
    (["report", "summary", "--colour", "red"], "--colour"),
    (["report", "summary", "--since", "2025-05-01", "--until", "2025-01-01"],
     "the period ends (2025-01-01) before it starts (2025-05-01)"),
    (["report", "secondments", "--since", "2025-05-01", "--until", "2025-01-01"],
     "before it starts"),
    (["report", "summary", "--year", "2025", "--since", "2025-01-01"],
     "give a year or a date range (since, until), not both"),
    (["report", "summary", "--region", "火星"], "no school is in region '火星'"),
    (["report", "coverage", "--region", "火星"], "no school is in region '火星'"),
    (["report", "summary", "--partnership", "NO-SUCH"], "no partnership with ref 'NO-SUCH'"),
    (["report", "secondments", "--school", "NO-SUCH"], "no school with ref 'NO-SUCH'"),
    (["report", "rural-service", "--school", "99999"], "99999"),
    (["report", "mentoring", "--programme", "无此项目"], "no programme named '无此项目'"),
    (["report", "assessments", "--rubric", "NO-SUCH"], "NO-SUCH"),
    (["report", "quotas", "--year", "2025"], "report 'quotas' needs --region"),
    (["report", "summary", "--since", "2025-02-30"], "2025-02-30"),
    (["report", "summary", "--year", "1800"], "1800"),
    (["report", "rural-service", "--threshold", "0"], "--threshold"),
    (["report", "summary", "--format", "xlsx"], "format 'xlsx' writes a file; add -o FILE"),
    (["report", "summary", "--lang", "fr"], "'fr'"),
    (["report", "summary", "--json", "--bom"], "--bom is for --format csv"),
]  # fmt: skip


def check_refused(result: Result, needle: str) -> None:
    """Non-zero, no traceback, one ``Error:`` line naming the problem, nothing on stdout."""
    err = result.stderr
    assert result.exit_code in (1, 2), (result.exit_code, err)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in err
    errors_ = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(errors_) == 1 and needle in errors_[0], err
    if result.exit_code == 1:  # not a usage error: the one line is all there is
        assert err == errors_[0] + "\n"
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "needle"), BAD, ids=[" ".join(a[1:3]) for a, _ in BAD])
def test_bad_requests_are_one_line_and_change_nothing(
    demo_db: Path, args: list[str], needle: str
) -> None:
    before = dump(demo_db)
    check_refused(invoke(demo_db, *args), needle)
    assert dump(demo_db) == before


@pytest.mark.parametrize(
    ("name", "extra"),
    [("summary", []), ("secondments", []), ("rural-service", []), ("assessments", []),
     ("budget", [])],
)  # fmt: skip
def test_a_year_without_data_is_an_empty_report(demo_db: Path, name: str, extra: list[str]) -> None:
    before = dump(demo_db)
    result = invoke(demo_db, "report", name, "--year", "1999", "--json", *extra)
    assert result.exit_code == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["parameters"]["year"] == 1999
    assert all(t["rows"] == [] and t["totals"] is None for t in data["tables"])
    assert invoke(demo_db, "report", name, "--year", "1999").exit_code == 0  # table format
    assert dump(demo_db) == before


def test_quotas_of_a_year_without_data_count_nothing(demo_db: Path) -> None:
    result = invoke(demo_db, "report", "quotas", "--region", ZHENFENG, "--year", "1999", "--csv")
    assert result.exit_code == 0 and result.stderr == ""
    found = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(found) == 4 and {row["counted"] for row in found} == {"0"}
    assert {row["status"] for row in found} <= {"not met", "no data"}


@pytest.mark.parametrize(
    ("where", "needle"),
    [
        ("missing/summary.csv", "folder {parent} does not exist"),
        ("a-file/summary.csv", "{parent} is not a folder"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_output_file_that_cannot_be_written_is_one_line(
    demo_db: Path, tmp_path: Path, where: str, needle: str, fmt: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    target = tmp_path / where
    before, files = dump(demo_db), sorted(tmp_path.rglob("*"))
    result = invoke(demo_db, "report", "summary", "--format", fmt, "-o", str(target))
    check_refused(result, f"cannot write {target}: {needle.format(parent=target.parent)}")
    assert sorted(tmp_path.rglob("*")) == files  # nothing created, not even a folder
    assert dump(demo_db) == before


def test_a_refused_request_creates_no_output_file(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "summary.csv"
    check_refused(
        invoke(demo_db, "report", "summary", "--region", "火星", "--csv", "-o", str(target)), "火星"
    )
    check_refused(invoke(demo_db, "report", "summary", "-o", str(tmp_path)), "is a directory")
    assert list(tmp_path.iterdir()) == []


def test_any_file_name_the_file_system_takes_can_be_written(demo_db: Path, tmp_path: Path) -> None:
    """The file is first written beside its name: that must not make a long but legal
    name (here 250 of the usual 255 bytes) unwritable."""
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    target = tmp_path / ("长" * 80 + "x" * (longest - 240 - 4) + ".csv")  # 80 × 3 bytes
    assert len(target.name.encode()) == longest
    target.write_text("", encoding="utf-8")  # the file system takes it
    target.unlink()
    result = invoke(demo_db, "report", "summary", "--csv", "-o", str(target))
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_a_folder_without_write_permission_is_one_line(demo_db: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        result = invoke(demo_db, "report", "summary", "-o", str(locked / "s.csv"))
        check_refused(result, "Permission denied")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_failure_while_writing_leaves_the_old_file_and_no_partial_one(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "summary.csv"
    target.write_text("the previous report\n", encoding="utf-8")

    def half_then_fail(self: Report, format: str, stream: IO[Any], **_: Any) -> None:
        stream.write("partnership,year\n惠阳")
        raise errors.ExchangeError("the format gave up half way")

    monkeypatch.setattr(Report, "render", half_then_fail)
    result = invoke(demo_db, "report", "summary", "--csv", "-o", str(target))
    check_refused(result, "the format gave up half way")
    assert target.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


EXCHANGE = Path(sys.executable).with_name("exchange")


@pytest.mark.skipif(not EXCHANGE.exists(), reason=f"no installed command at {EXCHANGE}")
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--since", "2025-05-01", "--until", "2025-01-01"], "before it starts (2025-05-01)"),
        (["-o", "{tmp}/a-file/summary.csv"], "cannot write {tmp}/a-file/summary.csv"),
    ],
    ids=["range", "parent-is-a-file"],
)
def test_the_installed_command_refuses_in_one_line(
    demo_db: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    before = dump(demo_db)
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env.pop("EXCHANGE_RAISE_ERRORS", None)
    done = subprocess.run(
        [str(EXCHANGE), "--db", str(demo_db), "report", "summary",
         *(a.format(tmp=tmp_path) for a in args)],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: "), done.stderr
    assert needle.format(tmp=tmp_path) in done.stderr
    assert dump(demo_db) == before
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_summary_breaks_secondments_down_by_role_subject_stage_and_region_level() -> None:
    """广清's 2017 跟岗: 12 principals beside 100 teachers, each counted under every role
    they hold; home schools' stages and region levels; an unknown breakdown refused."""
    tracker = Tracker.open("memory:")
    home = tracker.add(School(name="清远市第一中学", region="广东省清远市清城区", stage="高中"))
    small = tracker.add(School(name="连州市实验小学", region="清远市", stage=Stage.PRIMARY))
    host = tracker.add(School(name="广州市第六中学", region="广东省广州市海珠区", stage="高中"))
    ranks = [[Role.PRINCIPAL, Role.BACKBONE]] * 12 + [[Role.BACKBONE]] * 30 + [[]] * 58
    for i, roles in enumerate(ranks):
        school = small if i % 10 == 9 else home
        teacher = tracker.add(
            Teacher(name=f"教师{i}", school_id=school.id, roles=roles, subjects=["数学"])
        )
        s = tracker.second(teacher, host, kind="跟岗", starts_on="2025-09-01", ends_on="2025-09-10")
        tracker.start(tracker.approve(s))
    as_of = dt.date(2025, 12, 31)

    def rows_by(by: str) -> dict[Any, list[int]]:
        table = build(tracker, "summary", by=by, as_of=as_of).table("secondments")
        assert [c.key for c in table.columns][2] == by
        return {row[2]: list(row[3:]) for row in table.rows}

    assert rows_by("role") == {
        Role.PRINCIPAL: [12, 0, 120], Role.BACKBONE: [42, 0, 420], "no role": [58, 0, 580]
    }  # fmt: skip
    assert build(tracker, "summary", by="role", as_of=as_of).table("secondments").totals is None
    assert rows_by("subject") == {"数学": [100, 0, 1000]}
    assert rows_by("stage") == {Stage.SENIOR: [90, 0, 900], Stage.PRIMARY: [10, 0, 100]}
    assert rows_by("province") == {"广东省": [100, 0, 1000]}  # 清远市 completed from 清城区
    assert rows_by("county") == {"清城区": [90, 0, 900], "unknown": [10, 0, 100]}
    kinds = build(tracker, "summary", as_of=as_of).table("secondments")
    assert [list(r[2:]) for r in kinds.rows] == [[SecondmentKind.SHADOW, 100, 0, 1000]]
    with pytest.raises(errors.InvalidRecord, match="cannot break down by 'gender'; choose one"):
        build(tracker, "summary", by="gender")


def test_coverage_counts_the_teachers_and_schools_activities_reached() -> None:
    """广清's 优课解码 training: 25 seed teachers of 25 清远 schools (a 广州 teacher
    there too is not of the region); a lecture reached two teachers of one school; a
    training of another year and one of another partnership are left out."""
    tracker = Tracker.open("memory:")
    gq = tracker.add(
        Partnership(name="广清", supporting_region="广州市", supported_region="清远市")
    )
    other = tracker.add(
        Partnership(name="其他", supporting_region="深圳市", supported_region="清远市")
    )
    region = "广东省清远市"
    schools = [
        tracker.add(School(name=f"清远学校{i}", region=f"{region}清城区", stage=Stage.JUNIOR))
        for i in range(25)
    ]
    guangzhou = tracker.add(School(name="天河中学", region="广东省广州市天河区", stage="初中"))
    seeds = [
        tracker.add(Teacher(name=f"种子教师{i}", school_id=s.id)) for i, s in enumerate(schools)
    ]
    visitor = tracker.add(Teacher(name="广州教师", school_id=guangzhou.id))
    extra = tracker.add(Teacher(name="同校教师", school_id=schools[0].id))

    def held(kind: str, on: str, people: list[Teacher], partnership: Partnership = gq) -> None:
        activity = tracker.log_activity(kind, "优课解码", held_on=on, partnership=partnership)
        for person in people:
            tracker.take_part(activity, person)

    held("培训", "2017-10-20", [*seeds, visitor])
    held("专题讲座", "2017-11-03", [seeds[0], extra])
    held("培训", "2018-03-01", seeds[:3])  # another year
    held("培训", "2017-12-01", seeds[:5], other)  # another partnership
    reach = build(tracker, "coverage", region="清远市", year=2017, partnership=gq.id)
    assert rows(reach, "reach") == [
        [ActivityKind.LECTURE, 1, 2, 1],
        [ActivityKind.TRAINING, 1, 25, 25],
    ]
    assert list(reach.table("reach").totals or []) == ["", 2, 26, 25]
    everyone = build(tracker, "coverage", region=region, year=2017)
    assert rows(everyone, "reach")[1] == [ActivityKind.TRAINING, 2, 25, 25]
    assert rows(everyone, "stages") == [[Stage.JUNIOR, 25, 0, 25, Decimal("0.0")]]  # 清城区 below
