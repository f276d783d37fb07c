"""The command line in Chinese and English: our messages, the library's errors and click's
own text follow ``--lang`` (else ``LANG``), and one invocation's language never leaks into
the next, nor into a program that uses click without ``exchange``."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import click.core
import pytest
from click.testing import CliRunner

from cli.i18n import environment_language, language_in
from cli.main import cli
from exchange.i18n import language

CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
SETUP = [
    ["school", "add", "惠阳区半岛学校", "--region", "惠阳区", "--stage", "初中", "--ref", "HY-BD"],
    ["school", "add", "贞丰县第五中学", "--region", "贞丰县", "--stage", "初中", "--rural",
     "--ref", "ZF-05"],
    ["teacher", "add", "陈志强", "--school", "HY-BD", "--subject", "数学", "--ref", "T-1"],
    ["secondment", "add", "T-1", "ZF-05", "--kind", "支教", "--from", "2025-09-01",
     "--to", "2026-01-16", "--ref", "S-1"],
    ["secondment", "approve", "S-1"],
    ["secondment", "add", "T-1", "ZF-05", "--kind", "跟岗", "--from", "2025-10-01",
     "--to", "2025-11-01", "--ref", "S-2"],
]  # fmt: skip
OVERLAP = ["secondment", "approve", "S-2"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "bureau.db"
    for args in SETUP:
        result = CliRunner().invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test from an English environment, whatever the machine's locale."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, prog_name="exchange")
    return result.exit_code, result.stdout, result.stderr


ZH = {"LANG": "zh_CN.UTF-8"}


# -- refused operations: exit 1, one line -----------------------------------------------


@pytest.mark.parametrize("how", ["--lang", "LANG"])
def test_an_overlapping_secondment_is_refused_in_chinese(db: Path, how: str) -> None:
    if how == "--lang":
        code, out, err = invoke("--db", str(db), "--lang", "zh", *OVERLAP)
    else:
        code, out, err = invoke("--db", str(db), *OVERLAP, env=ZH)
    assert (code, out) == (1, "")
    assert err == (
        "错误：教师 1 在 2025-09-01 至 2026-01-16 已在 贞丰县第五中学 交流（交流 1），"
        "与 2025-10-01 至 2025-11-01 时间重叠\n"
    )


def test_the_same_refusal_in_english_is_unchanged(db: Path) -> None:
    for args in (["--lang", "en"], []):
        code, out, err = invoke("--db", str(db), *args, *OVERLAP)
        assert (code, out) == (1, "")
        assert err == (
            "Error: teacher 1 is already seconded to 贞丰县第五中学 from 2025-09-01 to "
            "2026-01-16 (secondment 1), which overlaps 2025-10-01 to 2025-11-01\n"
        )


def test_an_unknown_school_in_chinese_and_english(db: Path) -> None:
    assert invoke("--db", str(db), "--lang", "zh", "school", "show", "NO-SUCH") == (
        1, "", "错误：没有编号为 'NO-SUCH' 的学校\n",
    )  # fmt: skip
    assert invoke("--db", str(db), "school", "show", "NO-SUCH") == (
        1, "", "Error: no school with ref 'NO-SUCH'\n",
    )  # fmt: skip


def test_a_lifecycle_refusal_names_the_statuses_in_chinese(db: Path) -> None:
    code, _, err = invoke("--db", str(db), "--lang", "zh", "secondment", "complete", "S-1")
    assert code == 1
    assert err.startswith("错误：交流 1 当前状态为“已批准”，不能改为“已完成”")
    assert len(err.splitlines()) == 1


# -- usage errors: exit 2, click's text ---------------------------------------------------


@pytest.mark.parametrize("env", [None, ZH], ids=["--lang", "LANG"])
def test_a_usage_error_is_in_chinese(env: dict[str, str] | None) -> None:
    args = ["school", "shw"] if env else ["--lang", "zh", "school", "shw"]
    code, out, err = invoke(*args, env=env)
    assert (code, out) == (2, "")
    usage, try_line, blank, error, end = err.split("\n")
    assert (usage, blank, end) == ("用法: exchange school [OPTIONS] COMMAND [ARGS]...", "", "")
    # click names its help option and suggests a command (or not) as its release does
    assert try_line in {f"运行 'exchange school {h}' 查看帮助。" for h in ("-h", "--help")}
    assert error in {"错误：没有命令 'shw'。", "错误：没有命令 'shw'。 是不是想用 'show'？"}


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (["--bogus"], "No such option", "没有选项"),
        (["school", "show"], "Missing argument 'KEY'", "缺少参数"),
        (["backup", "a.db", "b.db"], "Got unexpected extra argument (b.db)", "多余的参数（b.db）"),
        (["secondment", "list", "--year", "x"], "Invalid value for '--year'", "的值无效"),
    ],
)
def test_click_messages_follow_the_language(args: list[str], english: str, chinese: str) -> None:
    code, _, err = invoke("--lang", "zh", *args)
    assert code == 2
    assert chinese in err and "错误：" in err and "用法:" in err
    code, _, err = invoke(*args)
    assert code == 2
    assert "Usage:" in err and "Error:" in err
    assert english.split(" ")[0] in err
    assert not CJK.search(err)


def test_help_is_in_chinese_and_then_in_english_again() -> None:
    """click keeps the ``--help`` option it makes; its text must follow each invocation."""
    code, out, _ = invoke("--lang", "zh", "school", "add", "--help")
    assert code == 0
    assert "用法:" in out and "选项:" in out and "显示本帮助并退出。" in out
    code, out, _ = invoke("--lang", "zh", "--help")
    assert "命令:" in out and "显示版本并退出。" in out
    for args in (["school", "add", "--help"], ["--help"]):
        code, out, _ = invoke(*args)
        assert code == 0
        assert "Usage:" in out and "Options:" in out and "Show this message and exit." in out
        assert "显示" not in out and "用法" not in out


# -- confirmations ----------------------------------------------------------------------


def test_export_confirms_in_chinese_and_english(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "schools.csv"
    code, out, err = invoke("--db", str(db), "--lang", "zh", "export", "schools", "-o", str(target))
    assert (code, out, err) == (0, "", f"已将 学校 导出到 {target}\n")
    code, out, err = invoke("--db", str(db), "export", "schools", "-o", str(target), env=ZH)
    assert err == f"已将 学校 导出到 {target}\n"
    code, out, err = invoke("--db", str(db), "export", "schools", "-o", str(target))
    assert (code, out, err) == (0, "", f"exported schools to {target}\n")


def test_record_commands_confirm_in_chinese(db: Path) -> None:
    code, out, _ = invoke(
        "--db", str(db), "--lang", "zh", "school", "add", "贞丰县第一中学", "--region", "贞丰县",
        "--stage", "高中", "--ref", "ZF-01",
    )  # fmt: skip
    assert (code, out) == (0, "已添加学校 3 (ZF-01) 贞丰县第一中学\n")
    code, out, _ = invoke("--db", str(db), "--lang", "en", "secondment", "start", "S-1")
    assert (code, out) == (0, "started secondment 1 (S-1)\n")


def test_import_problems_are_listed_in_chinese(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "teachers.csv"
    source.write_text("name,school,ref\n李老师,NO-SUCH,T-9\n", encoding="utf-8")
    code, _, err = invoke(
        "--db", str(db), "--lang", "zh", "import", str(source), "--type", "teachers"
    )
    assert code == 1
    assert err.startswith(f"错误：{source}：未导入任何数据：第 2 行"), err  # one problem, one line
    assert len(err.splitlines()) == 1


# -- no leaks ---------------------------------------------------------------------------


def test_click_outside_an_invocation_is_untouched() -> None:
    """After a Chinese invocation, click (and gettext) speak as before, for other programs."""
    assert invoke("--lang", "zh", "--bogus")[0] == 2

    @click.command()
    @click.argument("name")
    def other(name: str) -> None:
        """Another program's command."""

    result = CliRunner().invoke(other, [])
    assert result.exit_code == 2
    assert "Usage:" in result.output and "Missing argument 'NAME'" in result.output
    assert click.core._("Usage:") == gettext.gettext("Usage:") == "Usage:"


