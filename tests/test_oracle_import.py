"""Import writes on an empty and on a populated store, and the store changing between
``prepare`` and ``apply``: what each row does, counted by hand."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from exchange import Secondment, Teacher, Tracker, importing
from exchange.query import one_of
from exchange.testing.machine import dump

SCHOOLS = [("学校代码", "学校名称", "所属地区", "学段"), ("A", "甲校", "长沙市", "初中")]
SCHOOLS += [("B", "乙校", "怀化市", "初中")]
HEADER = ("工号", "教师姓名", "所在学校", "学科")
STAFF = [HEADER, ("T1", "王芳", "A", "语文"), ("T2", "李强", "A", "数学")]
MOVED = [HEADER, ("T1", "王芳", "B", "语文"), ("T2", "李强", "B", "数学")]


def _rows(folder: Path, name: str, table: Sequence[Sequence[str]]) -> importing.Source:
    path = folder / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(table)
    return importing.reader(path)


@pytest.fixture(params=["empty", "populated"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Tracker:
    """A store with the two schools, and on the populated path three other teachers."""
    tracker = Tracker.open("memory:")
    importing.load(tracker, "schools", _rows(tmp_path, "schools", SCHOOLS))
    if request.param == "populated":
        for name in ("赵一", "钱二", "孙三"):
            tracker.add(Teacher(name=name, school_id=2))
    return tracker


def test_new_rows_are_added_then_changed_rows_updated(tracker: Tracker, tmp_path: Path) -> None:
    others = tracker.count(Teacher)
    added = importing.load(tracker, "teachers", _rows(tmp_path, "staff", STAFF))
    assert added == importing.Counts(added=2)
    assert [t.id for t in tracker.find(Teacher, ref=one_of("T1", "T2"))] == [others + 1, others + 2]
    moved = importing.load(tracker, "teachers", _rows(tmp_path, "moved", MOVED))
    assert moved == importing.Counts(updated=2)
    assert [tracker.get(Teacher, ref).school_id for ref in ("T1", "T2")] == [2, 2]
    assert tracker.count(Teacher) == others + 2


def test_a_record_gone_before_apply_refuses_the_whole_file(
    tracker: Tracker, tmp_path: Path
) -> None:
    importing.load(tracker, "teachers", _rows(tmp_path, "staff", STAFF))
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "moved", MOVED))
    assert plan.counts == importing.Counts(updated=2)
    tracker.delete(Teacher, "T2")
    before = dump(tracker.backend)
    with pytest.raises(importing.ImportRefused) as refused:
        importing.apply(tracker, plan)
    assert str(refused.value) == (
        "nothing was imported into teachers: row 3: the teacher is gone from the store"
    )
    assert dump(tracker.backend) == before  # row 2's update was rolled back


def test_rows_already_written_in_between_count_as_unchanged(
    tracker: Tracker, tmp_path: Path
) -> None:
    importing.load(tracker, "teachers", _rows(tmp_path, "staff", STAFF))
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "moved", MOVED))
    for ref in ("T1", "T2"):
        tracker.update(attrs.evolve(tracker.get(Teacher, ref), school_id=2))
    assert importing.apply(tracker, plan) == importing.Counts(unchanged=2)


def test_an_update_a_rule_refuses_names_its_row(tracker: Tracker, tmp_path: Path) -> None:
    importing.load(tracker, "teachers", _rows(tmp_path, "staff", STAFF))
    header = ("编号", "教师工号", "接收学校", "类型", "开始日期", "结束日期", "状态")
    table = [header, ("S1", "T1", "B", "送教", "2025-03-01", "2025-03-05", "已完成")]
    importing.load(tracker, "secondments", _rows(tmp_path, "done", table))
    table[1] = (*table[1][:6], "在岗")  # completed cannot become active again
    before = dump(tracker.backend)
    with pytest.raises(importing.ImportRefused) as refused:
        importing.load(tracker, "secondments", _rows(tmp_path, "again", table))
    [problem] = refused.value.problems
    assert problem.row == 2
    assert "is completed (已完成) and cannot become active (在岗)" in problem.message
    assert str(refused.value).startswith("nothing was imported into secondments: row 2: ")
    assert dump(tracker.backend) == before
    assert tracker.get(Secondment, "S1").status.value == "completed"


def test_a_ref_repeated_in_the_file_is_one_problem_and_counted_once(
    tracker: Tracker, tmp_path: Path
) -> None:
    importing.load(tracker, "teachers", _rows(tmp_path, "staff", STAFF[:2]))
    table = [*STAFF, ("T3", "张敏", "B", ""), ("T2", "李强", "B", "数学")]
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "twice", table))
    # row 2 (T1) as stored, rows 3 (T2) and 4 (T3) new, row 5 repeats T2
    assert plan.counts == importing.Counts(added=2, unchanged=1)
    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (5, "工号", "ref 'T2' is also in row 3")
    ]


def test_an_archived_namesake_is_updated_even_when_nothing_else_is_stored(
    tracker: Tracker, tmp_path: Path
) -> None:
    importing.load(tracker, "teachers", _rows(tmp_path, "staff", STAFF[:2]))
    tracker.archive(Teacher, "T1")
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "moved", MOVED[:2]))
    assert plan.counts == importing.Counts(updated=1)


@pytest.mark.parametrize(
    ("rewritten", "said"),
    [
        (STAFF[:2], "the file changed since it was checked"),  # a row fewer
        ([*STAFF, ("T9", "周", "A", "")], "row 4: the row changed since it was checked"),
    ],
)
def test_a_file_rewritten_before_apply_is_refused(
    tracker: Tracker, tmp_path: Path, rewritten: list[tuple[str, ...]], said: str
) -> None:
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "staff", STAFF))
    _rows(tmp_path, "staff", rewritten)  # the same file, written again
    before = dump(tracker.backend)
    with pytest.raises(importing.ImportRefused) as refused:
        importing.apply(tracker, plan)
    assert str(refused.value) == f"nothing was imported into teachers: {said}"
    assert dump(tracker.backend) == before


def test_a_bad_row_leaves_the_rows_after_it_counted(tracker: Tracker, tmp_path: Path) -> None:
    table = [HEADER, ("T1", "王芳", "A", ""), ("T2", "李强", "无此校", ""), ("T3", "张敏", "B", "")]
    table += [("", "无工号", "B", "")]  # no ref: always new, whatever refs are stored
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "bad", table))
    assert (plan.rows, plan.counts) == (4, importing.Counts(added=3))
    assert [(p.row, p.column) for p in plan.problems] == [(3, "所在学校")]


def test_a_blank_cell_keeps_the_stored_value(tracker: Tracker, tmp_path: Path) -> None:
    with_phone = [(*HEADER, "联系电话"), ("T1", "王芳", "A", "语文", "13800000001")]
    importing.load(tracker, "teachers", _rows(tmp_path, "phone", with_phone))
    blank = [with_phone[0], ("T1", "王芳", "A", "语文", "")]
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "blank", blank))
    assert plan.counts == importing.Counts(unchanged=1)
    assert tracker.get(Teacher, "T1").phone == "13800000001"


def test_prepare_reports_progress_every_thousand_rows(tracker: Tracker, tmp_path: Path) -> None:
    table = [HEADER, *((f"N{i}", f"教师{i}", "A", "") for i in range(2_500))]
    heard: list[int] = []
    importing.prepare(tracker, "teachers", _rows(tmp_path, "many", table), on_row=heard.append)
    assert heard == [1_000, 2_000, 2_500]


def test_a_row_whose_record_cannot_be_built_leaves_the_rows_after_it(
    tracker: Tracker, tmp_path: Path
) -> None:
    importing.load(tracker, "teachers", _rows(tmp_path, "staff", STAFF))
    header = ("编号", "教师工号", "接收学校", "类型", "开始日期", "结束日期")
    table = [
        header,
        ("S1", "T1", "B", "送教", "2025-03-01", "2025-03-05"),
        ("S2", "T2", "B", "送教", "2025-03-09", "2025-03-01"),  # ends before it starts
        ("S3", "T2", "B", "送教", "2025-04-01", "2025-04-05"),
        ("", "T1", "B", "送教", "2025-05-01", "2025-05-05"),  # no ref: new
    ]
    plan = importing.prepare(tracker, "secondments", _rows(tmp_path, "mixed", table))
    assert plan.counts == importing.Counts(added=3)
    assert [p.row for p in plan.problems] == [3]


def test_a_row_without_a_ref_is_new_whatever_refs_are_stored(
    tracker: Tracker, tmp_path: Path
) -> None:
    # a stored ref that looks like a placeholder is a ref like any other
    importing.load(
        tracker, "teachers", _rows(tmp_path, "staff", [HEADER, ("XXXX", "王芳", "A", "")])
    )
    table = [HEADER, ("XXXX", "王芳", "A", ""), ("", "李强", "A", "数学")]
    plan = importing.prepare(tracker, "teachers", _rows(tmp_path, "again", table))
    # row 2 is the stored XXXX as it is; row 3 has no ref, so it is a new teacher
    assert plan.counts == importing.Counts(added=1, unchanged=1)
