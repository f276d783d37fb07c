"""The example plugin of docs/plugins.md, installed with pip, through the installed
``exchange`` command: its backend (backed up like any other), its report and that
report's own option, its format, its command, and their Chinese translations."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from exchange import Tracker
from exchange.demo import build_demo

EXCHANGE = Path(sys.executable).parent / "exchange"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo programme in a SQLite file."""
    path = tmp_path_factory.mktemp("example") / "demo.db"
    with Tracker.open(f"sqlite:///{path}", actor="测试员") as tracker:
        build_demo(tracker)
    yield f"sqlite:///{path}"


def exchange(acme_site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``exchange ARGS`` with the example plugin installed, from an empty folder."""
    env = {**os.environ, "PYTHONPATH": str(acme_site), "LANG": "C.UTF-8"}
    env.pop("EXCHANGE_LOAD_PLUGINS", None)
    return subprocess.run(
        [str(EXCHANGE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_report_takes_its_own_option_in_both_languages(
    acme_site: Path, demo_store: str, tmp_path: Path
) -> None:
    english = exchange(acme_site, tmp_path, "--db", demo_store, "report", "acme-stages",
                       "--at-least", "20", "--csv")  # fmt: skip
    assert english.returncode == 0, english.stderr
    assert english.stdout.splitlines() == ["stage,schools", "primary,22", "senior,21"]
    chinese = exchange(acme_site, tmp_path, "--db", demo_store, "--lang", "zh", "report",
                       "acme-stages", "--at-least", "20", "--format", "acme-text")  # fmt: skip
    assert chinese.returncode == 0, chinese.stderr
    assert chinese.stdout.splitlines()[:5] == [
        "各学段学校数", "", "[stages]", "学段: 小学; 学校数: 22", "学段: 高中; 学校数: 21",
    ]  # fmt: skip
    bad = exchange(acme_site, tmp_path, "--db", demo_store, "report", "acme-stages",
                   "--at-least", "many")  # fmt: skip
    assert bad.returncode == 2 and "'--at-least'" in bad.stderr and "Traceback" not in bad.stderr


def test_the_report_lists_its_option_with_its_help(acme_site: Path, tmp_path: Path) -> None:
    listed = exchange(acme_site, tmp_path, "reports", "--json")
    assert listed.returncode == 0, listed.stderr
    acme = {entry["name"]: entry for entry in json.loads(listed.stdout)}["acme-stages"]
    assert acme["plugin"] == "acme"
    assert [(o["option"], o["type"], o["shared"]) for o in acme["options"]] == [
        ("--region", "text", True),
        ("--at-least", "int", False),
    ]
    chinese = exchange(acme_site, tmp_path, "--lang", "zh", "reports")
    assert "acme-stages: 各学段学校数" in chinese.stdout
    assert "--at-least INT  略去学校数少于此数的学段。" in chinese.stdout
    helped = exchange(acme_site, tmp_path, "report", "acme-stages", "--help")
    assert "--at-least INTEGER" in helped.stdout


def test_the_command_reaches_the_store_db_chose(
    acme_site: Path, demo_store: str, tmp_path: Path
) -> None:
    english = exchange(acme_site, tmp_path, "--db", demo_store, "acme-census")
    assert english.returncode == 0, english.stderr
    assert english.stdout == f"{demo_store} holds 56 schools and 28 teachers\n"
    chinese = exchange(acme_site, tmp_path, "--db", demo_store, "--lang", "zh", "acme-census")
    assert chinese.stdout == f"{demo_store} 中有 56 所学校、28 名教师\n"


def test_the_command_is_in_help_and_in_shell_completion(acme_site: Path, tmp_path: Path) -> None:
    helped = exchange(acme_site, tmp_path, "--help")
    plugin_section = helped.stdout.split("Commands from plugins:\n", 1)[1]
    assert plugin_section.splitlines()[0].split() == [
        "acme-census", "Count", "the", "schools", "and", "teachers", "in", "the", "store",
        "--db", "chose.",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(acme_site), "_EXCHANGE_COMPLETE": "bash_complete"}
    asked = [
        ("exchange acme", "1", "plain,acme-census"),
        ("exchange report acme-stages --at", "3", "plain,--at-least"),
        ("exchange report acme", "2", "plain,acme-stages"),
    ]
    for words, cword, offered in asked:
        completed = subprocess.run(
            [str(EXCHANGE)], env={**env, "COMP_WORDS": words, "COMP_CWORD": cword},
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert completed.stdout.splitlines() == [offered]


def test_backup_copies_the_plugin_store_into_sqlite(acme_site: Path, tmp_path: Path) -> None:
    target = tmp_path / "acme-backup.db"
    result = exchange(acme_site, tmp_path, "--db", "acme:bureau", "backup", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"backed up acme:bureau to {target}\n"
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from schools").fetchone() == (0,)
    again = exchange(acme_site, tmp_path, "--db", "acme:bureau", "backup", str(target))
    assert again.returncode == 1 and "already exists" in again.stderr


BACKUP = """
import sys
from exchange import School, Stage, Tracker

with Tracker.open("acme:demo", actor="测试员") as tracker:
    tracker.add(School(name="贞丰县第五中学", region="贵州省黔西南州贞丰县", stage=Stage.JUNIOR))
    tracker.backup(sys.argv[1])
with Tracker.open(sys.argv[1]) as copy:
    print(type(copy.backend).__name__, [s.name for s in copy.find(School)], copy.verify_log())
"""


def test_backup_of_a_plugin_store_holds_its_records(acme_site: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(acme_site)}
    result = subprocess.run(
        [sys.executable, "-c", BACKUP, str(tmp_path / "copy.db")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "SQLiteBackend ['贞丰县第五中学'] 1\n"


def test_plugins_json_lists_the_example_with_its_hooks(acme_site: Path, tmp_path: Path) -> None:
    listed = exchange(acme_site, tmp_path, "plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    acme = {entry["name"]: entry for entry in json.loads(listed.stdout)}["acme"]
    assert acme == {
        "name": "acme",
        "hooks": ["register_backends", "register_commands", "register_formats", "register_reports"],
        "distribution": "acme-exchange",
        "version": "0.1.0",
    }