def test_the_library_alone_does_not_touch_gettext() -> None:
    """Importing and using the library never changes the process's gettext."""
    code = (
        "import gettext, click.core\n"
        "from exchange import Tracker\n"
        "from exchange.errors import ExchangeError\n"
        "t = Tracker.open('memory:')\n"
        "try:\n"
        "    t.get(__import__('exchange').School, 'X')\n"
        "except ExchangeError as e:\n"
        "    assert str(e) == \"no school with ref 'X'\", e\n"
        "assert click.core._ is gettext.gettext\n"
        "assert gettext.textdomain() == 'messages'\n"
    )
    env = {**os.environ, "LANG": "zh_CN.UTF-8"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lang", "zh", "school", "list"], "zh"),
        (["--lang=zh", "where"], "zh"),
        (["--db", "x.db", "--lang", "zh"], "zh"),
        (["--db", "--lang", "en"], "en"),
        (["school", "list", "--lang", "zh"], "en"),  # not the root's option
        (["--lang", "fr", "where"], "en"),  # click reports the bad choice, in English
        ([], "en"),
    ],
)
def test_the_language_is_read_from_the_command_line(args: list[str], expected: str) -> None:
    assert language_in(args) == expected


@pytest.mark.parametrize(
    "value",
    ["zh_CN.UTF-8", "zh", "zh-TW", "en_GB.UTF-8", "C", "POSIX", "fr_FR", "", "中文", "zh_CN:en",
     " ZH_cn.gb18030"],
)  # fmt: skip
@pytest.mark.parametrize("name", ["LANGUAGE", "LC_ALL", "LANG"])
def test_the_cli_reads_the_environment_as_the_library_does(name: str, value: str) -> None:
    environ = {name: value, "LANG": "en_US.UTF-8"} if name != "LANG" else {name: value}
    assert environment_language(environ) == language(environ=environ)


# -- the installed command --------------------------------------------------------------


def test_the_installed_command_speaks_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("exchange")
    if not exe.exists():
        pytest.skip(f"no installed exchange command beside {sys.executable}")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")},
        "LANG": "zh_CN.UTF-8",
        "EXCHANGE_DB": str(tmp_path / "bureau.db"),
    }
    done = subprocess.run(
        [str(exe), "school", "show", "NO-SUCH"], env=env, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "错误：没有编号为 'NO-SUCH' 的学校\n"
    done = subprocess.run([str(exe), "nope"], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.endswith("错误：没有命令 'nope'。\n")
