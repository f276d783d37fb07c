"""The help of the commands in Chinese: every command's help and every option's, from the
``help`` catalogue, under ``--lang zh`` (or a Chinese ``LANG``), laid out in terminal
columns; English help exactly as click writes it; the catalogue matching the code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from click.testing import CliRunner
from test_i18n import FOLDER, compiled_differences, stale

import cli.main
from cli.help import (
    LocalizedCommand,
    LocalizedContext,
    display_width,
    localized_help,
    wrap_paragraphs,
    wrap_wide,
)
from cli.helptexts import commands, help_texts
from cli.i18n import speaking
from cli.main import LAZY_COMMANDS

HELP_PO, HELP_MO = FOLDER / "help.po", FOLDER / "help.mo"
CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
ZH = {"LANG": "zh_CN.UTF-8"}


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test from an English environment, whatever the machine's locale."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def read_help_po() -> Catalog:
    with HELP_PO.open("rb") as stream:
        return read_po(stream, locale="zh_CN", domain="help")


def page(*args: str, env: dict[str, str] | None = None) -> str:
    """``exchange ARGS --help`` as it prints (exit code 0)."""
    result = CliRunner().invoke(cli.main.cli, [*args, "--help"], env=env, prog_name="exchange")
    assert result.exit_code == 0, result.output
    return result.stdout


def examples(text: str) -> list[str]:
    """The command lines of the ``Example:`` blocks of a help page or text."""
    found, inside = [], False
    for line in text.splitlines():
        if line.strip() in ("Example:", "示例："):
            inside = True
        elif inside and line.startswith(" "):
            found.append(line.strip())
        else:
            inside = False
    return found


def command_paths() -> Iterator[list[str]]:
    """The words after ``exchange`` naming each command of the tree, the root's ``[]``."""
    for path, _command in commands():
        yield path.split()[1:]


# -- the catalogue ------------------------------------------------------------------------


def test_the_compiled_help_catalogue_is_what_its_po_file_compiles_to() -> None:
    assert compiled_differences(read_help_po(), HELP_MO) == [], stale(HELP_MO, HELP_PO)


def test_every_help_text_has_a_chinese_translation() -> None:
    """Each text a command shows as its help (or an option's), by where it is shown; the
    English is its msgid in help.po (`make catalogues` lists them in build/help.pot)."""
    translated = {entry.id for entry in read_help_po() if entry.id and entry.string}
    missing = [
        f"{places[0]}: {text!r}" for text, places in help_texts().items() if text not in translated
    ]
    assert missing == [], "no Chinese in help.po for:\n" + "\n".join(missing)


def test_no_entry_of_the_help_catalogue_is_stale() -> None:
    """An entry whose English no command shows any more (changed or removed)."""
    used = help_texts()
    stale_entries = [str(entry.id) for entry in read_help_po() if entry.id and entry.id not in used]
    assert stale_entries == [], "help.po entries no command uses:\n" + "\n".join(stale_entries)


def test_the_help_texts_are_the_commands_and_their_options() -> None:
    texts = help_texts()
    assert len({place.split(" (")[0] for places in texts.values() for place in places}) > 300
    assert texts["Show at most this many."][:2] == [
        "exchange activity list --limit",
        "exchange assessment list --limit",
    ]
    assert "exchange (short help of report)" in texts[LAZY_COMMANDS["report"][1]]
    assert "Show this message and exit." not in texts  # click's own: click.po


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    catalogue = read_help_po()
    missing = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert (missing, fuzzy) == ([], [])


def kept(text: str) -> list[str]:
    """What a translation keeps as the English has it: options (``--year``, ``-o``),
    code in backticks, ``{placeholders}``, words in capitals (metavars such as TEACHER,
    EXCHANGE_DB, CSV), file paths and URLs (``docs/matching.md``, ``sqlite:///FILE``)."""
    patterns = (
        r"(?<![\w-])--?[a-z][\w-]*",
        r"`[^`]+`",
        r"\{[^{}]*\}",
        r"\b[A-Z][A-Z0-9_]{2,}\b",
        r"[\w.-]*/[\w/.-]*\.\w+|\w+:/{2,3}[\w./-]*",
    )
    found = (m for pattern in patterns for m in re.findall(pattern, text, re.ASCII))
    return sorted(" ".join(m.split()) for m in found)


def prose(text: str) -> str:
    """``text`` without its ``\\b`` blocks."""
    return "\n\n".join(p for p in text.split("\n\n") if not p.startswith("\b"))


