"""A new user's walkthrough: every ``--help`` example, in the order of one story, runs
on a fresh store, in English and in Chinese; so do the README's first-session commands.

The examples are read from the help texts themselves, so an example that names a
record no earlier example made, or a file nobody wrote, fails here. The bureau's own
spreadsheets (the files the story imports) are the only thing the test provides.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from backends.postgresql.testing import with_options
from cli.main import cli

STORY = [
    "exchange", "where", "init",
    "school add", "school list", "school show", "partnership add", "partnership list",
    "pairing add", "pairing list", "pairing show", "teacher add", "teacher list", "teacher show",
    "import", "programme add", "programme list", "programme show", "programme threshold",
    "mentor add", "mentor list", "mentor show", "mentor meet", "mentor code", "mentor confirm",
    "mentor correct", "mentor goal", "mentor reach", "mentor tree", "match mentors",
    "match placements", "match why",
    "secondment add", "secondment list", "secondment show", "secondment approve",
    "secondment start", "secondment extend", "secondment withdraw", "secondment complete",
    "secondment cancel", "teacher where", "school who",
    "activity add", "activity attend", "activity list",
    "rubric add", "rubric list", "rubric show", "assess", "assessment list",
    "budget allocate", "budget spend", "budget status", "mentor end", "purge", "retention",
    "reports", "report", "formats", "plugins", "export",
    "audit head", "audit verify", "backup", "copy", "browse", "demo",
    "users add", "users list", "users remove",
]  # fmt: skip
"""Every command whose help shows an example, in the order a bureau would run them."""

NEEDS_CSV = (
    "编号,接收学校,学科,名额,开始日期,结束日期,类型\n"
    "NEED-1,HY-BD,心理健康,1,2026-09-01,2026-12-31,跟岗\n"
)
"""A host school's stated need (岗位需求.csv), for the placement examples."""

APPLICATIONS_CSV = "编号,教师工号,年度,学科\nA-2026-1,T-104,2026,心理健康\n"
"""A teacher's application (交流申请.csv)."""

TEACHERS_CSV = "教师姓名,工号,所在学校,任教学科\n罗明,T-103,ZF-05,数学\n田静,T-104,ZF-05,心理健康\n"
"""The bureau's spreadsheet the import example names (教师名单.csv)."""

PROVINCE = "postgresql://exchange@db.example/province"
"""The example PostgreSQL store; the test server stands in for it."""


def commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix}{name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from commands(command, f"{path} ")


def examples(command: click.Command) -> list[str]:
    """The command lines under ``Example:`` in a help text, continuations joined."""
    text = command.help or ""
    if "Example:" not in text:
        return []
    block = text.split("Example:", 1)[1]
    lines = [line.strip() for line in block.replace("\\\n", " ").splitlines()]
    return [re.sub(r"\s+", " ", line) for line in lines if line]


def all_examples() -> dict[str, list[str]]:
    found = {"exchange": examples(cli)}
    found.update((path, examples(command)) for path, command in commands(cli))
    return {path: lines for path, lines in found.items() if lines}


def test_the_story_names_every_command_with_an_example_once() -> None:
    assert sorted(STORY) == sorted(all_examples())


def run_line(line: str, folder: Path, lang: str, postgres: str | None) -> str:
    """Run one example as a shell would: ``VAR=value`` prefixes, ``cat FILE |`` and
    ``> FILE`` are the only shell features the examples use."""
    stdin = None
    if line.startswith("cat "):
        name, line = line[4:].split(" | ", 1)
        stdin = (folder / name).read_bytes()
    words = shlex.split(line)
    env = {}
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    target = None
    if ">" in words:
        at = words.index(">")
        target, words = folder / words[at + 1], words[:at]
    assert words[0] == "exchange", line
    args = [postgres if w.startswith(PROVINCE) and postgres else w for w in words[1:]]
    if "browse" in args and "--get" not in args:
        args += ["--get", "/"]  # a server is checked by its first page, not left running
    result = CliRunner(env=env).invoke(cli, ["--lang", lang, *args], input=stdin)
    assert result.exit_code == 0, f"{line}\n{result.stderr}\n{result.exception!r}"
    if target is not None:
        target.write_text(result.stdout, encoding="utf-8")
    return result.stdout


@pytest.fixture
def story_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EXCHANGE_DB", "bureau.db")
    (tmp_path / "教师名单.csv").write_text(TEACHERS_CSV, encoding="utf-8")
    (tmp_path / "岗位需求.csv").write_text(NEEDS_CSV, encoding="utf-8")
    (tmp_path / "交流申请.csv").write_text(APPLICATIONS_CSV, encoding="utf-8")
    return tmp_path


@pytest.mark.postgresql
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_help_example_runs_in_story_order_on_a_fresh_store(
    story_folder: Path, lang: str, postgres_server: str
) -> None:
    found = all_examples()
    province = with_options(postgres_server, schema=f"story_{lang}")
    for path in STORY:
        for line in found[path]:
            run_line(line, story_folder, lang, province)


def readme_sessions() -> list[tuple[str, list[str]]]:
    """The README's console blocks: each command with the output lines it shows."""
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith("$ "):
                command = re.sub(r"\s+#.*$", "", line[2:]).strip()
                found.append((re.sub(r"\s+", " ", command), []))
            elif found and line.strip():
                found[-1][1].append(line.strip())
    return found


def test_readme_sessions_are_found() -> None:
    assert len(readme_sessions()) >= 15


def prepare_readme_files(folder: Path) -> None:
    """The spreadsheets the README's first session imports."""
    (folder / "schools.csv").write_text(
        "学校名称,所属地区,学段,代码\n惠阳区半岛学校,广东省惠州市惠阳区,初中,HY-BD\n"
        "贞丰县第五中学,贵州省黔西南州贞丰县,初中,ZF-05\n",
        encoding="utf-8",
    )
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["教师姓名", "工号", "所在学校", "任教学科", "联系电话"])
    sheet.append(["李老师", "T-001", "HY-BD", "数学", "13800000000"])
    book.save(folder / "teachers.xlsx")


@pytest.mark.postgresql
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_readme_first_session_runs_and_prints_what_it_shows(
    story_folder: Path, lang: str, postgres_server: str
) -> None:
    prepare_readme_files(story_folder)
    province = with_options(postgres_server, schema=f"readme_{lang}")
    for command, shown in readme_sessions():
        if command.startswith("export "):
            key, value = command.removeprefix("export ").split("=", 1)
            os.environ[key] = value  # the fixture's monkeypatch restores it
            continue
        if "_EXCHANGE_COMPLETE" in command or command.split()[0] not in ("exchange", "cat"):
            continue  # shell set-up: completion is tested in test_cli and test_plugin_docs
        output = run_line(command, story_folder, lang, province)
        if lang == "en":
            for line in shown:
                assert line in output, f"{command}: {line!r} not in\n{output}"
