"""``exchange import`` through CliRunner: all or nothing, problems by row, re-import is a no-op."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

SCHOOLS = (
    "学校名称,所属地区,学段,是否农村,学校代码\n"
    "惠阳区半岛学校,惠阳区,初中,否,HY-BD\n"
    "贞丰县第五中学,贞丰县,初中,是,ZF-05\n"
)
TEACHERS = "教师姓名,工号,所在学校,学科\n陈志强,T-001,HY-BD,数学\n罗明,T-002,ZF-05,数学、物理\n"


def invoke(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "bureau.db"
    schools = tmp_path / "schools.csv"
    schools.write_bytes(SCHOOLS.encode("gb18030"))  # what Chinese Excel saves
    code, out, err = invoke(path, "import", str(schools), "--type", "schools")
    assert code == 0, err
    assert out.endswith("as schools: 2 added, 0 updated, 0 unchanged\n")
    return path


def test_teachers_import_and_reimport_changes_nothing(db: Path, tmp_path: Path) -> None:
    teachers = tmp_path / "teachers.csv"
    teachers.write_text(TEACHERS, encoding="utf-8-sig")
    assert invoke(db, "import", str(teachers))[1].endswith("2 added, 0 updated, 0 unchanged\n")
    before = dump(db)
    assert invoke(db, "import", str(teachers))[1].endswith("0 added, 0 updated, 2 unchanged\n")
    assert dump(db) == before


def test_dry_run_writes_nothing(db: Path, tmp_path: Path) -> None:
    teachers = tmp_path / "teachers.csv"
    teachers.write_text(TEACHERS, encoding="utf-8")
    before = dump(db)
    code, out, _ = invoke(db, "import", str(teachers), "--type", "teachers", "--dry-run")
    assert code == 0 and out.startswith("checked (nothing written)")
    assert dump(db) == before


BAD_FILES = [
    ("odd-column.csv", "教师姓名,工号,所在学校,入职日期\n李,T-9,HY-BD,2024\n".encode(), "入职日期"),
    ("unknown-school.csv", "教师姓名,工号,所在学校\n李,T-9,NO-SUCH\n".encode(), "NO-SUCH"),
    ("dup-ref.csv", "教师姓名,工号,所在学校\n李,T-9,HY-BD\n王,T-9,HY-BD\n".encode(), "T-9"),
    ("empty.csv", b"", "empty.csv"),
    ("header-only.csv", "教师姓名,工号,所在学校\n".encode(), "header-only.csv"),
    ("binary.csv", bytes(range(256)) * 4, "binary.csv"),
    ("missing-column.csv", "工号\nT-9\n".encode(), "missing"),
    ("huge-cell.csv", b"name,school\n" + b"x" * 10_000_001 + b",HY-BD\n", "row 2"),
    ("formula.csv", "教师姓名,工号,所在学校\n=1+1,T-9,NO-SUCH\n".encode(), "NO-SUCH"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "needle"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_change_nothing(
    db: Path, tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = dump(db)
    code, _, err = invoke(db, "import", str(path), "--type", "teachers")
    assert code in (1, 2), err
    assert needle in err and "Traceback" not in err
    assert err.splitlines()[-1].startswith("Error: ")
    assert dump(db) == before


def test_every_problem_is_listed(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "teachers.csv"
    path.write_text("教师姓名,工号,所在学校\n李,T-8,NO-SUCH\n,T-9,HY-BD\n", encoding="utf-8")
    code, _, err = invoke(db, "import", str(path), "--type", "teachers")
    lines = err.splitlines()
    assert code == 1 and len(lines) == 3
    assert lines[0].startswith("row 2") and lines[1].startswith("row 3")
    assert lines[2].endswith("nothing was imported: 2 problems, listed above")


def test_a_missing_file_and_a_guess_that_fails(db: Path, tmp_path: Path) -> None:
    assert "no file" in invoke(db, "import", str(tmp_path / "nope.csv"))[2]
    odd = tmp_path / "odd.csv"
    odd.write_text("甲,乙\n1,2\n", encoding="utf-8")
    code, _, err = invoke(db, "import", str(odd))
    assert code == 2 and "--type" in err


SECONDMENT_HEAD = "工号,接收学校,类型,开始日期,结束日期,状态\n"


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        ("T-001,ZF-05,支教,2025年2月30日,2025年7月1日,已批准\n", "2025年2月30日"),
        ("T-001,ZF-05,支教,2025/9/1,2025/8/1,已批准\n", "before"),
        (
            "T-001,ZF-05,支教,2025/9/1,2026/7/10,已批准\nT-001,ZF-05,送教,2026.1.5,2026.1.9,已批准\n",
            "already seconded",
        ),
    ],
    ids=["impossible date", "end before start", "seconded twice at once"],
)
def test_secondment_rows_that_break_the_rules(
    db: Path, tmp_path: Path, rows: str, needle: str
) -> None:
    teachers = tmp_path / "teachers.csv"
    teachers.write_text(TEACHERS, encoding="utf-8")
    assert invoke(db, "import", str(teachers))[0] == 0
    path = tmp_path / "secondments.csv"
    path.write_text(SECONDMENT_HEAD + rows, encoding="utf-8")
    before = dump(db)
    code, _, err = invoke(db, "import", str(path), "--type", "secondments")
    assert code == 1 and needle in err, err
    assert dump(db) == before
    good = tmp_path / "good.csv"
    good.write_text(SECONDMENT_HEAD + "T-001,ZF-05,支教,2025年9月1日,2026/7/10,已批准\n", "utf-8")
    assert invoke(db, "import", str(good), "--type", "secondments")[0] == 0


def test_one_problem_is_one_line(tmp_path: Path) -> None:
    """A whole-file problem (an empty file) is said once, in the error line."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "x.db"), "import", str(empty), "--type", "schools"]
    )
    assert result.exit_code == 1
    assert result.stderr == f"Error: {empty}: nothing was imported: the file is empty\n"


def test_a_dash_reads_standard_input_and_writes_standard_output(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    text = "学校名称,所属地区,学段,学校代码\n贞丰县第五中学,贞丰县,初中,ZF-05\n"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "import", "-", "--type", "schools"], input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported standard input as schools: 1 added")
    exported = runner.invoke(cli, ["--db", db, "export", "schools", "-o", "-"])
    assert exported.exit_code == 0 and "贞丰县第五中学" in exported.stdout
    assert not (tmp_path / "-").exists() and not Path("-").exists()
    installed = Path(sys.executable).with_name("exchange")
    piped = subprocess.run(
        [str(installed), "--db", db, "import", "-", "--type", "schools", "--dry-run"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert b"checked (nothing written) standard input as schools" in piped.stdout


def test_an_empty_db_option_is_refused() -> None:
    result = CliRunner().invoke(cli, ["--db", "", "school", "list"])
    assert result.exit_code == 2
    assert "Invalid value for '--db': is empty; give a file path or a URL" in result.stderr