def test_a_translation_keeps_options_code_and_examples_as_written() -> None:
    wrong = []
    for entry in read_help_po():
        if not entry.id:
            continue
        english, chinese = str(entry.id), str(entry.string)
        if not set(kept(prose(english))) <= set(kept(prose(chinese))):
            wrong.append((english, set(kept(prose(english))) - set(kept(prose(chinese)))))
        if examples(english) != examples(chinese):
            wrong.append((english, "the Example lines differ"))
        if any("\n" in p for p in prose(chinese).split("\n\n")):
            wrong.append((english, "a paragraph of the translation spans lines"))
    assert wrong == []


def test_every_command_is_a_localized_command() -> None:
    """A command made without ``cls=LocalizedCommand`` (or a group's decorator) would
    show its help in English whatever the language."""
    plain = [path for path, command in commands() if not isinstance(command, LocalizedCommand)]
    assert plain == []


def test_the_lazy_commands_short_help_in_chinese_is_their_own() -> None:
    """The root's list of commands shows the Chinese of ``LAZY_COMMANDS`` without importing
    them; once imported, a command shows the first sentence of its translated help."""
    with speaking("zh"):
        for name, (_where, summary) in LAZY_COMMANDS.items():
            command = cli.main.cli.get_command(click.Context(cli.main.cli), name)
            assert command is not None
            assert localized_help(summary) == command.get_short_help_str(limit=1000), name
            assert CJK.search(localized_help(summary)), name


# -- the pages ----------------------------------------------------------------------------


def test_a_command_page_in_chinese_keeps_its_examples() -> None:
    english, chinese = page("secondment", "add"), page("--lang", "zh", "secondment", "add")
    assert chinese.startswith("用法: exchange secondment add [OPTIONS] TEACHER HOST\n")
    assert "申报教师 TEACHER 到接收学校 HOST 交流" in chinese
    assert "  示例：\n      exchange secondment add T-001 ZF-05 --kind 支教 " in chinese
    assert examples(chinese) == examples(english) != []
    assert "  --kind TEXT         支教、跟岗、挂职或送教" in chinese
    assert "显示本帮助并退出。" in chinese
    for english_text in ("Propose a secondment", "First day", "Example:", "Show this message"):
        assert english_text not in chinese


def test_the_root_page_in_chinese() -> None:
    text = page("--lang", "zh")
    assert "  管理教师交流与师徒结对项目的记录。\n" in text
    assert "  secondment   教师交流（支教、跟岗、挂职、送教）及其状态流转。\n" in text
    assert "`exchange plugins` 列出已加载的插件" in text
    assert "  --actor NAME    变更日志中记录的操作人（默认：操作系统用户）。\n" in text
    assert examples(text) == examples(page()) == ["exchange --db bureau.db init", "exchange where"]


def test_a_group_page_lists_its_commands_in_chinese() -> None:
    text = page("--lang", "zh", "secondment")
    assert "  approve   拟派 → 已批准；该教师的这段时间从此被占用。\n" in text
    assert "  list      列出交流记录。\n" in text


def test_the_language_of_the_environment_gives_chinese_help() -> None:
    assert page("secondment", "list", env=ZH) == page("--lang", "zh", "secondment", "list")
    assert "仅限此接收学校（id 或编号）。" in page("secondment", "list", env=ZH)


def test_chinese_help_lines_fit_the_terminal() -> None:
    """Wrapped in columns, a Chinese character being two: no line of prose is wider than
    click's 80 (an Example line is as long as the English one)."""
    for words in command_paths():
        english = set(page(*words).splitlines())
        for line in page("--lang", "zh", *words).splitlines():
            assert line in english or display_width(line) <= 80, (words, line)


def test_english_help_is_what_click_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page in English, byte for byte as it is without the Chinese help: click's
    own formatter, the command's own text."""
    pages = {tuple(words): page("--lang", "en", *words) for words in command_paths()}
    assert {words: page(*words) for words in pages} == pages  # the environment's English
    monkeypatch.delattr(LocalizedCommand, "format_help")
    monkeypatch.delattr(LocalizedCommand, "get_short_help_str")
    monkeypatch.delattr(LocalizedContext, "make_formatter")
    monkeypatch.setattr(cli.main, "localized_help", lambda text: text)
    assert {words: page("--lang", "en", *words) for words in pages} == pages
    assert "Propose a secondment of TEACHER to the HOST school" in pages["secondment", "add"]


