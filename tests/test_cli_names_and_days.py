"""Lists name what their links point at, and date options take the forms imports take."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli_records import dump, invoke

from cli.main import cli
from exchange import School, Teacher, Tracker
from exchange.lookups import BATCH


def rows(db: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = invoke(db, *args, "--csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def test_a_secondment_list_names_the_teacher_and_the_host_beside_their_ids(db: Path) -> None:
    (row,) = rows(db, "secondment", "list")
    assert (row["teacher_id"], row["teacher"]) == ("1", "陈志强")
    assert (row["host_school_id"], row["host_school"]) == ("2", "贞丰县第五中学")


def test_every_link_of_every_listed_type_has_its_name_column(db: Path) -> None:
    mentor = rows(db, "mentor", "list")[0]
    assert (mentor["mentor"], mentor["mentee"]) == ("陈志强", "罗明")
    teacher = rows(db, "teacher", "list")[0]
    assert teacher["school"] == "惠阳区半岛学校"
    pairing = rows(db, "pairing", "list")[0]
    assert (pairing["supporting_school"], pairing["supported_school"]) == (
        "惠阳区半岛学校",
        "贞丰县第五中学",
    )


def test_the_chinese_list_heads_an_id_as_an_id_and_a_name_as_the_name(db: Path) -> None:
    code, out, _ = invoke(db, "--lang", "zh", "secondment", "list")
    head = out.splitlines()[0].split()
    assert code == 0
    assert head[head.index("教师编号") + 1] == "教师"
    assert head[head.index("接收学校编号") + 1] == "接收学校"


def test_names_are_found_for_lists_longer_than_one_batch(tmp_path: Path) -> None:
    url = str(tmp_path / "many.db")
    with Tracker.open(url) as tracker:
        school = tracker.add(
            School(name="贞丰县第五中学", region="贞丰县", stage="初中", ref="ZF-05")
        )
        tracker.bulk_add(
            Teacher(name=f"教师{i}", school_id=school.id, ref=f"T-{i}") for i in range(BATCH + 7)
        )
    listed = rows(Path(url), "teacher", "list")
    assert len(listed) == BATCH + 7
    assert {row["school"] for row in listed} == {"贞丰县第五中学"}


@pytest.mark.parametrize(
    "written",
    ["2025-09-01", "2025/9/1", "2025.9.1", "2025年9月1日", "20250901", "２０２５－０９－０１"],
)
def test_a_date_option_takes_every_form_an_import_takes(db: Path, written: str) -> None:
    code, _, err = invoke(
        db, "secondment", "add", "T-3", "HY-BD", "--kind", "跟岗", "--from", written,
        "--to", "2025-12-31", "--ref", "S-9",
    )  # fmt: skip
    assert code == 0, err
    assert rows(db, "secondment", "list", "--sort", "-id")[0]["starts_on"] == "2025-09-01"


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("2025/13/01", "'2025/13/01' is not a day of the calendar"),
        ("2025-02-30", "'2025-02-30' is not a day of the calendar"),
        ("next monday", "'next monday' is not a date; write it as 2024-12-01"),
        ("", "'' is not a date"),
    ],
)
def test_a_wrong_date_names_the_option_and_changes_nothing(
    db: Path, written: str, why: str
) -> None:
    before = dump(db)
    result = CliRunner().invoke(
        cli,
        ["--db", str(db), "secondment", "add", "T-3", "HY-BD", "--kind", "跟岗",
         "--from", written, "--to", "2025-12-31"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"Invalid value for '--from': {why}" in result.stderr
    assert dump(db) == before


def test_a_wrong_date_is_refused_in_chinese_too(db: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--lang", "zh", "mentor", "end", "M-1", "--on", "2025/2/30"]
    )
    assert result.exit_code == 2
    assert "'--on' 的值无效：'2025/2/30' 不是日历上存在的日期" in result.stderr


@settings(max_examples=50, deadline=None)
@given(day=st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31)), form=st.integers(0, 3))
def test_every_day_written_any_way_reads_back_as_that_day(day: dt.date, form: int) -> None:
    from cli.params import DAY

    written = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
    ][form]
    assert DAY.convert(written, None, None) == day


def test_report_and_presence_options_take_the_forms_too(db: Path) -> None:
    code, out, err = invoke(db, "teacher", "where", "T-1", "--on", "2025年10月9日", "--csv")
    assert code == 0, err
    assert "S-1" in out
    code, _, err = invoke(
        db, "report", "secondments", "--since", "2025/9/1", "--until", "2026.1.16"
    )
    assert code == 0, err
