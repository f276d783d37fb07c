"""Importing files: every record type from Chinese headers, the encodings, the date
forms, xlsx and JSON, every problem with its row and column, all or nothing, and
re-importing changes nothing — on ``memory:`` and SQLite, one pass and two."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import (
    Activity,
    Allocation,
    Expense,
    Mentorship,
    Pairing,
    Partnership,
    Role,
    School,
    Secondment,
    SecondmentStatus,
    Stage,
    Teacher,
    Tracker,
    hookimpl,
    importing,
)
from exchange.errors import InvalidRecord
from exchange.importing import ImportRefused, Problem, ReadError, cells
from exchange.plugins import Plugins, get_plugin_manager
from exchange.registry import ImporterSpec
from exchange.testing.machine import dump
from plugins import importers

ROOT = Path(__file__).resolve().parent.parent
Table = Sequence[Sequence[Any]]

SCHOOLS: Table = [
    ("学校代码", "学校名称", "所属地区", "学段", "是否农村"),
    ("HY-BD", "惠阳区半岛学校", "广东省惠州市惠阳区", "初中", "否"),
    ("ZF-05", "贞丰县第五中学", "贵州省黔西南州贞丰县", "初中", "是"),
    ("ZF-SF1", "贞丰县双峰街道第一幼儿园", "贵州省黔西南州贞丰县", "幼儿园", "是"),
]
TEACHERS: Table = [
    ("工号", "教师姓名", "所在学校", "学科", "角色", "联系电话"),
    ("T001", "王芳", "HY-BD", "语文、数学", "骨干教师，班主任", "13800000001"),
    ("T002", "李强", "惠阳区半岛学校", "英语", "", ""),
    ("T003", "张敏", "ZF-05", "物理", "", ""),
]


# -- set-up -----------------------------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tracker]:
    url = "memory:" if request.param == "memory" else "sqlite:///" + str(tmp_path / "store.db")
    with Tracker.open(url, actor="导入测试") as opened:
        yield opened


Import = Callable[..., importing.Counts]


def _load(tracker: Tracker, kind: str, rows: Any, **options: Any) -> importing.Counts:
    return importing.load(tracker, kind, rows, **options)


def _two_pass(tracker: Tracker, kind: str, rows: Any, **options: Any) -> importing.Counts:
    plan = importing.prepare(tracker, kind, rows)
    return importing.apply(tracker, plan, **options)


@pytest.fixture(params=[_load, _two_pass], ids=["load", "two-pass"])
def run(request: pytest.FixtureRequest) -> Import:
    """Import through ``load`` (one pass where it can) or ``prepare`` + ``apply``."""
    chosen: Import = request.param
    return chosen


def write_csv(path: Path, table: Table, encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows(table)
    return path


def import_csv(
    run: Import, tracker: Tracker, kind: str, table: Table, folder: Path, **options: Any
) -> importing.Counts:
    path = write_csv(folder / f"{kind}.csv", table, options.pop("encoding", "utf-8"))
    return run(tracker, kind, importing.reader(path, plugins=tracker.plugins), **options)


def refused(tracker: Tracker, kind: str, path: Path, *, two_pass: bool = False) -> ImportRefused:
    """Import ``path`` expecting a refusal; the store must be exactly as it was."""
    before = dump(tracker.backend)
    rows = importing.reader(path, plugins=tracker.plugins)
    with pytest.raises(ImportRefused) as caught:
        _two_pass(tracker, kind, rows) if two_pass else _load(tracker, kind, rows)
    assert dump(tracker.backend) == before
    return caught.value


def seeded(tracker: Tracker, folder: Path) -> Tracker:
    import_csv(_load, tracker, "schools", SCHOOLS, folder)
    import_csv(_load, tracker, "teachers", TEACHERS, folder)
    return tracker


def where(problems: Sequence[Problem]) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in problems]


# -- every record type ----------------------------------------------------------------


def test_every_record_type_imports_from_chinese_headers(
    tracker: Tracker, run: Import, tmp_path: Path
) -> None:
    files: list[tuple[str, Table]] = [
        ("schools", SCHOOLS),
        (
            "partnerships",
            [
                ("编号", "名称", "支援地区", "受援地区", "类型", "开始日期"),
                (
                    "HY-ZF",
                    "惠阳—贞丰东西部教育协作",
                    "广东省惠州市惠阳区",
                    "贵州省黔西南州贞丰县",
                    "东西部协作",
                    "2021/3/1",
                ),
            ],
        ),
        (
            "pairings",
            [
                ("编号", "帮扶学校", "受援学校", "协作关系", "签约日期", "年度经费"),
                (
                    "P1",
                    "HY-BD",
                    "贞丰县第五中学",
                    "惠阳—贞丰东西部教育协作",
                    "2021年3月18日",
                    "100,000",
                ),
            ],
        ),
        ("teachers", TEACHERS),
        (
            "secondments",
            [
                ("编号", "教师工号", "接收学校", "类型", "开始日期", "结束日期", "状态"),
                ("SE1", "T001", "ZF-05", "支教", "2024.9.1", "2025.1.15", "已批准"),
            ],
        ),
        (
            "mentorships",
            [
                ("编号", "导师", "徒弟", "项目", "开始日期"),
                ("M1", "T001", "T003", "青蓝工程", "2024-09-10"),
            ],
        ),
        (
            "activities",
            [
                (
                    "编号",
                    "类型",
                    "活动名称",
                    "日期",
                    "协作关系",
                    "学校",
                    "主讲教师",
                    "节数",
                    "人次",
                ),
                (
                    "A1",
                    "示范课",
                    "初中语文示范课",
                    "2024-10-12",
                    "HY-ZF",
                    "ZF-05",
                    "T001",
                    "2",
                    "120",
                ),
            ],
        ),
        (
            "allocations",
            [
                ("编号", "结对", "年度", "金额（元）", "来源"),
                ("AL1", "P1", "2024", "100000", "惠阳区教育局"),
            ],
        ),
        (
            "expenses",
            [
                ("编号", "经费", "日期", "金额", "类别", "说明", "交流"),
                ("E1", "AL1", "2024-10-01", "¥12,000.50", "差旅补助", "支教教师差旅", "SE1"),
            ],
        ),
    ]
    for kind, table in files:
        counts = import_csv(run, tracker, kind, table, tmp_path)
        assert counts == importing.Counts(added=len(table) - 1), kind

    bandao, wuzhong, _ = tracker.find(School, order_by=["id"])
    assert (bandao.stage, bandao.rural, wuzhong.rural) == (Stage.JUNIOR, False, True)
    wang = tracker.get(Teacher, "T001")
    assert (wang.school_id, wang.subjects) == (bandao.id, ("语文", "数学"))
    assert wang.roles == (Role.BACKBONE, Role.HEAD_TEACHER)
    assert tracker.get(Teacher, "T002").school_id == bandao.id  # named by the school's name
    partnership = tracker.get(Partnership, "HY-ZF")
    assert partnership.started_on == dt.date(2021, 3, 1)
    pairing = tracker.get(Pairing, "P1")
    assert (pairing.partnership_id, pairing.signed_on) == (partnership.id, dt.date(2021, 3, 18))
    assert pairing.annual_budget == Decimal("100000")
    secondment = tracker.get(Secondment, "SE1")
    assert (secondment.status, secondment.ends_on) == (
        SecondmentStatus.APPROVED,
        dt.date(2025, 1, 15),
    )
    assert tracker.get(Mentorship, "M1").mentee_id == tracker.get(Teacher, "T003").id
    activity = tracker.get(Activity, "A1")
    assert (activity.lessons, activity.attendees, activity.teacher_id) == (2, 120, wang.id)
    assert tracker.get(Allocation, "AL1").amount == Decimal("100000")
    expense = tracker.get(Expense, "E1")
    assert (expense.amount, expense.secondment_id) == (Decimal("12000.50"), secondment.id)


def test_english_headers_and_ids(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    school = tracker.get(School, "ZF-05")
    table = [
        ("Ref", "Name", "School ID", "subjects", "roles", "phone"),
        ("T100", "Li Lei", str(school.id), "math; physics", "backbone, head-teacher", ""),
    ]
    assert import_csv(_load, tracker, "teacher", table, tmp_path).added == 1
    found = tracker.get(Teacher, "T100")
    assert (found.school_id, found.subjects) == (school.id, ("math", "physics"))
    assert found.roles == (Role.BACKBONE, Role.HEAD_TEACHER)


# -- encodings and file forms ---------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(encoding: str, tracker: Tracker, tmp_path: Path) -> None:
    import_csv(_load, tracker, "schools", SCHOOLS, tmp_path, encoding=encoding)
    assert [s.name for s in tracker.find(School, order_by=["id"])] == [r[1] for r in SCHOOLS[1:]]
    assert importers.encoding(str(tmp_path / "schools.csv")) in ("utf-8-sig", "gb18030")


def test_dates_in_every_form(tracker: Tracker, run: Import, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    forms = [
        "2024-12-01",
        "2024/12/1",
        "2024.12.1",
        "2024年12月1日",
        "20241201",
        "45627",
        "2024-12-01 00:00:00",
        "２０２４年１２月１日",
    ]
    table = [("教师工号", "接收学校", "类型", "开始日期", "结束日期")]
    table += [("T003", "HY-BD", "送教", form, "2024-12-31") for form in forms]
    assert import_csv(run, tracker, "secondments", table, tmp_path).added == len(forms)
    assert {s.starts_on for s in tracker.find(Secondment)} == {dt.date(2024, 12, 1)}


@pytest.mark.parametrize(
    "written", ["2024-13-01", "2024-02-30", "2024", "12/1/2024", "soon", "1.5", "99999"]
)
def test_what_is_not_a_date(written: str) -> None:
    with pytest.raises(InvalidRecord, match=r"date|calendar"):
        cells.day(written)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("是", True),
        ("否", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("Y", True),
        ("n", False),
    ],
)
def test_yes_and_no(written: str, value: bool) -> None:
    assert cells.flag(written) is value


def test_multi_value_cells_split_on_every_separator() -> None:
    assert cells.words("语文、数学,英语，物理;化学；生物") == (
        "语文",
        "数学",
        "英语",
        "物理",
        "化学",
        "生物",
    )


def test_xlsx_round_trip(tracker: Tracker, run: Import, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    seeded(tracker, tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "教师工号", "接收学校", "类型", "开始日期", "结束日期", "状态"])
    sheet.append(["SE1", "T003", "HY-BD", "跟岗", dt.datetime(2024, 9, 1), 45657, "拟派"])
    sheet.append([None] * 7)  # a formatted but empty row
    sheet.append(["SE2", "T002", "ZF-05", "挂职", dt.date(2025, 3, 1), "2025/6/30", None])
    path = tmp_path / "交流.xlsx"
    book.save(path)
    rows = importing.reader(path, plugins=tracker.plugins)
    assert run(tracker, "交流", rows).added == 2
    first, second = tracker.find(Secondment, order_by=["id"])
    assert (first.starts_on, first.ends_on) == (dt.date(2024, 9, 1), dt.date(2024, 12, 31))
    assert (second.ref, second.starts_on, second.status) == (
        "SE2",
        dt.date(2025, 3, 1),
        SecondmentStatus.PROPOSED,
    )


def test_xlsx_without_openpyxl_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def missing(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(importers.importlib, "import_module", missing)
    with pytest.raises(ReadError, match=r"pip install openpyxl$"):
        list(importers.read_xlsx(str(tmp_path / "a.xlsx")))


@pytest.mark.parametrize("form", ["list", "records", "lines"])
def test_json_forms(form: str, tracker: Tracker, tmp_path: Path) -> None:
    records = [dict(zip(SCHOOLS[0], row, strict=True)) for row in SCHOOLS[1:]]
    records[1]["是否农村"] = True  # JSON values become cell text
    path = tmp_path / f"schools.{'jsonl' if form == 'lines' else 'json'}"
    if form == "lines":
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    else:
        text = json.dumps(records if form == "list" else {"records": records}, indent=2)
    path.write_text(text, encoding="utf-8")
    assert _load(tracker, "schools", importing.reader(path, plugins=tracker.plugins)).added == 3
    assert tracker.get(School, "ZF-05").rural is True


# -- problems ---------------------------------------------------------------------------


def test_every_problem_is_listed_with_row_and_column(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ("工号", "教师姓名", "所在学校", "学科", "角色"),
            ("T101", "王五", "HY-BD", "语文", "骨干教师"),
            ("T102", "", "HY-BD", "数学", ""),
            ("T103", "李四", "不存在的学校", "英语", ""),
            ("T104", "张三", "ZF-05", "物理", "校长助理"),
            ("T101", "赵六", "ZF-05", "化学", ""),
        ],
    )
    plan = importing.prepare(tracker, "teachers", importing.reader(path))
    assert where(plan.problems) == [(3, "教师姓名"), (4, "所在学校"), (5, "角色"), (6, "工号")]
    assert "no school has the ref, id or name '不存在的学校'" in plan.problems[1].message
    assert "'校长助理' is not a role" in plan.problems[2].message
    assert plan.problems[3].message == "ref 'T101' is also in row 2"
    error = refused(tracker, "teachers", path)
    assert error.count == 4 and error.problems == plan.problems
    assert str(error).splitlines()[0] == "nothing was imported into teachers: 4 problems"
    assert "  row 4, column 所在学校: no school has" in str(error)


def test_the_message_lists_the_first_problems_and_counts_the_rest(
    tracker: Tracker, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    table = [("教师姓名", "所在学校")] + [(f"教师{i}", "nowhere") for i in range(30)]
    error = refused(tracker, "teachers", write_csv(tmp_path / "t.csv", table))
    lines = str(error).splitlines()
    assert len(lines) == 1 + importing.problems.SHOWN + 1
    assert lines[-1] == "  … and 10 more" and error.count == 30


def test_end_before_start_blames_the_end_column(
    tracker: Tracker, run: Import, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    table = [
        ("教师工号", "接收学校", "类型", "开始日期", "结束日期"),
        ("T003", "HY-BD", "支教", "2024-09-01", "2024-08-01"),
    ]
    path = write_csv(tmp_path / "s.csv", table)
    error = refused(tracker, "secondments", path, two_pass=run is _two_pass)
    assert where(error.problems) == [(2, "结束日期")]
    assert "ends_on 2024-08-01 is before starts_on 2024-09-01" in error.problems[0].message


def test_a_teacher_seconded_twice_at_once_is_refused_by_row(
    tracker: Tracker, run: Import, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    table = [
        ("编号", "教师工号", "接收学校", "类型", "开始日期", "结束日期", "状态"),
        ("SE1", "T001", "ZF-05", "支教", "2024-09-01", "2025-01-15", "已批准"),
        ("SE2", "T001", "ZF-SF1", "送教", "2024-12-01", "2024-12-05", "已批准"),
    ]
    error = refused(
        tracker, "secondments", write_csv(tmp_path / "s.csv", table), two_pass=run is _two_pass
    )
    assert where(error.problems) == [(3, None)]
    assert "already seconded to 贞丰县第五中学" in error.problems[0].message


def test_a_rule_broken_mid_file_still_lists_the_later_rows_problems(
    tracker: Tracker, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    table = [
        ("教师工号", "接收学校", "类型", "开始日期", "结束日期", "状态"),
        ("T001", "HY-BD", "支教", "2024-09-01", "2025-01-15", "已批准"),  # the own school
        ("T002", "ZF-05", "支教", "someday", "2025-01-15", ""),
    ]
    error = refused(tracker, "secondments", write_csv(tmp_path / "s.csv", table))
    assert where(error.problems) == [(2, None), (3, "开始日期")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", (None, None, "the file is empty")),
        ("工号,教师姓名,所在学校\n".encode(), (None, None, "no rows to import")),
        (b"\x00\x01\x02binary\xff\x00" * 50, (None, None, "not text (it holds NUL bytes)")),
        (b"PK\x03\x04rest", (None, None, "zip archive")),
        ("\ufeff工号".encode("utf-16"), (None, None, "UTF-16")),
        ("工号,教师姓名\nT9,王\n".encode(), (1, None, "所在学校 (school) is missing")),
        ("工号,姓名,姓名\n".encode(), (1, "姓名", "names column '姓名' twice")),
        ("教师姓名,所在学校\n王,HY-BD,多余\n".encode(), (2, None, "cells with no header: 多余")),
        ("教师姓名,所在学校,籍贯\n王,HY-BD,湖南\n".encode(), (1, "籍贯", "unknown column")),
        ("教师姓名,所在学校,姓名\n王,HY-BD,王\n".encode(), (1, "姓名", "fills name like")),
        (b"\xc3\x28\xa0\xa1\xff\xfe\xfd", (None, None, "neither UTF-8 nor GB18030")),
    ],
    ids=[
        "empty",
        "header-only",
        "binary",
        "zip",
        "utf-16",
        "missing-column",
        "twice",
        "extra-cells",
        "unknown-column",
        "doubled-field",
        "not-text",
    ],
)
def test_bad_files_are_refused_in_one_line(
    content: bytes, expected: tuple[int | None, str | None, str], tracker: Tracker, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    error = refused(tracker, "teachers", path)
    row, column, text = expected
    assert (error.problems[0].row, error.problems[0].column) == (row, column)
    assert text in error.problems[0].message


def test_a_file_that_changes_encoding_past_the_sample_names_the_row(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers, "SAMPLE", 64)
    path = tmp_path / "mixed.csv"
    rows = "".join(f"S{i},学校{i},某县,小学,否\n" for i in range(20))
    path.write_bytes(
        ("学校代码,学校名称,所属地区,学段,是否农村\n" + rows).encode() + "一中".encode("gbk")
    )
    error = refused(tracker, "schools", path)
    assert "the file stops being utf-8-sig text near this row" in str(error)
    assert error.problems[0].row is not None


def test_a_10_mb_cell_is_refused_with_its_row_and_column(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    table = [
        ("教师姓名", "所在学校", "备注"),
        ("王", "HY-BD", "x"),
        ("李", "HY-BD", "长" * 10_485_760),
    ]
    error = refused(tracker, "teachers", write_csv(tmp_path / "big.csv", table))
    assert where(error.problems) == [(3, "备注")]
    assert "10,485,760 characters long; the limit is 1,000,000" in error.problems[0].message


def test_a_long_cell_is_not_quoted_whole(tracker: Tracker, tmp_path: Path) -> None:
    table = [SCHOOLS[0], ("S9", "一中", "某县", "高" * 50_000, "否")]
    error = refused(tracker, "schools", write_csv(tmp_path / "s.csv", table))
    assert where(error.problems) == [(2, "学段")]
    assert len(error.problems[0].message) == importing.problems.LONGEST


def test_unknown_and_ambiguous_schools(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    tracker.add(School(name="惠阳区半岛学校", region="别处", stage="小学"))
    table = [("教师姓名", "所在学校"), ("王", "惠阳区半岛学校"), ("李", "ZF-99"), ("赵", "HY-BD")]
    plan = importing.prepare(
        tracker, "teachers", importing.reader(write_csv(tmp_path / "t.csv", table))
    )
    assert where(plan.problems) == [(2, "所在学校"), (3, "所在学校")]
    assert "2 schools are named '惠阳区半岛学校' (ids 1, 4); name the school by ref or id" in (
        plan.problems[0].message
    )


def test_a_row_changed_between_prepare_and_apply_is_refused(
    tracker: Tracker, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    table = [dict(zip(TEACHERS[0], row, strict=True)) for row in TEACHERS[1:]]
    for number, row in enumerate(table):
        row["工号"] = f"N{number}"
    plan = importing.prepare(tracker, "teachers", table)
    table[1]["教师姓名"] = "改了"
    before = dump(tracker.backend)
    with pytest.raises(ImportRefused, match="row 3: the row changed since it was checked"):
        importing.apply(tracker, plan)
    assert dump(tracker.backend) == before


def test_a_ref_repeated_in_a_new_file_is_named_once(tracker: Tracker, tmp_path: Path) -> None:
    table = [*SCHOOLS, ("HY-BD", "另一所学校", "广东省惠州市惠阳区", "小学", "否")]
    error = refused(tracker, "schools", write_csv(tmp_path / "s.csv", table))
    assert [str(p) for p in error.problems] == [
        "row 5, column 学校代码: ref 'HY-BD' is also in row 2"
    ]


def test_the_problems_kept_are_capped_but_all_counted(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    rows = [{"教师姓名": f"教师{i}", "所在学校": "nowhere"} for i in range(50)]
    plan = importing.prepare(tracker, "teachers", rows, max_problems=5)
    assert len(plan.problems) == 5 and plan.problem_count == 50 and not plan.ok
    with pytest.raises(ImportRefused, match="… and 45 more"):
        importing.apply(tracker, plan)


def test_counters_stars_spaces_and_full_width_headers(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    table = [("序号", "*教师姓名", " 所在学校 ", "Phone"), ("1", "王五", "ZF-05", "139")]
    assert import_csv(_load, tracker, "teachers", table, tmp_path).added == 1
    assert tracker.get(Teacher, 4).phone == "139"


def test_id_columns_take_ids_and_named_columns_prefer_refs(tracker: Tracker) -> None:
    first = tracker.add(School(name="一中", region="某县", stage="高中", ref="2"))
    second = tracker.add(School(name="二中", region="某县", stage="高中"))
    rows = [{"name": "甲", "school": "2", "ref": "A"}, {"name": "乙", "school_id": "2", "ref": "B"}]
    importing.load(tracker, "teachers", rows[:1])
    importing.load(tracker, "teachers", rows[1:])
    assert tracker.get(Teacher, "A").school_id == first.id
    assert tracker.get(Teacher, "B").school_id == second.id


def test_an_archived_record_is_updated_not_duplicated(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    tracker.archive(Teacher, "T003")
    table = [TEACHERS[0], ("T003", "张敏", "ZF-05", "化学", "", "")]
    counts = import_csv(_load, tracker, "teachers", table, tmp_path)
    assert counts == importing.Counts(updated=1)
    assert tracker.get(Teacher, "T003").subjects == ("化学",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[{"学校名称": "x"', "the file is not valid JSON: Expecting"),
        ("[1, 2]", "row 2: a record must be a JSON object, not int"),
        (
            '{"学校名称": "x", "学段": {"a": 1}}',
            "row 2, column 学段: a JSON object cannot be a cell",
        ),
        ('{"学校名称": "x"}\n{oops}', "row 3: the line is not valid JSON"),
        ('{\n"schools": []}', "must hold a list of records"),
        ('{"schools": [{"学校名称": "x"}]}', "row 2, column schools: a JSON object cannot"),
    ],
)
def test_bad_json_is_refused_in_one_line(
    text: str, expected: str, tracker: Tracker, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert expected in str(refused(tracker, "schools", path))


def test_xlsx_cells_beyond_the_header_and_a_named_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["学校名称", None, "学段"])
    book.active.append(["一中", "多余", "高中", None, "还有"])
    book.create_sheet("第二页").append(["学校名称"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert list(importers.read_xlsx(str(path))) == [
        {"学校名称": "一中", "学段": "高中", importing.EXTRA_CELLS: "多余 | 还有"}
    ]
    assert list(importers.read_xlsx(str(path), sheet="第二页")) == []
    with pytest.raises(ReadError, match="no sheet 'x'; the sheets are: Sheet, 第二页"):
        list(importers.read_xlsx(str(path), sheet="x"))
    (tmp_path / "fake.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(ReadError, match=r"not an \.xlsx workbook"):
        list(importers.read_xlsx(str(tmp_path / "fake.xlsx")))


class _Broken:
    """An importer plugin that fails on every file."""

    @hookimpl
    def register_importers(self, registry: Any) -> None:
        registry.add(ImporterSpec(name="broken", extensions=("brk",), read=self.read))

    @staticmethod
    def read(path: str) -> Iterator[dict[str, Any]]:
        yield {"学校名称": "一中"}
        raise KeyError("column 7")


def test_an_importer_that_fails_is_named_in_one_line(tmp_path: Path) -> None:
    manager = get_plugin_manager()
    manager.register(_Broken(), name="broken")
    plugins = Plugins(manager)
    with Tracker.open("memory:", plugins=plugins) as tracker:
        error = refused(tracker, "schools", tmp_path / "a.brk")
    assert str(error.problems[0]).startswith("importer 'broken' failed on ")
    assert str(error.problems[0]).endswith("a.brk: 'column 7'")


# -- upsert by ref ------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(
    tracker: Tracker, run: Import, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    before, log = dump(tracker.backend), list(tracker.changes())
    assert import_csv(run, tracker, "teachers", TEACHERS, tmp_path) == importing.Counts(unchanged=3)
    assert dump(tracker.backend) == before and list(tracker.changes()) == log


def test_a_changed_row_updates_its_record_and_a_new_one_is_added(
    tracker: Tracker, run: Import, tmp_path: Path
) -> None:
    seeded(tracker, tmp_path)
    table = [list(row) for row in TEACHERS] + [["T004", "刘洋", "ZF-05", "体育", "", ""]]
    table[2][3] = "英语、法语"
    table[3][5] = ""  # a blank cell leaves the stored value alone
    counts = import_csv(run, tracker, "teachers", table, tmp_path)
    assert counts == importing.Counts(added=1, updated=1, unchanged=2)
    assert tracker.get(Teacher, "T002").subjects == ("英语", "法语")
    assert tracker.get(Teacher, "T004").name == "刘洋"
    assert [c.action for c in tracker.changes()][-2:] == ["update", "bulk"]


def test_dry_run_checks_rules_and_writes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    before = dump(tracker.backend)
    table = [
        ("教师工号", "接收学校", "类型", "开始日期", "结束日期"),
        ("T003", "HY-BD", "送教", "2024-12-01", "2024-12-05"),
    ]
    counts = import_csv(_load, tracker, "secondments", table, tmp_path, dry_run=True)
    assert counts.added == 1 and dump(tracker.backend) == before


def test_progress_is_reported(tracker: Tracker, tmp_path: Path) -> None:
    seeded(tracker, tmp_path)
    heard: list[int] = []
    table = [("教师姓名", "所在学校")] + [(f"教师{i}", "HY-BD") for i in range(2_500)]
    import_csv(_two_pass, tracker, "teachers", table, tmp_path, on_row=heard.append)
    assert heard == [1_000, 2_000, 2_500]  # rows written
    heard.clear()
    plan = importing.prepare(
        tracker, "teachers", [dict(zip(*table[:2], strict=True))] * 3, on_row=heard.append
    )
    assert heard == [3] and plan.counts.added == 3


def test_one_shot_iterators_are_refused(tracker: Tracker) -> None:
    with pytest.raises(TypeError, match="readable twice"):
        importing.prepare(tracker, "schools", iter([{"学校名称": "x"}]))


# -- finding the importer and the kind --------------------------------------------------


def test_importers_are_chosen_by_file_ending(tracker: Tracker) -> None:
    assert importing.importer_for(tracker.plugins, "a.CSV").name == "csv"
    assert importing.importer_for(tracker.plugins, "a.jsonl").name == "json"
    assert importing.importer_for(tracker.plugins, "a.xlsx").name == "xlsx"
    with pytest.raises(ReadError, match=r"no importer reads 'a\.txt'; the importers are: csv"):
        importing.importer_for(tracker.plugins, "a.txt")


def test_a_missing_file_is_one_line(tracker: Tracker, tmp_path: Path) -> None:
    rows = importing.reader(tmp_path / "gone.csv", plugins=tracker.plugins)
    with pytest.raises(ImportRefused, match=r"cannot read .*gone\.csv: No such file"):
        _load(tracker, "schools", rows)


def test_the_kind_is_guessed_from_the_headers() -> None:
    assert importing.guess_kind(TEACHERS[0]) == "teachers"
    assert importing.guess_kind(SCHOOLS[0]) == "schools"
    assert importing.guess_kind(["编号", "导师", "徒弟", "项目", "开始日期"]) == "mentorships"
    assert importing.guess_kind(["名字"]) is None


def test_only_importable_kinds_are_accepted(tracker: Tracker) -> None:
    with pytest.raises(InvalidRecord, match="rubrics cannot be imported"):
        importing.prepare(tracker, "rubrics", [])


def test_every_header_is_documented() -> None:
    guide = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    for kind in importing.KINDS:
        assert f"`{kind.table}`" in guide
        for column in importing.columns(kind):
            for header in column.headers:
                assert f"`{header}`" in guide, (kind.table, header)


# -- the property -------------------------------------------------------------------------

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_TEXT = st.text(st.one_of(_HAN, st.sampled_from("abcXYZ019 ·-()")), min_size=1, max_size=12)
_WORD = _TEXT.map(str.strip).filter(bool)


@st.composite
def teacher_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 8))
    refs = draw(st.lists(_WORD, min_size=count, max_size=count, unique=True))
    return [
        {
            "ref": ref,
            "name": draw(_WORD),
            "school": draw(st.sampled_from(["HY-BD", "ZF-05"])),
            "subjects": draw(st.lists(_WORD, max_size=3, unique=True)),
            "roles": draw(st.lists(st.sampled_from(list(Role)), max_size=3, unique=True)),
            "phone": draw(st.one_of(st.none(), st.from_regex(r"1[0-9]{10}", fullmatch=True))),
        }
        for ref in refs
    ]


@given(
    rows=teacher_rows(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    chinese_roles=st.booleans(),
)
def test_imported_teachers_equal_the_rows(
    rows: list[dict[str, Any]], encoding: str, chinese_roles: bool, tmp_path_factory: Any
) -> None:
    folder = tmp_path_factory.mktemp("property")
    table: list[Sequence[Any]] = [TEACHERS[0]]
    for row in rows:
        roles = [role.zh if chinese_roles else role.value for role in row["roles"]]
        table.append(
            (
                row["ref"],
                row["name"],
                row["school"],
                "、".join(row["subjects"]),
                "，".join(roles),
                row["phone"] or "",
            )
        )
    with Tracker.open("memory:") as tracker:
        import_csv(_load, tracker, "schools", SCHOOLS, folder)
        import_csv(_load, tracker, "teachers", table, folder, encoding=encoding)
        schools = {s.ref: s.id for s in tracker.find(School)}
        stored = [
            {
                "ref": t.ref,
                "name": t.name,
                "school": next(ref for ref, id in schools.items() if id == t.school_id),
                "subjects": list(t.subjects),
                "roles": list(t.roles),
                "phone": t.phone,
            }
            for t in tracker.find(Teacher, order_by=["id"])
        ]
    assert stored == rows
