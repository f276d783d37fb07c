"""Exports and redaction of every record type, against columns written out by hand."""

from __future__ import annotations

import datetime as dt
import decimal

import attrs
import pytest
from conftest import programme_tracker

from exchange import Teacher, Tracker
from exchange.backend import STORED_TYPES
from exchange.exporting import export_report, records_table

# DESIGN.md §11 and the export guide: a teacher's phone and notes, the reasons for
# leaving a secondment or a mentor pair, and the notes on a mentee's goals and meetings
# and on an assessment, are personal. Nothing else is.
PERSONAL = {
    "teachers": ["phone", "notes"],
    "secondments": ["reason"],
    "mentorships": ["reason"],
    "goals": ["notes"],
    "meetings": ["notes"],
    "assessments": ["notes"],
    "applications": ["notes"],
}
EXPORTED = [cls for cls in STORED_TYPES if "ref" in attrs.fields_dict(cls)]


@pytest.mark.parametrize("cls", EXPORTED, ids=lambda cls: cls.table)
@pytest.mark.parametrize("with_personal", [False, True])
def test_every_type_exports_its_fields_and_leaves_out_only_the_personal_by_default(
    programme_store: Tracker, cls: type, with_personal: bool
) -> None:
    names = [f.name for f in attrs.fields(cls)]
    dropped = [] if with_personal else PERSONAL.get(cls.table, [])
    redact = not with_personal
    report = export_report(programme_store, cls.table, with_personal=with_personal)
    [table] = report.tables
    assert [c.key for c in table.columns] == [n for n in names if n not in dropped]
    assert [c.label for c in table.columns] == [c.key for c in table.columns]
    assert report.parameters == {"record type": cls.table, "redacted": redact}
    rows = list(table.rows)
    assert len(rows) == programme_store.count(cls) > 0
    assert all(len(row) == len(table.columns) for row in rows)


def test_cells_and_column_types_of_a_teacher_and_an_expense(programme_store: Tracker) -> None:
    [teachers] = export_report(programme_store, "teachers", with_personal=True).tables
    first = next(iter(teachers.rows))
    assert list(first) == [
        1,
        "T-001",
        False,
        0,
        "李老师",
        1,
        ("数学",),  # a list stays a list: text formats join it, JSON lists it
        ("backbone", "famous"),
        "13800000000",
        "",
    ]
    types = {c.key: c.type for c in teachers.columns}
    assert (types["id"], types["school_id"], types["revision"], types["name"]) == (
        "int",
        "int",
        "int",
        "text",
    )
    [expenses] = export_report(programme_store, "expenses").tables
    types = {c.key: c.type for c in expenses.columns}
    assert (types["amount"], types["spent_on"], types["allocation_id"]) == ("money", "date", "int")
    row = dict(zip([c.key for c in expenses.columns], next(iter(expenses.rows)), strict=True))
    assert (row["amount"], row["spent_on"]) == (decimal.Decimal("1234.56"), dt.date(2025, 3, 5))


def test_nested_values_become_json_text(programme_store: Tracker) -> None:
    [goals] = export_report(programme_store, "goals").tables
    milestones = next(iter(goals.rows))[[c.key for c in goals.columns].index("milestones")]
    assert milestones == (
        '[{"title": "听课十节", "due_on": null, "done_on": "2025-03-01"}, '
        '{"title": "试讲", "due_on": "2025-06-01", "done_on": null}]'
    )


def test_archived_records_are_exported_and_filters_apply() -> None:
    with programme_tracker("memory:") as tracker:
        head = tracker.head()
        tracker.archive(Teacher, 3)
        report = export_report(tracker, "teachers")
        assert report.head != head  # read after the archive
        assert [row[0] for row in report.tables[0].rows] == [1, 2, 3]
        only = export_report(tracker, "teachers", school_id=2).tables[0]
        assert [row[0] for row in only.rows] == [2, 3]
        assert [row[0] for row in only.rows] == [2, 3]  # found anew on each read


def test_a_table_of_chosen_fields() -> None:
    teachers = [Teacher(id=5, name="王老师", school_id=2, roles=("心理教师",))]
    table = records_table(Teacher, teachers, ["name", "roles"])
    assert [c.key for c in table.columns] == ["name", "roles"]
    assert [list(row) for row in table.rows] == [["王老师", ("psychology",)]]


def test_a_table_of_every_field_is_named_for_the_type_and_an_export_private_by_default(
    programme_store: Tracker,
) -> None:
    teacher = programme_store.get(Teacher, 1)
    table = records_table(Teacher, [teacher])
    assert table.name == "teachers"
    assert [c.key for c in table.columns] == [f.name for f in attrs.fields(Teacher)]
    [private] = export_report(programme_store, "teachers").tables
    assert "phone" not in [c.key for c in private.columns]
    report = export_report(programme_store, "teachers", with_personal=True)
    assert "phone" in [c.key for c in report.tables[0].columns]
