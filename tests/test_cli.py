"""The command line so far: where, init, plugins, audit verify, and the error boundary."""

from __future__ import annotations

import importlib.metadata
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import exchange
from cli.main import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_where_prefers_db_over_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXCHANGE_DB", str(tmp_path / "env.db"))
    assert run("where")[1] == f"sqlite:///{tmp_path / 'env.db'}  (from EXCHANGE_DB)\n"
    assert run("--db", "memory:", "where")[1] == "memory:  (from --db)\n"
    monkeypatch.delenv("EXCHANGE_DB")
    code, out, _ = run("where")
    assert code == 0 and out.endswith("exchange.db  (from the default location)\n")


def test_init_creates_the_store(tmp_path: Path) -> None:
    path = tmp_path / "bureau.db"
    code, out, _ = run("--db", str(path), "init")
    assert code == 0 and "schema version" in out
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master")}
    assert {"schools", "teachers", "secondments", "changes"} <= tables
    assert run("--db", str(path), "init")[0] == 0  # a second init changes nothing


def test_plugins_lists_the_builtins() -> None:
    code, out, _ = run("plugins", "--json")
    names = {p["name"] for p in json.loads(out)}
    assert code == 0 and {"backends.memory", "backends.sqlite", "plugins.formats"} <= names


def test_audit_verify_names_the_broken_entry(tmp_path: Path) -> None:
    from exchange import School, Tracker

    path = tmp_path / "audit.db"
    with Tracker.open(f"sqlite:///{path}") as tracker:
        for name in ("甲", "乙", "丙"):
            tracker.add(School(name=name, region="丹巴县", stage="小学"))
    assert (
        run("--db", str(path), "audit", "verify")[1]
        == "change log intact: 3 entries; 3 records match it\n"
    )
    conn = sqlite3.connect(path)
    for (trigger,) in conn.execute("select name from sqlite_master where type='trigger'"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("UPDATE changes SET after = replace(after, '乙', '丁') WHERE id = 2")
    conn.commit()
    code, out, err = run("--db", str(path), "audit", "verify")
    assert code == 1 and out == ""
    assert err == "Error: change log entry 2 was edited after it was written\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db", "mysql://x", "init"], "unknown backend scheme 'mysql'"),
        (["--db", "/no/such/folder/x.db", "init"], "/no/such/folder"),
    ],
)
def test_refusals_are_one_line_with_exit_1(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


def test_unknown_option_is_usage_error() -> None:
    code, _, err = run("init", "--colour")
    assert code == 2 and "No such option" in err


def test_installed_command_runs_in_a_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "exchange"
    env = {**os.environ, "EXCHANGE_DB": str(tmp_path / "sub.db")}
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    # one version number, exchange.__version__, read by setup.cfg into the metadata
    installed = importlib.metadata.version("teacher-exchange")
    assert installed == exchange.__version__
    assert version.stdout == f"exchange, version {exchange.__version__}\n"
    init = subprocess.run([exe, "init"], capture_output=True, text=True, env=env, check=True)
    assert str(tmp_path / "sub.db") in init.stdout
    bad = subprocess.run([exe, "--db", "nope://", "init"], capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_lazy_commands_match_their_modules() -> None:
    import importlib

    from cli.main import LAZY_COMMANDS

    for name, (where, summary) in LAZY_COMMANDS.items():
        module, _, attribute = where.partition(":")
        command = getattr(importlib.import_module(module), attribute or name)
        assert command.name == name
        assert (command.help or "").strip().splitlines()[0] == summary


def test_help_loads_neither_the_library_nor_plugins() -> None:
    script = (
        "import sys\n"
        "from cli.main import cli\n"
        "cli.main(['--help'], standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('exchange', 'pluggy', 'attrs', 'cli')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == (
        "['cli', 'cli.help', 'cli.i18n', 'cli.main', 'cli.output', 'cli.state']"
    )


def test_installed_exchange_demo_runs_in_a_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "exchange"
    env = {**os.environ, "EXCHANGE_DB": str(tmp_path / "untouched.db"), "LANG": "zh_CN.UTF-8"}
    demo = subprocess.run(
        [exe, "demo", "--keep", str(tmp_path / "demo.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stderr
    assert "长沙" in demo.stdout and "Traceback" not in demo.stderr
    for title in ("工作总览", "结对覆盖", "师徒结对", "考核评价", "经费"):  # in Chinese, from LANG
        assert f"== {title} " in demo.stdout
    assert not (tmp_path / "untouched.db").exists()
    listed = subprocess.run(
        [exe, "--db", str(tmp_path / "demo.db"), "secondment", "list", "--csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.count("completed") == 21


def test_shell_completion_offers_commands_and_subcommands() -> None:
    exe = Path(sys.executable).parent / "exchange"

    def complete(words: str) -> str:
        env = {
            **os.environ,
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
            "_EXCHANGE_COMPLETE": "bash_complete",
        }
        return subprocess.run([exe], capture_output=True, text=True, env=env).stdout

    assert complete("exchange sec").split() == ["plain,secondment"]
    assert complete("exchange secondment ap").split() == ["plain,approve"]
    script = subprocess.run(
        [exe],
        capture_output=True,
        text=True,
        env={**os.environ, "_EXCHANGE_COMPLETE": "bash_source"},
    ).stdout
    assert "_exchange_completion" in script


def test_where_never_prints_a_password() -> None:
    url = "postgresql://coordinator:s3cret@db.example:5432/exchange"
    result = CliRunner().invoke(cli, ["--db", url, "where"])
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output and "db.example" in result.output