def test_the_commands_keep_their_english_help_after_a_chinese_page() -> None:
    assert "申报教师" in page("--lang", "zh", "secondment", "add")
    ctx = click.Context(cli.main.cli)
    group = cli.main.cli.get_command(ctx, "secondment")
    assert isinstance(group, click.Group)
    add = group.commands["add"]
    assert add.help is not None and add.help.startswith("Propose a secondment")
    assert [p.help for p in add.params if p.name == "kind"] == [
        "支教, 跟岗, 挂职 or 送教 (or support/shadow/post/visit)."
    ]


def test_chinese_help_loads_neither_the_library_nor_plugins() -> None:
    script = (
        "import sys\n"
        "from cli.main import cli\n"
        "cli.main(['--lang', 'zh', '--help'], standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('exchange', 'pluggy', 'attrs', 'cli')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "管理教师交流与师徒结对项目的记录" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == (
        "['cli', 'cli.help', 'cli.i18n', 'cli.main', 'cli.output', 'cli.state']"
    )


def test_the_installed_command_shows_chinese_help_under_a_chinese_locale() -> None:
    exe = Path(sys.executable).with_name("exchange")
    if not exe.exists():
        pytest.skip(f"no installed exchange command beside {sys.executable}")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")},
        "LANG": "zh_CN.UTF-8",
    }
    done = subprocess.run(
        [str(exe), "secondment", "add", "--help"], env=env, capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("用法: exchange secondment add [OPTIONS] TEACHER HOST\n")
    assert "申报教师 TEACHER 到接收学校 HOST 交流" in done.stdout
    assert "      exchange secondment add T-102 HY-BD --kind 跟岗 --from 2025-10-08" in done.stdout


def test_the_reports_list_their_shared_options_in_chinese(tmp_path: Path) -> None:
    args = ["--db", str(tmp_path / "bureau.db"), "--lang", "zh", "reports"]
    result = CliRunner().invoke(cli.main.cli, args)
    assert result.exit_code == 0, result.output
    assert "  --year INT     报表所针对的自然年度。\n" in result.stdout
    english = CliRunner().invoke(cli.main.cli, [*args[:2], "reports"]).stdout
    assert "  --year INT     The calendar year to report on.\n" in english


def test_a_chinese_short_help_too_long_for_its_list_ends_at_a_clause() -> None:
    with speaking("zh"):
        group = cli.main.cli.get_command(click.Context(cli.main.cli), "activity")
        assert isinstance(group, click.Group)
        attend = group.commands["attend"]
        assert attend.get_short_help_str(limit=1000) == (
            "登记教师 TEACHERS（id 或编号）参加了活动 KEY；要么全部登记，要么一个也不登记。"
        )
        assert (
            attend.get_short_help_str(limit=60) == "登记教师 TEACHERS（id 或编号）参加了活动 KEY…"
        )
        assert attend.get_short_help_str(limit=20) == "登记教师 TEACHERS…"
        add = group.commands["add"]  # its ， inside the brackets is no clause
        assert add.get_short_help_str(limit=62) == (
            "登记一项类型为 KIND（示范课、专题讲座、培训 …，也可用英文）…"
        )


# -- laying out Chinese -------------------------------------------------------------------


def test_wrapping_counts_a_chinese_character_as_two_columns() -> None:
    text = (
        "检查变更日志的哈希链，再核对每条记录是否与日志最后记载的一致、"
        "每次批量导入是否与其摘要相符。"
    )
    lines = wrap_wide(text, 30, "  ")
    assert "".join(line.strip() for line in lines) == text
    assert all(display_width(line) <= 30 for line in lines)
    assert all(line.startswith("  ") for line in lines)
    assert [display_width(line) for line in lines[:-1]] == [30] * (len(lines) - 1)


def test_wrapping_keeps_english_words_and_closing_punctuation_on_their_line() -> None:
    lines = wrap_wide("即 --format csv。用法见 `exchange formats`，共十个字。", 16)
    assert lines == ["即 --format", "csv。用法见", "`exchange", "formats`，共十个", "字。"]
    assert wrap_wide("一二三四五，", 10) == ["一二三四", "五，"]  # 五 goes down with the comma
    assert wrap_wide("一二三四（五六）七八", 10) == ["一二三四", "（五六）七", "八"]
    assert wrap_wide("--a-very-long-option-name，好", 10) == ["--a-very-long-option-name，", "好"]


def test_paragraphs_are_wrapped_apart_and_a_b_block_is_left_as_written() -> None:
    text = "第一段。\n\n\b\n示例：\n    exchange where --json\n\n  第二段缩进。"
    assert wrap_paragraphs(text, 40, "  ") == (
        "  第一段。\n\n  示例：\n      exchange where --json\n\n    第二段缩进。"
    )
