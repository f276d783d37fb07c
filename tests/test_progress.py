"""Progress bars: drawn on a terminal (a pty here) with the total and the time left,
absent when stderr is piped or under --quiet."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROWS = 200_000


def exchange_command() -> str:
    found = shutil.which("exchange", path=str(Path(sys.executable).parent))
    assert found, "the exchange command is installed beside the interpreter"
    return found


def run_on_terminal(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run ``exchange ARGS`` with stderr on a pseudo-terminal; its exit status, stdout,
    and everything the terminal received."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [exchange_command(), *args], cwd=cwd, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    os.close(follower)
    received = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower closed: the process has ended
                break
            if not chunk:
                break
            received += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    return process.wait(), out, received.decode(errors="replace")


def teachers_file(folder: Path, rows: int) -> Path:
    lines = ["教师姓名,工号,所在学校"] + [f"教师{i},T{i},ZF-05" for i in range(rows)]
    (folder / "teachers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return teachers_file(tmp_path_factory.mktemp("progress"), ROWS)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return teachers_file(tmp_path_factory.mktemp("progress"), 20_000)


def new_store(folder: Path, name: str) -> str:
    db = str(folder / name)
    subprocess.run(
        [exchange_command(), "--db", db, "school", "add", "贞丰县第五中学", "--region", "贞丰县",
         "--stage", "初中", "--ref", "ZF-05"],
        check=True, capture_output=True,
    )  # fmt: skip
    return db


def test_a_200000_row_import_draws_a_bar_with_total_and_time_left(big_file: Path) -> None:
    db = new_store(big_file, "bar.db")
    code, out, terminal = run_on_terminal(
        "--db", db, "import", "teachers.csv", "--type", "teachers", cwd=big_file
    )
    assert code == 0, terminal
    assert f"{ROWS:,} added" in out
    frames = terminal.split("\r")
    assert any(
        re.search(rf"importing +\[[#-]+\] +\d+/{ROWS} +\d+% +\d\d:\d\d:\d\d", f) for f in frames
    )
    assert re.search(rf"\[#+\] +{ROWS}/{ROWS} +100%", terminal)


def test_an_import_into_a_store_with_records_checks_then_writes(small_file: Path) -> None:
    db = new_store(small_file, "twice.db")
    first = ["--db", db, "import", "teachers.csv", "--type", "teachers"]
    assert run_on_terminal("--quiet", *first, cwd=small_file)[0] == 0
    code, out, terminal = run_on_terminal(*first, cwd=small_file)
    assert code == 0 and "20,000 unchanged" in out
    assert "importing" in terminal and "writing" in terminal


def test_no_bar_when_piped_or_quiet(small_file: Path) -> None:
    db = new_store(small_file, "quiet.db")
    args = ["--db", db, "import", "teachers.csv", "--type", "teachers", "--dry-run"]
    piped = subprocess.run(
        [exchange_command(), *args], cwd=small_file, capture_output=True, text=True, check=True
    )
    assert piped.stderr == ""
    code, _, terminal = run_on_terminal("--quiet", *args, cwd=small_file)
    assert code == 0 and terminal == ""


def test_the_bar_speaks_chinese(small_file: Path) -> None:
    db = new_store(small_file, "zh.db")
    code, _, terminal = run_on_terminal(
        "--lang", "zh", "--db", db, "import", "teachers.csv", "--type", "teachers",
        "--dry-run", cwd=small_file,
    )  # fmt: skip
    assert code == 0 and "检查中" in terminal


def test_export_and_copy_draw_bars_too(small_file: Path) -> None:
    db = new_store(small_file, "out.db")
    load = ["--quiet", "--db", db, "import", "teachers.csv", "--type", "teachers"]
    assert run_on_terminal(*load, cwd=small_file)[0] == 0
    code, _, terminal = run_on_terminal(
        "--db", db, "export", "teachers", "--format", "json", "-o", "out.json", cwd=small_file
    )
    assert code == 0 and re.search(r"exporting +\[#+\] +20000/20000 +100%", terminal)
    code, _, terminal = run_on_terminal("copy", db, "copy.db", cwd=small_file)
    assert code == 0 and re.search(r"copying +\[#+\] +(\d+)/\1 +100%", terminal)


def test_audit_verify_draws_a_bar_for_the_log_and_one_for_the_records(small_file: Path) -> None:
    db = new_store(small_file, "audit.db")
    load = ["--quiet", "--db", db, "import", "teachers.csv", "--type", "teachers"]
    assert run_on_terminal(*load, cwd=small_file)[0] == 0
    code, out, terminal = run_on_terminal("--db", db, "audit", "verify", cwd=small_file)
    assert code == 0 and "change log intact" in out
    assert re.search(r"checking the change log +\[#+\] +(\d+)/\1 +100%", terminal)
    assert re.search(r"checking the records +\[#+\] +20001/20001 +100%", terminal)


def test_without_a_total_a_running_count_is_shown(small_file: Path) -> None:
    db = new_store(small_file, "count.db")
    load = ["--quiet", "--db", db, "import", "teachers.csv", "--type", "teachers"]
    assert run_on_terminal(*load, cwd=small_file)[0] == 0
    code, _, terminal = run_on_terminal(
        "--db", db, "export", "teachers", "--format", "jsonl", "-o", "t.jsonl", cwd=small_file
    )
    assert code == 0
    other = new_store(small_file, "other.db")
    code, out, terminal = run_on_terminal(
        "--db", other, "import", "t.jsonl", "--type", "teachers", cwd=small_file
    )  # a JSON file has no row count up front
    assert code == 0 and "20,000 added" in out
    assert re.search(r"\rimporting  20,000\r?\n", terminal)
    code, _, terminal = run_on_terminal(
        "--db", db, "report", "secondments", "-o", "r.csv", cwd=small_file
    )
    assert code == 0 and terminal.startswith("\rwriting  0\r\nwrote ")
